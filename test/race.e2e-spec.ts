import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { EventStoreDbDouble } from '@samverkan/event-store/testing';
import { readLog } from './crash/checker';
import { Race, Sent, describeRaceChecks, runRaces } from './support/race';
import { ruleViolations } from './support/rules';
import { RunningApp, startApp } from './support/start-app';

/**
 * Issue 7, item 2: 50 concurrent clients send conflicting commands to the same streams, on one
 * in-process instance of the service per store; the races and the checks are in support/race.ts
 * (test/race-two-instances.e2e-spec.ts runs them with two service processes on one store).
 */

/**
 * The store with a delay of 0–`maxMs` ms (pseudo-random, fixed sequence) before every read and
 * append of a stream, as a store across a network has: the embedded store answers at once, so
 * without it a decision in flight hardly ever yields to a rival between its read and its append.
 */
function withLatency(store: EventStore, maxMs: number): EventStore {
  let n = 0;
  const delay = () => new Promise((resolve) => setTimeout(resolve, (n++ * 7919) % (maxMs + 1)));
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === 'readStream' || property === 'appendToStream') {
        return async (...args: unknown[]) => {
          await delay();
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const stores = [
  { name: 'the embedded store', open: async () => ({ store: SqliteEventStore.inMemory(), close: async () => undefined }) },
  { name: 'the embedded store with 0–6 ms latency', open: async () => ({ store: withLatency(SqliteEventStore.inMemory(), 6), close: async () => undefined }) },
  {
    name: 'EventStoreDB (the double)',
    open: async () => {
      const double = new EventStoreDbDouble();
      await double.start();
      return { store: new EventStoreDbEventStore(double.connectionString), close: () => double.stop() };
    },
  },
];

describe.each(stores)('race: 50 concurrent clients with conflicting commands, on $name', ({ open }) => {
  let running: RunningApp;
  let closeStore: () => Promise<void>;
  let race: Race;
  let log: RecordedEvent[];
  let waves: Record<string, Sent[]>;

  beforeAll(async () => {
    const opened = await open();
    closeStore = opened.close;
    running = await startApp({ store: opened.store });
    race = new Race(running.url);
    waves = await runRaces(race);
    log = await readLog(opened.store);
  }, 120_000);

  afterAll(async () => {
    await running?.close();
    await closeStore?.();
  });

  describeRaceChecks(() => ({ race, log, waves }));
});

describe('the rule check the races (and the crash test) judge a log by', () => {
  const event = (stream: string, revision: number, type: string, data: Record<string, unknown>): RecordedEvent => ({
    id: `${stream}/${revision}`,
    stream,
    revision,
    position: 0,
    type,
    data,
    metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'test', source: 'test', recordedAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
    created: '2026-01-01T00:00:00.000Z',
  });
  const formed = (id: string, members: string[]) => event(`federation-${id}`, 0, 'FederationFormed', { id, name: id, form: 'federation', members, serviceAreas: ['payroll'], decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' });
  const proposed = event('agreement-agr', 0, 'AgreementProposed', {
    id: 'agr',
    kind: 'service',
    title: 'Agreement',
    parties: ['0561', '0580'],
    otherParties: [],
    provider: { kind: 'municipality', code: '0561' },
    buyers: ['0580'],
    serviceAreas: ['payroll'],
    validFrom: '2010-01-01',
    councilApprovalRequired: false,
  });
  const transfer = (revision: number, basis: Record<string, unknown>, effectiveFrom: string) =>
    event('municipality-0580', revision, 'ServiceTransferred', { transferId: `t${revision}`, municipality: '0580', serviceArea: 'payroll', basis, decidedOn: '2009-12-01', effectiveFrom });
  const judge = (events: RecordedEvent[]) => ruleViolations(events.map((e, position) => ({ ...e, position: position + 1 }))).violations;

  it('passes a log that keeps the rules, and names each broken one', () => {
    const dissolved = event('federation-fed', 1, 'FederationDissolved', { id: 'fed', decidedOn: '2019-06-01', effectiveFrom: '2020-01-01', successors: [] });
    const signed = (revision: number, party: string) => event('agreement-agr', revision, 'AgreementSigned', { id: 'agr', party, signedOn: '2009-11-01' });
    const concluded = event('agreement-agr', 3, 'AgreementConcluded', { id: 'agr', concludedOn: '2009-11-01' });
    expect(judge([formed('fed', ['0580', '0581']), transfer(0, { kind: 'federation', id: 'fed' }, '2015-01-01'), dissolved, proposed, signed(1, '0561'), signed(2, '0580'), concluded])).toEqual([]);

    expect(judge([formed('fed', ['0580', '0581']), dissolved, transfer(0, { kind: 'federation', id: 'fed' }, '2021-01-01')])).toEqual([expect.stringMatching(/^rule 3: .*already-dissolved/)]);
    expect(judge([formed('fed', ['0580', '0581']), dissolved, { ...dissolved, revision: 2 }])).toEqual([expect.stringMatching(/^once-only: .*dissolved again/)]);
    expect(judge([formed('fed', ['0580', '0581']), event('federation-fed', 1, 'MemberLeft', { id: 'fed', municipality: '0581', decidedOn: '2019-06-01', effectiveFrom: '2020-01-01', successors: [] })])).toEqual([
      expect.stringMatching(/^rule 10: .*1 member\(s\) on 2020-01-01/),
    ]);
    expect(judge([proposed, signed(1, '0561'), signed(2, '0561')])).toEqual([expect.stringMatching(/^rule 6: .*signed again/)]);
    expect(judge([proposed, signed(1, '0561'), signed(2, '0580')])).toEqual([expect.stringMatching(/^rule 6: 'agr' has every signature and approval and was never concluded/)]);
    expect(judge([proposed, signed(1, '0561'), { ...concluded, revision: 2 }])).toEqual([expect.stringMatching(/^rule 6: .*concluded without 0580's signature/)]);
    expect(judge([formed('agr', ['0580', '0581']), proposed])).toEqual([expect.stringMatching(/^id space: 'agr' names federation-agr and agreement-agr/)]);
  });
});
