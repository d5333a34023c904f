import { isIPv4, isIPv6 } from 'node:net';

/**
 * The unit that shares the unauthenticated rate limit: an IPv4 address, or an IPv6 /64, since one host commonly
 * holds a whole /64 and could otherwise take a fresh budget with every address.
 */
export function clientAddress(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const bare = ip.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  const [left, right] = bare.split('::') as [string, string?];
  // An embedded IPv4 tail stands for two groups.
  const groups = (part: string | undefined) => (part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : []);
  const head = groups(left);
  const tail = groups(right);
  const full = right === undefined ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return `${full
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
