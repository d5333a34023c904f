/**
 * TEST FIXTURE: an in-process gRPC server speaking EventStoreDB's wire protocol, so the real `@eventstore/db-client`
 * can be tested over a loopback socket where no EventStoreDB (and no Docker) exists. Events live in memory only.
 *
 * Implements:
 * - `ServerFeatures.GetSupportedMethods`: lists Streams.Read and Streams.Append only, so the client uses plain
 *   `Append` (never `BatchAppend`).
 * - `Streams.Append`: expected revision `any` / `no_stream` / `stream_exists` / a revision; conflicts answered in the
 *   response's `wrong_expected_version` (the client throws `WrongExpectedVersionError` with the actual revision);
 *   EventStoreDB's idempotency (the same event ids where the append would have put them succeed again without
 *   writing, returning the original revision and position); the maximum append size (1 MiB by default).
 * - `Streams.Read` of a stream (forwards from a revision inclusive, backwards from a revision inclusive, start/end,
 *   count); an unknown stream answers the `stream_not_found` message (the client throws `StreamNotFoundError`).
 * - `Streams.Read` of `$all`: forwards from a position *inclusive*, backwards from a position *exclusive* (as the
 *   real server pages), start/end, count, optional filter.
 * - Subscriptions (a Read with the subscription option) to a stream or to `$all`: `confirmation`, then the events
 *   after the *exclusive* start, then `caught_up` (servers ≥ 23.10), then live events; `$all` filters on event type
 *   or stream name (prefixes or regex) with `checkpoint` messages every (multiplier × search window, 32 by default)
 *   considered events, or `no_filter`. The log itself is every subscriber's queue: each subscription keeps its own
 *   cursor and honours gRPC back-pressure (`write()` false → wait for `drain`), so appends never wait for readers.
 * - Test controls: `dropConnections()` (UNAVAILABLE status / clean end / TCP reset), `restart()` on the same port
 *   keeping the events, `failNextAppends()`, `appendDirectly()` (e.g. for `$`-prefixed system events). The public
 *   port is a TCP relay in front of the gRPC server (see front-door.ts), so connections can really be cut.
 *
 * Positions: every event gets its own position from a counter advancing by `positionStep` (10 by default, so
 * positions are not contiguous, as the byte offsets of a real server are not), and commit === prepare, as on a current
 * server where every write commits itself. Stream reads carry positions too, as current servers do.
 *
 * Not implemented (UNIMPLEMENTED or ignored): BatchAppend, Delete, Tombstone, stream metadata semantics
 * (`$$stream` is an ordinary stream), link resolution, persistent subscriptions, projections, users, gossip,
 * authentication, TLS, structured UUIDs in responses, the "consumer too slow" drop, system events of a real node.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { sendUnaryData, ServerReadableStream, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { appendResponse, parseAppend } from './appends.js';
import { EventLog, type StoredEvent } from './event-log.js';
import { FrontDoor } from './front-door.js';
import {
  grpcError,
  serverFeaturesPb,
  ServerFeaturesService,
  StreamsService,
  type AppendReq,
  type AppendResp,
  type ReadReq,
  type ReadResp,
} from './protocol.js';
import { readResponses } from './reads.js';

export type { StoredEvent } from './event-log.js';

export interface EventStoreDbTestServerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Distance between consecutive positions. Default 10n. */
  positionStep?: bigint;
  /** Bytes of data + metadata + type one append may carry. Default 1 MiB, as EventStoreDB's default. */
  maxAppendSize?: number;
  /** Send `caught_up` to subscribers (servers ≥ 23.10 do). Default true. */
  sendCaughtUp?: boolean;
}

/**
 * How `dropConnections` ends the open calls: `error` ends each with status UNAVAILABLE (a subscription emits
 * `UnavailableError`); `clean` ends subscriptions with status OK, as a real server sometimes does (the client's
 * subscription just ends, with no error), and other calls as `error` does; `network` resets every TCP connection, as
 * a crashed node or a network failure does (the client sees UNAVAILABLE, ECONNRESET, and reconnects for its next call).
 */
export type DropMode = 'error' | 'clean' | 'network';

