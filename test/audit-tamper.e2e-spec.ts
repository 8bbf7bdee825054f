import Database from 'better-sqlite3';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../apps/cli/src/cli';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { client, startApp, Json } from './support/start-app';

/**
 * Tamper evidence on the embedded store's FILE: seed story S1 is recorded by the service on a
 * SQLite file, a signed checkpoint is taken, a few more commands follow; then the service is
 * stopped, the file is edited with better-sqlite3 as an intruder would, and both the
 * service (restarted on the file, POST /v1/audit/verify) and the CLI (`verify --data-dir`,
 * no service running) must find the alteration and name the first broken place.
 */
interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  created: string;
}

let pristine: string;
const work: string[] = [];

beforeAll(async () => {
  pristine = mkdtempSync(join(tmpdir(), 'samverkan-tamper-'));
  const running = await startApp({ store: SqliteEventStore.open({ dataDir: pristine }) });
  await runScenario(running.url, loadScenario('s1'));
  const api = client(running.url);
  expect((await api.post('/v1/audit/checkpoints')).status).toBe(201);
  // After the checkpoint: an extension and a transfer, protected by their chains only (until the next checkpoint).
  expect((await api.post('/v1/agreements/lkp-buys-payroll-2020/extension', { validUntil: '2024-12-31', decidedOn: '2022-06-01' })).status).toBe(200);
  expect((await api.post('/v1/municipalities/0114/transfers', { serviceArea: 'it-support', basis: { kind: 'in-house' }, decidedOn: '2021-01-01', effectiveFrom: '2021-02-01' })).status).toBe(201);
  await running.close();
}, 60_000);

afterAll(() => {
  for (const dir of [pristine, ...work]) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the pristine data directory (the file and the signing key). */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samverkan-tampered-'));
  cpSync(pristine, dir, { recursive: true });
  work.push(dir);
  return dir;
}

function edit<T>(dir: string, change: (db: Database.Database) => T): T {
  const db = new Database(join(dir, 'events.sqlite'));
  try {
    return change(db);
  } finally {
    db.close();
  }
}

function row(db: Database.Database, stream: string, revision: number): Row {
  return db.prepare('SELECT * FROM events WHERE stream = ? AND revision = ?').get(stream, revision) as Row;
}

/** Moves the row at position `a` to `b` and back: a swap of two rows in the log. */
function swapPositions(db: Database.Database, a: number, b: number): void {
  db.transaction(() => {
    db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(a);
    db.prepare('UPDATE events SET position = ? WHERE position = ?').run(a, b);
    db.prepare('UPDATE events SET position = ? WHERE position = -1').run(b);
  })();
}

async function cliVerify(dir: string): Promise<{ code: number; report: Json }> {
  let text = '';
  const stdout = new Writable({ write: (chunk, _e, done) => ((text += String(chunk)), done()) });
  const stderr = new Writable({ write: (_c, _e, done) => done() });
  const code = await runCli(['verify', '--data-dir', dir, '--json'], { stdout, stderr, env: {} });
  return { code, report: JSON.parse(text) };
}

async function serviceVerify(dir: string): Promise<Json> {
  const running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }) });
  try {
    const reply = await client(running.url).post('/v1/audit/verify');
    expect(reply.status).toBe(200);
    return reply.body;
  } finally {
    await running.close();
  }
}

/** Both verifiers, which must agree on the first broken place. */
async function verifyBoth(dir: string): Promise<Json> {
  const cli = await cliVerify(dir);
  const service = await serviceVerify(dir);
  expect(cli.code).toBe(cli.report.ok ? 0 : 1);
  expect(cli.report.firstBroken).toEqual(service.firstBroken);
  expect(cli.report.ok).toBe(service.ok);
  return service;
}

