import { expect } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { CloudEvent } from 'cloudevents';

// ajv-formats is CommonJS: under native ESM its default export is the module object on some versions.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** A validator of the feed's CloudEvents compiled from the contract the server serves at /api/events/schema. */
export function contractValidator(contract: object): (event: unknown) => string | null {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  ajv.addKeyword('x-current-versions');
  addFormats(ajv);
  const validate = ajv.compile(contract);
  return (event) => (validate(event) ? null : ajv.errorsText(validate.errors));
}

/** Checks one SSE data line with the CloudEvents SDK (spec conformance) and against the served contract. */
export function expectValidCloudEvent(data: string | undefined, validate: (event: unknown) => string | null): Record<string, any> {
  expect(typeof data).toBe('string');
  const parsed = JSON.parse(data!) as Record<string, any>;
  const sdk = new CloudEvent(parsed, true);
  expect(sdk.validate()).toBe(true);
  expect(sdk.specversion).toBe('1.0');
  expect(validate(parsed)).toBeNull();
  return parsed;
}
