import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { readLog } from './crash/checker';
import { BuiltService, buildService } from './crash/service-process';
import { SharedStore, SharedStoreInstances, sharedStoreInstances } from './support/instances';
import { Answer, Race, Sent, codesOf, describeRaceChecks, runRaces, succeeded } from './support/race';

/**
 * Issue 14: the races of test/race.e2e-spec.ts (support/race.ts) with TWO service processes on one
 * store — the EventStoreDB double served to both, and the embedded store with both on one data
 * directory. The requests of every wave alternate between the instances, so the rivals of each
 * race (the signatures of one party, the decisions of one council, the dissolutions of one
 * federation and the transfers onto it, …) reach different processes; the setup alternates too,
 * so every step builds on a write the other instance made. Then every command is sent again to
 * the OTHER instance with the same Idempotency-Key and body and must get the answer it got the
 * first time; and a federation, an agreement and a study created with one id at once, at both
 * instances, leave exactly one arrangement with that id. Every rule is checked on the log as for
 * one instance, and the read models of both instances are compared with the log.
 */

const A = '0580';
const B = '0581';
const C = '0583';
/** Ids raced by creates at both instances. */
const IDS = Array.from({ length: 12 }, (_, i) => `race-id-${i + 1}`);

/** The three creates of one id (and a second federation with it), in the order they alternate between the instances. */
function createsOf(id: string) {
  return [
    { path: '/v1/federations', body: { id, name: `Federation ${id}`, form: 'federation', members: [A, B], serviceAreas: ['payroll'], decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' } },
    { path: '/v1/agreements', body: { id, kind: 'intent', title: `Letter of intent ${id}`, parties: [A, C], serviceAreas: ['payroll'], validFrom: '2010-01-01', councilApprovalRequired: false } },
    { path: '/v1/studies', body: { id, kind: 'feasibility', title: `Study ${id}`, parties: [B, C], owner: B, serviceAreas: ['payroll'], startedOn: '2010-01-15', plannedEnd: '2011-06-30' } },
    { path: '/v1/federations', body: { id, name: `Joint committee ${id}`, form: 'joint-committee', host: C, members: [B, C], serviceAreas: ['procurement'], decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' } },
  ];
}

/** The instances a group of rivals reached. */
const instancesOf = (sent: Sent[]) => [...new Set(sent.map((s) => s.instance))].sort();

/** What must be the same in a resend's answer: everything of an acceptance, the status and code of a refusal. */
function comparable(answer: Answer): unknown {
  if (answer.status >= 200 && answer.status < 300) return { status: answer.status, body: answer.body };
  return { status: answer.status, code: answer.body?.code };
}

let built: BuiltService;
beforeAll(async () => {
  built = await buildService();
}, 120_000);
afterAll(() => built?.dispose());

describe.each(['eventstoredb', 'embedded'] as SharedStore[])('race: 50 concurrent clients over two service processes on one %s store', (storeKind) => {
  let instances: SharedStoreInstances;
  let store: EventStore;
  let race: Race;
  let ids: Race;
  let waves: Record<string, Sent[]>;
  let log: RecordedEvent[];
  const resends: { sent: Sent; instance: number; answer: Answer }[] = [];

  beforeAll(async () => {
    instances = await sharedStoreInstances({ store: storeKind, built });
    race = new Race(instances.urls);
    waves = await runRaces(race);

    // Every command again, at the other instance, ten at a time.
    const queue = [...race.sent];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let sent = queue.shift(); sent; sent = queue.shift()) {
          const instance = (sent.instance + 1) % instances.urls.length;
          resends.push({ sent, instance, answer: await race.resend(sent, instance) });
        }
      }),
    );

    // One id, created as a federation, an agreement, a study and a joint committee at once, alternating between the instances.
    ids = new Race(instances.urls, 'race-ids');
    await ids.wave(
      'ids',
      IDS.flatMap((id) => createsOf(id)),
      0,
    );
    for (let instance = 0; instance < instances.urls.length; instance++) await ids.get(`/v1/arrangements?minPosition=${Math.max(race.position, ids.position)}`, instance);
    store = instances.openStore();
    log = await readLog(store);
  }, 240_000);

  afterAll(async () => {
    await instances?.close();
  });

  describeRaceChecks(() => ({ race, log, waves }), 2);

  it('sent the rivals of every race to both instances', () => {
    const groups: Record<string, Sent[]> = {};
    const add = (name: string, sent: Sent[]) => (groups[name] = sent);
    for (const party of new Set(waves.signatures.map((s) => s.body.party as string))) add(`signatures of ${party}`, waves.signatures.filter((s) => s.body.party === party));
    for (const s of waves.councils) add(`council of ${s.body.municipality as string} on ${s.path}`, waves.councils.filter((x) => x.path === s.path && x.body.municipality === s.body.municipality));
    add('dissolutions of race-fed', waves.dissolution.filter((s) => s.path.endsWith('/dissolution')));
    add('transfers onto race-fed', waves.dissolution.filter((s) => s.path.endsWith('/transfers')));
    add('departures from race-leave', waves.departure.filter((s) => s.path.endsWith('/departures')));
    add('terminations of race-agr-ends', waves.departure.filter((s) => s.path.endsWith('/termination')));
    for (let k = 1; k <= 8; k++) {
      const onIt = waves.providerDissolution.filter((s) => s.path === `/v1/federations/race-provider-${k}/dissolution` || (s.body.basis as { id?: string } | undefined)?.id === `race-agr-fed-${k}`);
      add(`dissolution of race-provider-${k} and transfers on race-agr-fed-${k}`, onIt);
    }
    for (const id of IDS) add(`creates of ${id}`, ids.sent.filter((s) => s.body.id === id));
    const spread = Object.fromEntries(Object.entries(groups).map(([name, sent]) => [name, instancesOf(sent)]));
    expect(spread).toEqual(Object.fromEntries(Object.keys(groups).map((name) => [name, [0, 1]])));
    expect(Object.keys(groups).length).toBeGreaterThan(20);
  });

  it('answers every command sent again to the other instance (same key, same body) as the first time, and appends nothing for it', () => {
    expect(resends).toHaveLength(race.sent.length);
    const differing = resends.filter((r) => JSON.stringify(comparable(r.answer)) !== JSON.stringify(comparable(r.sent.answer)));
    expect(differing.map((r) => ({ path: r.sent.path, key: r.sent.key, first: comparable(r.sent.answer), atTheOther: comparable(r.answer) }))).toEqual([]);
    // Only the first answer's events carry each key.
    const byKey = new Map<string, string[]>();
    for (const e of log) if (e.metadata.idempotencyKey) byKey.set(e.metadata.idempotencyKey, [...(byKey.get(e.metadata.idempotencyKey) ?? []), e.id]);
    const extra: string[] = [];
    for (const s of race.sent) {
      const answered = (s.answer.body?.events ?? []).map((e) => e.id);
      const logged = byKey.get(s.key) ?? [];
      if (JSON.stringify([...logged].sort()) !== JSON.stringify([...answered].sort())) extra.push(`${s.key} ${s.path}: answered ${answered.length} events, the log holds ${logged.length} with its key`);
    }
    expect(extra).toEqual([]);
    expect(succeeded(resends.map((r) => ({ ...r.sent, answer: r.answer }))).length).toBeGreaterThan(150);
  });

  it('lets exactly one create win each id raced at both instances; the others are 409 already-exists', () => {
    const problems: string[] = [];
    for (const id of IDS) {
      const sent = ids.sent.filter((s) => s.body.id === id);
      const won = succeeded(sent);
      if (won.length !== 1) problems.push(`${id}: ${won.length} creates won (${sent.map((s) => `${s.path}@${s.instance}: ${s.answer.status}`).join(', ')})`);
      if (sent.some((s) => s.answer.status !== 201 && (s.answer.status !== 409 || s.answer.body?.code !== 'already-exists'))) problems.push(`${id}: ${sent.map((s) => `${s.answer.status} ${s.answer.body?.code ?? ''}`).join(', ')}`);
      const streams = [...new Set(log.filter((e) => [`federation-${id}`, `agreement-${id}`, `study-${id}`].includes(e.stream)).map((e) => e.stream))];
      if (streams.length !== 1 || streams[0] !== won[0]?.answer.body?.stream) problems.push(`${id}: the log holds ${streams.join(', ') || 'no stream'}; the winner answered ${won[0]?.answer.body?.stream}`);
      const created = log.filter((e) => streams.includes(e.stream));
      if (created.length !== 1) problems.push(`${id}: ${created.length} events on ${streams.join(', ')}`);
    }
    expect(problems).toEqual([]);
    expect(codesOf(ids.sent)).toEqual(['already-exists']);
  });

  it('both processes ran without logging an error', () => {
    expect(instances.services.map((s) => s.errors.map((e) => e.line.slice(0, 500)))).toEqual([[], []]);
  });
});
