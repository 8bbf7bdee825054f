import { canonicalJson } from '@samverkan/audit';
import { addDays, isCalendarDate, stockholmDateOf } from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';
import { RegisterReadModel } from '@samverkan/projections';
import { CliContext, count, json, note, out, progress, rate } from '../context';
import { ServiceClient, apiKey } from '../http';
import { CliError } from '../options';
import { LogSource, logSource } from '../sources';

export interface Replayed {
  model: RegisterReadModel;
  events: number;
  seconds: number;
  /** The dates the log names (effective dates, ends, milestones): where answers may change. Empty unless asked for. */
  dates: Set<string>;
}

/**
 * The replay itself: every read model rebuilt from an empty state, applying the log in
 * commit order up to `upTo`. The bench measures this function (`npm run bench`, step audit).
 */
export async function replayLog(
  log: Pick<LogSource, 'pages'>,
  options: { upTo?: number; collectDates?: boolean; onProgress?: (done: number, total: number, events: number) => void } = {},
): Promise<Replayed> {
  const model = new RegisterReadModel();
  const dates = new Set<string>();
  let events = 0;
  const started = process.hrtime.bigint();
  for await (const page of log.pages({ upTo: options.upTo, onProgress: options.onProgress })) {
    for (let i = 0; i < page.length; i++) {
      model.apply(page[i]);
      if (options.collectDates) collectDates(page[i], dates);
    }
    events += page.length;
  }
  return { model, events, dates, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** One way the rebuilt read models disagree with the live service. */
export interface Difference {
  what: 'provision' | 'matrix' | 'attention' | 'arrangement' | 'municipality';
  /** The date asked about (provisions and attention). */
  on?: string;
  /** What differs: `0580/payroll`, an attention item's subject, an arrangement id. */
  subject: string;
  live: unknown;
  replayed: unknown;
}

const DATE_FIELDS = ['effectiveFrom', 'validFrom', 'validUntil', 'startedOn', 'plannedEnd', 'due', 'reachedOn', 'concludedOn', 'signedOn', 'reviewedOn'];
const END_FIELDS = new Set(['validUntil', 'plannedEnd', 'due']);
const MAX_REPORTED = 50;

/**
 * `replay`: rebuilds every read model from an empty state, in this process, from the store or
 * an export, up to the position the live service has reached; then asks the live service the
 * same questions and compares: every municipality × service area on each date (the matrix),
 * the attention list on each date, the arrangement register and the municipalities.
 */
export async function replayCommand(ctx: CliContext): Promise<number> {
  const { options, io } = ctx;
  const url = options.url ?? io.env.SAMVERKAN_URL ?? `http://127.0.0.1:${io.env.PORT ?? 3000}`;
  const live = new ServiceClient(url, apiKey(options, io.env));
  const maxDates = options.maxDates === undefined ? 40 : Number(options.maxDates);
  if (!Number.isInteger(maxDates) || maxDates < 1) throw new CliError('--max-dates must be a whole number of at least 1', 2);
  const given = options.dates?.split(',').map((d) => d.trim());
  if (given?.some((d) => !isCalendarDate(d))) throw new CliError('--dates must be calendar dates as YYYY-MM-DD, comma-separated', 2);
  if (options.today !== undefined && !isCalendarDate(options.today)) throw new CliError('--today must be a calendar date as YYYY-MM-DD', 2);

  const before = await livePosition(live);
  const log = logSource(options, io.env);
  const bar = progress(ctx, 'replay');
  let replayed: Replayed;
  try {
    replayed = await replayLog(log, { upTo: before, collectDates: !given, onProgress: (done, total, n) => bar.update(done, total, n) });
  } finally {
    bar.stop();
    await log.close();
  }
  const { model, dates, events, seconds } = replayed;
  note(ctx, `Rebuilt the read models from ${count(events)} events of ${log.description} in ${seconds.toFixed(2)} s (${count(rate(events, seconds))} events/s); comparing with ${url} at position ${before} …`);

  const today = options.today ?? stockholmDateOf(new Date());
  const on = given ?? sample([...dates].sort(), maxDates);
  if (!on.includes(today)) on.push(today);

  const differences: Difference[] = [];
  let differenceCount = 0;
  const differ = (d: Difference) => {
    differenceCount++;
    if (differences.length < MAX_REPORTED) differences.push(d);
  };
  const compared = { dates: on.length, cells: 0, attentionItems: 0, arrangements: 0, municipalities: 0 };
  const at = `minPosition=${before}`;

  const municipalities = await live.get<unknown[]>(`/v1/municipalities?${at}`);
  compared.municipalities = municipalities.length;
  compareKeyed('municipality', undefined, municipalities, plain(model.listMunicipalities()), (m) => (m as { code: string }).code, differ);

  // The live answers for the next date are fetched while this one is compared (the service works in its own process).
  const ask = (date: string) => {
    const answers = Promise.all([live.get<Matrix>(`/v1/matrix?on=${date}&${at}`), live.get<unknown[]>(`/v1/attention?on=${date}&${at}`)]);
    answers.catch(() => undefined);
    return answers;
  };
  let asked = on.length > 0 ? ask(on[0]) : undefined;
  for (let i = 0; i < on.length; i++) {
    const date = on[i];
    const answers = asked as ReturnType<typeof ask>;
    asked = i + 1 < on.length ? ask(on[i + 1]) : undefined;
    const ours = plain(model.matrix(date)) as Matrix;
    const oursAttention = plain(model.attention(date)) as unknown[];
    const [liveMatrix, liveAttention] = await answers;
    compared.cells += compareMatrix(date, liveMatrix, ours, differ);
    compared.attentionItems += liveAttention.length;
    compareList('attention', date, liveAttention, oursAttention, (a) => `${(a as { kind: string }).kind}:${(a as { subject: string }).subject}`, differ);
  }

  const register = await live.get<unknown[]>(`/v1/arrangements?${at}`);
  compared.arrangements = register.length;
  compareKeyed('arrangement', today, register, plain(model.listArrangements({}, today)), (a) => `${(a as { kind: string }).kind}/${(a as { id: string }).id}`, differ);

  const after = await livePosition(live);
  const ok = differenceCount === 0;
  const result = {
    ok,
    source: log.description,
    live: url,
    position: before,
    liveMoved: after !== before,
    events,
    seconds,
    eventsPerSecond: rate(events, seconds),
    today,
    compared,
    differenceCount,
    differences,
  };
  if (options.json) {
    json(ctx, result);
  } else {
    out(
      ctx,
      ok
        ? `Replay equals live: ${count(events)} events rebuilt in ${seconds.toFixed(2)} s (${count(result.eventsPerSecond)} events/s); ${count(compared.cells)} provisions on ${on.length} dates, ${count(compared.attentionItems)} attention items, ${count(compared.arrangements)} arrangements and ${count(compared.municipalities)} municipalities agree with ${url}.`
        : [
            `REPLAY DIFFERS FROM LIVE: ${count(differenceCount)} difference${differenceCount === 1 ? '' : 's'} (${count(events)} events rebuilt from ${log.description}, compared with ${url} at position ${before}).`,
            ...differences.slice(0, 20).map((d) => `  ${d.what}${d.on ? ` on ${d.on}` : ''} ${d.subject}:\n    live:     ${canonicalJson(d.live ?? null)}\n    replayed: ${canonicalJson(d.replayed ?? null)}`),
            ...(differenceCount > 20 ? [`  … and ${count(differenceCount - 20)} more (--json lists ${differences.length})`] : []),
            ...(result.liveMoved ? [`Note: the live service moved from position ${before} to ${after} while comparing; run replay again on a quiet log.`] : []),
          ].join('\n'),
    );
  }
  return ok ? 0 : 1;
}

interface Matrix {
  on: string;
  serviceAreas: string[];
  rows: { municipality: { code: string }; cells: Record<string, unknown> }[];
}

async function livePosition(live: ServiceClient): Promise<number> {
  const health = await live.get<{ projection?: { position?: number } }>('/health');
  const position = health.projection?.position;
  if (typeof position !== 'number') throw new CliError(`${live.url}/health does not report the projection's position`);
  return position;
}

/** What JSON makes of a value (as the live service's answer went through JSON). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

function compareMatrix(on: string, live: Matrix, ours: Matrix, differ: (d: Difference) => void): number {
  if (!same(live.serviceAreas, ours.serviceAreas)) differ({ what: 'matrix', on, subject: 'serviceAreas', live: live.serviceAreas, replayed: ours.serviceAreas });
  const oursByCode = new Map(ours.rows.map((r) => [r.municipality.code, r]));
  let cells = 0;
  for (const row of live.rows) {
    const code = row.municipality.code;
    const mine = oursByCode.get(code);
    oursByCode.delete(code);
    if (!mine) {
      differ({ what: 'matrix', on, subject: code, live: row.municipality, replayed: undefined });
      continue;
    }
    for (const area of new Set([...Object.keys(row.cells), ...Object.keys(mine.cells)])) {
      cells++;
      if (!same(row.cells[area], mine.cells[area])) differ({ what: 'provision', on, subject: `${code}/${area}`, live: row.cells[area], replayed: mine.cells[area] });
    }
  }
  for (const [code, row] of oursByCode) differ({ what: 'matrix', on, subject: code, live: undefined, replayed: row.municipality });
  return cells;
}

/** Compares two lists as multisets of items (by canonical form), then their order. */
function compareList(what: Difference['what'], on: string | undefined, live: unknown[], ours: unknown[], subject: (item: unknown) => string, differ: (d: Difference) => void): void {
  const remaining = new Map<string, unknown[]>();
  for (const item of ours) {
    const key = canonicalJson(item);
    remaining.set(key, [...(remaining.get(key) ?? []), item]);
  }
  let found = 0;
  for (const item of live) {
    const key = canonicalJson(item);
    const list = remaining.get(key);
    if (list && list.length > 0) {
      list.pop();
      found++;
      continue;
    }
    differ({ what, on, subject: subject(item), live: item, replayed: undefined });
  }
  for (const list of remaining.values()) for (const item of list) differ({ what, on, subject: subject(item), live: undefined, replayed: item });
  if (found === live.length && found === ours.length && !same(live, ours)) differ({ what, on, subject: '(order)', live: live.map(subject), replayed: ours.map(subject) });
}

function compareKeyed(what: Difference['what'], on: string | undefined, live: unknown[], ours: unknown[], key: (item: unknown) => string, differ: (d: Difference) => void): void {
  const mine = new Map(ours.map((item) => [key(item), item]));
  for (const item of live) {
    const k = key(item);
    const other = mine.get(k);
    mine.delete(k);
    if (!same(item, other)) differ({ what, on, subject: k, live: item, replayed: other });
  }
  for (const [k, item] of mine) differ({ what, on, subject: k, live: undefined, replayed: item });
}

/** The dates the log's facts start or end on, and the days around them: where answers change. */
function collectDates(event: RecordedEvent, into: Set<string>): void {
  const data = event.data;
  for (const field of DATE_FIELDS) {
    const value = data[field];
    if (typeof value !== 'string' || !isCalendarDate(value)) continue;
    into.add(value);
    into.add(END_FIELDS.has(field) ? addDays(value, 1) : addDays(value, -1));
  }
}

/** At most `n` of the sorted dates, evenly spread, the first and the last included. */
function sample(sorted: string[], n: number): string[] {
  if (sorted.length <= n) return sorted;
  if (n === 1) return [sorted[sorted.length - 1]];
  const picked = new Set<string>();
  for (let i = 0; i < n; i++) picked.add(sorted[Math.round((i * (sorted.length - 1)) / (n - 1))]);
  return [...picked];
}
