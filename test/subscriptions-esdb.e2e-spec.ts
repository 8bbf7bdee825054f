import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { EventStoreDbDouble } from '@samverkan/event-store/testing';
import { ProvisionChangeFeed } from '@samverkan/subscriptions';
import { generateChanges, prng, readUntilCaughtUp, sleep, summary } from '../libs/subscriptions/src/testing/feed-fixtures';
import { SseClient, SseMessage } from '../libs/subscriptions/src/testing/sse-client';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { RunningApp, startApp } from './support/start-app';

/**
 * The same feeds on EventStoreDB (the in-process gRPC double, as in eventstoredb.e2e-spec.ts):
 * the change stream is derived from the projection, which reads `$all` through the adapter, and
 * the events feed's catch-up reads `$all`, whose positions are commit positions, not 1, 2, 3…
 */
const SEED = Number(process.env.SSE_TEST_SEED ?? Date.now() % 1_000_000);
const onDouble = process.env.EVENTSTORE_CONNECTION_STRING ? describe.skip : describe;

onDouble('subscriptions on EventStoreDB (the double)', () => {
  let double: EventStoreDbDouble;
  let running: RunningApp;

  beforeAll(async () => {
    double = new EventStoreDbDouble();
    await double.start();
    running = await startApp({ store: new EventStoreDbEventStore(double.connectionString) });
  });
  afterAll(async () => {
    await running.close();
    await double.stop();
  });

  it('snapshot, S1, then changes; and a cut connection resumes on both feeds with no gap and no duplicate', async () => {
    const feed = running.app.get(ProvisionChangeFeed);
    const from = String(feed.position);
    const eventsFrom = String(await running.store.headPosition());
    const snapshot = await SseClient.open(`${running.url}/v1/subscriptions/provisions?snapshot=true&county=05`);
    await snapshot.waitFor((m) => m.event === 'caught-up');
    expect(snapshot.of('provision-snapshot').length).toBe(13 * 33);

    const run = await runScenario(running.url, loadScenario('s1'));
    const generated = await generateChanges(running.url, { commands: 60, seed: SEED, tag: 'esdb' });
    await snapshot.waitFor((m) => m.data?.position === generated.position && /^\d+$/.test(m.id as string));
    snapshot.kill();
    expect(snapshot.of('provision-changed').map((m) => m.data)).toContainEqual(expect.objectContaining({ municipality: '0580', serviceArea: 'payroll', effectiveFrom: '2023-01-01', lapsed: true }));
    expect(run.position).toBeGreaterThan(Number(from));

    const random = prng(SEED);
    const cuts: number[] = [];
    for (const [path, event, start] of [
      ['/v1/subscriptions/provisions', 'provision-changed', from],
      ['/v1/subscriptions/events', 'domain-event', eventsFrom],
    ] as const) {
      const reference = await readUntilCaughtUp(`${running.url}${path}`, { 'last-event-id': start });
      const expected = summary(reference.messages, event);
      expect(expected.length).toBeGreaterThan(60);
      const received: SseMessage[] = [];
      let last: string = start;
      let connections = 0;
      // Cut after a random 0–12,000 characters, wherever that falls (in the middle of a message, too), or after 300 ms.
      for (let i = 0; i < 500 && received.length < expected.length; i++) {
        const stream = await SseClient.open(`${running.url}${path}`, { 'last-event-id': last }, { cutAfterChars: Math.floor(random() * 12_000) });
        await Promise.race([sleep(300), stream.ended]);
        stream.kill();
        connections++;
        received.push(...stream.of(event));
        last = stream.lastEventId ?? last;
      }
      expect(summary(received, event)).toEqual(expected);
      cuts.push(connections);
    }
    expect(cuts.every((n) => n >= 5)).toBe(true);
  });
});
