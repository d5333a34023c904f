import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import request from 'supertest';
import { createHttpAdapter } from '../../src/app.js';
import { attachAuthorisedActor } from '../../src/auth/current-actor.decorator.js';
import { ROUTE_ACCESS } from '../../src/auth/roles.decorator.js';
import { DecideOnProgram, type ProgramDecisionOutcome } from '../../src/decisions/decide-on-program.command.js';
import { ApplicationsController } from '../../src/decisions/applications.controller.js';
import { requestFingerprint } from '../../src/decisions/decision-context.js';
import { DECISION_ROUTES } from '../../src/decisions/decision-endpoint.decorator.js';
import { DECISION_CONTROLLERS } from '../../src/decisions/decisions.module.js';
import { EligibilityController } from '../../src/decisions/eligibility.controller.js';
import { buildOpenApiDocument, setupOpenApi } from '../../src/http/openapi.js';
import { RoundsController } from '../../src/decisions/rounds.controller.js';
import { WildcardController } from '../../src/decisions/wildcard.controller.js';
import { HttpModule } from '../../src/http/http.module.js';
import { REFUSALS } from '../../src/program/program.decide.js';
import { PROGRAM_ERROR_CODES, PROGRAM_ERROR_KINDS } from '../../src/program/program.errors.js';
import * as history from './decision-bodies.fixtures.js';

/**
 * The controllers on a real HTTP server, with the command bus answered by a stand-in: what each route sends to the
 * domain, and how it answers. Authentication is out of this slice (the actor is attached as the auth guard would).
 */

const received: DecideOnProgram[] = [];
let nextOutcome: ProgramDecisionOutcome;

@CommandHandler(DecideOnProgram)
class RecordingHandler implements ICommandHandler<DecideOnProgram, ProgramDecisionOutcome> {
  async execute(message: DecideOnProgram): Promise<ProgramDecisionOutcome> {
    received.push(message);
    return nextOutcome;
  }
}

@Module({ imports: [CqrsModule.forRoot(), HttpModule], controllers: DECISION_CONTROLLERS, providers: [RecordingHandler] })
class SliceModule {}

let app: NestFastifyApplication;

