import { applyDecorators, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Role } from '../auth/actor.js';
import { Roles } from '../auth/roles.decorator.js';
import type { ProgramCommandType } from '../program/program.commands.js';
import { REFUSALS } from '../program/program.decide.js';
import { PROGRAM_ERROR_KINDS } from '../program/program.errors.js';
import { ProblemDto } from '../http/problem.dto.js';
import { DecisionOutcomeDto } from './decision-outcome.dto.js';
import { DecisionInterceptor } from './decision.interceptor.js';

export interface DecisionRoute {
  /** The command the route takes: its refusals are the route's (see `REFUSALS`). */
  command: ProgramCommandType;
  /** Below `/api/programs`. */
  path: string;
  roles: readonly [Role, ...Role[]];
  tag: string;
  summary: string;
  events: string;
}

/**
 * The sixteen decisions of API.md's table: command, path, roles and events; every refusal each can give is the
 * command's (`REFUSALS`, declared beside each decide function). One place, so that a route's access and its
 * documentation cannot disagree.
 */
export const DECISION_ROUTES = {
  launchProgram: {
    command: 'LaunchProgram',
    path: '',
    roles: ['official'],
    tag: 'programmes',
    summary: 'Launch a programme',
    events: 'ProgramLaunched',
  },
  submitApplication: {
    command: 'SubmitApplication',
    path: ':programId/applications',
    roles: ['official'],
    tag: 'applications',
    summary: "Record a team's application",
    events: 'ApplicationSubmitted',
  },
  closeApplications: {
    command: 'CloseApplications',
    path: ':programId/applications/close',
    roles: ['official'],
    tag: 'applications',
    summary: 'Close applications',
    events: 'ApplicationsClosed',
  },
  selectFinalist: {
    command: 'SelectFinalist',
    path: ':programId/finalists',
    roles: ['official'],
    tag: 'applications',
    summary: 'Select an applicant as a finalist',
    events: 'FinalistSelected',
  },
  openEvaluationRound: {
    command: 'OpenEvaluationRound',
    path: ':programId/rounds',
    roles: ['official'],
    tag: 'rounds',
    summary: 'Open the next evaluation round with its scorecard',
    events: 'EvaluationRoundOpened',
  },
  recordScore: {
    command: 'RecordScore',
    path: ':programId/rounds/:round/scores',
    roles: ['official', 'evaluator'],
    tag: 'rounds',
    summary: "Record a finalist's points for one criterion",
    events: 'ScoreRecorded',
  },
  correctScore: {
    command: 'CorrectScore',
    path: ':programId/rounds/:round/score-corrections',
    roles: ['official'],
    tag: 'rounds',
    summary: 'Correct a recorded score while the round is open',
    events: 'ScoreCorrected',
  },
  closeEvaluationRound: {
    command: 'CloseEvaluationRound',
    path: ':programId/rounds/:round/close',
    roles: ['official'],
    tag: 'rounds',
    summary: 'Close a round and publish its ranking',
    events: 'EvaluationRoundClosed',
  },
  clarifyEligibilityRule: {
    command: 'ClarifyEligibilityRule',
    path: ':programId/rules',
    roles: ['official'],
    tag: 'eligibility',
    summary: 'Add an eligibility rule or replace its text',
    events: 'EligibilityRuleClarified',
  },
  recordComplianceFinding: {
    command: 'RecordComplianceFinding',
    path: ':programId/compliance-findings',
    roles: ['official'],
    tag: 'eligibility',
    summary: 'Record a compliance finding about a team under a rule',
    events: 'ComplianceFindingRecorded',
  },
  eliminateTeam: {
    command: 'EliminateTeam',
    path: ':programId/eliminations',
    roles: ['official'],
    tag: 'eligibility',
    summary: "Eliminate a team: not shortlisted, on a round's ranking, or for a rule violation",
    events: 'TeamEliminated',
  },
  withdrawTeam: {
    command: 'WithdrawTeam',
    path: ':programId/withdrawals',
    roles: ['official'],
    tag: 'eligibility',
    summary: "Record a team's withdrawal",
    events: 'TeamWithdrew',
  },
  openWildcard: {
    command: 'OpenWildcard',
    path: ':programId/wildcard',
    roles: ['official'],
    tag: 'wildcard',
    summary: 'Open a wild-card call for eliminated teams',
    events: 'WildcardOpened',
  },
  submitWildcardApplication: {
    command: 'SubmitWildcardApplication',
    path: ':programId/wildcard/applications',
    roles: ['official'],
    tag: 'wildcard',
    summary: "Record an eliminated team's wild-card application",
    events: 'WildcardApplicationSubmitted',
  },
  closeWildcard: {
    command: 'CloseWildcard',
    path: ':programId/wildcard/close',
    roles: ['official'],
    tag: 'wildcard',
    summary: 'Close the wild-card call, admitting some of its applicants or none',
    events: 'WildcardClosed (admitted teams are finalists again; no other event)',
  },
  selectWinner: {
    command: 'SelectWinner',
    path: ':programId/winners',
    roles: ['official'],
    tag: 'winners',
    summary: 'Select a finalist as a winner',
    events: 'WinnerSelected (+ ProgramConcluded with the last one)',
  },
} as const satisfies Record<string, DecisionRoute>;

