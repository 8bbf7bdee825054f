import { SseClient, SseMessage } from './sse-client';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded PRNG (mulberry32), so a failing random run can be repeated with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads a feed from `lastEventId` (none: from now) until it reports caught-up, then disconnects. */
export async function readUntilCaughtUp(url: string, headers: Record<string, string> = {}, timeoutMs = 20_000): Promise<SseClient> {
  const client = await SseClient.open(url, headers);
  if (client.status !== 200) throw new Error(`${url} answered ${client.status}: ${JSON.stringify(client.body)}`);
  await client.waitFor((m) => m.event === 'caught-up', timeoutMs);
  client.kill();
  return client;
}

/** The ids and payloads of the messages of one type, for comparing two readings of a feed. */
export function summary(messages: SseMessage[], event: string): string[] {
  return messages.filter((m) => m.event === event).map((m) => `${m.id} ${JSON.stringify(m.data)}`);
}

/** Östergötland: the members of the federations the generator forms. */
export const OSTERGOTLAND = ['0509', '0512', '0513', '0560', '0561', '0562', '0563', '0580', '0581', '0582', '0583', '0584', '0586'];
export const GENERATED_AREAS = ['payroll', 'procurement', 'it-support', 'archives'];

export interface Generated {
  /** The highest position any command answered with. */
  position: number;
  commands: number;
}

/**
 * Sends commands that change provisions: a federation of Östergötland's municipalities, then
 * transfers of its areas to it or back in-house on random dates (past and future), and every
 * `defineAreaEvery` commands a new service area (290 new cells at once). Stops after `commands`.
 */
export async function generateChanges(
  url: string,
  options: { commands: number; seed: number; tag: string; defineAreaEvery?: number; headers?: Record<string, string>; pauseMs?: number },
): Promise<Generated> {
  const random = prng(options.seed);
  const headers = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  let position = 0;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = (await response.json()) as { position?: number };
    if (response.status >= 300) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    position = Math.max(position, answer.position ?? 0);
  };
  const federation = `${options.tag}-fed`;
  await post('/v1/federations', { id: federation, name: `Förbundet ${options.tag}`, form: 'federation', members: OSTERGOTLAND, serviceAreas: GENERATED_AREAS, decidedOn: '1999-06-01', effectiveFrom: '2000-01-01' });
  for (let i = 1; i < options.commands; i++) {
    if (options.defineAreaEvery && i % options.defineAreaEvery === 0) {
      await post('/v1/service-areas', { slug: `${options.tag}-area-${i}`, nameSv: `Område ${i}`, nameEn: `Area ${i}` });
      continue;
    }
    const municipality = OSTERGOTLAND[Math.floor(random() * OSTERGOTLAND.length)];
    const serviceArea = GENERATED_AREAS[Math.floor(random() * GENERATED_AREAS.length)];
    const year = 2000 + Math.floor(random() * 36);
    const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
    const basis = random() < 0.6 ? { kind: 'federation', id: federation } : { kind: 'in-house' };
    await post(`/v1/municipalities/${municipality}/transfers`, { serviceArea, basis, decidedOn: '1999-12-01', effectiveFrom: `${year}-${month}-01` });
    if (options.pauseMs) await sleep(options.pauseMs);
  }
  return { position, commands: options.commands };
}
