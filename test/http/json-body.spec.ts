import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { ExecutionContext } from '@nestjs/common';
import { JsonBodyGuard } from '../../src/http/json-body.js';
import { ProblemError } from '../../src/http/problem.js';

/**
 * The guard on a real socket: each request's body as the guard read it, or the problem it refused it with. Bodies
 * declared plain `application/json` take the guard's own reader; every other declaration goes through body-parser,
 * so the two paths can be held to the same answers.
 */
type Outcome = { body: unknown } | { status: number; code: string };

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    // What the guard sees of Fastify: the Node request and response as `raw`, and a `body` for it to fill in.
    const request: { raw: typeof req; body?: unknown } = { raw: req };
    const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({ raw: res }) }) } as unknown as ExecutionContext;
    let answer: unknown;
    try {
      await new JsonBodyGuard().canActivate(context);
      answer = { body: request.body ?? null };
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      answer = { status: error.status, code: error.code };
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(body: Buffer | string, headers: Record<string, string>): Promise<Outcome> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const chunked = headers['transfer-encoding'] === 'chunked';
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: chunked ? headers : { 'content-length': String(bytes.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: unknown; status?: number; code?: string };
        resolve('status' in answer ? { status: answer.status!, code: answer.code! } : { body: answer.body });
      });
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

const PLAIN = { 'content-type': 'application/json' };
// Quoted, the charset is the same but the declaration is not one the guard reads itself.
const VIA_BODY_PARSER = { 'content-type': 'application/json; charset="utf-8"' };

describe('the JSON body', () => {
  const bodies: Array<[what: string, body: Buffer | string]> = [
    ['an object', '{"teamId":"upstage","points":33.6,"members":["a","b"]}'],
    ['an array', '[1,2]'],
    ['an object after whitespace', ' \n\t{"a":1}'],
    ['a byte order mark and an object', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"\u00e9\ud83d\ude00"}')])],
    ['nothing at all', ''],
    ['a number', '5'],
    ['a string after whitespace', '  "upstage"'],
    ['broken JSON', '{"teamId": '],
    ['invalid UTF-8 inside a string', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
  ];

  it.each(bodies)('answers %s the same way as body-parser does', async (_what, body) => {
    expect(await send(body, PLAIN)).toEqual(await send(body, VIA_BODY_PARSER));
  });

  it('reads what a client sends', async () => {
    expect(await send('{"teamId":"upstage","points":33.6}', PLAIN)).toEqual({ body: { teamId: 'upstage', points: 33.6 } });
    expect(await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]), PLAIN)).toEqual({ body: { a: 1 } });
    expect(await send('', PLAIN)).toEqual({ body: {} });
    expect(await send('{"a":1}', { 'content-type': 'Application/JSON; Charset=UTF-8' })).toEqual({ body: { a: 1 } });
  });

  it('refuses what is not a JSON object or array, as malformed JSON', async () => {
    for (const body of ['5', '  "upstage"', '{"teamId": ', 'null']) {
      expect(await send(body, PLAIN)).toEqual({ status: 400, code: 'MALFORMED_JSON' });
    }
  });

  it('still reads compressed and chunked bodies, and refuses other charsets, large bodies and other types', async () => {
    expect(await send(gzipSync('{"a":1}'), { ...PLAIN, 'content-encoding': 'gzip' })).toEqual({ body: { a: 1 } });
    expect(await send('{"a":1}', { ...PLAIN, 'transfer-encoding': 'chunked' })).toEqual({ body: { a: 1 } });
    expect(await send('{"a":1}', { 'content-type': 'application/json; charset=latin1' })).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await send('{"a":1}', { 'content-type': 'text/plain' })).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await send(`{"a":"${'x'.repeat(64 * 1024)}"}`, PLAIN)).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses keys that would pollute a prototype, whichever path read the body', async () => {
    for (const headers of [PLAIN, VIA_BODY_PARSER]) {
      expect(await send('{"a":{"__proto__":{"x":1}}}', headers)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    }
  });
});