beforeAll(async () => {
  app = await NestFactory.create<NestFastifyApplication>(SliceModule, createHttpAdapter(), { logger: false });
  app.setGlobalPrefix('api');
  app.getHttpAdapter().getInstance().addHook('onRequest', (req, _reply, done) => {
    attachAuthorisedActor(req, { id: 'kim.official', role: 'official' });
    done();
  });
  setupOpenApi(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(async () => {
  await app?.close();
});

beforeEach(() => {
  received.length = 0;
  nextOutcome = {
    replayed: false,
    programId: 'sovereign-ai-2025',
    revision: 41,
    position: '1187',
    events: [{ type: 'TeamEliminated', revision: 41, position: '1187' }],
  };
});

const programs = '/api/programs/sovereign-ai-2025';

describe('each route sends its command', () => {
  const { reason: _r, legalBasis: _l, effectiveAt: _e, ...launched } = history.launch;
  const cases: Array<[string, object, { type: string; data: object }]> = [
    ['/api/programs', history.launch, { type: 'LaunchProgram', data: launched }],
    [`${programs}/applications`, history.naverApplication, { type: 'SubmitApplication', data: { programId: 'sovereign-ai-2025', ...omitReason(history.naverApplication) } }],
    [`${programs}/applications/close`, history.closeApplications, { type: 'CloseApplications', data: { programId: 'sovereign-ai-2025' } }],
    [`${programs}/finalists`, history.finalist, { type: 'SelectFinalist', data: { programId: 'sovereign-ai-2025', teamId: 'lg-ai-research' } }],
    [`${programs}/rounds`, history.openRound, { type: 'OpenEvaluationRound', data: { programId: 'sovereign-ai-2025', round: 1, title: 'First-stage evaluation', scorecard: history.openRound.scorecard } }],
    [`${programs}/rounds/1/scores`, { ...history.score, points: 0.1 + 0.2 }, { type: 'RecordScore', data: { programId: 'sovereign-ai-2025', round: 1, teamId: 'lg-ai-research', criterion: 'benchmark', points: 0.3 } }],
    [`${programs}/rounds/1/score-corrections`, history.score, { type: 'CorrectScore', data: { programId: 'sovereign-ai-2025', round: 1, teamId: 'lg-ai-research', criterion: 'benchmark', points: 33.6 } }],
    [`${programs}/rounds/1/close`, history.closeRound, { type: 'CloseEvaluationRound', data: { programId: 'sovereign-ai-2025', round: 1 } }],
    [`${programs}/rules`, history.clarifyRule, { type: 'ClarifyEligibilityRule', data: { programId: 'sovereign-ai-2025', ...omitReason(history.clarifyRule) } }],
    [`${programs}/compliance-findings`, history.finding, { type: 'RecordComplianceFinding', data: { programId: 'sovereign-ai-2025', ...omitReason(history.finding) } }],
    [`${programs}/eliminations`, history.violationElimination, { type: 'EliminateTeam', data: { programId: 'sovereign-ai-2025', teamId: 'naver-cloud', grounds: 'rule-violation', ruleId: 'independence' } }],
    [`${programs}/withdrawals`, history.withdrawal, { type: 'WithdrawTeam', data: { programId: 'sovereign-ai-2025', teamId: 'upstage', statement: 'We withdraw.' } }],
    [`${programs}/wildcard`, history.openWildcard, { type: 'OpenWildcard', data: { programId: 'sovereign-ai-2025', slots: 1, closesAt: '2026-02-12T18:00:00+09:00' } }],
    [`${programs}/wildcard/applications`, history.wildcardApplication, { type: 'SubmitWildcardApplication', data: { programId: 'sovereign-ai-2025', teamId: 'nc-ai' } }],
    [`${programs}/wildcard/close`, history.closeWildcard, { type: 'CloseWildcard', data: { programId: 'sovereign-ai-2025', admit: [] } }],
    [`${programs}/winners`, history.winner, { type: 'SelectWinner', data: { programId: 'sovereign-ai-2025', teamId: 'lg-ai-research' } }],
  ];

  it.each(cases)('POST %s', async (path, body, command) => {
    const response = await request(app.getHttpServer()).post(path).send(body).expect(201);
    expect(response.headers['etag']).toBe('"41"');
    expect(response.body).toEqual({ programId: 'sovereign-ai-2025', revision: 41, position: '1187', events: [{ type: 'TeamEliminated', revision: 41, position: '1187' }] });
    expect(received).toHaveLength(1);
    expect(received[0]!.command).toEqual(command);
    expect(received[0]!.context).toMatchObject({ actor: { id: 'kim.official', role: 'official' }, reason: (body as { reason: string }).reason });
  });

  it('covers every route of the table', () => {
    expect(cases).toHaveLength(Object.keys(DECISION_ROUTES).length);
  });
});

describe('access', () => {
  it('lets officials take every decision, and evaluators record scores only', () => {
    const controllers = [ApplicationsController, RoundsController, EligibilityController, WildcardController];
    const access = Object.fromEntries(
      controllers.flatMap((controller) =>
        Object.getOwnPropertyNames(controller.prototype)
          .filter((name) => name !== 'constructor')
          .map((name) => [name, Reflect.getMetadata(ROUTE_ACCESS, (controller.prototype as unknown as Record<string, object>)[name]!) as unknown]),
      ),
    );
    expect(Object.keys(access).sort()).toEqual(Object.keys(DECISION_ROUTES).sort());
    for (const [name, routeAccess] of Object.entries(access)) {
      expect([name, routeAccess]).toEqual([name, { kind: 'roles', roles: name === 'recordScore' ? ['official', 'evaluator'] : ['official'] }]);
    }
  });
});

describe('answers', () => {
  it('answers a replayed outcome with 200 and the same body', async () => {
    nextOutcome = { ...nextOutcome, replayed: true };
    const response = await request(app.getHttpServer()).post(`${programs}/finalists`).set('Idempotency-Key', 'finalist-lg').send(history.finalist).expect(200);
    expect(response.headers['etag']).toBe('"41"');
    expect(response.body).not.toHaveProperty('replayed');
    expect(received[0]!.context.idempotency).toEqual({
      key: 'finalist-lg',
      fingerprint: requestFingerprint('POST', `${programs}/finalists`, history.finalist),
    });
  });

  it('fingerprints the route, so another spelling of the path or the keys is the same request', async () => {
    const reordered = JSON.stringify({ reason: history.finalist.reason, teamId: history.finalist.teamId });
    await request(app.getHttpServer())
      .post('/API/Programs/sovereign-ai-2025/finalists/')
      .set('Idempotency-Key', 'finalist-lg')
      .set('Content-Type', 'application/json')
      .send(reordered)
      .expect(201);
    expect(received[0]!.context.idempotency?.fingerprint).toBe(requestFingerprint('POST', `${programs}/finalists`, history.finalist));
  });

  it('passes the headers into the context', async () => {
    await request(app.getHttpServer())
      .post(`${programs}/eliminations`)
      .set('If-Match', 'W/"40"')
      .set('X-Correlation-Id', 'results-2026-01-15')
      .send(history.rankingElimination)
      .expect(201);
    expect(received[0]!.context).toMatchObject({ ifMatchRevision: 40, correlationId: 'results-2026-01-15' });
  });

  it('refuses a broken path parameter, a broken body and a broken header with 400 before the bus', async () => {
    const round = await request(app.getHttpServer()).post(`${programs}/rounds/1e1/close`).send(history.closeRound).expect(400);
    expect(round.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'round' }] });
    const body = await request(app.getHttpServer()).post(`${programs}/rounds/1/scores`).send({ ...history.score, points: '33.6' }).expect(400);
    expect(body.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'points', message: 'points must be a number' }] });
    const header = await request(app.getHttpServer()).post(`${programs}/winners`).set('If-Match', '*').send(history.winner).expect(400);
    expect(header.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'If-Match' }] });
    expect(received).toHaveLength(0);
  });
});

