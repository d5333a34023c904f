/**
 * RFC 8785 (JSON Canonicalization Scheme) of plain JSON values: object members sorted by the UTF-16 code units of
 * their names, no whitespace, strings and numbers as ECMAScript's `JSON.stringify` writes them (which is how the RFC
 * defines them), `undefined` members left out as JSON does. Throws on what has no canonical form: a number that is
 * not finite, a string with an unpaired surrogate, a value that is not JSON.
 *
 * Why not the `canonicalize` package, which the tests keep as the reference (test/integrity/event-hash.spec.ts
 * holds the two equal on random JSON): every event is canonicalised once when it is appended and once per
 * verification, and the package took 6.5 µs per event of the real history, a third of `verify`'s whole cost, where
 * this takes 2 µs (measured on the log of bench/evidence.bench.ts; the package checks every string for surrogates by
 * hand, tracks cycles in a Set and builds an array of parts per object; this quotes a string that needs no escape
 * itself, and keeps the JSON of member names). JSON parsed from a store or a request has no cycles.
 */
/** With the `u` flag a surrogate pair is one code point: only an unpaired surrogate is of category Cs. */
const UNPAIRED_SURROGATE = /\p{Cs}/u;
/** What `JSON.stringify` would escape in a string (or refuse, for canonical JSON): without any, quotes suffice. */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\p{Cs}]/u;

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return canonicalString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          out += (i > 0 ? ',' : '') + (item === undefined ? 'null' : canonicalJson(item));
        }
        return `${out}]`;
      }
      return canonicalObject(value as Record<string, unknown>);
    }
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`);
  }
}

/** The canonical JSON of an object, without the member named `omit` if given. */
export function canonicalObject(object: Record<string, unknown>, omit?: string): string {
  let out = '{';
  let first = true;
  for (const name of Object.keys(object).sort()) {
    const member = object[name];
    if (member === undefined || name === omit) continue;
    out += `${first ? '' : ','}${memberName(name)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

function canonicalString(value: string): string {
  if (!NEEDS_ESCAPING.test(value)) return `"${value}"`;
  if (UNPAIRED_SURROGATE.test(value)) throw new TypeError('a string with an unpaired surrogate has no canonical JSON form');
  return JSON.stringify(value);
}

/** Member names repeat from event to event (`teamId`, `actor`…): their JSON form is kept, for a bounded number. */
const NAMES = new Map<string, string>();
const NAMES_KEPT = 10_000;

function memberName(name: string): string {
  let written = NAMES.get(name);
  if (written === undefined) {
    written = canonicalString(name);
    if (NAMES.size < NAMES_KEPT) NAMES.set(name, written);
  }
  return written;
}
