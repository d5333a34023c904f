import type { IncomingMessage } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { notesOf } from './request-notes.js';

/**
 * Headers and fields that must never reach a log line, should a serializer or a log call ever include them: pino
 * replaces them with `[redacted]`. The request line (`logRequest`) picks its fields and holds none of them anyway.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-metrics-token"]',
  'headers.authorization',
  'authorization',
  'token',
  'privateKey',
];

/** Where the log goes: a destination for tests, else stdout as JSON lines or, in development, pino-pretty's lines. */
export function createLogger(config: Pick<AppConfig, 'logFormat' | 'logLevel'>, destination?: DestinationStream): PinoLogger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service: 'docket' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  if (destination) return pino(options, destination);
  if (config.logFormat === 'pretty') {
    return pino({ ...options, formatters: {}, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service,context', messageFormat: '{if context}[{context}] {end}{msg}', singleLine: true } } });
  }
  // Asynchronous and buffered (written 4 KiB at a time, flushed at exit): one write per line cost about 5 µs of the
  // HTTP thread per request under the decisions benchmark. A SIGKILL loses at most the last 4 KiB.
  return pino(options, pino.destination({ sync: false, minLength: 4096 }));
}

/**
 * Nest's logger (every `new Logger(context)` of the application, the projections' thread's lines relayed by its host)
 * through pino. No per-request middleware: nestjs-pino's would wrap each request in an AsyncLocalStorage context and
 * a child logger, which cost a third more CPU per decision under the decisions benchmark on Node 20; the request's
 * line is written once it is answered, by `logRequest`.
 */
export function nestLogging(logger: PinoLogger): DynamicModule {
  return LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] });
}

/**
 * One line per request when it is answered: method, URL, route pattern, status, duration (ms), correlation id, the
 * actor and, for a decision, the command, programme, outcome and positions; the problem's code of a refusal. Never a
 * header or a body: only the fields picked here are written. 5xx at `error`, 4xx at `warn`, the rest at `info`.
 */
export function logRequest(logger: PinoLogger, request: IncomingMessage, status: number, durationMs: number, correlationId: string): void {
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const notes = notesOf(request);
  const route = notes.route ?? (request.url ?? '').split('?', 1)[0]!;
  const decision = notes.decision && { ...notes.decision, outcome: notes.decision.outcome ?? (status >= 400 ? 'refused' : undefined) };
  logger[level](
    {
      correlationId,
      req: { method: request.method, url: request.url },
      res: { statusCode: status },
      durationMs: Math.round(durationMs * 10) / 10,
      route,
      ...(notes.actor ? { actor: notes.actor } : {}),
      ...(decision ? { decision } : {}),
      ...(notes.code ? { code: notes.code } : {}),
    },
    `${request.method} ${route} ${status}`,
  );
}
