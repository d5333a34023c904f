/** Positions over HTTP: canonical digit strings of a 64-bit signed integer (EventStoreDB's commit positions are large). */
export const POSITION_PATTERN = /^(0|[1-9][0-9]{0,18})$/;
export const MAX_POSITION = 2n ** 63n - 1n;

/** The position a digit string names, or null when it is not one. */
export function parsePosition(value: string): bigint | null {
  if (!POSITION_PATTERN.test(value)) return null;
  const position = BigInt(value);
  return position <= MAX_POSITION ? position : null;
}

export const POSITION_MESSAGE = 'must be a position: a string of digits without leading zeros, at most 9223372036854775807';
