import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { ReadModelsHeldError } from './projections/engine/read-model-lease.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger as PinoLogger } from 'pino';
import { createLogger } from './observability/logging.js';
import { startTracing, type Tracing } from './observability/tracing.js';

/**
 * Connections the kernel holds for the server before it accepts them (Linux caps it at net.core.somaxconn). Node's
 * default, 511, overflows when a burst of clients opens connections at once: the kernel then drops their SYNs and
 * each waits out TCP's retransmission timer (1 s, then 3 s, then 7 s) before it is even heard.
 */
const LISTEN_BACKLOG = 4096;

/** A wrong configuration (environment, tokens file) stops the process with its message and EX_CONFIG, no stack trace. */
function refuseToStart(error: ConfigError): never {
  process.stderr.write(`Docket cannot start: ${error.message}\n`);
  process.exit(78);
}

/**
 * SIGTERM or SIGINT: the application closes (no new connections, the requests in flight answered, the feed's
 * connections ended, the projections' thread and the store closed; see `closeWhenStopping`), the traces and logs
 * still buffered are written, and the process exits 0; 1 if the close failed. A second signal exits at once (1).
 */
function stopOnSignals(app: NestFastifyApplication, logger: PinoLogger, tracing: Tracing | null): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again while stopping: exiting now`);
      logger.flush(() => process.exit(1));
      return;
    }
    stopping = true;
    logger.info({ context: 'Docket' }, `stopping on ${signal}: answering the requests in flight, ending the feed's connections`);
    void app
      .close()
      .then(
        () => 0,
        (error: unknown) => {
          logger.error({ context: 'Docket', err: error }, 'the stop failed');
          return 1;
        },
      )
      .then(async (code) => {
        await tracing?.shutdown().catch(() => undefined);
        logger.info({ context: 'Docket' }, `stopped (exit ${code})`);
        logger.flush(() => process.exit(code));
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(): Promise<void> {
  try {
    const config = loadConfig(process.env);
    const tracing = startTracing(config);
    const logger = createLogger(config);
    const app = await createApp(config, { pino: logger });
    stopOnSignals(app, logger, tracing);
    await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
    const { port } = app.getHttpServer().address() as { port: number };
    new Logger('Docket').log(`serving on http://${config.host}:${port}/api (event store: ${config.eventStore.kind}, data: ${config.dataDir})`);
  } catch (error) {
    if (error instanceof ConfigError) refuseToStart(error);
    if (error instanceof ReadModelsHeldError) {
      // EX_TEMPFAIL: nothing is wrong with the configuration; it can start once the other writer is done.
      process.stderr.write(`Docket cannot start: ${error.message}.\n`);
      process.exit(75);
    }
    throw error;
  }
}

await main();
