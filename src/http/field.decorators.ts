import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsObject, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import {
  CharacterLength,
  FREE_TEXT_MAX,
  IsRfc3339,
  OnlyWhen,
  OptionalField,
  Required,
  SafeText,
  SLUG_PATTERN,
  TwoDecimals,
  UniqueItems,
} from './field.validators.js';

/**
 * API.md's field conventions, each as one decorator that states presence, type, rules and OpenAPI documentation
 * together: a DTO reads as a list of fields, and a rule and its documentation cannot drift apart.
 */

const SLUG_MESSAGE = 'must be a slug: lower-case letters and digits, words joined by single hyphens';

/**
 * A field is required unless `optional`, or `onlyWhen` one case of the body (then required in it, refused in the
 * others). The two are exclusive: an optional field's condition would skip the "required" check.
 */
type FieldDocs = Pick<ApiPropertyOptions, 'description' | 'example'> & {
  optional?: boolean;
  onlyWhen?: [applies: (body: Record<string, unknown>) => boolean, when: string];
};

function presence(docs: FieldDocs): PropertyDecorator {
  if (docs.onlyWhen) return OnlyWhen(...docs.onlyWhen);
  return docs.optional ? OptionalField() : Required();
}

function documented(docs: FieldDocs, schema: ApiPropertyOptions): PropertyDecorator {
  const { optional, onlyWhen, ...rest } = docs;
  return ApiProperty({ ...schema, ...rest, required: !optional && !onlyWhen } as ApiPropertyOptions);
}

export function SlugField(min: number, max: number, docs: FieldDocs): PropertyDecorator {
  return applyDecorators(
    presence(docs),
    IsString(),
    Matches(SLUG_PATTERN, { message: `$property ${SLUG_MESSAGE}` }),
    CharacterLength(min, max),
    documented(docs, { type: String, pattern: SLUG_PATTERN.source, minLength: min, maxLength: max }),
  );
}

export function FreeTextField(docs: FieldDocs & { max?: number }): PropertyDecorator {
  const { max = FREE_TEXT_MAX, ...rest } = docs;
  return applyDecorators(
    presence(rest),
    IsString(),
    CharacterLength(1, max),
    SafeText(),
    documented(rest, { type: String, minLength: 1, maxLength: max }),
  );
}

export function IntField(min: number, max: number, docs: FieldDocs): PropertyDecorator {
  return applyDecorators(presence(docs), IsInt(), Min(min), Max(max), documented(docs, { type: 'integer', minimum: min, maximum: max }));
}

export function PointsField(docs: FieldDocs): PropertyDecorator {
  return applyDecorators(
    presence(docs),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property must be a number' }),
    Min(0),
    TwoDecimals(),
    documented(docs, { type: 'number', minimum: 0, multipleOf: 0.01 }),
  );
}

export function TimestampField(docs: FieldDocs): PropertyDecorator {
  return applyDecorators(presence(docs), IsString(), IsRfc3339(), documented(docs, { type: String, format: 'date-time' }));
}

export function EnumField(values: readonly string[], docs: FieldDocs): PropertyDecorator {
  return applyDecorators(
    presence(docs),
    IsString(),
    IsIn([...values], { message: `$property must be one of: ${values.join(', ')}` }),
    documented(docs, { type: String, enum: [...values] }),
  );
}

/** An array of distinct team slugs, such as a wild-card's `admit`. */
export function SlugListField(items: { min: number; max: number }, slug: { min: number; max: number }, docs: FieldDocs): PropertyDecorator {
  return applyDecorators(
    presence(docs),
    IsArray(),
    ArrayMinSize(items.min),
    ArrayMaxSize(items.max),
    IsString({ each: true }),
    Matches(SLUG_PATTERN, { each: true, message: `each of $property ${SLUG_MESSAGE}` }),
    CharacterLength(slug.min, slug.max, { each: true }),
    UniqueItems('team'),
    documented(docs, {
      type: 'array',
      items: { type: 'string', pattern: SLUG_PATTERN.source, minLength: slug.min, maxLength: slug.max },
      minItems: items.min,
      maxItems: items.max,
      uniqueItems: true,
    }),
  );
}

/** An array of free texts, such as an application's `members`. */
export function FreeTextListField(items: { min: number; max: number }, docs: FieldDocs): PropertyDecorator {
  return applyDecorators(
    presence(docs),
    IsArray(),
    ArrayMinSize(items.min),
    ArrayMaxSize(items.max),
    IsString({ each: true }),
    CharacterLength(1, FREE_TEXT_MAX, { each: true }),
    SafeText({ each: true }),
    documented(docs, { type: 'array', items: { type: 'string', minLength: 1, maxLength: FREE_TEXT_MAX }, minItems: items.min, maxItems: items.max }),
  );
}

/**
 * An array of nested objects, each validated against its own class (and its unknown fields refused). The class is
 * passed lazily for class-transformer, but must be declared above its user: OpenAPI reads it when decorating.
 */
export function NestedListField(type: () => new () => object, items: { min: number; max: number }, docs: FieldDocs): PropertyDecorator {
  return applyDecorators(
    presence(docs),
    IsArray(),
    ArrayMinSize(items.min),
    ArrayMaxSize(items.max),
    ValidateNested({ each: true }),
    Type(type),
    documented(docs, { type: type(), isArray: true, minItems: items.min, maxItems: items.max }),
  );
}

export function NestedField(type: () => new () => object, docs: FieldDocs): PropertyDecorator {
  return applyDecorators(presence(docs), IsObject(), ValidateNested(), Type(type), documented(docs, { type: type() }));
}
