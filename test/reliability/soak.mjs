// `npm run test:soak`: the reliability suite at its larger size, then its report. Node's standard library only.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const report = join(tmpdir(), `docket-soak-${process.pid}.jsonl`);
rmSync(report, { force: true });
const jest = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'test/reliability', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, DOCKET_SOAK: '1', DOCKET_SOAK_REPORT: report },
});
const lines = existsSync(report) ? readFileSync(report, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
rmSync(report, { force: true });
const sum = (field) => lines.reduce((total, line) => total + (line[field] ?? 0), 0);
const faults = {};
for (const line of lines) for (const [kind, count] of Object.entries(line.faults ?? {})) faults[kind] = (faults[kind] ?? 0) + count;

console.log('\nReliability report');
console.table(lines.map(({ test, ...figures }) => ({ test, ...figures, faults: figures.faults ? JSON.stringify(figures.faults) : '' })));
console.log(`operations tried:                ${sum('operations')}`);
console.log(`faults injected:                 ${Object.keys(faults).length ? Object.entries(faults).map(([kind, count]) => `${kind} ${count}`).join(', ') : 'none'}`);
console.log(`invalid inputs tried:            ${sum('invalidInputs')}`);
console.log(`acknowledged decisions verified: ${sum('acknowledged')}`);
console.log(`decisions lost:                  ${sum('lost')} (must be 0)`);
console.log(`duplicates:                      ${sum('duplicates')} (must be 0)`);
process.exit(jest.status !== 0 || sum('lost') > 0 || sum('duplicates') > 0 ? 1 : 0);
