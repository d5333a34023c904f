import { expect, it } from '@jest/globals';
import { describeOnEachStore } from '../support/app-harness.js';

describeOnEachStore('GET /api/health', (app) => {
  it('answers without a token with the state of the event store', async () => {
    const response = await fetch(`${app().baseUrl}/api/health`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      status: 'ok',
      eventStore: { adapter: app().store, status: 'up', subscriptions: { reconnecting: 0 } },
      projections: {},
      feed: { open: 0, waiting: 0, ended: { 'client-gone': 0, stalled: 0, shutdown: 0, 'store-failed': 0 } },
    });
  });
});
