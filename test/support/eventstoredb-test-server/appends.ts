/**
 * `Streams.Append` of the EventStoreDB test fixture, on the wire: the request (an options message, then one message
 * per proposed event) and the response (`success`, or `wrong_expected_version` with the actual revision, which the
 * client turns into `WrongExpectedVersionError`).
 */
import { status } from '@grpc/grpc-js';
import type { AppendOutcome, ExpectedRevision, ProposedEvent } from './event-log.js';
import {
  grpcError,
  sharedPb,
  streamName,
  streamsPb,
  uuidToString,
  type AppendReq,
  type AppendResp,
} from './protocol.js';

export interface AppendRequest {
  stream: string;
  expected: ExpectedRevision;
  events: ProposedEvent[];
}

/** The request, or the error a real server answers it with (gRPC status and `exception` trailer). */
export function parseAppend(messages: readonly AppendReq[], maxAppendSize: number): AppendRequest | Error {
  const options = messages[0]?.getOptions();
  if (!options) return grpcError(status.INVALID_ARGUMENT, 'The first message must carry the options');
  const expected: ExpectedRevision = options.hasRevision()
    ? { kind: 'revision', revision: BigInt(options.getRevision()) }
    : options.hasNoStream()
      ? { kind: 'no_stream' }
      : options.hasStreamExists()
        ? { kind: 'stream_exists' }
        : { kind: 'any' };

  const events: ProposedEvent[] = [];
  let size = 0;
  for (const message of messages.slice(1)) {
    const event = message.getProposedMessage();
    if (!event) return grpcError(status.INVALID_ARGUMENT, 'Expected a proposed message');
    const type = event.getMetadataMap().get('type');
    const contentType = event.getMetadataMap().get('content-type');
    if (type === undefined || contentType === undefined) {
      const missing = type === undefined ? 'type' : 'content-type';
      return grpcError(status.INVALID_ARGUMENT, `Required Metadata Property '${missing}' is missing`, {
        exception: 'missing-required-metadata-property',
        'required-metadata-properties': 'type,content-type',
      });
    }
    const data = event.getData_asU8();
    const metadata = event.getCustomMetadata_asU8();
    size += data.length + metadata.length + Buffer.byteLength(type);
    events.push({
      eventId: uuidToString(event.getId()),
      type,
      // A real server keeps only "is JSON or not".
      contentType: contentType === 'application/json' ? 'application/json' : 'application/octet-stream',
      data,
      metadata,
    });
  }
  if (size > maxAppendSize) {
    return grpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
      exception: 'maximum-append-size-exceeded',
      'maximum-append-size': String(maxAppendSize),
    });
  }
  return { stream: streamName(options.getStreamIdentifier()), expected, events };
}

export function appendResponse(outcome: AppendOutcome, expected: ExpectedRevision): AppendResp {
  const response = new streamsPb.AppendResp();
  if (outcome.kind === 'success') {
    const success = new streamsPb.AppendResp.Success();
    if (outcome.currentRevision === null) success.setNoStream(new sharedPb.Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === null) success.setNoPosition(new sharedPb.Empty());
    else {
      const position = new streamsPb.AppendResp.Position();
      position.setCommitPosition(outcome.position.toString());
      position.setPreparePosition(outcome.position.toString());
      success.setPosition(position);
    }
    return response.setSuccess(success);
  }
  const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === null) wrong.setCurrentNoStream(new sharedPb.Empty());
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
  if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
  if (expected.kind === 'any') wrong.setExpectedAny(new sharedPb.Empty());
  return response.setWrongExpectedVersion(wrong);
}