describe('tamper evidence: the SQLite file edited behind the service', () => {
  it('finds nothing wrong in the file as the service wrote it', async () => {
    const report = await verifyBoth(copy());
    expect(report).toMatchObject({ ok: true, problemCount: 0, checkpoints: { found: 1, compared: 1, signatures: 'checked' } });
    expect(report.afterLastCheckpoint).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it("an edited row (a transfer's effective date)", async () => {
    const dir = copy();
    const target = edit(dir, (db) => {
      const transfer = row(db, 'municipality-0580', 1);
      expect(transfer.type).toBe('ServiceTransferred');
      db.prepare("UPDATE events SET data = json_set(data, '$.effectiveFrom', '2009-01-01') WHERE position = ?").run(transfer.position);
      return transfer;
    });
    const report = await verifyBoth(dir);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ kind: 'edited', stream: 'municipality-0580', revision: 1, position: target.position, eventId: target.id });
  }, 30_000);

  it('an edited row after the last checkpoint (its metadata: who sent it)', async () => {
    const dir = copy();
    edit(dir, (db) => db.prepare("UPDATE events SET metadata = json_set(metadata, '$.actor', 'someone-else') WHERE stream = 'municipality-0114' AND type = 'ServiceTransferred'").run());
    const report = await verifyBoth(dir);
    expect(report.firstBroken).toMatchObject({ kind: 'edited', stream: 'municipality-0114' });
  }, 30_000);

  it('a deleted row (a signature in the middle of the agreement)', async () => {
    const dir = copy();
    const deleted = edit(dir, (db) => {
      const signature = row(db, 'agreement-lkp-buys-payroll-2020', 1);
      expect(signature.type).toBe('AgreementSigned');
      db.prepare('DELETE FROM events WHERE position = ?').run(signature.position);
      return signature;
    });
    const report = await verifyBoth(dir);
    expect(report.firstBroken).toMatchObject({ kind: 'revision-gap', stream: 'agreement-lkp-buys-payroll-2020', revision: 2 });
    expect(report.firstBroken.position).toBeGreaterThan(deleted.position);
  }, 30_000);

  it("a deleted row at the end of a stream, before the checkpoint (the federation's dissolution)", async () => {
    const dir = copy();
    edit(dir, (db) => db.prepare("DELETE FROM events WHERE stream = 'federation-fjarde-storstadsregionen' AND type = 'FederationDissolved'").run());
    const report = await verifyBoth(dir);
    expect(report.firstBroken).toMatchObject({ kind: 'head-mismatch', stream: 'federation-fjarde-storstadsregionen', revision: 0, checkpoint: { revision: 0 } });
  }, 30_000);

  it('two rows of one stream swapped', async () => {
    const dir = copy();
    const [first] = edit(dir, (db) => {
      const a = row(db, 'agreement-lkp-buys-payroll-2020', 1);
      const b = row(db, 'agreement-lkp-buys-payroll-2020', 2);
      swapPositions(db, a.position, b.position);
      return [a, b];
    });
    const report = await verifyBoth(dir);
    expect(report.firstBroken).toMatchObject({ stream: 'agreement-lkp-buys-payroll-2020', position: first.position });
    expect(['revision-gap', 'revision-out-of-order', 'chain-broken']).toContain(report.firstBroken.kind);
  }, 30_000);

  it("two rows' contents swapped within a stream, revisions and positions kept", async () => {
    const dir = copy();
    edit(dir, (db) => {
      const a = row(db, 'agreement-lkp-buys-payroll-2020', 3);
      const b = row(db, 'agreement-lkp-buys-payroll-2020', 4);
      db.transaction(() => {
        db.prepare("UPDATE events SET id = 'swap', data = ?, metadata = ? WHERE position = ?").run(b.data, b.metadata, a.position);
        db.prepare('UPDATE events SET id = ?, data = ?, metadata = ? WHERE position = ?').run(a.id, a.data, a.metadata, b.position);
        db.prepare('UPDATE events SET id = ? WHERE position = ?').run(b.id, a.position);
      })();
    });
    const report = await verifyBoth(dir);
    expect(report.firstBroken).toMatchObject({ kind: 'chain-broken', stream: 'agreement-lkp-buys-payroll-2020', revision: 3 });
  }, 30_000);

  it('two rows of different streams swapped before the checkpoint (the order across streams)', async () => {
    const dir = copy();
    edit(dir, (db) => {
      const a = row(db, 'federation-raddningstjansten-ostra-gotaland', 0);
      const b = row(db, 'agreement-lkp-buys-payroll-2020', 0);
      swapPositions(db, a.position, b.position);
    });
    const report = await verifyBoth(dir);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ kind: 'head-mismatch', checkpoint: { revision: 0 } });
    expect(['federation-raddningstjansten-ostra-gotaland', 'agreement-lkp-buys-payroll-2020']).toContain(report.firstBroken.stream);
  }, 30_000);

  it('an inserted row (a copy of a council approval added to the agreement)', async () => {
    const dir = copy();
    edit(dir, (db) => {
      const approval = row(db, 'agreement-lkp-buys-payroll-2020', 4);
      const next = (db.prepare("SELECT MAX(revision) AS r FROM events WHERE stream = 'agreement-lkp-buys-payroll-2020'").get() as { r: number }).r + 1;
      db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        '00000000-0000-4000-8000-000000000001',
        approval.stream,
        next,
        approval.type,
        approval.data,
        approval.metadata,
        approval.created,
      );
    });
    const report = await verifyBoth(dir);
    expect(report.firstBroken).toMatchObject({ kind: 'chain-broken', stream: 'agreement-lkp-buys-payroll-2020', eventId: '00000000-0000-4000-8000-000000000001' });
  }, 30_000);

  it('a removed stream since the last checkpoint (the rescue-services joint committee)', async () => {
    const dir = copy();
    const removed = edit(dir, (db) => db.prepare("DELETE FROM events WHERE stream = 'federation-raddningstjansten-ostra-gotaland'").run().changes);
    expect(removed).toBeGreaterThan(0);
    const report = await verifyBoth(dir);
    expect(report.firstBroken).toMatchObject({ kind: 'stream-missing', stream: 'federation-raddningstjansten-ostra-gotaland', checkpoint: { revision: 0 } });
  }, 30_000);

  it('a forged checkpoint (its recorded head edited)', async () => {
    const dir = copy();
    edit(dir, (db) => db.prepare("UPDATE events SET data = json_set(data, '$.events', 1) WHERE stream = 'audit-checkpoints'").run());
    const report = await verifyBoth(dir);
    expect(report.problems.map((p: { kind: string }) => p.kind)).toEqual(expect.arrayContaining(['edited', 'checkpoint-signature']));
    expect(report.checkpoints.compared).toBe(0);
  }, 30_000);

  it('refuses to sign a checkpoint over a broken log (409 log-broken)', async () => {
    const dir = copy();
    edit(dir, (db) => db.prepare("UPDATE events SET data = json_set(data, '$.validUntil', '2030-12-31') WHERE stream = 'agreement-lkp-buys-payroll-2020' AND type = 'AgreementExtended'").run());
    const running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }) });
    try {
      const reply = await client(running.url).post('/v1/audit/checkpoints');
      expect(reply.status).toBe(409);
      expect(reply.body).toMatchObject({ code: 'log-broken' });
      expect(reply.body.detail).toMatch(/agreement-lkp-buys-payroll-2020/);
      expect(await running.store.readStream('audit-checkpoints')).toHaveLength(1);
    } finally {
      await running.close();
    }
  }, 30_000);
});
