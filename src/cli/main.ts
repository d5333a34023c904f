import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/app-config.js';
import { UnreadableEventError } from '../event-store/event-store.errors.js';
import { ReadModelsHeldError } from '../projections/engine/read-model-lease.js';
import { EXIT } from './cli-options.js';
import { projectionsCommand } from './projections.command.js';
import { rebuildCommand } from './rebuild.command.js';
import { exportEvidenceCommand } from './export-evidence.command.js';
import { verifyCommand } from './verify.command.js';
import { backupCommand, restoreCommand } from './backup.command.js';
import { demoCommand } from './demo.command.js';

/**
 * `npm run cli -- <command>`: operations on a Docket. Exit codes: 0 done, 1 failed, 2 usage (an unknown command,
 * option or projection). Runs compiled (dist/), where Nest's decorator metadata exists.
 */
const program = new Command('docket')
  .description('Operations on a Docket: rebuild and inspect the projections; verify the log and export evidence for auditors; back up and restore the embedded store.')
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
    .argument('<name>', 'the projection: standings, audit, timeline or merkle'),
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

program
  .command('verify')
  .description("verify the whole log from the event store: every hash, every stream's chain, the Merkle tree against every signed checkpoint (exit 0 clean, 1 broken)")
  .option('--public-key <file>', "the audit public key (PEM) to check checkpoints with; default: the configured signing key's")
  .option('--checkpoints <file>', "checkpoints kept from elsewhere (an earlier evidence pack's checkpoints.jsonl) to check the log against too")
  .option('--proof <file>', 'an inclusion or consistency proof saved from the API, checked against the key and the log')
  .option('--json', 'print the report as JSON')
  .option('--no-progress', 'no progress bar')
  .action(async (options: { publicKey?: string; checkpoints?: string; proof?: string; json?: boolean; progress: boolean }) => {
    process.exitCode = await verifyCommand(options);
  });

program
  .command('export-evidence')
  .description('write an evidence pack (events as stored, checkpoints, public key, manifest, README, standalone verifier) into a new folder')
  .argument('<dir>', 'the folder to create (or an empty one)')
  .option('--public-key <file>', "the audit public key (PEM) to put in the pack; default: the configured signing key's")
  .option('--no-progress', 'no progress bar')
  .action(async (dir: string, options: { publicKey?: string; progress: boolean }) => {
    process.exitCode = await exportEvidenceCommand(dir, options);
  });

program
  .command('backup')
  .description("copy the embedded store's event log into <file> while the server runs (SQLite online backup, integrity checked)")
  .argument('<file>', 'the backup file to create (never overwritten)')
  .option('--json', 'print what the backup holds as JSON')
  .option('--no-progress', 'no progress bar')
  .action(async (file: string, options: { json?: boolean; progress: boolean }) => {
    process.exitCode = await backupCommand(file, options);
  });

program
  .command('restore')
  .description('put a backup in place as the event log of an empty DATA_DIR; the server rebuilds the read models when it starts')
  .argument('<file>', 'a file written by `backup`')
  .option('--json', 'print what was restored as JSON')
  .action((file: string, options: { json?: boolean }) => {
    process.exitCode = restoreCommand(file, options);
  });

program
  .command('demo')
  .description("record the programme's real 2025-26 history through a running Docket's API (idempotent: run it again, nothing changes)")
  .addOption(new Option('--url <url>', 'the running Docket (default http://127.0.0.1:$PORT, PORT defaulting to 3000)'))
  .addOption(new Option('--token <token>', 'an official API token (default $DOCKET_TOKEN, or the development official token)'))
  .option('--program-id <id>', 'the programme to record it as', 'sovereign-ai-2025')
  .option('--no-progress', 'no progress bar')
  .action(async (options: { url?: string; token?: string; programId: string; progress: boolean }) => {
    process.exitCode = await demoCommand(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
  if (error instanceof ReadModelsHeldError) {
    process.stderr.write(`Refused: ${error.message}.\n`);
    process.exit(EXIT.failed);
  }
  if (error instanceof UnreadableEventError) {
    process.stderr.write(`Stopped: ${error.message}. The log was altered there: \`npm run cli -- verify\` reports it.\n`);
    process.exit(EXIT.failed);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT.failed);
  }
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(EXIT.failed);
}
