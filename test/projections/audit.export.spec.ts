import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import type { ServerResponse } from 'node:http';
import { streamAuditExport } from '../../src/projections/audit/audit.export.js';
import { auditProjection } from '../../src/projections/audit/audit.projection.js';
import { AuditQueries } from '../../src/projections/audit/audit.queries.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { everyEventType, History, ProjectionHarness, tempReadModels } from './standings.fixtures.js';

/** A client that reads slowly: a writable with a small buffer whose chunks are taken one per tick. */
class SlowClient extends Writable {
  readonly chunks: string[] = [];
  readonly headers = new Map<string, string>();
  statusCode = 0;
  /** The most the export ever had waiting in the buffer. */
  peakBuffered = 0;

  constructor() {
    super({ highWaterMark: 16 * 1024, decodeStrings: false });
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  setHeader(name: string, value: string): this {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }

  override write(chunk: string): boolean {
    const ok = super.write(chunk);
    this.peakBuffered = Math.max(this.peakBuffered, this.writableLength);
    return ok;
  }

  override _write(chunk: string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    setImmediate(done);
  }
}

describe('audit export', () => {
  let store: { db: Database; close(): void };
  let queries: AuditQueries;
  let history: History;

  beforeEach(() => {
    store = tempReadModels();
    const harness = new ProjectionHarness(store.db, auditProjection);
    queries = new AuditQueries(store.db, harness.access());
    history = new History();
    for (let i = 0; i < 400; i += 1) everyEventType(history, i % 4 === 0 ? `other-${i}` : 'big');
    harness.apply(history.events);
  });
  afterEach(() => store.close());

  it("streams a programme's whole history as JSON Lines, waiting for a slow client instead of buffering", async () => {
    const client = new SlowClient();
    const finished = new Promise((resolve) => client.on('finish', resolve));
    await streamAuditExport(client as unknown as ServerResponse, queries, 'big', 'jsonl');
    await finished;
    const lines = client.chunks.join('').trimEnd().split('\n');
    const expected = history.events.filter((e) => e.streamId === 'program-big');
    expect(expected.length).toBeGreaterThan(9000);
    expect(lines.map((line) => (JSON.parse(line) as { position: string }).position)).toEqual(expected.map((e) => e.position.toString()));
    expect(client.statusCode).toBe(200);
    expect(client.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    // One page at most waits in memory: the whole export is several times larger.
    const total = client.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    expect(client.peakBuffered).toBeLessThan(total / 5);
  });

  it('writes a cell a spreadsheet would run as a formula as text, and every other cell as recorded', async () => {
    const hostile = ['=HYPERLINK("http://evil.example","open")', '+1+2', '-2+3', '@SUM(A1:A9)', '\tindented', '\r=1'];
    const fresh = tempReadModels();
    try {
      const harness = new ProjectionHarness(fresh.db, auditProjection);
      const h = new History();
      everyEventType(h, 'csv');
      const events = h.events.map((event, i) => (i < hostile.length ? { ...event, metadata: { ...event.metadata, reason: hostile[i]!, legalBasis: hostile[i]! } } : event));
      harness.apply(events);
      const client = new SlowClient();
      const finished = new Promise((resolve) => client.on('finish', resolve));
      await streamAuditExport(client as unknown as ServerResponse, new AuditQueries(fresh.db, harness.access()), 'csv', 'csv');
      await finished;
      const [header, ...rows] = parseCsv(client.chunks.join(''));
      const reason = header!.indexOf('reason');
      const legalBasis = header!.indexOf('legalBasis');
      expect(rows.slice(0, hostile.length).map((row) => row[reason])).toEqual(hostile.map((text) => `'${text}`));
      expect(rows.slice(0, hostile.length).map((row) => row[legalBasis])).toEqual(hostile.map((text) => `'${text}`));
      // Everything else, the JSON of `data` included, is untouched.
      expect(rows.slice(hostile.length).map((row) => row[reason])).toEqual(events.slice(hostile.length).map((event) => event.metadata['reason']));
      expect(rows.map((row) => JSON.parse(row[header!.indexOf('data')]!))).toEqual(events.map((event) => event.data));
    } finally {
      fresh.close();
    }
  });

  it('stops reading when the client goes away', async () => {
    const client = new SlowClient();
    const originalWrite = client.write.bind(client);
    let writes = 0;
    client.write = (chunk: string) => {
      writes += 1;
      if (writes === 1) setImmediate(() => client.destroy());
      return originalWrite(chunk) && false;
    };
    await streamAuditExport(client as unknown as ServerResponse, queries, 'big', 'csv');
    expect(writes).toBe(1);
  });
});
