/**
 * `npm run test:esdb`: the event-store contract against a real EventStoreDB (or KurrentDB) at
 * EVENTSTORE_CONNECTION_STRING, e.g. after `docker compose up -d eventstore`. Not part of `npm test`, whose testMatch
 * (`test/**\/*.spec.ts`) does not see these `.esdb.ts` files.
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/esdb/**/*.esdb.ts'],
  testTimeout: 120_000,
};
