import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';
import { collect } from './event-store.contract.js';

interface Ack {
  streamId: string;
  eventIds: string[];
  position: string;
}

const child = fileURLToPath(new URL('./crash/append-until-killed.ts', import.meta.url));

/** Runs the appending child until it has acknowledged `acks` appends, then SIGKILLs it without warning. */
async function appendThenKill(filename: string, label: string, acks: number): Promise<Ack[]> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, filename, label], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
  const acknowledged: Ack[] = [];
  for await (const line of createInterface({ input: proc.stdout })) {
    acknowledged.push(JSON.parse(line) as Ack);
    if (acknowledged.length === acks) {
      proc.kill('SIGKILL');
      break;
    }
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`the child ended on its own (${signal}): ${stderr}`);
  return acknowledged;
}

describe('SQLite event store: an acknowledged append survives SIGKILL', () => {
  it('finds every acknowledged event after the writer is killed mid-stream, in order, with no torn append', async () => {
    const dir = tempDir();
    const filename = join(dir.path, 'events.sqlite');
    const acknowledged: Ack[] = [];
    // Three writers in turn, each killed at a different point of its work, on the same file.
    for (const [round, acks] of [[1, 150], [2, 400], [3, 777]] as const) {
      acknowledged.push(...(await appendThenKill(filename, `round-${round}`, acks)));
    }

    const store = new SqliteEventStore({ filename });
    const log = await collect(store.readAll());
    await store.close();
    dir.remove();

    const indexOf = new Map(log.map((event, i) => [event.eventId, i]));
    let previous = -1;
    for (const ack of acknowledged) {
      const found = ack.eventIds.map((id) => indexOf.get(id));
      expect(found.every((i) => i !== undefined)).toBe(true);
      // The append's events are contiguous in the log, after everything acknowledged before it.
      expect(found).toEqual(found.map((_, k) => found[0]! + k));
      expect(found[0]!).toBeGreaterThan(previous);
      expect(log[found.at(-1)!]!.position.toString()).toBe(ack.position);
      previous = found.at(-1)!;
    }
    // Whatever reached the log but was not acknowledged before the kill is still a whole append, never part of one.
    const appends = new Map<string, { size: number; indexes: number[] }>();
    for (const { data } of log) {
      const key = `${String(data['label'])}/${String(data['append'])}`;
      const entry = appends.get(key) ?? { size: data['size'] as number, indexes: [] };
      entry.indexes.push(data['index'] as number);
      appends.set(key, entry);
    }
    for (const [key, { size, indexes }] of appends) {
      expect({ key, indexes }).toEqual({ key, indexes: Array.from({ length: size }, (_, i) => i) });
    }
    expect(log.length).toBeGreaterThanOrEqual(acknowledged.reduce((n, ack) => n + ack.eventIds.length, 0));
  }, 60_000);
});
