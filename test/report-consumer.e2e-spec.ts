import Database from 'better-sqlite3';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../examples/report-consumer/src/consumer';
import { SseParser } from '../examples/report-consumer/src/sse';
import { generateChanges, readUntilCaughtUp, sleep } from '../libs/subscriptions/src/testing/feed-fixtures';
import { RunningApp, client, startApp, Json } from './support/start-app';

/**
 * examples/report-consumer, run as its own process (ts-node), against the service: killed with
 * SIGKILL while it takes its snapshot or while commands flow, restarted, and in the end its
 * SQLite table of current provisions equals /v1/matrix, cell for cell.
 */
const ROOT = join(__dirname, '..');
const CONSUMER = join(ROOT, 'examples', 'report-consumer', 'src', 'main.ts');
const SEED = Number(process.env.SSE_TEST_SEED ?? Date.now() % 1_000_000);

interface Consumer {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function startConsumer(url: string, db: string): Consumer {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CONSUMER, '--url', url, '--db', db], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'examples', 'report-consumer', 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (text: string) => output.push(...text.split('\n').filter(Boolean)));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => output.push(...text.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** The consumer's checkpoint, read the way a report would read its file (WAL: alongside the writer). */
function checkpointOf(db: string): string | undefined {
  if (!existsSync(db)) return undefined;
  const reader = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const table = reader.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'checkpoint'").get();
    if (!table) return undefined;
    return (reader.prepare('SELECT last_event_id FROM checkpoint WHERE id = 1').get() as { last_event_id: string } | undefined)?.last_event_id;
  } finally {
    reader.close();
  }
}

const positionOf = (id: string | undefined) => (id === undefined ? -1 : Number(id.split(':')[0]));

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('examples/report-consumer, its parts', () => {
  it('parses an event stream however it is cut into chunks, skipping comments and retry', () => {
    const stream = 'retry: 2000\r\n\r\n: heartbeat\n\nid: 12:1\nevent: provision-changed\ndata: {"a":1}\n\nid: 12\nevent: provision-changed\ndata: {"a":2}\n\nevent: error\ndata: {"code":"slow-consumer"}\n\n';
    for (const size of [1, 3, 7, stream.length]) {
      const parser = new SseParser();
      const messages = [];
      for (let i = 0; i < stream.length; i += size) messages.push(...parser.push(stream.slice(i, i + size)));
      expect(messages).toEqual([
        { event: 'provision-changed', id: '12:1', data: '{"a":1}' },
        { event: 'provision-changed', id: '12', data: '{"a":2}' },
        { event: 'error', data: '{"code":"slow-consumer"}' },
      ]);
    }
  });

  it('takes the service, the file and the filters from its arguments', () => {
    const options = parseArgs(['--url', 'http://h:1/', '--db', 'x.sqlite', '--county', '05', '--service-area', 'payroll']);
    expect({ url: options.url, db: options.db, query: options.query.toString() }).toEqual({ url: 'http://h:1', db: 'x.sqlite', query: 'county=05&serviceArea=payroll' });
  });
});

describe('examples/report-consumer', () => {
  let running: RunningApp;
  const dir = mkdtempSync(join(tmpdir(), 'samverkan-report-consumer-'));
  const db = join(dir, 'reports.sqlite');
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(async () => {
    for (const c of consumers) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`is killed and restarted while commands flow, and ends with a table equal to /v1/matrix (seed ${SEED})`, async () => {
    // 1. Killed early: while it starts or takes its snapshot (it must start over cleanly either way).
    const first = startConsumer(running.url, db);
    consumers.push(first);
    await until(() => first.output.some((l) => l.includes('subscribing with a snapshot')), 'the first consumer to subscribe', 20_000);
    await sleep(SEED % 200);
    first.child.kill('SIGKILL');
    await first.exited;

    // 2. Restarted: it has its snapshot, then commands flow and it is killed in the middle of them.
    const second = startConsumer(running.url, db);
    consumers.push(second);
    await until(() => checkpointOf(db) !== undefined, 'a checkpoint (the snapshot applied)', 20_000);
    const atSnapshot = positionOf(checkpointOf(db));
    const generating = generateChanges(running.url, { commands: 160, seed: SEED, tag: 'report', defineAreaEvery: 70, pauseMs: 3 });
    await until(() => positionOf(checkpointOf(db)) > atSnapshot + 40, 'the consumer to apply changes while commands flow');
    second.child.kill('SIGKILL');
    await second.exited;
    const killedAt = checkpointOf(db);

    // 3. Restarted again: it resumes from its checkpoint (no new snapshot) and catches up.
    const third = startConsumer(running.url, db);
    consumers.push(third);
    const generated = await generating;
    const reference = await readUntilCaughtUp(`${running.url}/v1/subscriptions/provisions`, { 'last-event-id': '0' });
    const lastChange = reference.of('provision-changed').at(-1)?.id as string;
    // The reference reading has the whole log; the last change is at or before the last command
    // (a transfer onto the basis that already holds from that date changes no provision).
    expect(Number(reference.of('caught-up').at(-1)?.data.position)).toBeGreaterThanOrEqual(generated.position);
    expect(positionOf(lastChange)).toBeLessThanOrEqual(generated.position);
    await until(() => checkpointOf(db) === lastChange, `the consumer to reach ${lastChange}`);

    expect(third.output.some((l) => l.includes(`resuming after ${killedAt}`))).toBe(true);
    expect(third.output.some((l) => l.includes('subscribing with a snapshot'))).toBe(false);
    expect(positionOf(killedAt)).toBeLessThan(generated.position); // it really was killed while commands flowed

    // 4. Its table is the matrix, cell for cell.
    const matrix = await client(running.url).get(`/v1/matrix?minPosition=${generated.position}`);
    expect(matrix.status).toBe(200);
    const expected = matrix.body.rows.flatMap((row: { municipality: { code: string }; cells: Record<string, Json> }) =>
      matrix.body.serviceAreas.map((area: string) => {
        const p = row.cells[area];
        return [row.municipality.code, area, p.provider.kind, p.provider.code ?? p.provider.id, p.provider.name, p.basis.kind, p.basis.id ?? null, p.since, p.until, p.lapsed ? 1 : 0].join('|');
      }),
    );
    const reader = new Database(db, { readonly: true });
    const rows = reader.prepare('SELECT * FROM provisions ORDER BY municipality, service_area').all() as Record<string, string | number | null>[];
    reader.close();
    const actual = rows.map((r) => [r.municipality, r.service_area, r.provider_kind, r.provider_ref, r.provider_name, r.basis_kind, r.basis_id, r.since, r.until, r.lapsed].join('|'));
    expect(actual.length).toBe(expected.length);
    expect(actual.length).toBeGreaterThanOrEqual(290 * 35); // 33 areas and the generator's new ones
    expect(actual.sort()).toEqual([...expected].sort());
    expect(new Set(rows.map((r) => r.on_date))).toEqual(new Set([matrix.body.on]));

    // 5. It stops cleanly on SIGTERM.
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });
});
