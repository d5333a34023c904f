import { applyDecorators, Post } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Role } from '../auth/actor.js';
import { Roles } from '../auth/roles.decorator.js';
import type { ProgramErrorCode } from '../program/program.errors.js';
import { ProblemDto } from '../http/problem.dto.js';
import { DecisionOutcomeDto } from './decision-outcome.dto.js';

type NotFoundCode = Extract<ProgramErrorCode, 'TEAM_NOT_FOUND' | 'ROUND_NOT_FOUND'>;
type RuleCode = Exclude<
  ProgramErrorCode,
  'PROGRAM_NOT_FOUND' | 'TEAM_NOT_FOUND' | 'ROUND_NOT_FOUND' | 'PROGRAM_ALREADY_EXISTS' | 'PROGRAM_CONCLUDED'
>;

export interface DecisionRoute {
  /** Below `/api/programs`. */
  path: string;
  roles: readonly [Role, ...Role[]];
  tag: string;
  summary: string;
  events: string;
  /** Besides PROGRAM_NOT_FOUND, which every route on an existing programme can answer. */
  notFound: NotFoundCode[];
  /** Besides PROGRAM_CONCLUDED, likewise. Read off the decide functions in `src/program/*.decide.ts`. */
  rules: RuleCode[];
}

/**
 * The sixteen decisions of API.md's table: path, roles, events, and every refusal each can give (for the OpenAPI
 * document). One place, so that a route's access and its documentation cannot disagree.
 */
export const DECISION_ROUTES = {
  launchProgram: {
    path: '',
    roles: ['official'],
    tag: 'programmes',
    summary: 'Launch a programme',
    events: 'ProgramLaunched',
    notFound: [],
    rules: [],
  },
  submitApplication: {
    path: ':programId/applications',
    roles: ['official'],
    tag: 'applications',
    summary: "Record a team's application",
    events: 'ApplicationSubmitted',
    notFound: [],
    rules: ['APPLICATIONS_CLOSED', 'DUPLICATE_APPLICATION'],
  },
  closeApplications: {
    path: ':programId/applications/close',
    roles: ['official'],
    tag: 'applications',
    summary: 'Close applications',
    events: 'ApplicationsClosed',
    notFound: [],
    rules: ['APPLICATIONS_CLOSED'],
  },
  selectFinalist: {
    path: ':programId/finalists',
    roles: ['official'],
    tag: 'applications',
    summary: 'Select an applicant as a finalist',
    events: 'FinalistSelected',
    notFound: ['TEAM_NOT_FOUND'],
    rules: ['APPLICATIONS_STILL_OPEN', 'NOT_AN_APPLICANT', 'FINALIST_SLOTS_FULL'],
  },
  openEvaluationRound: {
    path: ':programId/rounds',
    roles: ['official'],
    tag: 'rounds',
    summary: 'Open the next evaluation round with its scorecard',
    events: 'EvaluationRoundOpened',
    notFound: [],
    rules: ['ROUND_ALREADY_OPEN', 'WILDCARD_ALREADY_OPEN', 'ROUND_NUMBER_INVALID', 'NO_FINALISTS'],
  },
  recordScore: {
    path: ':programId/rounds/:round/scores',
    roles: ['official', 'evaluator'],
    tag: 'rounds',
    summary: "Record a finalist's points for one criterion",
    events: 'ScoreRecorded',
    notFound: ['ROUND_NOT_FOUND', 'TEAM_NOT_FOUND'],
    rules: [
      'NO_OPEN_ROUND',
      'TEAM_NOT_ACTIVE',
      'NOT_A_FINALIST',
      'UNKNOWN_CRITERION',
      'POINTS_OUT_OF_RANGE',
      'SCORE_ALREADY_RECORDED',
    ],
  },
  correctScore: {
    path: ':programId/rounds/:round/score-corrections',
    roles: ['official'],
    tag: 'rounds',
    summary: 'Correct a recorded score while the round is open',
    events: 'ScoreCorrected',
    notFound: ['ROUND_NOT_FOUND', 'TEAM_NOT_FOUND'],
    rules: [
      'NO_OPEN_ROUND',
      'TEAM_NOT_ACTIVE',
      'NOT_A_FINALIST',
      'UNKNOWN_CRITERION',
      'POINTS_OUT_OF_RANGE',
      'NO_SCORE_TO_CORRECT',
    ],
  },
  closeEvaluationRound: {
    path: ':programId/rounds/:round/close',
    roles: ['official'],
    tag: 'rounds',
    summary: 'Close a round and publish its ranking',
    events: 'EvaluationRoundClosed',
    notFound: ['ROUND_NOT_FOUND'],
    rules: ['NO_OPEN_ROUND', 'SCORES_MISSING'],
  },
  clarifyEligibilityRule: {
    path: ':programId/rules',
    roles: ['official'],
    tag: 'eligibility',
    summary: 'Add an eligibility rule or replace its text',
    events: 'EligibilityRuleClarified',
    notFound: [],
    rules: [],
  },
  recordComplianceFinding: {
    path: ':programId/compliance-findings',
    roles: ['official'],
    tag: 'eligibility',
    summary: 'Record a compliance finding about a team under a rule',
    events: 'ComplianceFindingRecorded',
    notFound: ['TEAM_NOT_FOUND'],
    rules: ['UNKNOWN_RULE'],
  },
  eliminateTeam: {
    path: ':programId/eliminations',
    roles: ['official'],
    tag: 'eligibility',
    summary: "Eliminate a team: not shortlisted, on a round's ranking, or for a rule violation",
    events: 'TeamEliminated',
    notFound: ['TEAM_NOT_FOUND', 'ROUND_NOT_FOUND'],
    rules: [
      'TEAM_NOT_ACTIVE',
      'NOT_AN_APPLICANT',
      'NOT_A_FINALIST',
      'ROUND_NOT_CLOSED',
      'UNKNOWN_RULE',
      'NO_VIOLATION_FINDING',
    ],
  },
  withdrawTeam: {
    path: ':programId/withdrawals',
    roles: ['official'],
    tag: 'eligibility',
    summary: "Record a team's withdrawal",
    events: 'TeamWithdrew',
    notFound: ['TEAM_NOT_FOUND'],
    rules: ['WINNER_CANNOT_WITHDRAW', 'TEAM_NOT_ACTIVE'],
  },
  openWildcard: {
    path: ':programId/wildcard',
    roles: ['official'],
    tag: 'wildcard',
    summary: 'Open a wild-card call for eliminated teams',
    events: 'WildcardOpened',
    notFound: [],
    rules: ['WILDCARD_ALREADY_OPEN', 'ROUND_ALREADY_OPEN', 'APPLICATIONS_STILL_OPEN', 'NO_ELIMINATIONS'],
  },
  submitWildcardApplication: {
    path: ':programId/wildcard/applications',
    roles: ['official'],
    tag: 'wildcard',
    summary: "Record an eliminated team's wild-card application",
    events: 'WildcardApplicationSubmitted',
    notFound: ['TEAM_NOT_FOUND'],
    rules: ['WILDCARD_NOT_OPEN', 'NOT_ELIGIBLE_FOR_WILDCARD'],
  },
  closeWildcard: {
    path: ':programId/wildcard/close',
    roles: ['official'],
    tag: 'wildcard',
    summary: 'Close the wild-card call, admitting some of its applicants or none',
    events: 'WildcardClosed (admitted teams are finalists again; no other event)',
    notFound: ['TEAM_NOT_FOUND'],
    rules: ['WILDCARD_NOT_OPEN', 'NOT_A_WILDCARD_APPLICANT', 'WILDCARD_SLOTS_EXCEEDED'],
  },
  selectWinner: {
    path: ':programId/winners',
    roles: ['official'],
    tag: 'winners',
    summary: 'Select a finalist as a winner',
    events: 'WinnerSelected (+ ProgramConcluded with the last one)',
    notFound: ['TEAM_NOT_FOUND'],
    rules: ['ROUND_ALREADY_OPEN', 'WILDCARD_ALREADY_OPEN', 'TEAM_NOT_ACTIVE', 'NOT_A_FINALIST'],
  },
} as const satisfies Record<string, DecisionRoute>;

