import {
  AgreementEvent,
  AgreementState,
  Basis,
  DomainError,
  FederationEvent,
  ResolvedBases,
  agreementDecider,
  assertBasisCovers,
  basisKey,
  federationDecider,
  fold,
  signatories,
} from '@samverkan/domain';
import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { EventStoreDbDouble } from '@samverkan/event-store/testing';
import { readLog } from './crash/checker';
import { contractViolation } from './crash/contract';
import { RunningApp, startApp, Json } from './support/start-app';

/**
 * Issue 7, item 2: 50 concurrent clients send conflicting commands to the same streams —
 * signatures, council decisions, transfers of one municipality's area on different bases,
 * dissolutions and departures racing transfers to that federation (also to an agreement it
 * provides under), a termination racing transfers on the agreement. Afterwards the domain
 * rules are checked against the log, recomputed naively here, not taken from the service:
 * exactly one provision per municipality, area and day; no transfer on a basis that was not
 * in force (as the log stood when it was recorded); one winner for each once-only decision;
 * every refusal is problem+json with its contract code and status.
 */

const CLIENTS = 50;

// Municipalities (SCB codes) and their parts in the races.
const A = '0580'; // Linköping
const B = '0581'; // Norrköping
const C = '0583'; // Motala
const D = '0586'; // Mjölby
const G = '0561'; // Åtvidaberg: provides under the agreements
const E = '0513'; // Kinda: member of the providing federation
const F = '0562'; // Finspång: member of the providing federation
const BUYERS = [A, B, C, D];
const ALL = [A, B, C, D, G, E, F];
const AREAS = ['payroll', 'procurement'];
/** The federations that provide under agreements (each dissolved in its own race). */
const PROVIDERS = [1, 2, 3, 4, 5, 6, 7, 8];

interface Answer {
  status: number;
  contentType: string;
  body: Json;
}

interface Request {
  path: string;
  body: Record<string, unknown>;
  /** Sent once this many requests of the wave have been answered (the others are queued on the same streams by then)… */
  afterAnswers?: number;
  /** …and this many ms later, so that it lands at different points of the decision in flight. */
  thenMs?: number;
}

interface Sent {
  wave: string;
  path: string;
  body: Record<string, unknown>;
  answer: Answer;
}

/** Runs the races against one running service. */
class Race {
  readonly sent: Sent[] = [];
  private keys = 0;

  constructor(private readonly url: string) {}

