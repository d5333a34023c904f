/** Jest runs in native ESM mode: NestJS 12 ships ESM only. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 30000,
  // Once every suite has run, exit: one run in seven here (2026-11-29) stayed up after printing its summary, its
  // main thread busy, and was not caught again with a profiler in six more runs. A run that hangs after passing would
  // hold CI until its time limit. Every app and store the tests start is stopped in their own teardown; a leak that
  // keeps a suite from finishing still fails it by its timeout.
  forceExit: true,
};
