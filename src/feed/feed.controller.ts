import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../http/problem.dto.js';
import { ProblemError } from '../http/problem.js';
import { FeedHub } from './feed-hub.js';
import { parsePosition, POSITION_MESSAGE } from './feed-position.js';
import { FeedQuery, parseEventTypes } from './feed-query.dto.js';

const problem = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };

const DESCRIPTION = [
  'Server-Sent Events, one message per recorded event, in global order: `id: <position>`, `event: <type>`,',
  '`data: <CloudEvents 1.0 structured JSON>` (specversion, id = the eventId, source `/programs/<programId>`, type,',
  'time = the effective time, datacontenttype, dataschema, subject = the programme, data, and the extensions',
  'position, revision, recordedat, schemaversion). The whole history first (or what follows `after` /',
  '`Last-Event-ID`), then live events, with nothing lost or repeated at the hand-over. A comment line every 15 s',
  'keeps the connection open. A consumer that leaves its socket full for 30 s is disconnected and resumes with',
  '`Last-Event-ID`. The schema of every event is at `GET /api/events/schema`.',
].join(' ');

@ApiTags('feed')
@Controller('events')
export class FeedController {
  constructor(private readonly hub: FeedHub) {}

  @Get('stream')
  @Roles('subscriber', 'auditor', 'admin')
  @ApiOperation({ summary: 'Subscribe to the live event feed (SSE, CloudEvents)', description: DESCRIPTION })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The last position received; wins over `after`.' })
  @ApiResponse({ status: 200, description: 'The event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 400, description: 'code: VALIDATION_FAILED (a bad or unknown parameter, a bad Last-Event-ID)', content: problem })
  @ApiResponse({ status: 401, description: 'code: UNAUTHENTICATED', content: problem })
  @ApiResponse({ status: 403, description: 'code: FORBIDDEN (roles subscriber, auditor and admin only)', content: problem })
  @ApiResponse({ status: 429, description: 'code: RATE_LIMITED', content: problem })
  async stream(@Query() query: FeedQuery, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const after = resumePoint(query.after, lastEventId);
    // An event stream is written by hand for as long as the subscriber stays: Fastify leaves it alone from here on.
    reply.hijack();
    const response = reply.raw;
    response.statusCode = 200;
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-store');
    response.setHeader('Connection', 'keep-alive');
    // Reverse proxies (nginx) buffer responses by default, which would hold events back until the buffer fills.
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    await this.hub.serve(response, {
      after,
      types: query.types === undefined ? null : parseEventTypes(query.types),
      programId: query.programId ?? null,
    });
  }
}

/** `Last-Event-ID` wins over `after`: a browser reconnects with the original URL and its last id in the header. */
function resumePoint(after: string | undefined, lastEventId: string | undefined): bigint | null {
  // The SSE spec has a browser send no header when the last id is empty; an empty one means the same.
  if (lastEventId !== undefined && lastEventId !== '') {
    const position = parsePosition(lastEventId);
    if (position === null) {
      throw new ProblemError(400, 'VALIDATION_FAILED', 'The Last-Event-ID header is not valid', {
        errors: [{ field: 'Last-Event-ID', message: `Last-Event-ID ${POSITION_MESSAGE}` }],
      });
    }
    return position;
  }
  return after === undefined ? null : parsePosition(after);
}
