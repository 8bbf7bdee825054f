import { AgreementEvent, AgreementState, Basis, agreementDecider, basisKey, fold, signatories } from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';
import { contractViolation } from '../crash/contract';
import { arrangementsAt, expectedProvision, refusalOf, ruleViolations, transfersIn } from './rules';

/**
 * Issue 7, item 2 (and issue 14 with several instances): 50 concurrent clients send conflicting
 * commands to the same streams — signatures, council decisions, transfers of one municipality's
 * area on different bases, dissolutions and departures racing transfers to that federation (also
 * to an agreement it provides under), a termination racing transfers on the agreement. Afterwards
 * the domain rules are checked against the log, recomputed naively (./rules.ts), not taken from the
 * service: exactly one provision per municipality, area and day; no transfer on a basis that was not
 * in force (as the log stood when it was recorded); one winner for each once-only decision; every
 * refusal is problem+json with its contract code and status.
 *
 * With several instances (test/race-two-instances.e2e-spec.ts) the requests of a wave alternate
 * between them, so the rivals of every race reach different instances, and the setup alternates too.
 */

export const CLIENTS = 50;

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

/** What a command answers, as far as the checks read it (parsed JSON, unchecked). */
export interface AnswerBody {
  id?: string;
  stream?: string;
  revision?: number;
  position?: number;
  events?: { id: string; type: string }[];
  code?: string;
}

export interface Answer {
  status: number;
  contentType: string;
  body: AnswerBody | undefined;
}

export interface Request {
  path: string;
  body: Record<string, unknown>;
  /** Sent once this many requests of the wave have been answered (the others are queued on the same streams by then)… */
  afterAnswers?: number;
  /** …and this many ms later, so that it lands at different points of the decision in flight. */
  thenMs?: number;
  /** The instance it is sent to; by default the requests of a wave alternate between the instances. */
  instance?: number;
}

export interface Sent {
  wave: string;
  path: string;
  body: Record<string, unknown>;
  answer: Answer;
  /** The instance (index into Race.urls) that answered, and the Idempotency-Key it was sent with. */
  instance: number;
  key: string;
}

/** Runs the races against one or more running instances of the service on one store. */
export class Race {
  readonly sent: Sent[] = [];
  readonly urls: readonly string[];
  private keys = 0;
  private setups = 0;

  /** `prefix` starts every Idempotency-Key: two races on one store need different ones. */
  constructor(
    urls: string | readonly string[],
    private readonly prefix = 'race',
  ) {
    this.urls = typeof urls === 'string' ? [urls] : urls;
  }

  async post(wave: string, path: string, body: Record<string, unknown>, instance = 0): Promise<Answer> {
    const key = `${this.prefix}-${wave}-${++this.keys}`;
    const answer = await this.send(instance, path, body, key);
    this.sent.push({ wave, path, body, answer, instance, key });
    return answer;
  }

  /** The same request again (same Idempotency-Key, same body), to `instance`; not recorded in `sent`. */
  resend(sent: Sent, instance: number): Promise<Answer> {
    return this.send(instance, sent.path, sent.body, sent.key);
  }

