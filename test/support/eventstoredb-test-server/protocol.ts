/**
 * Wire-level helpers of the EventStoreDB test fixture: the protobuf message classes and gRPC service definitions
 * shipped inside `@eventstore/db-client/generated/`, and conversions between them and the in-memory event log.
 *
 * The generated modules are CommonJS. They are loaded with Node's own `require` (not through an ESM import), so the
 * service definitions and the message classes the fixture builds responses with are always the very same instances:
 * the generated serialisers check `instanceof`.
 */
import { createRequire } from 'node:module';
import { Metadata, status } from '@grpc/grpc-js';
import type { ServerErrorResponse } from '@grpc/grpc-js';
import type { StoredEvent } from './event-log.js';

type StreamsPb = typeof import('@eventstore/db-client/generated/streams_pb.js');
type SharedPb = typeof import('@eventstore/db-client/generated/shared_pb.js');
type ServerFeaturesPb = typeof import('@eventstore/db-client/generated/serverfeatures_pb.js');
type StreamsGrpcPb = typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
type ServerFeaturesGrpcPb = typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js');

const require = createRequire(import.meta.url);
const generated = (name: string): unknown => require(`@eventstore/db-client/generated/${name}.js`);

export const streamsPb = generated('streams_pb') as StreamsPb;
export const sharedPb = generated('shared_pb') as SharedPb;
export const serverFeaturesPb = generated('serverfeatures_pb') as ServerFeaturesPb;
export const { StreamsService } = generated('streams_grpc_pb') as StreamsGrpcPb;
export const { ServerFeaturesService } = generated('serverfeatures_grpc_pb') as ServerFeaturesGrpcPb;

export type ReadReq = InstanceType<StreamsPb['ReadReq']>;
export type ReadResp = InstanceType<StreamsPb['ReadResp']>;
export type AppendReq = InstanceType<StreamsPb['AppendReq']>;
export type AppendResp = InstanceType<StreamsPb['AppendResp']>;
type ReadOptions = InstanceType<StreamsPb['ReadReq']['Options']>;
type FilterOptions = InstanceType<StreamsPb['ReadReq']['Options']['FilterOptions']>;
type Uuid = InstanceType<SharedPb['UUID']>;

/** Server-side window used by EventStoreDB when the client asks for `count` instead of a `max` search window. */
const DEFAULT_SEARCH_WINDOW = 32;

export const streamName = (identifier: { getStreamName_asU8(): Uint8Array } | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

const streamIdentifier = (name: string) => {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(new Uint8Array(Buffer.from(name, 'utf8')));
  return identifier;
};

/** A UUID as the client sent it: the string form, or the structured form as two signed 64-bit halves. */
export function uuidToString(uuid: Uuid | undefined): string {
  if (!uuid) return '';
  if (!uuid.hasStructured()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const hex = (half: string) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0');
  const digits = hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits());
  return digits.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

/** An event as a `ReadResp`, the way a current server sends it (string UUIDs, positions also on stream reads). */
export function eventResponse(event: StoredEvent): ReadResp {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  const id = new sharedPb.UUID();
  id.setString(event.eventId);
  recorded.setId(id);
  recorded.setStreamIdentifier(streamIdentifier(event.streamName));
  recorded.setStreamRevision(event.revision.toString());
  recorded.setCommitPosition(event.position.toString());
  recorded.setPreparePosition(event.position.toString());
  recorded.getMetadataMap().set('type', event.type);
  recorded.getMetadataMap().set('content-type', event.contentType);
  recorded.getMetadataMap().set('created', event.created.toString());
  recorded.setData(event.data);
  recorded.setCustomMetadata(event.metadata);
  const readEvent = new streamsPb.ReadResp.ReadEvent();
  readEvent.setEvent(recorded);
  readEvent.setCommitPosition(event.position.toString());
  return new streamsPb.ReadResp().setEvent(readEvent);
}

export function confirmationResponse(subscriptionId: string): ReadResp {
  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(subscriptionId);
  return new streamsPb.ReadResp().setConfirmation(confirmation);
}

export const caughtUpResponse = (): ReadResp => new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp());

export function checkpointResponse(position: bigint): ReadResp {
  const checkpoint = new streamsPb.ReadResp.Checkpoint();
  checkpoint.setCommitPosition(position.toString());
  checkpoint.setPreparePosition(position.toString());
  return new streamsPb.ReadResp().setCheckpoint(checkpoint);
}

export function streamNotFoundResponse(name: string): ReadResp {
  const notFound = new streamsPb.ReadResp.StreamNotFound();
  notFound.setStreamIdentifier(streamIdentifier(name));
  return new streamsPb.ReadResp().setStreamNotFound(notFound);
}

/** Server-side filter of a `$all` subscription (or read), with the checkpoint interval EventStoreDB derives from it. */
export interface EventFilter {
  matches(event: StoredEvent): boolean;
  /** Checkpoint after this many *considered* events (matching or not): multiplier × search window. */
  checkpointInterval: number;
}

export function compileFilter(options: ReadOptions): EventFilter | undefined {
  if (!options.hasFilter()) return undefined; // `no_filter`
  const filter: FilterOptions = options.getFilter()!;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  const regex = expression?.getRegex() ?? '';
  const prefixes = expression?.getPrefixList() ?? [];
  const test = regex
    ? (value: string) => new RegExp(regex).test(value)
    : (value: string) => prefixes.some((prefix) => value.startsWith(prefix));
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  return {
    matches: (event) => test(onStream ? event.streamName : event.type),
    checkpointInterval: Math.max(1, filter.getCheckpointintervalmultiplier()) * window,
  };
}

/** A gRPC error with EventStoreDB's trailers (`exception` and friends), which is how the client tells errors apart. */
export function grpcError(code: status, details: string, trailers: Record<string, string> = {}): ServerErrorResponse {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}