export type DecisionRouteName = keyof typeof DECISION_ROUTES;

/** Every code a route can answer, by status, in API.md's terms. */
export function routeCodes(route: DecisionRoute): Array<[status: number, codes: string[]]> {
  const launch = route.path === '';
  const codes: Array<[number, string[]]> = [
    [400, ['MALFORMED_JSON', 'VALIDATION_FAILED']],
    [401, ['UNAUTHENTICATED']],
    [403, ['FORBIDDEN']],
    [404, launch ? [] : ['PROGRAM_NOT_FOUND', ...route.notFound]],
    [409, [...(launch ? ['PROGRAM_ALREADY_EXISTS'] : []), 'CONCURRENCY_CONFLICT', 'IDEMPOTENCY_KEY_REUSED']],
    [412, ['REVISION_MISMATCH']],
    [413, ['PAYLOAD_TOO_LARGE']],
    [415, ['UNSUPPORTED_MEDIA_TYPE']],
    [422, launch ? [] : ['PROGRAM_CONCLUDED', ...route.rules]],
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

/** `POST` of one decision: route, the roles allowed (`@Roles`), and its whole OpenAPI description. */
export function DecisionEndpoint(name: DecisionRouteName): MethodDecorator {
  const route: DecisionRoute = DECISION_ROUTES[name];
  const problem = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };
  const errors = routeCodes(route).map(([status, codes]) => ApiResponse({ status, description: `code: ${codes.join(', ')}`, content: problem }));
  return applyDecorators(
    Post(route.path),
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
}