export interface AppendFailure {
  /** Apply the append, then fail the call anyway: the "written but the answer was lost" case. Default false. */
  afterWrite?: boolean;
  /** Default UNAVAILABLE. */
  code?: status;
  /**
   * Answer as a cluster node that is not the leader (during an election): the `not-leader` exception with this
   * server as the leader's endpoint, which the client raises as `NotLeaderError` and reconnects to.
   */
  notLeader?: boolean;
}

export interface DirectEvent {
  type: string;
  /** JSON-serialisable. Default `{}`. */
  data?: unknown;
  metadata?: unknown;
  /** Default: a random UUID. */
  eventId?: string;
}

interface OpenCall {
  subscription: boolean;
  end(how: 'error' | 'clean' | 'silent'): void;
}

const HOST = '127.0.0.1';

export class EventStoreDbTestServer {
  private readonly grpcServer = new Server();
  private frontDoor: FrontDoor | undefined;
  private publicPort = 0;
  private readonly log: EventLog;
  private readonly openCalls = new Set<OpenCall>();
  private readonly appendFailures: Required<AppendFailure>[] = [];

  private constructor(private readonly options: Required<Omit<EventStoreDbTestServerOptions, 'port'>>) {
    this.log = new EventLog(options.positionStep);
  }

  static async start(options: EventStoreDbTestServerOptions = {}): Promise<EventStoreDbTestServer> {
    const server = new EventStoreDbTestServer({
      positionStep: options.positionStep ?? 10n,
      maxAppendSize: options.maxAppendSize ?? 1024 * 1024,
      sendCaughtUp: options.sendCaughtUp ?? true,
    });
    await server.listen(options.port ?? 0);
    return server;
  }

  get port(): number {
    return this.publicPort;
  }

  get connectionString(): string {
    return `esdb://${HOST}:${this.publicPort}?tls=false`;
  }

  /** Every stored event in position order. */
  get events(): readonly StoredEvent[] {
    return this.log.all;
  }

  /** Number of subscriptions currently open on the server. */
  get subscriptionCount(): number {
    return [...this.openCalls].filter((call) => call.subscription).length;
  }

