import { addDays } from '@samverkan/domain';

/**
 * A generated but valid history, recorded through a running service's HTTP API (so every
 * event goes through the command path, is chained, and is what the service would record):
 * federations and joint committees, service agreements (signed, some with council
 * approvals), letters of intent, studies with milestones, then mostly transfers on bases that
 * cover them, with the arrangements' later life spread among them (members joining and
 * leaving, extensions, terminations and dissolutions, some with successors, reviews).
 * Seeded, so a run is reproducible. For the replay-equals-live test.
 */
export interface GenerateOptions {
  /** Stop once the commands have appended at least this many events. */
  events: number;
  seed?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  headers?: Record<string, string>;
  /** Sends one request (default: fetch to `baseUrl`); a test may inject requests into the app instead of going through a socket. */
  send?: (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;
}

export interface GeneratedHistory {
  events: number;
  commands: number;
  /** Commands the register refused (422): counted, not recorded. */
  refused: number;
  /** The highest position the answers named. */
  position: number;
  byType: Record<string, number>;
}

class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    let t = (this.state += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  some<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0]);
    return out;
  }
  date(from: string, to: string): string {
    const a = Date.parse(`${from}T00:00:00Z`);
    const b = Date.parse(`${to}T00:00:00Z`);
    return new Date(a + Math.floor(this.next() * ((b - a) / 86_400_000 + 1)) * 86_400_000).toISOString().slice(0, 10);
  }
}

interface Federation {
  id: string;
  members: Map<string, { from: string; until?: string }>;
  host?: string;
  areas: string[];
  from: string;
  dissolvedFrom?: string;
  form: 'federation' | 'joint-committee';
}

interface Agreement {
  id: string;
  buyers: string[];
  areas: string[];
  from: string;
  until?: string;
  endsFrom?: string;
  concluded: boolean;
}

const LAST = '2029-12-31';
const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);

