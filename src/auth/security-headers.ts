import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

const NONE = ["'none'"];
const SELF = ["'self'"];

// The API answers JSON and event streams, which never need to load anything: nothing is allowed.
const apiHeaders = helmet({
  frameguard: { action: 'deny' },
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: NONE, frameAncestors: NONE, baseUri: NONE, formAction: NONE } },
});

// Swagger UI loads its own scripts from the same origin (none inline) but sets inline styles, shows data: images
// and fetches the document. No upgrade-insecure-requests: the service is often reached over plain HTTP, where it
// would send the UI's own assets to an https:// that is not there.
const docsHeaders = helmet({
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

/**
 * Security headers (helmet) on every response, and `Cache-Control: no-store` on API answers, which carry data a
 * token was needed to see. Call before `SwaggerModule.setup` and before `listen`, so the headers cover the docs too.
 */
export function applySecurityHeaders(app: INestApplication, docsPath = '/api/docs'): void {
  const isDocs = (path: string) => path === docsPath || path.startsWith(`${docsPath}/`);
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (isDocs(request.path)) return docsHeaders(request, response, next);
    response.setHeader('Cache-Control', 'no-store');
    return apiHeaders(request, response, next);
  });
}
