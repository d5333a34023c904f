import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/app-config.js';
import { ReadModelsHeldError } from '../projections/engine/read-model-lease.js';
import { EXIT } from './cli-options.js';
import { projectionsCommand } from './projections.command.js';
import { rebuildCommand } from './rebuild.command.js';

/**
 * `npm run cli -- <command>`: operations on a Docket. Exit codes: 0 done, 1 failed, 2 usage (an unknown command,
 * option or projection). Runs compiled (dist/), where Nest's decorator metadata exists.
 */
const program = new Command('docket')
  .description('Operations on a Docket: rebuild and inspect the projections.')
  .exitOverride()
  .showHelpAfterError();

const serverOptions = (command: Command) =>
  command
    .addOption(new Option('--url <url>', 'the running Docket (default http://127.0.0.1:$PORT, PORT defaulting to 3000)'))
    .addOption(new Option('--token <token>', 'an admin API token (default $DOCKET_TOKEN, or the development admin token outside production)'))
    .addOption(new Option('--offline', 'work on DATA_DIR and the configured event store in this process; refused while a server runs on it'));

serverOptions(
  program
    .command('rebuild')
    .description('rebuild a projection afresh into new tables, then swap it in (progress bar: events, rate, ETA)')
    .argument('<name>', 'the projection: standings, audit or timeline'),
)
  .option('--no-progress', 'no progress bar, only the outcome')
  .action(async (name: string, options: { url?: string; token?: string; offline?: boolean; progress: boolean }) => {
    process.exitCode = await rebuildCommand(name, options);
  });

serverOptions(program.command('projections').description('show every projection: status, position, lag, rebuild progress, error'))
  .option('--json', 'print JSON instead of a table')
  .action(async (options: { url?: string; token?: string; offline?: boolean; json?: boolean }) => {
    process.exitCode = await projectionsCommand(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
  if (error instanceof ReadModelsHeldError) {
    process.stderr.write(`Refused: ${error.message}.\n`);
    process.exit(EXIT.failed);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT.failed);
  }
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(EXIT.failed);
}