describe('the OpenAPI document', () => {
  it('describes the sixteen decisions with their parameters, headers and answers', () => {
    const document = buildOpenApiDocument(app);
    const operations = Object.entries(document.paths).flatMap(([path, item]) => (item.post ? [{ path, operation: item.post }] : []));
    expect(operations.map((o) => o.operation.operationId).sort()).toEqual(Object.keys(DECISION_ROUTES).sort());
    const score = operations.find((o) => o.operation.operationId === 'recordScore')!;
    expect(score.path).toBe('/api/programs/{programId}/rounds/{round}/scores');
    const parameters = (score.operation.parameters ?? []) as Array<{ name: string; in: string }>;
    expect(parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['header:Idempotency-Key', 'header:If-Match', 'header:X-Correlation-Id', 'path:programId', 'path:round']);
    expect(Object.keys(score.operation.responses).sort()).toEqual(['200', '201', '400', '401', '403', '404', '409', '412', '413', '415', '422', '429']);
    expect((score.operation.responses['422'] as { description: string }).description).toContain('NOT_A_FINALIST');
    expect(operations.find((o) => o.operation.operationId === 'launchProgram')!.operation.responses).not.toHaveProperty('422');
    expect(score.operation.security).toEqual([{ bearer: [] }]);
    expect(document.components?.securitySchemes?.['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('is served at /api/docs-json, with its UI at /api/docs', async () => {
    const json = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(json.body).toMatchObject({ openapi: expect.stringMatching(/^3\./), info: { title: 'Docket' } });
    expect(Object.keys(json.body.paths)).toContain('/api/programs/{programId}/wildcard/close');
    const ui = await request(app.getHttpServer()).get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it("documents on each route exactly the refusals its command's decide function declares, under their statuses", () => {
    const operations = Object.values(buildOpenApiDocument(app).paths).flatMap((item) => (item.post ? [item.post] : []));
    for (const [name, route] of Object.entries(DECISION_ROUTES)) {
      const responses = operations.find((operation) => operation.operationId === name)!.responses as Record<string, { description: string }>;
      const documented = Object.entries(responses).flatMap(([status, { description }]) =>
        (description.match(/[A-Z][A-Z_]+[A-Z]/g) ?? []).filter((code) => (PROGRAM_ERROR_CODES as string[]).includes(code)).map((code) => `${status} ${code}`),
      );
      const declared = REFUSALS[route.command].map((code) => `${{ 'not-found': 404, conflict: 409, rule: 422 }[PROGRAM_ERROR_KINDS[code]]} ${code}`);
      expect({ name, codes: documented.sort() }).toEqual({ name, codes: [...declared].sort() });
    }
    // Between them, the routes give every refusal of the domain.
    const everywhere = new Set(Object.values(DECISION_ROUTES).flatMap((route) => REFUSALS[route.command]));
    expect(PROGRAM_ERROR_CODES.filter((code) => !everywhere.has(code))).toEqual([]);
  });
});

function omitReason<T extends { reason: string }>(body: T): Omit<T, 'reason'> {
  const { reason: _reason, ...rest } = body;
  return rest;
}
