import { applyDecorators, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Role } from '../auth/actor.js';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../http/problem.dto.js';

/** Any role but `subscriber` (API.md, Reads). */
export const READER_ROLES = ['official', 'evaluator', 'auditor', 'admin'] as const satisfies readonly Role[];
/** The audit history and its export. */
export const AUDIT_ROLES = ['auditor', 'official', 'admin'] as const satisfies readonly Role[];

export interface ReadRoute {
  path: string;
  roles: readonly [Role, ...Role[]];
  operationId: string;
  summary: string;
  description: string;
  notFound: Array<'PROGRAM_NOT_FOUND' | 'TEAM_NOT_FOUND' | 'EVENT_NOT_FOUND' | 'CHECKPOINT_NOT_FOUND'>;
  /** 409 codes, if the read has any. */
  conflict?: string[];
  /** 503 codes beyond READ_MODEL_NOT_READY. */
  unavailable?: string[];
  /** The OpenAPI tag: `reads` unless said. */
  tag?: string;
  /** The order of the checks, when it is not the read models' (READ_CHECKS). */
  checks?: string;
  /** Omitted when the handler documents its own 200 (the export's media types). */
  ok?: ApiResponseOptions;
}

type ApiResponseOptions = Parameters<typeof ApiResponse>[0];

const READ_CHECKS =
  'Checks run in this order: authentication (401), role (403), parameters (400 VALIDATION_FAILED; unknown parameters are ' +
  'refused), the read model being built from nothing and minPosition (503 READ_MODEL_NOT_READY after 5 s for both, with ' +
  'Retry-After), then programme and team (404).';

/** `GET` of one read: route, roles and its whole OpenAPI description, errors included. */
export function ReadEndpoint(route: ReadRoute): MethodDecorator {
  const problem = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };
  const errors: Array<[number, string[]]> = [
    [400, ['VALIDATION_FAILED']],
    [401, ['UNAUTHENTICATED']],
    [403, ['FORBIDDEN']],
    [404, route.notFound],
    [409, route.conflict ?? []],
    [429, ['RATE_LIMITED']],
    [503, ['READ_MODEL_NOT_READY', ...(route.unavailable ?? [])]],
  ];
  return applyDecorators(
    Get(route.path),
    Roles(...route.roles),
    ApiTags(route.tag ?? 'reads'),
    ApiExtraModels(ProblemDto),
    ApiOperation({ operationId: route.operationId, summary: route.summary, description: `Role: ${route.roles.join(', ')}. ${route.description} ${route.checks ?? READ_CHECKS}` }),
    ...(route.ok ? [ApiResponse(route.ok)] : []),
    ...errors
      .filter(([, codes]) => codes.length > 0)
      .map(([status, codes]) => ApiResponse({ status, description: `code: ${codes.join(', ')}`, content: problem })),
  );
}
