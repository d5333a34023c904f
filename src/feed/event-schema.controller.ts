import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../http/problem.dto.js';
import type { JsonSchema } from './event-data-schemas.js';
import { feedContract } from './feed-contract.js';

const problem = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };

/**
 * The feed's published contract. Any authenticated role may read it: it holds no data, and whoever can read events
 * anywhere in the API (the feed, the audit history, timelines) needs their shapes.
 */
@ApiTags('feed')
@Controller('events')
export class EventSchemaController {
  private readonly contract: JsonSchema = feedContract();

  @Get('schema')
  @Roles('official', 'evaluator', 'auditor', 'subscriber', 'admin')
  @Header('Content-Type', 'application/schema+json; charset=utf-8')
  @ApiOperation({
    summary: "The feed's contract: JSON Schema (draft 2020-12) of its CloudEvents and of every version of every event's data",
    description:
      'The root validates any CloudEvent the feed sends; `$defs` holds the envelope of each type and the data schema of ' +
      "every published version, each with the `$id` a CloudEvent's `dataschema` names. `x-current-versions` gives the " +
      'version the feed delivers per type (older recorded versions are upcast when read).',
  })
  @ApiOkResponse({ description: 'A JSON Schema document.', content: { 'application/schema+json': { schema: { type: 'object' } } } })
  @ApiResponse({ status: 401, description: 'code: UNAUTHENTICATED', content: problem })
  @ApiResponse({ status: 429, description: 'code: RATE_LIMITED', content: problem })
  schema(): JsonSchema {
    return this.contract;
  }
}
