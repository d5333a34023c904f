export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Why a value is not plain JSON (the path of the first offending part), or null when it is. Plain JSON means what
 * `JSON.parse(JSON.stringify(v))` gives back unchanged: no undefined, bigint, function, symbol, non-finite number,
 * Date, Map, class instance or cycle.
 */
export function whyNotPlainJson(value: unknown, path = '$', seen = new Set<object>()): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is a non-finite number`;
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) return `${path} is a cycle`;
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            const why = whyNotPlainJson(value[i], `${path}[${i}]`, seen);
            if (why) return why;
          }
          return null;
        }
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) return `${path} is not a plain object`;
        for (const [key, item] of Object.entries(value)) {
          const why = whyNotPlainJson(item, `${path}.${key}`, seen);
          if (why) return why;
        }
        return null;
      } finally {
        seen.delete(value);
      }
    }
    default:
      return `${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}`;
  }
}