export type DecisionRouteName = keyof typeof DECISION_ROUTES;

/** Every code a route can answer, by status, in API.md's terms: the transport's, the loop's, and its command's. */
export function routeCodes(route: DecisionRoute): Array<[status: number, codes: string[]]> {
  const refusals = REFUSALS[route.command];
  const ofKind = (kind: string) => refusals.filter((code) => PROGRAM_ERROR_KINDS[code] === kind);
  const codes: Array<[number, string[]]> = [
    [400, ['MALFORMED_JSON', 'VALIDATION_FAILED']],
    [401, ['UNAUTHENTICATED']],
    [403, ['FORBIDDEN']],
    [404, ofKind('not-found')],
    [409, [...ofKind('conflict'), 'CONCURRENCY_CONFLICT', 'IDEMPOTENCY_KEY_REUSED']],
    [412, ['REVISION_MISMATCH']],
    [413, ['PAYLOAD_TOO_LARGE']],
    [415, ['UNSUPPORTED_MEDIA_TYPE']],
    [422, ofKind('rule')],
    [429, ['RATE_LIMITED']],
  ];
  return codes.filter(([, list]) => list.length > 0);
}

const HEADERS = [
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      "1–255 printable ASCII characters, kept for the programme's whole life. The same key with the same method, path and " +
      'body answers the first outcome again with 200 and appends nothing; with another request, 409 IDEMPOTENCY_KEY_REUSED. ' +
      'A request refused with a 4xx stores nothing under its key.',
  }),
  ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      '"<revision>" (an ETag; W/"<n>" and a bare n are accepted too): decide only if the programme is still at that ' +
      'revision, else 412 REVISION_MISMATCH. `*` and lists of revisions are refused (400).',
  }),
  ApiHeader({ name: 'X-Correlation-Id', required: false, description: '1–200 printable ASCII characters, recorded with the events. Default: a fresh UUID.' }),
];

const ETAG = { ETag: { description: 'The programme\'s revision after the decision, quoted: "41".', schema: { type: 'string' } } };

const CHECK_ORDER =
  'Checks run in this order and the first that fails answers: authentication (401), role (403), body, path and headers ' +
  '(400/413/415), programme exists (404), PROGRAM_CONCLUDED (422), If-Match (412), team or round exists (404), then ' +
  "the programme's rules (422).";

/**
 * `POST` of one decision: route, the roles allowed (`@Roles`), the interceptor that takes the decision the handler
 * maps its DTO to (`DecisionInterceptor`), and the route's whole OpenAPI description.
 */
export function DecisionEndpoint(name: DecisionRouteName): MethodDecorator {
  const route: DecisionRoute = DECISION_ROUTES[name];
  const problem = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };
  const errors = routeCodes(route).map(([status, codes]) => ApiResponse({ status, description: `code: ${codes.join(', ')}`, content: problem }));
  const endpoint = applyDecorators(
    Post(route.path),
    UseInterceptors(DecisionInterceptor),
    Roles(...route.roles),
    ApiTags(route.tag),
    ApiExtraModels(ProblemDto),
    ApiOperation({
      operationId: name,
      summary: route.summary,
      description: `Role: ${route.roles.join(' or ')}. Records ${route.events}. ${CHECK_ORDER}`,
    }),
    ...HEADERS,
    ApiResponse({ status: 201, type: DecisionOutcomeDto, headers: ETAG, description: 'The decision was taken now.' }),
    ApiResponse({ status: 200, type: DecisionOutcomeDto, headers: ETAG, description: 'An Idempotency-Key retry: the first outcome again.' }),
    ...errors,
  );
  return (target, key, descriptor) => {
    // The interceptor answers (201, or 200 for a replay: a status Nest would set once for the route), so Nest is told
    // the handler answers itself: the reply is injected as a parameter after those the handler declares, unused.
    const declared = (Reflect.getMetadata('design:paramtypes', target, key) as unknown[] | undefined)?.length ?? 0;
    Res()(target, key, declared);
    endpoint(target, key, descriptor);
  };
}
