import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

const DESCRIPTION = [
  'System of record for the decisions of a multi-round, government-backed competition (programme, applications,',
  'evaluation rounds, eligibility, wild-card, winners), event-sourced: every decision is appended to its programme\'s',
  'stream with who took it, why, and when it took effect.',
  '',
  '- Every request carries `Authorization: Bearer <token>` except `GET /api/health`, `/api/docs` and `/api/docs-json`.',
  '- Identifiers are slugs (`^[a-z0-9]+(-[a-z0-9]+)*$`); free text is 1–2000 characters without control characters',
  '  other than newline and tab (bidirectional overrides U+202A–U+202E and U+2066–U+2069 are refused too).',
  '- Global positions are strings of digits (64-bit); revisions are numbers. A decision answers `201` with',
  '  `ETag: "<revision>"`, or `200` when an `Idempotency-Key` retry replays the first outcome.',
  '- Errors are `application/problem+json` `{type, title, status, detail, code}`; validation errors add',
  '  `errors: [{field, message}]` with dotted paths for nested fields.',
].join('\n');

/** The OpenAPI document of everything the app's controllers declare. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Docket')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token from the tokens file.' })
    .build();
  // An SPDX identifier rather than a URL (DocumentBuilder's setLicense always writes one, empty when none is given).
  // OpenAPI 3.1 names a licence by SPDX identifier; Nest's LicenseObject type is 3.0's, which has none.
  config.info.license = { name: 'Proprietary: for the ministry and its auditors', identifier: 'LicenseRef-Docket-Proprietary' } as OpenAPIObject['info']['license'];
  return SwaggerModule.createDocument(app, config);
}

/**
 * Serves the UI at `/api/docs` and the document at `/api/docs-json`. Call after `setGlobalPrefix('api')` (the
 * document's paths carry the prefix) and before `listen`; these paths are served beside Nest's router, so no guard
 * runs on them, as API.md wants.
 */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: DOCS_JSON_PATH, raw: ['json'] });
  return document;
}
