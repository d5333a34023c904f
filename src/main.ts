import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';

/** A wrong configuration (environment, tokens file) stops the process with its message and EX_CONFIG, no stack trace. */
function refuseToStart(error: ConfigError): never {
  process.stderr.write(`Docket cannot start: ${error.message}\n`);
  process.exit(78);
}

async function main(): Promise<void> {
  try {
    const config = loadConfig(process.env);
    const app = await createApp(config);
    await app.listen(config.port, config.host);
    const { port } = app.getHttpServer().address() as { port: number };
    new Logger('Docket').log(`serving on http://${config.host}:${port}/api (event store: ${config.eventStore.kind}, data: ${config.dataDir})`);
  } catch (error) {
    if (error instanceof ConfigError) refuseToStart(error);
    throw error;
  }
}

await main();
