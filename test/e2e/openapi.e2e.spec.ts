import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { startApp } from '../support/app-harness.js';
import { httpClient, type JsonResponse, type TokenRole } from '../support/http-client.js';
import { programmeHistory } from '../support/programme-history.js';
import { tempDir } from '../support/temp-dir.js';

// ajv-formats is CommonJS: under Jest's ESM mode its default export may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Document = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };

const P = 'sovereign-ai-2025';
const REDOCLY = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');

/**
 * The OpenAPI description, held to what clients generate code from: it passes Redocly's linter (recommended rules),
 * and the server's real answers, taken over HTTP through a whole history, validate against the schemas it declares
 * for their route, status and media type.
 */
describe('the OpenAPI description', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let api: ReturnType<typeof httpClient>;
  let document: Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);

  beforeAll(async () => {
    app = await startApp('sqlite');
    api = httpClient(app.baseUrl);
    document = (await api.get('/api/docs-json', { role: null })).body as Document;
    // The document is one schema resource, so the components' `#/components/…` references resolve inside it.
    ajv.addSchema({ ...document, $id: 'urn:docket:openapi' } as object);
  }, 30_000);
  afterAll(async () => app?.stop());

  it('passes the Redocly linter with its recommended rules, without a warning', () => {
    const dir = tempDir('docket-openapi-');
    try {
      const file = join(dir.path, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const lint = spawnSync(process.execPath, [REDOCLY, 'lint', '--extends=recommended', file], { encoding: 'utf8', timeout: 60_000 });
      const output = lint.stdout + lint.stderr;
      expect({ status: lint.status, problems: output.match(/^\[\d+\].*$/gm) ?? [] }).toEqual({ status: 0, problems: [] });
      expect(output).toContain('Your API description is valid');
      expect(output).not.toMatch(/You have \d+ warning/);
    } finally {
      dir.remove();
    }
  }, 60_000);

  /** Validates a real answer against the schema the document declares for its route, method, status and media type. */
  function expectDeclared(method: string, template: string, response: JsonResponse): void {
    const operation = document.paths[template]?.[method];
    expect({ route: `${method} ${template}`, declared: operation !== undefined }).toEqual({ route: `${method} ${template}`, declared: true });
    const declared = operation!.responses[String(response.status)];
    expect({ route: `${method} ${template}`, status: response.status, declared: declared !== undefined }).toEqual({
      route: `${method} ${template}`,
      status: response.status,
      declared: true,
    });
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!;
    const schema = declared!.content?.[mediaType]?.schema;
    expect({ route: `${method} ${template}`, mediaType, schema: schema !== undefined }).toEqual({ route: `${method} ${template}`, mediaType, schema: true });
    const pointer = JSON.stringify(schema).replaceAll('"#/components/', '"urn:docket:openapi#/components/');
    const validate = ajv.compile(JSON.parse(pointer) as object);
    const valid = validate(response.body);
    expect({ route: `${method} ${template} ${response.status}`, errors: valid ? [] : validate.errors }).toEqual({ route: `${method} ${template} ${response.status}`, errors: [] });
  }

  it("holds every answer of the decisions, the reads and the operations to the schema it declares", async () => {
    const get = (path: string, role: TokenRole = 'auditor') => api.get(path, { role });
    let last = '';
    for (const decision of programmeHistory(P)) {
      const response = await api.post(decision.path, decision.body);
      const template = decision.path.replace(`/api/programs/${P}`, '/api/programs/{programId}').replace(/\/rounds\/\d+\//, '/rounds/{round}/');
      expectDeclared('post', template, response);
      last = response.body.position;
    }
    const first = programmeHistory('another-programme')[0]!;
    const keyed = { headers: { 'Idempotency-Key': 'launch-another' } };
    expectDeclared('post', '/api/programs', await api.post(first.path, first.body, keyed));
    expectDeclared('post', '/api/programs', await api.post(first.path, first.body, keyed));
    // Refusals: a rule (422), an unknown team (404), a bad body (400), a reused key (409), a stale If-Match (412).
    expectDeclared('post', '/api/programs/{programId}/winners', await api.post(`/api/programs/${P}/winners`, { teamId: 'nc-ai', reason: 'x' }));
    expectDeclared('post', '/api/programs/{programId}/finalists', await api.post(`/api/programs/${P}/finalists`, { teamId: 'nobody', reason: 'x' }));
    expectDeclared('post', '/api/programs/{programId}/finalists', await api.post(`/api/programs/${P}/finalists`, { teamId: 'Not A Slug', reason: '' }));
    expectDeclared('post', '/api/programs', await api.post(first.path, { ...first.body, title: 'Another title' }, keyed));
    const stale = await api.post(`/api/programs/${P}/rules`, { ruleId: 'r-1', text: 'A rule.', reason: 'x' }, { headers: { 'If-Match': '"1"' } });
    expectDeclared('post', '/api/programs/{programId}/rules', stale);

    const reads: Array<[string, string, TokenRole?]> = [
      ['/api/programs', `/api/programs?minPosition=${last}`],
      ['/api/programs/{programId}/standings', `/api/programs/${P}/standings?minPosition=${last}`],
      ['/api/programs/{programId}/standings', `/api/programs/${P}/standings?status=finalist,eliminated&limit=2`],
      ['/api/programs/{programId}/standings', `/api/programs/${P}/standings?asOf=${last}&limit=3&after=upstage`],
      ['/api/programs/{programId}/standings', `/api/programs/no-such-programme/standings`],
      ['/api/programs/{programId}/standings', `/api/programs/${P}/standings?limit=0`],
      ['/api/programs/{programId}/teams/{teamId}/standing', `/api/programs/${P}/teams/naver-cloud/standing`],
      ['/api/programs/{programId}/teams/{teamId}/standing', `/api/programs/${P}/teams/nobody/standing`],
      ['/api/programs/{programId}/teams/{teamId}/timeline', `/api/programs/${P}/teams/naver-cloud/timeline`],
      ['/api/programs/{programId}/audit', `/api/programs/${P}/audit?limit=5`],
      ['/api/audit', '/api/audit?limit=5&type=TeamEliminated'],
      ['/api/events/schema', '/api/events/schema', 'subscriber'],
      ['/api/admin/projections', '/api/admin/projections', 'admin'],
      ['/api/programs/{programId}/audit', `/api/programs/${P}/audit`, 'subscriber'],
    ];
    for (const [template, path, role] of reads) expectDeclared('get', template, await get(path, role));
    expectDeclared('get', '/api/health', await api.get('/api/health', { role: null }));
    expectDeclared('get', '/api/programs', await api.get('/api/programs', { role: null }));
  }, 90_000);
});