  /** Appends (expected revision `any`) without going through gRPC, e.g. to add the `$`-events a real node writes. */
  appendDirectly(stream: string, events: readonly DirectEvent[]): StoredEvent[] {
    const json = (value: unknown) =>
      value === undefined ? new Uint8Array() : new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));
    const proposed = events.map((event) => ({
      eventId: event.eventId ?? randomUUID(),
      type: event.type,
      contentType: 'application/json',
      data: json(event.data ?? {}),
      metadata: json(event.metadata),
    }));
    const outcome = this.log.append(stream, { kind: 'any' }, proposed);
    return outcome.kind === 'success' ? outcome.written : [];
  }

  /** The next `count` Append calls fail with `code` (UNAVAILABLE by default), before or after writing. */
  failNextAppends(count: number, failure: AppendFailure = {}): void {
    for (let i = 0; i < count; i++) {
      this.appendFailures.push({ afterWrite: failure.afterWrite ?? false, code: failure.code ?? status.UNAVAILABLE, notLeader: failure.notLeader ?? false });
    }
  }

  /** Ends every open call (reads, subscriptions, appends in flight); the server keeps listening. */
  dropConnections(mode: DropMode = 'error'): void {
    for (const call of [...this.openCalls]) call.end(mode === 'network' ? 'silent' : mode);
    if (mode === 'network') this.frontDoor?.cut();
  }

  /**
   * Stops listening, resetting every connection (the client sees UNAVAILABLE), and after `downtimeMs` (calls made
   * meanwhile are refused) listens again on the same port. The events stay.
   */
  async restart({ downtimeMs = 0 }: { downtimeMs?: number } = {}): Promise<void> {
    for (const call of [...this.openCalls]) call.end('silent');
    await this.frontDoor!.close();
    if (downtimeMs > 0) await delay(downtimeMs);
    await this.frontDoor!.open(this.publicPort);
  }

  async stop(): Promise<void> {
    for (const call of [...this.openCalls]) call.end('silent');
    await this.frontDoor?.close();
    this.frontDoor = undefined;
    this.grpcServer.forceShutdown();
  }

  private async listen(port: number): Promise<void> {
    this.grpcServer.addService(ServerFeaturesService, { getSupportedMethods: this.supportedMethods });
    this.grpcServer.addService(StreamsService, { read: this.read, append: this.append });
    const grpcPort = await new Promise<number>((resolve, reject) =>
      this.grpcServer.bindAsync(`${HOST}:0`, ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.frontDoor = new FrontDoor(HOST, grpcPort);
    this.publicPort = await this.frontDoor.open(port);
  }

  private readonly supportedMethods = (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const method = (service: string, name: string) => {
      const supported = new serverFeaturesPb.SupportedMethod();
      supported.setServiceName(service);
      supported.setMethodName(name);
      return supported;
    };
    const methods = new serverFeaturesPb.SupportedMethods();
    methods.setEventStoreServerVersion('24.10.0-test-fixture');
    methods.setMethodsList([
      method('event_store.client.streams.Streams', 'Read'),
      method('event_store.client.streams.Streams', 'Append'),
      method('event_store.client.server_features.ServerFeatures', 'GetSupportedMethods'),
    ]);
    callback(null, methods);
  };

  private readonly read = (call: ServerWritableStream<ReadReq, ReadResp>): void => {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', grpcError(status.INVALID_ARGUMENT, "'options' is a required argument"));
      return;
    }
    const subscription = options.hasSubscription();
    const abort = new AbortController();
    const open: OpenCall = {
      subscription,
      end: (how) => {
        if (abort.signal.aborted) return;
        abort.abort();
        // A clean end is what a real server sometimes does to a subscription; a one-off read it never cuts short.
        if (how === 'clean' && subscription) call.end();
        else if (how !== 'silent') call.emit('error', dropped());
      },
    };
    this.openCalls.add(open);
    call.on('cancelled', () => abort.abort());
    const responses = readResponses(this.log, options, abort.signal, this.options.sendCaughtUp);
    void this.writeAll(call, responses, abort.signal).finally(() => this.openCalls.delete(open));
  };

  /** Writes every response, waiting for `drain` whenever gRPC says its buffer is full. */
  private async writeAll(
    call: ServerWritableStream<ReadReq, ReadResp>,
    responses: AsyncIterable<ReadResp>,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      for await (const response of responses) {
        if (signal.aborted) return;
        if (!call.write(response)) await drained(call, signal);
      }
      if (!signal.aborted) call.end();
    } catch (error) {
      if (!signal.aborted) call.emit('error', grpcError(status.UNKNOWN, String(error)));
    }
  }

  private readonly append = (call: ServerReadableStream<AppendReq, AppendResp>, reply: sendUnaryData<AppendResp>) => {
    const messages: AppendReq[] = [];
    let answered = false;
    const open: OpenCall = {
      subscription: false,
      end: (how) => respond(how === 'silent' ? undefined : dropped()),
    };
    const respond = (error?: Error, response?: AppendResp) => {
      if (answered) return;
      answered = true;
      this.openCalls.delete(open);
      if (error) reply(error);
      else if (response) reply(null, response);
    };
    this.openCalls.add(open);
    call.on('data', (message: AppendReq) => messages.push(message));
    call.on('end', () => {
      try {
        const [error, response] = this.applyAppend(messages);
        respond(error, response);
      } catch (error) {
        respond(grpcError(status.UNKNOWN, String(error)));
      }
    });
    call.on('cancelled', () => respond());
    call.on('error', () => respond());
  };

  private applyAppend(messages: readonly AppendReq[]): [Error | undefined, AppendResp | undefined] {
    const request = parseAppend(messages, this.options.maxAppendSize);
    if (request instanceof Error) return [request, undefined];
    const failure = this.appendFailures.shift();
    const failed = () =>
      failure!.notLeader
        ? grpcError(status.NOT_FOUND, 'Leader info available', { exception: 'not-leader', 'leader-endpoint-host': '127.0.0.1', 'leader-endpoint-port': String(this.port) })
        : grpcError(failure!.code, 'Append failed by the test server (failNextAppends)');
    if (failure && !failure.afterWrite) return [failed(), undefined];
    const outcome = this.log.append(request.stream, request.expected, request.events);
    if (failure) return [failed(), undefined];
    return [undefined, appendResponse(outcome, request.expected)];
  }
}

const dropped = () => grpcError(status.UNAVAILABLE, 'Connection dropped by the test server');

function drained(call: ServerWritableStream<ReadReq, ReadResp>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    if (signal.aborted) return resolve();
    call.on('drain', done);
    call.on('close', done);
    signal.addEventListener('abort', done);
  });
}
