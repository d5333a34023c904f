import type { ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';

const NONE = ["'none'"];
const SELF = ["'self'"];

// The API answers JSON and event streams, which never need to load anything: nothing is allowed.
const apiHelmet = helmet({
  frameguard: { action: 'deny' },
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: NONE, frameAncestors: NONE, baseUri: NONE, formAction: NONE } },
});

// Swagger UI loads its own scripts from the same origin (none inline) but sets inline styles, shows data: images
// and fetches the document. No upgrade-insecure-requests: the service is often reached over plain HTTP, where it
// would send the UI's own assets to an https:// that is not there.
const docsHelmet = helmet({
  frameguard: { action: 'deny' },
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: SELF,
      scriptSrc: SELF,
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: SELF,
      connectSrc: SELF,
      objectSrc: NONE,
      frameAncestors: NONE,
      baseUri: SELF,
      formAction: SELF,
    },
  },
});

// The web console (everything outside /api): its own scripts and styles only, none inline, no other host; it talks
// to the API of the same origin.
const consoleHelmet = helmet({
  frameguard: { action: 'deny' },
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: NONE,
      scriptSrc: SELF,
      styleSrc: SELF,
      imgSrc: ["'self'", 'data:'],
      connectSrc: SELF,
      manifestSrc: SELF,
      objectSrc: NONE,
      frameAncestors: NONE,
      baseUri: NONE,
      formAction: NONE,
    },
  },
});

/** What a helmet middleware does to a response: the headers it sets and those it removes. */
interface HeaderChanges {
  set: Array<[name: string, value: string]>;
  remove: string[];
}

/**
 * Helmet's headers depend on its options only (no directive here is a per-request function, such as a nonce), so
 * they are worked out once, by running helmet against a response that records what it is told. Run per request,
 * helmet's chain of a dozen middlewares cost about 2% of the server's CPU under the decisions benchmark.
 */
function recordHeaderChanges(middleware: ReturnType<typeof helmet>): HeaderChanges {
  const changes: HeaderChanges = { set: [], remove: [] };
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => changes.set.push([name, String(value)]),
    removeHeader: (name: string) => changes.remove.push(name),
  };
  let finished = false;
  middleware({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return changes;
}

const apiHeaders = recordHeaderChanges(apiHelmet);
const docsHeaders = recordHeaderChanges(docsHelmet);
const consoleHeaders = recordHeaderChanges(consoleHelmet);

function applyHeaderChanges(response: ServerResponse, changes: HeaderChanges): void {
  for (const name of changes.remove) response.removeHeader(name);
  for (const [name, value] of changes.set) response.setHeader(name, value);
}

const DOCS_PATH = '/api/docs';

/**
 * The headers of a response to `url`: the docs' own policy for the Swagger UI, the console's for what is outside
 * `/api`, and for the API its own, with `Cache-Control: no-store` (API answers carry data a token was needed to see). Set on the Node response, so
 * they are there whichever way it is written: by Fastify, or streamed by a route that took it over (the feed, the
 * audit export).
 */
export function setSecurityHeaders(url: string, response: ServerResponse): void {
  // The docs' path and the character after it, if any: on every request, so without splitting the whole URL.
  const start = url.slice(0, DOCS_PATH.length + 1).toLowerCase();
  if (start === DOCS_PATH || start === `${DOCS_PATH}/` || start === `${DOCS_PATH}?`) {
    applyHeaderChanges(response, docsHeaders);
  } else if (!start.startsWith('/api/') && start !== '/api' && !start.startsWith('/api?')) {
    applyHeaderChanges(response, consoleHeaders);
  } else {
    response.setHeader('Cache-Control', 'no-store');
    applyHeaderChanges(response, apiHeaders);
  }
}

/**
 * Security headers (helmet) on every response that reaches a route or the router's 404. Call before
 * `SwaggerModule.setup` and before `listen`, so the headers cover the docs too. (The few requests Fastify's router
 * refuses itself, a malformed URL, get them through `frameworkErrors`, see app.ts.)
 */
export function applySecurityHeaders(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => {
    setSecurityHeaders(request.url, reply.raw);
    done();
  });
}
