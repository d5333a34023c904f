import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { CHECKPOINT_STREAM } from '../../integrity/checkpoint.js';
import { type LoggedCheckpoint, loggedCheckpoint } from '../../integrity/log-verifier.js';

/**
 * The signed checkpoints as the event store holds them, in order, read once and then only the new ones: a checkpoint
 * is never changed, and the stream only grows (another instance may append to it too).
 */
@Injectable()
export class CheckpointLog {
  private readonly known: LoggedCheckpoint[] = [];

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async all(): Promise<readonly LoggedCheckpoint[]> {
    for await (const event of this.store.readStream(CHECKPOINT_STREAM, { fromRevision: this.known.length })) this.known.push(loggedCheckpoint(event));
    return this.known;
  }

  async latest(): Promise<LoggedCheckpoint | null> {
    return (await this.all()).at(-1) ?? null;
  }

  /** The latest checkpoint of a tree of `size` events, or null. */
  async ofSize(size: number): Promise<LoggedCheckpoint | null> {
    return (await this.all()).findLast((checkpoint) => checkpoint.treeSize === size) ?? null;
  }
}
