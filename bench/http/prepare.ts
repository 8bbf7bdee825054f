import { addDays } from '@samverkan/domain';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { Random } from '../support/random';

/**
 * What the command runs need in the register before they start, created over HTTP through
 * the service's own commands (so it is valid by construction): one federation with many
 * members and many charter areas (the transfer runs' basis), and service agreements whose
 * signatures make the signature pool.
 */

const HEADERS = { 'content-type': 'application/json', 'x-source-system': 'samverkan-bench' };

export async function post(url: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

export async function get(url: string, path: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, json: await response.json().catch(() => undefined) };
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export interface BenchFederation {
  id: string;
  members: string[];
  areas: string[];
  /** Transfers are effective on days in [from, to]. */
  from: string;
  to: string;
}

/** A federation of 100 municipalities with 20 charter areas, in force from 2010. */
/** `reuse`: a register that already holds the bench federation (a kept history run again) uses it as it is. */
export async function formFederation(url: string, random: Random, reuse = false): Promise<BenchFederation> {
  const members = random.sample(
    loadMunicipalities().map((m) => m.code),
    100,
  );
  const areas = random.sample(
    loadServiceAreas().map((a) => a.slug),
    20,
  );
  const federation = { id: 'bench-forbund', name: 'Kommunalförbundet Bench', form: 'federation', members, serviceAreas: areas, decidedOn: '2009-06-15', effectiveFrom: '2010-01-01' };
  const answer = await post(url, '/v1/federations', federation);
  if (reuse && answer.status === 409) return { id: federation.id, members, areas, from: '2010-01-01', to: '2030-12-31' };
  if (answer.status !== 201) throw new Error(`forming the bench federation: ${answer.status} ${JSON.stringify(answer.json)}`);
  return { id: federation.id, members, areas, from: '2010-01-01', to: '2030-12-31' };
}

/** A signature the service will accept once: [agreement id, party, signedOn]. */
export type Signature = [id: string, party: string, signedOn: string];

/**
 * Proposes service agreements until they need at least `signatures` signatures, and returns
 * those signatures, interleaved across agreements (so the 16 clients rarely queue on one
 * stream). Each agreement: 3–10 municipalities of one county buy 1–3 areas from their
 * region; the signatories are the parties and the region; a third need council approval.
 */
export async function proposeAgreements(url: string, random: Random, tag: string, signatures: number, concurrency: number): Promise<{ agreements: number; signatures: Signature[] }> {
  const byCounty = new Map<string, string[]>();
  for (const m of loadMunicipalities()) byCounty.set(m.countyCode, [...(byCounty.get(m.countyCode) ?? []), m.code]);
  const counties = [...byCounty.entries()].filter(([, codes]) => codes.length >= 3);
  const areas = loadServiceAreas().map((a) => a.slug);
  const proposals: { body: Record<string, unknown>; signatories: string[]; decidedOn: string }[] = [];
  let needed = signatures;
  while (needed > 0) {
    const [county, codes] = random.pick(counties);
    const parties = random.sample(codes, random.int(3, Math.min(10, codes.length)));
    const validFrom = `${random.int(2012, 2026)}-${String(random.int(1, 12)).padStart(2, '0')}-01`;
    const decidedOn = addDays(validFrom, -random.int(30, 150));
    const body = {
      id: `bench-${tag}-${proposals.length + 1}`,
      kind: 'service',
      title: `Bench: ${parties.length} kommuner köper tjänster av region ${county}`,
      parties,
      otherParties: [],
      provider: { kind: 'region', code: county },
      buyers: parties,
      serviceAreas: random.sample(areas, random.int(1, 3)),
      validFrom,
      ...(random.chance(0.5) ? { validUntil: addDays(`${Number(validFrom.slice(0, 4)) + random.int(2, 6)}${validFrom.slice(4)}`, -1) } : {}),
      councilApprovalRequired: random.chance(0.33),
      decidedOn,
    };
    proposals.push({ body, signatories: [...parties, county], decidedOn });
    needed -= parties.length + 1;
  }
  await inParallel(proposals, concurrency, async (p) => {
    const answer = await post(url, '/v1/agreements', p.body);
    if (answer.status !== 201) throw new Error(`proposing ${String(p.body.id)}: ${answer.status} ${JSON.stringify(answer.json)}`);
  });
  // Interleave in groups of 32 agreements (round-robin over a group's parties, each in a
  // random order): concurrent clients sign different agreements, and conclusions (the last
  // signature of an agreement that needs no council decision) come all through the pool.
  const queues = proposals.map((p) => random.shuffle([...p.signatories]).map((party, k): Signature => [String(p.body.id), party, addDays(p.decidedOn, 1 + k)]));
  const out: Signature[] = [];
  for (let g = 0; g < queues.length; g += 32) {
    const group = queues.slice(g, g + 32);
    const longest = Math.max(...group.map((q) => q.length));
    for (let round = 0; round < longest; round++) for (const q of group) if (round < q.length) out.push(q[round]);
  }
  return { agreements: proposals.length, signatures: out };
}
