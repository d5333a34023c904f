import { Controller, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiProduces, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ProgramParams } from '../../http/params.dto.js';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../engine/projection.js';
import { AUDIT_ROLES, ReadEndpoint } from '../read-endpoint.decorator.js';
import { AuditItemDto, AuditPageDto } from './audit.dto.js';
import { programNotFound } from '../../http/read-problems.js';
import { AuditQuery, ExportQuery } from './audit-query.dto.js';
import { awaitReadModel } from '../engine/read-your-writes.js';
import { CSV_COLUMNS, streamAuditExport } from './audit.export.js';
import { AUDIT } from './audit.projection.js';
import { type AuditFilter, AuditQueries } from './audit.queries.js';

const DEFAULT_LIMIT = 100;

const FILTERS =
  '`type` takes a comma-separated list of event types; `teamId` matches every event naming the team, as the timeline ' +
  'does; `actor` is the actor id; `from`/`to` bound recordedAt (inclusive). Keyset paging: pass `next` as `after`.';

@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditQueries,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  @ReadEndpoint({
    path: 'programs/:programId/audit',
    roles: [...AUDIT_ROLES],
    operationId: 'getProgramAudit',
    summary: "A programme's audit history, a page at a time",
    description: `Every decision, in order, with its metadata and position. ${FILTERS}`,
    notFound: ['PROGRAM_NOT_FOUND'],
    ok: { status: 200, type: AuditPageDto },
  })
  async programAudit(@Param() params: ProgramParams, @Query() query: AuditQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    await awaitReadModel(this.access, AUDIT, query.minPosition);
    if (!this.audit.programExists(params.programId)) throw programNotFound(params.programId);
    return this.page(res, { ...filterOf(query), programId: params.programId }, query.limit);
  }

  @ReadEndpoint({
    path: 'audit',
    roles: [...AUDIT_ROLES],
    operationId: 'getAudit',
    summary: 'The audit history of every programme, a page at a time',
    description: `Every decision of every programme, in global order. ${FILTERS}`,
    notFound: [],
    ok: { status: 200, type: AuditPageDto },
  })
  async allAudit(@Query() query: AuditQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    await awaitReadModel(this.access, AUDIT, query.minPosition);
    return this.page(res, filterOf(query), query.limit);
  }

  @ReadEndpoint({
    path: 'programs/:programId/audit/export',
    roles: [...AUDIT_ROLES],
    operationId: 'exportProgramAudit',
    summary: "Export a programme's whole audit history (JSON Lines or CSV), streamed",
    description:
      'The history as it stood when the export started, streamed in constant memory. `jsonl`: one audit item per line ' +
      `(application/x-ndjson). \`csv\`: a header row, then the columns ${CSV_COLUMNS.join(', ')} (data as JSON).`,
    notFound: ['PROGRAM_NOT_FOUND'],
  })
  @ApiExtraModels(AuditItemDto)
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiResponse({
    status: 200,
    description: 'The export, with a Content-Disposition file name.',
    content: {
      'application/x-ndjson': { schema: { $ref: getSchemaPath(AuditItemDto) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async export(@Param() params: ProgramParams, @Query() query: ExportQuery, @Res() res: FastifyReply): Promise<void> {
    await awaitReadModel(this.access, AUDIT, query.minPosition);
    if (!this.audit.programExists(params.programId)) throw programNotFound(params.programId);
    // Streamed by hand, page by page as the client takes them: Fastify leaves the response alone from here on.
    res.hijack();
    await streamAuditExport(res.raw, this.audit, params.programId, query.format ?? 'jsonl');
  }

  private page(res: FastifyReply, filter: AuditFilter, limit = DEFAULT_LIMIT): string {
    const { items, next } = this.audit.page(filter, limit);
    // SQLite built each item's JSON: the page is assembled, not parsed and serialised again.
    res.type('application/json');
    return `{"items":[${items.join(',')}],"next":${next === null ? 'null' : `"${next}"`}}`;
  }
}

function filterOf(query: AuditQuery): AuditFilter {
  const filter: AuditFilter = {};
  if (query.after !== undefined) filter.after = BigInt(query.after);
  if (query.type !== undefined) filter.types = query.type.split(',');
  if (query.teamId !== undefined) filter.teamId = query.teamId;
  if (query.actor !== undefined) filter.actor = query.actor;
  if (query.from !== undefined) filter.recordedFrom = new Date(query.from);
  if (query.to !== undefined) filter.recordedTo = new Date(query.to);
  return filter;
}
