import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Docket cannot start: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as { port: number };
  new Logger('Docket').log(`serving on http://${config.host}:${port}/api (event store: ${config.eventStore.kind}, data: ${config.dataDir})`);
}

await main();
