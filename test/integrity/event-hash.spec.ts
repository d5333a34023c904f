import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from '../../src/common/canonical-json.js';
import type { JsonObject } from '../../src/common/json.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { chained, eventHash, GENESIS_HASH } from '../../src/integrity/event-hash.js';
import * as offline from '../../tools/verify-evidence.mjs';
import { EventStoreDbTestServer } from '../support/eventstoredb-test-server/eventstoredb-test-server.js';
import { tempDir } from '../support/temp-dir.js';

/** Scores as the programme records them: points with two decimals. */
const points = fc.integer({ min: 0, max: 10_000 }).map((hundredths) => hundredths / 100);
const eventData = fc.record({
  teamId: fc.string({ minLength: 1, maxLength: 40 }),
  scores: fc.dictionary(fc.string({ maxLength: 30 }), points, { maxKeys: 6 }),
  total: points,
  extra: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
}) as fc.Arbitrary<JsonObject>;
const eventMetadata = fc.record({
  actor: fc.record({ id: fc.string({ minLength: 1 }), role: fc.constantFrom('official', 'evaluator', 'admin') }),
  reason: fc.string({ maxLength: 200 }),
  legalBasis: fc.option(fc.string(), { nil: null }),
  occurredAt: fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString()),
}) as fc.Arbitrary<JsonObject>;

/** The canonicalize package's answer, or the error it throws (it refuses unpaired surrogates, as RFC 8785 does). */
const reference = (value: unknown): string | 'throws' => {
  try {
    return canonicalize(value) as string;
  } catch {
    return 'throws';
  }
};
const attempt = (canonical: (value: unknown) => string, value: unknown): string | 'throws' => {
  try {
    return canonical(value);
  } catch {
    return 'throws';
  }
};

describe('the canonical form of an event', () => {
  it.each([['ASCII', 'grapheme-ascii'], ['any grapheme', 'grapheme'], ['any code unit, unpaired surrogates among them', 'binary']] as const)(
    'is the canonicalize package\'s (RFC 8785), in the server and in the standalone verifier, for any JSON of %s strings',
    (_name, stringUnit) => {
      fc.assert(
        fc.property(fc.jsonValue({ stringUnit }), (value) => {
          const expected = reference(value);
          expect(attempt(canonicalJson, value)).toBe(expected);
          expect(attempt(offline.canonicalJson, value)).toBe(expected);
        }),
        { numRuns: 1500 },
      );
    },
  );

  it('refuses unpaired surrogates and numbers JSON cannot carry, in both', () => {
    for (const value of [{ a: '\ud800' }, ['x\udc00'], { '\udbff': 1 }, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(attempt(canonicalJson, value)).toBe('throws');
      expect(attempt(offline.canonicalJson, value)).toBe('throws');
    }
    expect(canonicalJson({ smile: '😀', a: [1.5, -0, 1e21, 0.1 + 0.2] })).toBe('{"a":[1.5,0,1e+21,0.30000000000000004],"smile":"😀"}');
  });

  it('gives the same hash in the standalone verifier as in the server', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.string(), eventData, eventMetadata, (streamId, revision, type, data, metadata) => {
        expect(offline.eventHash({ streamId, revision, type, data, metadata })).toBe(eventHash({ streamId, revision, type, data, metadata }));
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the order of the members, and covers everything but the hash itself', () => {
    const base = { streamId: 'program-x', revision: 3, type: 'ScoreRecorded', data: { a: 1, b: 33.6 }, metadata: { reason: 'r', prevHash: GENESIS_HASH } };
    const hash = eventHash(base);
    expect(eventHash({ ...base, data: { b: 33.6, a: 1 } })).toBe(hash);
    expect(eventHash({ ...base, metadata: { ...base.metadata, hash: 'anything' } })).toBe(hash);
    for (const changed of [{ streamId: 'program-y' }, { revision: 4 }, { type: 'ScoreCorrected' }, { data: { a: 1, b: 33.61 } }, { metadata: { reason: 'r', prevHash: '1'.repeat(64) } }]) {
      expect(eventHash({ ...base, ...changed })).not.toBe(hash);
    }
  });
});

describe.each([
  ['the embedded store', async () => {
    const dir = tempDir('docket-hash-');
    const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    return { store, dispose: async () => { await store.close(); dir.remove(); } };
  }],
  ['EventStoreDB (protocol-level test server)', async () => {
    const server = await EventStoreDbTestServer.start();
    const store = new EventStoreDbEventStore({ connectionString: server.connectionString });
    return { store, dispose: async () => { await store.close(); await server.stop(); } };
  }],
] as Array<[string, () => Promise<{ store: EventStore; dispose: () => Promise<void> }>]>)('through %s and back', (_name, open) => {
  let store: EventStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await open());
  });
  afterAll(async () => {
    await dispose();
  });

  it('every recorded event still hashes to the hash it was appended with, and chains to the one before', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(eventData, eventMetadata), { minLength: 1, maxLength: 4 }), async (batch) => {
        const streamId = `program-${randomUUID()}`;
        const events = chained(streamId, 0, GENESIS_HASH, batch.map(([data, metadata]) => ({ eventId: randomUUID(), type: 'ScoreRecorded', data, metadata })));
        await store.append(streamId, events, { expectedRevision: 'no-stream' });
        let previous = GENESIS_HASH;
        for await (const recorded of store.readStream(streamId)) {
          expect(recorded.metadata.prevHash).toBe(previous);
          expect(eventHash(recorded)).toBe(recorded.metadata.hash);
          expect(offline.eventHash(recorded)).toBe(recorded.metadata.hash);
          previous = recorded.metadata.hash as string;
        }
        expect(previous).toBe(events.at(-1)!.metadata.hash);
      }),
      { numRuns: 150 },
    );
  });
});
