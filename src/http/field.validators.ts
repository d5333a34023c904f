import { applyDecorators } from '@nestjs/common';
import { IsDefined, ValidateBy, ValidateIf, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** The rules of API.md's conventions that class-validator does not have, as decorators and as plain checks. */

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const FREE_TEXT_MAX = 2000;

/**
 * Refused in free text: the Cc category (C0, DEL, C1) except newline and tab, as API.md says; also the bidirectional
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make a reason or a name display in another
 * order than it is stored ("Trojan Source"), in a record that auditors and the press read; and unpaired surrogates,
 * which cannot be stored as UTF-8. Other format characters (ZWJ, ZWNJ, LRM, RLM) stay allowed: real names need them.
 */
const UNSAFE_TEXT = /(?![\n\t])[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;

/** RFC 3339 `date-time` with a mandatory offset (`Z` or `±hh:mm`); upper-case `T` and `Z`, as JavaScript parses them. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

export function isRfc3339WithOffset(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Date.parse rolls 2025-02-30 over into March and takes 24:00; the calendar is checked field by field instead.
  // A leap second (:60) is refused: JavaScript dates cannot represent it, so it could not be recorded faithfully.
  // Years before 1970 have no place in this record, and Date.UTC maps years 0-99 to 1900-1999.
  if (year < 1970) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (match[8] !== 'Z' && (Number(match[9]) > 23 || Number(match[10]) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
}

/** Whether `points` has at most two decimals, allowing the noise of binary floating point (0.1 + 0.2). */
export function hasAtMostTwoDecimals(value: number): boolean {
  const hundredths = value * 100;
  return Math.abs(hundredths - Math.round(hundredths)) <= Math.max(1, Math.abs(hundredths)) * 1e-12;
}

/** The value a client meant when floating point added noise: 0.30000000000000004 is recorded as 0.3. */
export function toHundredths(value: number): number {
  return Math.round(value * 100) / 100 + 0;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Optional, but `null` is not "absent": `IsOptional` would let null through into the command. */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}

export function Required(): PropertyDecorator {
  return IsDefined({
    message: (args: ValidationArguments) => (args.value === null ? `${args.property} must not be null` : `${args.property} is required`),
  });
}

/** `each` validates every element of an array field; the messages then say so. */
function subject(args: ValidationArguments | undefined, options: ValidationOptions): string {
  return options.each ? `each of ${args?.property}` : `${args?.property}`;
}

export function SafeText(options: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'safeText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !UNSAFE_TEXT.test(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${subject(args, options)} must not contain control characters other than newline and tab, bidirectional overrides or unpaired surrogates`,
      },
    },
    options,
  );
}

/** Counts characters as code points, so a name in a script outside the BMP is not cut at half its length. */
export function CharacterLength(min: number, max: number, options: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'characterLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && countCodePoints(value) >= min && countCodePoints(value) <= max,
        defaultMessage: (args?: ValidationArguments) => `${subject(args, options)} must be ${min} to ${max} characters long`,
      },
    },
    options,
  );
}

export function IsRfc3339(): PropertyDecorator {
  return ValidateBy({
    name: 'rfc3339',
    validator: {
      validate: isRfc3339WithOffset,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be an RFC 3339 date-time with an offset, such as 2026-01-15T10:00:00+09:00`,
    },
  });
}

export function TwoDecimals(): PropertyDecorator {
  return ValidateBy({
    name: 'twoDecimals',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && hasAtMostTwoDecimals(value),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must have at most two decimals`,
    },
  });
}

/** Elements that are not objects are left to the nested validation, which names them better. */
export function UniqueBy(key: string): PropertyDecorator {
  return ValidateBy({
    name: 'uniqueBy',
    constraints: [key],
    validator: {
      validate: (value: unknown) => {
        if (!Array.isArray(value)) return true;
        const seen = value.map((item: unknown) => (item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined));
        const named = seen.filter((name): name is string => typeof name === 'string');
        return new Set(named).size === named.length;
      },
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must not name the same ${key} twice`,
    },
  });
}

/** `what` names the items in the message: "admit must not name the same team twice". */
export function UniqueItems(what: string): PropertyDecorator {
  return ValidateBy({
    name: 'uniqueItems',
    validator: {
      validate: (value: unknown) => !Array.isArray(value) || new Set(value).size === value.length,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must not name the same ${what} twice`,
    },
  });
}

/**
 * A field that belongs to one case of a body only (`round` with `ranking`): required in that case, refused in the
 * others, so that a body cannot say two things at once. `when` reads like "grounds is ranking" in the messages.
 */
export function OnlyWhen(applies: (body: Record<string, unknown>) => boolean, when: string): PropertyDecorator {
  return applyDecorators(
    ValidateIf((body: Record<string, unknown>, value: unknown) => applies(body) || value !== undefined),
    ValidateBy({
      name: 'onlyWhen',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => applies(args?.object as Record<string, unknown>) && value !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          applies(args?.object as Record<string, unknown>)
            ? `${args?.property} is required when ${when}`
            : `${args?.property} is allowed only when ${when}`,
      },
    }),
  );
}

/**
 * A number that must not exceed another field of the same body: winners are finalists until they win, so a
 * programme with more winner slots than finalist slots could never conclude. Only compared when the other field is
 * an integer within its own `[min, max]`; otherwise that field's own rules name the field that is wrong.
 */
export function NotAbove(other: string, [min, max]: [number, number]): PropertyDecorator {
  return ValidateBy({
    name: 'notAbove',
    constraints: [other],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const limit = (args?.object as Record<string, unknown> | undefined)?.[other];
        if (!Number.isInteger(value) || !Number.isInteger(limit) || (limit as number) < min || (limit as number) > max) return true;
        return (value as number) <= (limit as number);
      },
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must not be greater than ${other}`,
    },
  });
}
