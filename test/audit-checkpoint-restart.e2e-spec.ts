import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { client, startApp } from './support/start-app';

/**
 * Regression: an audit checkpoint is on a stream the read models do not project. When it is
 * the last event in the log, start-up must not wait for the read models to "reach" it (it
 * used to wait 60 s), and /health must not report a growing lag.
 */
describe('a checkpoint at the head of the log', () => {
  it('starts promptly and reports no lag', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'samverkan-checkpoint-'));
    const first = await startApp({ store: SqliteEventStore.open({ dataDir }), env: { SAMVERKAN_DATA_DIR: dataDir } });
    const checkpoint = await client(first.url).post('/v1/audit/checkpoints', {});
    expect(checkpoint.status).toBeLessThan(300);
    expect((await first.store.readAll()).at(-1)?.stream).toMatch(/^audit-/);
    await first.close();

    const second = await startApp({ store: SqliteEventStore.open({ dataDir }), env: { SAMVERKAN_DATA_DIR: dataDir } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const health = await client(second.url).get('/health');
      expect(health.body).toMatchObject({ status: 'ok', projection: { lagMs: 0 } });
    } finally {
      await second.close();
    }
  }, 60_000);
});
