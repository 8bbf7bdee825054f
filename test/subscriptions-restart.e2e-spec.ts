import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { ProvisionChangeFeed } from '@samverkan/subscriptions';
import { generateChanges, readUntilCaughtUp, summary } from '../libs/subscriptions/src/testing/feed-fixtures';
import { startApp } from './support/start-app';

const PROVISIONS = '/v1/subscriptions/provisions';

/**
 * Start-up derives no provision changes (issue 12): after a restart the feed keeps none of the
 * changes of the log it caught up with, and a subscriber resuming from before the restart is
 * served the very changes the first process sent (derived again from the log), then the live ones.
 */
describe('a provisions subscriber resuming from before a restart', () => {
  it('gets, from any id before the restart (also inside an event), the same changes at the same ids, then the live ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samverkan-sse-resume-'));
    try {
      let running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }) });
      await generateChanges(running.url, { commands: 30, seed: 12, tag: 'before' });
      const before = (await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': '0' })).of('provision-changed');
      const head = running.app.get(ProvisionChangeFeed).position;
      await running.close();

      running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }) });
      try {
        const feed = running.app.get(ProvisionChangeFeed);
        // Caught up without deriving: nothing kept, everything up to the old head is history.
        expect(feed.size).toBe(0);
        expect(feed.liveFrom).toBe(head);
        await generateChanges(running.url, { commands: 10, seed: 13, tag: 'after' });
        expect(feed.size).toBeGreaterThan(0);
        const everything = (await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': '0' })).of('provision-changed');
        const live = everything.slice(before.length);
        expect(summary(everything.slice(0, before.length), 'provision-changed')).toEqual(summary(before, 'provision-changed'));
        expect(live.length).toBe(feed.size);
        // Inside an event that changed several spans, at the last change before the restart, and at the old head.
        const inside = before.findIndex((m) => (m.id as string).includes(':'));
        for (const i of [inside, Math.floor(before.length / 2), before.length - 1]) {
          const resumed = (await readUntilCaughtUp(`${running.url}${PROVISIONS}`, { 'last-event-id': before[i].id as string })).of('provision-changed');
          expect(summary(resumed, 'provision-changed')).toEqual(summary(everything.slice(i + 1), 'provision-changed'));
        }
        expect(inside).toBeGreaterThanOrEqual(0);
        // A filtered resume is the filtered sequence.
        const filtered = (await readUntilCaughtUp(`${running.url}${PROVISIONS}?serviceArea=payroll`, { 'last-event-id': '0' })).of('provision-changed');
        expect(summary(filtered, 'provision-changed')).toEqual(summary(everything.filter((m) => m.data.serviceArea === 'payroll'), 'provision-changed'));
      } finally {
        await running.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
