/** The programme's real history lives beside the demo that records it (one source for the tests and `npm run demo`). */
export * from '../../src/cli/demo/programme-history.js';