export async function generateHistory(baseUrl: string, options: GenerateOptions): Promise<GeneratedHistory> {
  const random = new Random(options.seed ?? 20240601);
  const result: GeneratedHistory = { events: 0, commands: 0, refused: 0, position: 0, byType: {} };
  const headers = { 'content-type': 'application/json', 'x-source-system': 'generated-history', ...(options.headers ?? {}) };

  const send =
    options.send ??
    (async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as unknown };
    });
  const post = async (path: string, body: unknown): Promise<boolean> => {
    const { status, body: reply } = await send('POST', path, body);
    const answer = reply as { position?: number; events?: { type: string }[]; code?: string; detail?: string };
    result.commands++;
    if (status === 422 || status === 409) {
      result.refused++;
      return false;
    }
    if (status >= 300) throw new Error(`POST ${path} ${JSON.stringify(body)} answered ${status}: ${JSON.stringify(answer)}`);
    for (const e of answer.events ?? []) result.byType[e.type] = (result.byType[e.type] ?? 0) + 1;
    result.events += answer.events?.length ?? 0;
    result.position = Math.max(result.position, answer.position ?? 0);
    return true;
  };
  const get = async <T>(path: string): Promise<T> => (await send('GET', path)).body as T;

  const municipalities = await get<{ code: string; countyCode: string }[]>('/v1/municipalities');
  const areas = (await get<{ slug: string }[]>('/v1/service-areas')).map((a) => a.slug);
  const counties = new Map<string, string[]>();
  for (const m of municipalities) counties.set(m.countyCode, [...(counties.get(m.countyCode) ?? []), m.code]);
  const countyCodes = [...counties.keys()].filter((c) => (counties.get(c) as string[]).length >= 4);

  const federations: Federation[] = [];
  const agreements: Agreement[] = [];
  const federationsOf = new Map<string, Federation[]>();
  const agreementsOf = new Map<string, Agreement[]>();

  // ---------------------------------------------------------------- arrangements
  for (let i = 0; i < 36; i++) {
    const members = random.some(counties.get(random.pick(countyCodes)) as string[], random.int(2, 4));
    const form = random.chance(0.3) ? 'joint-committee' : 'federation';
    const from = random.date('2004-01-01', '2014-12-31');
    const f: Federation = { id: `gen-forbund-${i}`, members: new Map(members.map((m) => [m, { from }])), areas: random.some(areas, random.int(2, 5)), from, form, ...(form === 'joint-committee' ? { host: members[0] } : {}) };
    const ok = await post('/v1/federations', { id: f.id, name: `Genererat förbund ${i}`, form, ...(f.host ? { host: f.host } : {}), members, serviceAreas: f.areas, decidedOn: addDays(from, -200), effectiveFrom: from });
    if (!ok) continue;
    federations.push(f);
    for (const m of members) federationsOf.set(m, [...(federationsOf.get(m) ?? []), f]);
  }

  for (let i = 0; i < 48; i++) {
    const county = counties.get(random.pick(countyCodes)) as string[];
    const [provider, ...buyers] = random.some(county, random.int(2, 4));
    const from = random.date('2009-01-01', '2022-12-31');
    const until = random.chance(0.7) ? addDays(from, random.int(2, 6) * 365) : undefined;
    const council = random.chance(0.5);
    const a: Agreement = { id: `gen-avtal-${i}`, buyers, areas: random.some(areas, random.int(1, 3)), from, concluded: false, ...(until ? { until } : {}) };
    const parties = [provider, ...buyers];
    if (!(await post('/v1/agreements', { id: a.id, kind: 'service', title: `Genererat avtal ${i}`, parties, provider: { kind: 'municipality', code: provider }, buyers, serviceAreas: a.areas, validFrom: from, ...(until ? { validUntil: until } : {}), councilApprovalRequired: council, decidedOn: addDays(from, -120) }))) continue;
    agreements.push(a);
    // One in eight stays unsigned by its last party: awaiting a signature.
    const signing = random.chance(0.125) ? parties.slice(0, -1) : parties;
    for (const party of signing) await post(`/v1/agreements/${a.id}/signatures`, { party, signedOn: addDays(from, -random.int(20, 60)) });
    if (signing.length === parties.length) {
      if (council) for (const party of parties) await post(`/v1/agreements/${a.id}/council-decisions`, { municipality: party, decidedOn: addDays(from, -random.int(1, 15)), outcome: 'approved', reference: `KF § ${random.int(1, 300)}` });
      a.concluded = true;
      for (const b of buyers) agreementsOf.set(b, [...(agreementsOf.get(b) ?? []), a]);
    }
  }

  for (let i = 0; i < 12; i++) {
    const parties = random.some(counties.get(random.pick(countyCodes)) as string[], random.int(2, 4));
    await post('/v1/agreements', { id: `gen-avsikt-${i}`, kind: random.chance(0.5) ? 'intent' : 'cooperation', title: `Avsiktsförklaring ${i}`, parties, serviceAreas: random.some(areas, 2), validFrom: random.date('2010-01-01', '2020-12-31'), councilApprovalRequired: false });
  }
  for (let i = 0; i < 12; i++) {
    const parties = random.some(counties.get(random.pick(countyCodes)) as string[], random.int(1, 3));
    const started = random.date('2012-01-01', '2022-12-31');
    const id = `gen-studie-${i}`;
    if (!(await post('/v1/studies', { id, kind: random.pick(['feasibility', 'development-project', 'organisational-review']), title: `Förstudie ${i}`, parties, serviceAreas: random.some(areas, 2), startedOn: started, plannedEnd: addDays(started, random.int(90, 500)) }))) continue;
    for (let k = 0; k < 3; k++) await post(`/v1/studies/${id}/milestones`, { id: `steg-${k}`, title: `Steg ${k}`, due: addDays(started, 60 * (k + 1)) });
    if (random.chance(0.5)) await post(`/v1/studies/${id}/milestones/steg-0/reached`, { reachedOn: addDays(started, 55) });
    if (random.chance(0.4)) await post(`/v1/studies/${id}/conclusion`, { concludedOn: addDays(started, 400), recommendation: random.pick(['proceed', 'partly', 'do-not-proceed']), summary: 'Slutsats' });
  }

  // ---------------------------------------------------------------- later life, spread among the transfers
  const later: (() => Promise<void>)[] = [];
  for (const f of federations) {
    later.push(async () => {
      const county = [...f.members.keys()];
      const candidates = municipalities.filter((m) => m.code.slice(0, 2) === county[0].slice(0, 2) && !f.members.has(m.code));
      if (candidates.length === 0 || f.dissolvedFrom) return;
      const joiner = random.pick(candidates).code;
      const from = random.date(addDays(f.from, 30), '2020-12-31');
      if (await post(`/v1/federations/${f.id}/members`, { municipality: joiner, decidedOn: addDays(from, -90), effectiveFrom: from })) {
        f.members.set(joiner, { from });
        federationsOf.set(joiner, [...(federationsOf.get(joiner) ?? []), f]);
      }
    });
    if (random.chance(0.35)) {
      later.push(async () => {
        if (f.dissolvedFrom) return;
        const from = random.date(addDays(f.from, 365 * 3), '2026-12-31');
        // Successors in-house for some of each member's areas; the others lapse (and show on the attention list).
        const successors = [...f.members.keys()].flatMap((m) => f.areas.filter(() => random.chance(0.5)).map((area) => ({ municipality: m, serviceArea: area, basis: { kind: 'in-house' } })));
        if (await post(`/v1/federations/${f.id}/dissolution`, { decidedOn: addDays(from, -60), effectiveFrom: from, successors })) f.dissolvedFrom = from;
      });
    }
    if (random.chance(0.5)) later.push(async () => void (await post(`/v1/arrangements/${f.id}/reviews`, { reviewedOn: random.date('2015-10-15', '2024-06-30'), outcome: random.pick(['continue', 'revise']) })));
  }
  for (const a of agreements.filter((x) => x.concluded)) {
    if (a.until && random.chance(0.4)) {
      later.push(async () => {
        if (a.endsFrom || !a.until) return;
        const until = addDays(a.until, 365 * random.int(1, 3));
        if (await post(`/v1/agreements/${a.id}/extension`, { validUntil: until, decidedOn: addDays(a.until, -90) })) a.until = until;
      });
    }
    if (random.chance(0.25)) {
      later.push(async () => {
        if (a.endsFrom) return;
        const end = a.until ?? addDays(a.from, 365 * 8);
        const from = random.date(addDays(a.from, 180), maxDate(addDays(a.from, 181), end));
        const successors = a.buyers.flatMap((b) => a.areas.filter(() => random.chance(0.5)).map((area) => ({ municipality: b, serviceArea: area, basis: { kind: 'in-house' } })));
        if (await post(`/v1/agreements/${a.id}/termination`, { decidedOn: addDays(from, -60), effectiveFrom: from, reason: 'Omorganisation', successors })) a.endsFrom = from;
      });
    }
  }
  const laterOrder = random.some(later, later.length);

  // ---------------------------------------------------------------- transfers
  const transfer = async (): Promise<void> => {
    const code = random.pick(municipalities).code;
    const roll = random.next();
    const feds = (federationsOf.get(code) ?? []).filter((f) => !f.dissolvedFrom || f.dissolvedFrom > addDays(f.members.get(code)!.from, 1));
    const agrs = (agreementsOf.get(code) ?? []).filter((a) => !a.endsFrom || a.endsFrom > addDays(a.from, 1));
    if (roll < 0.45 && feds.length > 0) {
      const f = random.pick(feds);
      const membership = f.members.get(code)!;
      const end = addDays(minDate(f.dissolvedFrom ?? LAST, membership.until ?? LAST), -1);
      const on = random.date(membership.from, end);
      await post(`/v1/municipalities/${code}/transfers`, { serviceArea: random.pick(f.areas), basis: { kind: f.form, id: f.id }, decidedOn: addDays(on, -30), effectiveFrom: on });
      return;
    }
    if (roll < 0.85 && agrs.length > 0) {
      const a = random.pick(agrs);
      const end = addDays(minDate(a.endsFrom ?? LAST, a.until ? addDays(a.until, 1) : LAST), -1);
      const on = random.date(a.from, end);
      await post(`/v1/municipalities/${code}/transfers`, { serviceArea: random.pick(a.areas), basis: { kind: 'agreement', id: a.id }, decidedOn: addDays(on, -30), effectiveFrom: on });
      return;
    }
    const on = random.date('2005-01-01', '2027-12-31');
    await post(`/v1/municipalities/${code}/transfers`, { serviceArea: random.pick(areas), basis: { kind: 'in-house' }, decidedOn: addDays(on, -30), effectiveFrom: on });
  };

  const concurrency = options.concurrency ?? 8;
  const stride = Math.max(50, Math.floor(options.events / Math.max(1, laterOrder.length + 1)));
  let sinceLater = 0;
  while (result.events < options.events) {
    if (sinceLater >= stride && laterOrder.length > 0) {
      await (laterOrder.shift() as () => Promise<void>)();
      sinceLater = 0;
      continue;
    }
    const batch = Math.min(concurrency, options.events - result.events);
    await Promise.all(Array.from({ length: batch }, () => transfer()));
    sinceLater += batch;
  }
  for (const rest of laterOrder) await rest();
  return result;
}
