import type { ServerResponse } from 'node:http';
import { stringify } from 'csv-stringify/sync';
import type { ExportFormat } from './audit-query.dto.js';
import type { AuditItem } from './audit.projection.js';
import type { AuditQueries } from './audit.queries.js';

/** Rows per read: each page is one short synchronous query, so no iterator holds the connection across a write. */
const PAGE = 1000;

export const CSV_COLUMNS = [
  'position',
  'programId',
  'revision',
  'eventId',
  'type',
  'occurredAt',
  'recordedAt',
  'actorId',
  'actorRole',
  'reason',
  'legalBasis',
  'data',
] as const;

/**
 * A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so a reason
 * typed as `=HYPERLINK(…)` would run on the auditor's machine. Such cells get a leading `'` (OWASP's advice), which
 * spreadsheets show as text; the JSON Lines export carries every field exactly as recorded.
 */
const CSV_OPTIONS = { escape_formulas: true };

const MEDIA_TYPES: Record<ExportFormat, string> = { jsonl: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' };

/**
 * Streams a programme's whole audit history, as it stood when the export started, in constant memory: one page at a
 * time, and no next page before the client has taken the last one (`write` returning false waits for `drain`).
 */
export async function streamAuditExport(res: ServerResponse, queries: AuditQueries, programId: string, format: ExportFormat): Promise<void> {
  const head = queries.headPosition();
  res.statusCode = 200;
  res.setHeader('Content-Type', MEDIA_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${programId}-audit.${format}"`);
  res.setHeader('Cache-Control', 'no-store');
  if (format === 'csv' && !(await send(res, stringify([[...CSV_COLUMNS]])))) return;
  let after: bigint | undefined;
  while (head !== null) {
    const page = queries.page({ programId, upTo: head, ...(after === undefined ? {} : { after }) }, PAGE);
    if (page.items.length === 0) break;
    const chunk = format === 'jsonl' ? `${page.items.join('\n')}\n` : stringify(page.items.map(csvRow), CSV_OPTIONS);
    if (!(await send(res, chunk))) return;
    if (page.next === null) break;
    after = BigInt(page.next);
  }
  res.end();
}

function csvRow(json: string): Array<string | number | null> {
  const item = JSON.parse(json) as AuditItem;
  const m = item.metadata;
  return [
    item.position,
    item.programId,
    item.revision,
    item.eventId,
    item.type,
    m.occurredAt,
    m.recordedAt,
    m.actor.id,
    m.actor.role,
    m.reason,
    m.legalBasis,
    JSON.stringify(item.data),
  ];
}

/** Writes a chunk; resolves false when the client went away, so the export stops reading. */
async function send(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', drained);
      res.off('close', closed);
      resolve(ok);
    };
    const drained = () => done(true);
    const closed = () => done(false);
    res.on('drain', drained);
    res.on('close', closed);
  });
}