  async post(wave: string, path: string, body: Record<string, unknown>): Promise<Answer> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `race-${wave}-${++this.keys}`, 'x-source-system': 'race-test' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
    this.sent.push({ wave, path, body, answer });
    return answer;
  }

  /** A setup step that must succeed. */
  async setup(path: string, body: Record<string, unknown>): Promise<void> {
    const answer = await this.post('setup', path, body);
    if (answer.status >= 300) throw new Error(`Setup ${path} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /**
   * One request per client (at most 50), all in flight together. Each client starts within the
   * first `spreadMs` ms (a fixed pseudo-random offset), or once `afterAnswers` of the wave's
   * requests have been answered: so that the rivals land while the others are half-way through
   * their decisions, rather than all before or all after them.
   */
  async wave(name: string, requests: Request[], spreadMs = 30): Promise<Sent[]> {
    expect(requests.length).toBeLessThanOrEqual(CLIENTS);
    let answered = 0;
    const waiting: { after: number; go: () => void }[] = [];
    const answer = () => {
      answered++;
      for (const w of waiting.filter((x) => x.after <= answered)) w.go();
    };
    await Promise.all(
      requests.map(async (r, i) => {
        if (r.afterAnswers !== undefined) {
          if (answered < r.afterAnswers) await new Promise<void>((go) => waiting.push({ after: r.afterAnswers!, go }));
          await new Promise((resolve) => setTimeout(resolve, r.thenMs ?? 0));
        } else {
          await new Promise((resolve) => setTimeout(resolve, (i * 37) % (spreadMs + 1)));
        }
        await this.post(name, r.path, r.body).finally(answer);
      }),
    );
    return this.sent.filter((s) => s.wave === name);
  }

  async get(path: string): Promise<Json> {
    const response = await fetch(`${this.url}${path}`);
    expect(response.status).toBe(200);
    return response.json();
  }

  /** The highest position any command answered with (for read-your-writes). */
  get position(): number {
    return Math.max(0, ...this.sent.map((s) => (typeof s.answer.body?.position === 'number' ? s.answer.body.position : 0)));
  }
}

const transfer = (municipality: string, serviceArea: string, basis: Basis, effectiveFrom: string): Request => ({
  path: `/v1/municipalities/${municipality}/transfers`,
  body: { serviceArea, basis, decidedOn: '2009-12-01', effectiveFrom },
});

const statusesOf = (sent: Sent[]) => sent.map((s) => s.answer.status);
const succeeded = (sent: Sent[]) => sent.filter((s) => s.answer.status >= 200 && s.answer.status < 300);
const refused = (sent: Sent[]) => sent.filter((s) => s.answer.status >= 400);
const codesOf = (sent: Sent[]) => [...new Set(refused(sent).map((s) => s.answer.body?.code as string))].sort();

/** Every arrangement stream folded as it stood just before `position` (or at the end of the log). */
function arrangementsAt(log: readonly RecordedEvent[], position = Infinity): ResolvedBases {
  const federations = new Map<string, FederationEvent[]>();
  const agreements = new Map<string, AgreementEvent[]>();
  for (const e of log) {
    if (e.position >= position) break;
    if (e.stream.startsWith('federation-')) federations.set(e.stream.slice(11), [...(federations.get(e.stream.slice(11)) ?? []), { type: e.type, data: e.data } as FederationEvent]);
    if (e.stream.startsWith('agreement-')) agreements.set(e.stream.slice(10), [...(agreements.get(e.stream.slice(10)) ?? []), { type: e.type, data: e.data } as AgreementEvent]);
  }
  const resolved: ResolvedBases = { federations: {}, agreements: {} };
  for (const [id, events] of federations) resolved.federations[id] = fold(federationDecider, events);
  for (const [id, events] of agreements) resolved.agreements[id] = fold(agreementDecider, events);
  return resolved;
}

/** Rule 3 as the domain states it; undefined when the basis covers the transfer, else the refusal code. */
function refusalOf(basis: Basis, municipality: string, area: string, date: string, bases: ResolvedBases): string | undefined {
  try {
    assertBasisCovers(basis, municipality, area, date, bases);
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

interface LoggedTransfer {
  transferId: string;
  municipality: string;
  serviceArea: string;
  basis: Basis;
  effectiveFrom: string;
  position: number;
}

/** The transfers in the log, corrections applied (a withdrawn or replaced transfer no longer counts; a replacement does). */
function transfersIn(log: readonly RecordedEvent[]): LoggedTransfer[] {
  const transfers = new Map<string, LoggedTransfer>();
  for (const e of log) {
    if (e.type === 'ServiceTransferred') {
      const d = e.data as unknown as Omit<LoggedTransfer, 'position'>;
      transfers.set(d.transferId, { ...d, position: e.position });
    }
    if (e.type === 'CorrectionRecorded') {
      const d = e.data as { corrects: { transferId: string }; replacement?: Omit<LoggedTransfer, 'position'> };
      transfers.delete(d.corrects.transferId);
      if (d.replacement) transfers.set(d.replacement.transferId, { ...d.replacement, position: e.position });
    }
  }
  return [...transfers.values()];
}

/**
 * Rules 1, 2 and 4 recomputed from the log: on `day`, the transfer with the latest effectiveFrom
 * ≤ day (ties: recorded last); in-house when there is none; lapsed to in-house when its basis no
 * longer covers the day (as the register knows it now).
 */
function expectedProvision(transfers: readonly LoggedTransfer[], municipality: string, area: string, day: string, now: ResolvedBases): { basis: Basis; lapsed: boolean } {
  const applicable = transfers
    .filter((t) => t.municipality === municipality && t.serviceArea === area && t.effectiveFrom <= day)
    .sort((x, y) => (x.effectiveFrom === y.effectiveFrom ? x.position - y.position : x.effectiveFrom < y.effectiveFrom ? -1 : 1));
  const current = applicable[applicable.length - 1];
  if (!current) return { basis: { kind: 'in-house' }, lapsed: false };
  if (refusalOf(current.basis, municipality, area, day, now) !== undefined) return { basis: { kind: 'in-house' }, lapsed: true };
  return { basis: current.basis, lapsed: false };
}

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
  const waves: Record<string, Sent[]> = {};

  beforeAll(async () => {
    const opened = await open();
    closeStore = opened.close;
    running = await startApp({ store: opened.store });
    race = new Race(running.url);

    // The arrangements the races are about.
    await race.setup('/v1/federations', { id: 'race-fed', name: 'Race federation', form: 'federation', members: BUYERS, serviceAreas: AREAS, decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' });
    await race.setup('/v1/federations', { id: 'race-jc', name: 'Race joint committee', form: 'joint-committee', host: A, members: BUYERS, serviceAreas: AREAS, decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' });
    await race.setup('/v1/federations', { id: 'race-leave', name: 'Race federation one leaves', form: 'federation', members: [A, B, C], serviceAreas: AREAS, decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' });
    for (const k of PROVIDERS) await race.setup('/v1/federations', { id: `race-provider-${k}`, name: `Race providing federation ${k}`, form: 'federation', members: [E, F], serviceAreas: AREAS, decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' });
    const agreement = (id: string, extra: Record<string, unknown>) => ({
      id,
      kind: 'service',
      title: `Race agreement ${id}`,
      parties: [G, ...BUYERS],
      provider: { kind: 'municipality', code: G },
      buyers: BUYERS,
      serviceAreas: AREAS,
      validFrom: '2010-01-01',
      validUntil: '2030-12-31',
      councilApprovalRequired: false,
      ...extra,
    });
    for (const id of ['race-agr', 'race-agr-ends']) {
      await race.setup('/v1/agreements', agreement(id, {}));
      for (const party of [G, ...BUYERS]) await race.setup(`/v1/agreements/${id}/signatures`, { party, signedOn: '2009-11-01' });
    }
    for (const k of PROVIDERS) {
      await race.setup('/v1/agreements', agreement(`race-agr-fed-${k}`, { parties: BUYERS, provider: { kind: 'federation', id: `race-provider-${k}` }, validUntil: undefined }));
      for (const party of [...BUYERS, `race-provider-${k}`]) await race.setup(`/v1/agreements/race-agr-fed-${k}/signatures`, { party, signedOn: '2009-11-01' });
    }
    // Left for the races: signatures and council decisions.
    await race.setup('/v1/agreements', agreement('race-sign', { councilApprovalRequired: true }));
    await race.setup('/v1/agreements', agreement('race-council', { councilApprovalRequired: true }));
    for (const party of [G, ...BUYERS]) await race.setup('/v1/agreements/race-council/signatures', { party, signedOn: '2009-11-01' });

    // Signatures: ten clients sign as each of the five parties at once.
    waves.signatures = await race.wave(
      'signatures',
      [G, ...BUYERS].flatMap((party) => Array.from({ length: 10 }, (_, i) => ({ path: '/v1/agreements/race-sign/signatures', body: { party, signedOn: `2009-11-${String(10 + i).padStart(2, '0')}` } }))),
    );
    // Council decisions: five clients decide for each party of race-sign (all approve) and of race-council (approve or reject).
    waves.councils = await race.wave('councils', [
      ...[G, ...BUYERS].flatMap((municipality) => Array.from({ length: 5 }, (_, i) => ({ path: '/v1/agreements/race-sign/council-decisions', body: { municipality, decidedOn: `2009-12-0${1 + i}`, outcome: 'approved', reference: `KF § ${i}` } }))),
      ...[G, ...BUYERS].flatMap((municipality) =>
        Array.from({ length: 5 }, (_, i) => ({ path: '/v1/agreements/race-council/council-decisions', body: { municipality, decidedOn: `2009-12-0${1 + i}`, outcome: i === 4 && municipality === D ? 'rejected' : 'approved' } })),
      ),
    ]);
    // One municipality's area, transferred at once on five different bases, some on the same day.
    const bases: Basis[] = [{ kind: 'federation', id: 'race-fed' }, { kind: 'joint-committee', id: 'race-jc' }, { kind: 'agreement', id: 'race-agr' }, { kind: 'agreement', id: 'race-agr-fed-1' }, { kind: 'in-house' }];
    waves.bases = await race.wave(
      'bases',
      Array.from({ length: CLIENTS }, (_, i) => transfer(i % 2 === 0 ? A : B, 'payroll', bases[i % bases.length], `2012-0${1 + (i % 3)}-01`)),
    );
    // A dissolution (five rival ones) racing transfers to that federation, around its effective day.
    waves.dissolution = await race.wave('dissolution', [
      ...Array.from({ length: 45 }, (_, i) => transfer(BUYERS[i % 4], AREAS[i % 2], { kind: 'federation', id: 'race-fed' }, `${2019 + (i % 3)}-${String(1 + (i % 12)).padStart(2, '0')}-01`)),
      ...Array.from({ length: 5 }, (_, i) => ({ path: '/v1/federations/race-fed/dissolution', body: { decidedOn: '2019-06-01', effectiveFrom: `2020-0${1 + i}-01`, successors: [{ municipality: A, serviceArea: 'procurement', basis: { kind: 'in-house' } }] }, afterAnswers: 8 + 2 * i })),
    ]);
    // Federations that provide under agreements, each dissolved while transfers on its agreement race it (eight races side by side).
    waves.providerDissolution = await race.wave('providerDissolution', [
      ...PROVIDERS.flatMap((k) =>
        Array.from({ length: 5 }, (_, i) => transfer(BUYERS[(i + k) % 4], AREAS[(i + k) % 2], { kind: 'agreement', id: `race-agr-fed-${k}` }, i === 0 ? '2019-07-01' : `${2020 + (i % 2)}-${String(1 + ((i * 5 + k) % 12)).padStart(2, '0')}-01`)),
      ),
      ...PROVIDERS.map((k) => ({ path: `/v1/federations/race-provider-${k}/dissolution`, body: { decidedOn: '2019-06-01', effectiveFrom: '2020-01-01' }, afterAnswers: 3 + 4 * (k - 1), thenMs: k % 4 })),
      ...[1, 2].map((i) => ({ path: '/v1/federations/race-provider-1/dissolution', body: { decidedOn: '2019-06-01', effectiveFrom: '2020-01-01' }, afterAnswers: 10 + 5 * i })),
    ]);
    // A departure, and a termination, racing transfers on them.
    waves.departure = await race.wave('departure', [
      ...Array.from({ length: 3 }, (_, i) => ({ afterAnswers: 6 + 3 * i, path: '/v1/federations/race-leave/departures', body: { municipality: C, decidedOn: '2019-06-01', effectiveFrom: '2020-01-01', successors: [{ municipality: C, serviceArea: 'payroll', basis: { kind: 'agreement', id: 'race-agr' } }] } })),
      ...Array.from({ length: 22 }, (_, i) => transfer(C, AREAS[i % 2], { kind: 'federation', id: 'race-leave' }, `${2019 + (i % 3)}-${String(1 + (i % 12)).padStart(2, '0')}-01`)),
      ...Array.from({ length: 3 }, (_, i) => ({ afterAnswers: 7 + 3 * i, path: '/v1/agreements/race-agr-ends/termination', body: { decidedOn: '2019-06-01', effectiveFrom: '2020-01-01', reason: 'Ended in the race', successors: [{ municipality: D, serviceArea: 'payroll', basis: { kind: 'in-house' } }] } })),
      ...Array.from({ length: 22 }, (_, i) => transfer(BUYERS[i % 4], AREAS[i % 2], { kind: 'agreement', id: 'race-agr-ends' }, `${2019 + (i % 3)}-${String(1 + (i % 12)).padStart(2, '0')}-01`)),
    ]);

    await race.get(`/v1/matrix?on=2020-01-01&minPosition=${race.position}`);
    log = await readLog(opened.store);
  }, 120_000);

  afterAll(async () => {
    await running?.close();
    await closeStore?.();
  });

  it('answers every refusal with problem+json, its contract code and status, and every acceptance with position and events', () => {
    const problems: string[] = [];
    for (const s of race.sent) {
      if (s.answer.status >= 200 && s.answer.status < 300) {
        if (typeof s.answer.body?.position !== 'number' || !Array.isArray(s.answer.body?.events) || s.answer.body.events.length === 0) problems.push(`${s.path}: ${s.answer.status} ${JSON.stringify(s.answer.body)}`);
        continue;
      }
      const violation = contractViolation(s.answer);
      if (violation) problems.push(`${s.wave} ${s.path} ${JSON.stringify(s.body)}: ${violation}`);
    }
    expect(problems).toEqual([]);
    expect(race.sent.filter((s) => s.wave !== 'setup')).toHaveLength(6 * CLIENTS);
  });

  it('lets exactly one signature per party win, and concludes the agreement once, after the last approval', () => {
    const { signatures, councils } = waves;
    for (const party of [G, ...BUYERS]) expect({ party, won: succeeded(signatures.filter((s) => s.body.party === party)).length }).toEqual({ party, won: 1 });
    expect(succeeded(signatures)).toHaveLength(5);
    expect(codesOf(signatures)).toEqual(['already-signed']);

    const signStream = log.filter((e) => e.stream === 'agreement-race-sign');
    const signed = signStream.filter((e) => e.type === 'AgreementSigned').map((e) => e.data.party);
    expect([...signed].sort()).toEqual([G, ...BUYERS].sort());
    const decided = signStream.filter((e) => e.type === 'CouncilDecisionRecorded').map((e) => e.data.municipality);
    expect([...decided].sort()).toEqual([G, ...BUYERS].sort());
    // Concluded exactly once, by the event after the last decision.
    const concluded = signStream.filter((e) => e.type === 'AgreementConcluded');
    expect(concluded).toHaveLength(1);
    expect(concluded[0].revision).toBe(signStream[signStream.length - 1].revision);
    expect(succeeded(councils.filter((s) => s.path.includes('race-sign')))).toHaveLength(5);
    expect(codesOf(councils.filter((s) => s.path.includes('race-sign')))).toEqual(['already-decided']);
  });

  it('decides each council once; a rejection ends the agreement for good, otherwise the last approval concludes it once', () => {
    const stream = log.filter((e) => e.stream === 'agreement-race-council');
    const decisions = stream.filter((e) => e.type === 'CouncilDecisionRecorded');
    const byMunicipality = new Map<string, number>();
    for (const d of decisions) byMunicipality.set(d.data.municipality as string, (byMunicipality.get(d.data.municipality as string) ?? 0) + 1);
    for (const count of byMunicipality.values()) expect(count).toBe(1);
    const rejected = stream.findIndex((e) => e.type === 'AgreementRejected');
    const concluded = stream.findIndex((e) => e.type === 'AgreementConcluded');
    if (rejected >= 0) {
      // Nothing is decided after the rejection, and it is not concluded.
      expect(stream.slice(rejected + 1).map((e) => e.type)).toEqual([]);
      expect(concluded).toBe(-1);
      expect(codesOf(waves.councils.filter((s) => s.path.includes('race-council')))).toEqual(expect.arrayContaining(['agreement-rejected']));
    } else {
      // An approving decision of D's won: every party signed and approved, so it is concluded, once, at the end.
      expect(byMunicipality.size).toBe(5);
      expect(stream.filter((e) => e.type === 'AgreementConcluded')).toHaveLength(1);
      expect(concluded).toBe(stream.length - 1);
    }
    const state = fold<AgreementEvent, AgreementState>(agreementDecider, stream.map((e) => ({ type: e.type, data: e.data }) as AgreementEvent));
    expect(state.status).toBe(rejected >= 0 ? 'rejected' : 'concluded');
    expect(signatories(state)).toHaveLength(5);
  });

  it('accepts every transfer of one area on any basis in force, and orders them as recorded', () => {
    expect(statusesOf(waves.bases).filter((s) => s !== 201)).toEqual([]);
    const positions = succeeded(waves.bases).map((s) => s.answer.body.position as number);
    expect(new Set(positions).size).toBe(CLIENTS);
  });

  it('lets one dissolution win; a transfer to the federation recorded after it is refused from its effective day on', () => {
    const { dissolution } = waves;
    const dissolutions = dissolution.filter((s) => s.path.endsWith('/dissolution'));
    expect(succeeded(dissolutions)).toHaveLength(1);
    expect(codesOf(dissolutions)).toEqual(['already-dissolved']);
    const effective = succeeded(dissolutions)[0].body.effectiveFrom as string;
    expect(log.filter((e) => e.type === 'FederationDissolved' && e.stream === 'federation-race-fed')).toHaveLength(1);
    const at = succeeded(dissolutions)[0].answer.body.position as number;
    for (const s of dissolution.filter((x) => x.path.endsWith('/transfers'))) {
      const date = s.body.effectiveFrom as string;
      if (date < effective) expect({ date, status: s.answer.status }).toEqual({ date, status: 201 });
      else if (s.answer.status === 201) expect({ date, recordedBeforeTheDissolution: s.answer.body.position < at }).toEqual({ date, recordedBeforeTheDissolution: true });
      else expect({ date, code: s.answer.body.code }).toEqual({ date, code: 'already-dissolved' });
    }
  });

  it('records no transfer on a basis that was not in force when it was recorded (rule 3), successors included', () => {
    const violations: string[] = [];
    let checked = 0;
    for (const t of transfersIn(log)) {
      const refusal = refusalOf(t.basis, t.municipality, t.serviceArea, t.effectiveFrom, arrangementsAt(log, t.position));
      checked++;
      if (refusal) violations.push(`${t.municipality}/${t.serviceArea} from ${t.effectiveFrom} on ${JSON.stringify(t.basis)} at position ${t.position}: ${refusal}`);
    }
    expect(violations).toEqual([]);
    expect(checked).toBeGreaterThan(80);
    // The races were real: each once-only decision had rivals that were refused, and transfers were refused too.
    for (const wave of ['dissolution', 'providerDissolution', 'departure']) expect(refused(waves[wave]).length).toBeGreaterThan(0);
  });

  it('records the successors of the winning dissolution, departure and termination exactly once', () => {
    for (const type of ['FederationDissolved', 'MemberLeft', 'AgreementTerminated']) {
      const deciding = log.filter((e) => e.type === type && !e.stream.startsWith('federation-race-provider-'));
      expect(deciding).toHaveLength(1);
      const successors = log.filter((e) => e.type === 'ServiceTransferred' && (e.data.successorOf as { eventId?: string } | undefined)?.eventId === deciding[0].id);
      expect(successors).toHaveLength(1);
    }
    for (const k of PROVIDERS) expect(log.filter((e) => e.type === 'FederationDissolved' && e.stream === `federation-race-provider-${k}`)).toHaveLength(1);
  });

  it('answers exactly one provision per municipality, area and day, the one the log says (rules 1, 2 and 4)', async () => {
    const transfers = transfersIn(log);
    const now = arrangementsAt(log);
    const days = new Set<string>(['2009-12-31', '2026-01-01']);
    for (const t of transfers) {
      if (!ALL.includes(t.municipality)) continue;
      days.add(t.effectiveFrom);
      const [y, m, d] = t.effectiveFrom.split('-').map(Number);
      days.add(new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10));
    }
    const mismatches: string[] = [];
    let cells = 0;
    for (const day of [...days].sort()) {
      const matrix = await race.get(`/v1/matrix?on=${day}&county=05&minPosition=${race.position}`);
      for (const code of ALL) {
        const rows = matrix.rows.filter((r: { municipality: { code: string } }) => r.municipality.code === code);
        expect(rows).toHaveLength(1);
        for (const area of AREAS) {
          const cell = rows[0].cells[area];
          const expected = expectedProvision(transfers, code, area, day, now);
          cells++;
          const actual = cell ? `${basisKey(cell.basis)}${cell.lapsed ? ' (lapsed)' : ''}` : 'no provision';
          const wanted = `${basisKey(expected.basis)}${expected.lapsed ? ' (lapsed)' : ''}`;
          if (actual !== wanted) mismatches.push(`${code}/${area} on ${day}: served ${actual}, the log says ${wanted}`);
        }
      }
      // One provision per service area on the municipality's own answer as well.
      const own = await race.get(`/v1/municipalities/${A}/provisions?on=${day}&minPosition=${race.position}`);
      const areas = own.provisions.map((p: { serviceArea: string }) => p.serviceArea);
      expect(new Set(areas).size).toBe(areas.length);
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBeGreaterThan(100);
  }, 60_000);

  it('keeps the hash chain intact under the races', async () => {
    const verify = await fetch(`${running.url}/v1/audit/verify`, { method: 'POST' });
    expect(await verify.json()).toMatchObject({ ok: true });
  });
});