  private async send(instance: number, path: string, body: Record<string, unknown>, key: string): Promise<Answer> {
    const response = await fetch(`${this.urls[instance]}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key, 'x-source-system': 'race-test' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as AnswerBody) : undefined };
  }

  /** A setup step that must succeed (the steps alternate between the instances). */
  async setup(path: string, body: Record<string, unknown>): Promise<void> {
    const answer = await this.post('setup', path, body, this.setups++ % this.urls.length);
    if (answer.status >= 300) throw new Error(`Setup ${path} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /**
   * One request per client (at most 50), all in flight together. Each client starts within the
   * first `spreadMs` ms (a fixed pseudo-random offset), or once `afterAnswers` of the wave's
   * requests have been answered: so that the rivals land while the others are half-way through
   * their decisions, rather than all before or all after them. Request i goes to instance
   * i mod the number of instances unless it names one.
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
          const after = r.afterAnswers;
          if (answered < after) await new Promise<void>((go) => waiting.push({ after, go }));
          await new Promise((resolve) => setTimeout(resolve, r.thenMs ?? 0));
        } else {
          await new Promise((resolve) => setTimeout(resolve, (i * 37) % (spreadMs + 1)));
        }
        await this.post(name, r.path, r.body, r.instance ?? i % this.urls.length).finally(answer);
      }),
    );
    return this.sent.filter((s) => s.wave === name);
  }

  async get<T>(path: string, instance = 0): Promise<T> {
    const response = await fetch(`${this.urls[instance]}${path}`);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  /** The highest position any command answered with (for read-your-writes). */
  get position(): number {
    return Math.max(0, ...this.sent.map((s) => (typeof s.answer.body?.position === 'number' ? s.answer.body.position : 0)));
  }
}

export const transfer = (municipality: string, serviceArea: string, basis: Basis, effectiveFrom: string): Request => ({
  path: `/v1/municipalities/${municipality}/transfers`,
  body: { serviceArea, basis, decidedOn: '2009-12-01', effectiveFrom },
});

export const statusesOf = (sent: Sent[]) => sent.map((s) => s.answer.status);
export const succeeded = (sent: Sent[]) => sent.filter((s) => s.answer.status >= 200 && s.answer.status < 300);
export const refused = (sent: Sent[]) => sent.filter((s) => s.answer.status >= 400);
export const codesOf = (sent: Sent[]) => [...new Set(refused(sent).map((s) => s.answer.body?.code as string))].sort();
/** A successful answer's position (the checks have asserted it is a number). */
const positionOf = (s: Sent) => s.answer.body?.position as number;

/** The arrangements the races are about, then the six waves of races; returns the waves by name. */
export async function runRaces(race: Race): Promise<Record<string, Sent[]>> {
  const waves: Record<string, Sent[]> = {};
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
  // Every instance has applied every answer before the log is read.
  for (let instance = 0; instance < race.urls.length; instance++) await race.get(`/v1/matrix?on=2020-01-01&minPosition=${race.position}`, instance);
  return waves;
}

/** What the checks judge: the race, the log as the store holds it afterwards, and the waves by name. */
export interface RaceRun {
  race: Race;
  log: RecordedEvent[];
  waves: Record<string, Sent[]>;
}

interface MatrixAnswer {
  rows: { municipality: { code: string }; cells: Record<string, { basis: Basis; lapsed?: boolean } | undefined> }[];
}

/**
 * The checks of a race run, as jest tests in the describe that calls this (`run` is read when
 * they run). With several instances, the read models of each are compared with the log and each
 * verifies the chain.
 */
export function describeRaceChecks(run: () => RaceRun, instances = 1): void {
  it('answers every refusal with problem+json, its contract code and status, and every acceptance with position and events', () => {
    const { race } = run();
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
    const { log, waves } = run();
    const { signatures, councils } = waves;
    for (const party of [G, ...BUYERS]) expect({ party, won: succeeded(signatures.filter((s) => s.body.party === party)).length }).toEqual({ party, won: 1 });
    expect(succeeded(signatures)).toHaveLength(5);
    expect(codesOf(signatures)).toEqual(['already-signed']);

    const signStream = log.filter((e) => e.stream === 'agreement-race-sign');
    const signed = signStream.filter((e) => e.type === 'AgreementSigned').map((e) => e.data.party as string);
    expect([...signed].sort()).toEqual([G, ...BUYERS].sort());
    const decided = signStream.filter((e) => e.type === 'CouncilDecisionRecorded').map((e) => e.data.municipality as string);
    expect([...decided].sort()).toEqual([G, ...BUYERS].sort());
    // Concluded exactly once, by the event after the last decision.
    const concluded = signStream.filter((e) => e.type === 'AgreementConcluded');
    expect(concluded).toHaveLength(1);
    expect(concluded[0].revision).toBe(signStream[signStream.length - 1].revision);
    expect(succeeded(councils.filter((s) => s.path.includes('race-sign')))).toHaveLength(5);
    expect(codesOf(councils.filter((s) => s.path.includes('race-sign')))).toEqual(['already-decided']);
  });

  it('decides each council once; a rejection ends the agreement for good, otherwise the last approval concludes it once', () => {
    const { log, waves } = run();
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
    const state = fold<AgreementEvent, AgreementState>(agreementDecider, stream.map((e) => ({ type: e.type, data: e.data }) as unknown as AgreementEvent));
    expect(state.status).toBe(rejected >= 0 ? 'rejected' : 'concluded');
    expect(signatories(state)).toHaveLength(5);
  });

  it('accepts every transfer of one area on any basis in force, and orders them as recorded', () => {
    const { waves } = run();
    expect(statusesOf(waves.bases).filter((s) => s !== 201)).toEqual([]);
    const positions = succeeded(waves.bases).map(positionOf);
    expect(new Set(positions).size).toBe(CLIENTS);
  });

  it('lets one dissolution win; a transfer to the federation recorded after it is refused from its effective day on', () => {
    const { log, waves } = run();
    const { dissolution } = waves;
    const dissolutions = dissolution.filter((s) => s.path.endsWith('/dissolution'));
    expect(succeeded(dissolutions)).toHaveLength(1);
    expect(codesOf(dissolutions)).toEqual(['already-dissolved']);
    const effective = succeeded(dissolutions)[0].body.effectiveFrom as string;
    expect(log.filter((e) => e.type === 'FederationDissolved' && e.stream === 'federation-race-fed')).toHaveLength(1);
    const at = positionOf(succeeded(dissolutions)[0]);
    for (const s of dissolution.filter((x) => x.path.endsWith('/transfers'))) {
      const date = s.body.effectiveFrom as string;
      if (date < effective) expect({ date, status: s.answer.status }).toEqual({ date, status: 201 });
      else if (s.answer.status === 201) expect({ date, recordedBeforeTheDissolution: positionOf(s) < at }).toEqual({ date, recordedBeforeTheDissolution: true });
      else expect({ date, code: s.answer.body?.code }).toEqual({ date, code: 'already-dissolved' });
    }
  });

  it('records no transfer on a basis that was not in force when it was recorded (rule 3), successors included', () => {
    const { log, waves } = run();
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

  it('keeps every rule the log can be judged by, at the point of the log where each event was recorded (rules 3, 6 and 10, once-only decisions, the id space)', () => {
    const { log } = run();
    const { violations, figures } = ruleViolations(log);
    expect(violations).toEqual([]);
    expect(figures.transfers).toBeGreaterThan(80);
    expect(figures.decisions).toBeGreaterThan(60);
  });

  it('records the successors of the winning dissolution, departure and termination exactly once', () => {
    const { log } = run();
    for (const type of ['FederationDissolved', 'MemberLeft', 'AgreementTerminated']) {
      const deciding = log.filter((e) => e.type === type && !e.stream.startsWith('federation-race-provider-'));
      expect(deciding).toHaveLength(1);
      const successors = log.filter((e) => e.type === 'ServiceTransferred' && (e.data.successorOf as { eventId?: string } | undefined)?.eventId === deciding[0].id);
      expect(successors).toHaveLength(1);
    }
    for (const k of PROVIDERS) expect(log.filter((e) => e.type === 'FederationDissolved' && e.stream === `federation-race-provider-${k}`)).toHaveLength(1);
  });

  it('answers exactly one provision per municipality, area and day, the one the log says (rules 1, 2 and 4)', async () => {
    const { race, log } = run();
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
    for (let instance = 0; instance < race.urls.length; instance++) {
      const at = race.urls.length > 1 ? ` at instance ${instance}` : '';
      for (const day of [...days].sort()) {
        const matrix = await race.get<MatrixAnswer>(`/v1/matrix?on=${day}&county=05&minPosition=${race.position}`, instance);
        for (const code of ALL) {
          const rows = matrix.rows.filter((r) => r.municipality.code === code);
          expect(rows).toHaveLength(1);
          for (const area of AREAS) {
            const cell = rows[0].cells[area];
            const expected = expectedProvision(transfers, code, area, day, now);
            cells++;
            const actual = cell ? `${basisKey(cell.basis)}${cell.lapsed ? ' (lapsed)' : ''}` : 'no provision';
            const wanted = `${basisKey(expected.basis)}${expected.lapsed ? ' (lapsed)' : ''}`;
            if (actual !== wanted) mismatches.push(`${code}/${area} on ${day}${at}: served ${actual}, the log says ${wanted}`);
          }
        }
        // One provision per service area on the municipality's own answer as well.
        const own = await race.get<{ provisions: { serviceArea: string }[] }>(`/v1/municipalities/${A}/provisions?on=${day}&minPosition=${race.position}`, instance);
        const areas = own.provisions.map((p) => p.serviceArea);
        expect(new Set(areas).size).toBe(areas.length);
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBeGreaterThan(100);
  }, 60_000 * instances);

  it('keeps the hash chain intact under the races', async () => {
    const { race } = run();
    for (const url of race.urls) {
      const verify = await fetch(`${url}/v1/audit/verify`, { method: 'POST' });
      const report = (await verify.json()) as { ok?: boolean };
      // The whole report when it is not ok: it says where the chain broke.
      expect(report.ok ? { ok: true } : report).toEqual({ ok: true });
    }
  });
}
