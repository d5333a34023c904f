import { resolve } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { BackupRefusedError, backupEventLog, restoreEventLog } from '../event-store/sqlite/sqlite-backup.js';
import { EXIT, fail } from './cli-options.js';
import { Presets, SingleBar } from 'cli-progress';

const ESDB_BACKUP = 'EventStoreDB keeps the log: back it up with its own procedure (README, "Back up and restore"); the read models are derived and rebuild';

/** `backup <file>`: an online copy of the embedded store's log, safe while the server runs and decides. */
export async function backupCommand(file: string, options: { progress: boolean; json?: boolean }): Promise<number> {
  const config = loadConfig(process.env);
  if (config.eventStore.kind !== 'sqlite') return fail(`Refused: ${ESDB_BACKUP}.`);
  const bar = options.progress && process.stderr.isTTY === true && !options.json ? new SingleBar({ format: 'backup [{bar}] {percentage}% | {value}/{total} pages', hideCursor: true, stream: process.stderr }, Presets.shades_classic) : null;
  bar?.start(1, 0);
  const progress = (copied: number, total: number) => {
    bar?.setTotal(total);
    bar?.update(copied);
  };
  try {
    const summary = await backupEventLog(config.dataDir, resolve(file), progress);
    bar?.update(bar.getTotal());
    bar?.stop();
    if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const mib = (summary.bytes / 2 ** 20).toFixed(1);
      process.stdout.write(`Backed up ${summary.events.toLocaleString('en-US')} events (up to position ${summary.headPosition ?? 'none'}) to ${summary.file}: ${mib} MiB in ${summary.seconds.toFixed(1)} s, integrity checked.\n`);
    }
    return EXIT.ok;
  } catch (error) {
    bar?.stop();
    if (error instanceof BackupRefusedError) return fail(`Refused: ${error.message}.`);
    throw error;
  }
}

/** `restore <file>`: a backup as the log of an empty `DATA_DIR`; the server rebuilds the rest when it starts. */
export function restoreCommand(file: string, options: { json?: boolean }): number {
  const config = loadConfig(process.env);
  if (config.eventStore.kind !== 'sqlite') return fail(`Refused: ${ESDB_BACKUP}.`);
  try {
    const summary = restoreEventLog(resolve(file), config.dataDir);
    if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      process.stdout.write(
        `Restored ${summary.events.toLocaleString('en-US')} events (up to position ${summary.headPosition ?? 'none'}) into ${summary.file}.\n` +
          'Start the server on this DATA_DIR: it rebuilds the read models from the log. `npm run cli -- verify` checks the restored log against its signed checkpoints.\n',
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof BackupRefusedError) return fail(`Refused: ${error.message}.`);
    throw error;
  }
}
