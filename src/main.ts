import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { ReadModelsHeldError } from './projections/engine/read-model-lease.js';

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

async function main(): Promise<void> {
  try {
    const config = loadConfig(process.env);
    const app = await createApp(config);
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
