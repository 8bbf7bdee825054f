import { generateHistory } from '@samverkan/audit/testing';
import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { EventStoreDbDouble } from '@samverkan/event-store/testing';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../apps/cli/src/cli';
import { loadScenario, runScenario, scenarioIds } from '../scenarios/scenario-runner';
import { RunningApp, startApp, Json } from './support/start-app';

const ROOT = resolve(__dirname, '..');

/** The CLI in a process of its own, as `npm run cli` runs it. */
function cliProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/cli/src/main.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The CLI in this process (for EventStoreDB: the double lives in this process). */
async function cliHere(args: string[]): Promise<{ code: number; json: Json }> {
  let text = '';
  const stdout = new Writable({ write: (chunk, _e, done) => ((text += String(chunk)), done()) });
  const stderr = new Writable({ write: (_c, _e, done) => done() });
  const code = await runCli(args, { stdout, stderr, env: {} });
  return { code, json: JSON.parse(text) };
}

async function runAllStories(url: string): Promise<void> {
  for (const id of scenarioIds()) await runScenario(url, loadScenario(id));
}

describe('replay: every read model rebuilt from an empty state, in another process, equals the live service', () => {
  describe('the five seed stories on the embedded store', () => {
    let dir: string;
    let running: RunningApp;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'samverkan-replay-'));
      running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }) });
      await runAllStories(running.url);
    }, 60_000);
    afterAll(async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('replays S1–S5 from the store file and finds no difference (exit 0)', async () => {
      const { code, stdout, stderr } = await cliProcess(['replay', '--data-dir', dir, '--url', running.url, '--json']);
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(stdout);
      expect(report).toMatchObject({ ok: true, differenceCount: 0, differences: [], liveMoved: false });
      expect(report.events).toBe((await running.store.readAll()).length);
      // Every municipality × service area on each date, the attention list on each date, the register.
      expect(report.compared.dates).toBeGreaterThanOrEqual(20);
      expect(report.compared.cells).toBeGreaterThanOrEqual(290 * 20 * report.compared.dates / 20);
      expect(report.compared.attentionItems).toBeGreaterThan(0);
      expect(report.compared.arrangements).toBeGreaterThanOrEqual(10);
      expect(report.compared.municipalities).toBe(290);
    }, 60_000);

    it('prints each difference and exits 1 when the log replayed is not the one the service answers from', async () => {
      // The service's own export, with one transfer's effective date changed: replayed, it must disagree.
      const exported = await (await fetch(`${running.url}/v1/audit/export`)).text();
      const changed = exported.replace(/("municipality":"0580","serviceArea":"payroll","basis":\{"kind":"federation","id":"fjarde-storstadsregionen"\},"provider":\{[^}]*\},"decidedOn":"2007-06-18","effectiveFrom":)"2008-01-01"/, '$1"2009-01-01"');
      expect(changed).not.toBe(exported);
      const file = join(dir, 'changed.ndjson');
      writeFileSync(file, changed);
      const { code, stdout } = await cliProcess(['replay', '--file', file, '--url', running.url, '--dates', '2008-06-01,2019-12-31']);
      expect(code).toBe(1);
      // In 2008 the changed log has no transfer yet (in-house); at the end of 2019 the federation's provision starts a year later.
      expect(stdout).toMatch(/^REPLAY DIFFERS FROM LIVE: 2 differences/);
      expect(stdout).toMatch(/provision on 2008-06-01 0580\/payroll:\n\s+live: .*"basis":\{"id":"fjarde-storstadsregionen".*\n\s+replayed: .*"basis":\{"kind":"in-house"\}/);
      expect(stdout).toMatch(/provision on 2019-12-31 0580\/payroll:\n\s+live: .*"since":"2008-01-01".*\n\s+replayed: .*"since":"2009-01-01"/);
    }, 60_000);
  });

  describe('a generated history of more than 10,000 events', () => {
    let dir: string;
    let running: RunningApp;
    let generated: Awaited<ReturnType<typeof generateHistory>>;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'samverkan-replay-gen-'));
      running = await startApp();
      await runAllStories(running.url);
      // Through the whole service (validation, command path, chain), injected rather than over a socket to keep it quick.
      generated = await generateHistory(running.url, {
        events: 10_000,
        seed: 7,
        send: async (method, path, body) => {
          const reply = await running.app.inject({ method, url: path, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
          return { status: reply.statusCode, body: reply.json() };
        },
      });
    }, 180_000);
    afterAll(async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('generated a varied history', async () => {
      expect(generated.events).toBeGreaterThanOrEqual(10_000);
      expect((await running.store.readAll()).length).toBeGreaterThan(10_000);
      for (const type of ['FederationFormed', 'MemberJoined', 'FederationDissolved', 'AgreementConcluded', 'AgreementExtended', 'AgreementTerminated', 'MilestoneScheduled', 'StudyConcluded', 'ReviewRecorded']) {
        expect({ type, n: generated.byType[type] ?? 0 }).toEqual({ type, n: expect.any(Number) });
        expect(generated.byType[type]).toBeGreaterThan(0);
      }
      expect(generated.byType.ServiceTransferred).toBeGreaterThan(8000);
    });

    it('replays the whole log (from its export, in another process) and equals live', async () => {
      const file = join(dir, 'export.ndjson');
      writeFileSync(file, await (await fetch(`${running.url}/v1/audit/export`)).text());
      const { code, stdout, stderr } = await cliProcess(['replay', '--file', file, '--url', running.url, '--json', '--max-dates', '24']);
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(stdout);
      expect(report).toMatchObject({ ok: true, differenceCount: 0 });
      expect(report.events).toBeGreaterThan(10_000);
      expect(report.compared.cells).toBeGreaterThan(290 * 20 * 24);
      expect(report.compared.attentionItems).toBeGreaterThan(100);
      expect(report.compared.arrangements).toBeGreaterThan(100);
      // And the generated log verifies end to end.
      const verified = await cliProcess(['verify', '--file', file, '--json']);
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, checked: report.events, unchained: 0 });
      expect(readFileSync(file, 'utf8').length).toBeGreaterThan(0);
    }, 120_000);
  });

  describe('S1 on EventStoreDB (the in-process double)', () => {
    let double: EventStoreDbDouble;
    let running: RunningApp;
    let keyDir: string;

    beforeAll(async () => {
      double = new EventStoreDbDouble();
      await double.start();
      // With EventStoreDB the signing key lives in SAMVERKAN_DATA_DIR.
      keyDir = mkdtempSync(join(tmpdir(), 'samverkan-replay-esdb-'));
      running = await startApp({ store: new EventStoreDbEventStore(double.connectionString), env: { SAMVERKAN_DATA_DIR: keyDir } });
      await runScenario(running.url, loadScenario('s1'));
    }, 60_000);
    afterAll(async () => {
      await running.close();
      await double.stop();
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('replays from EventStoreDB and equals live; the chain is in the metadata there too', async () => {
      const { code, json } = await cliHere(['replay', '--esdb', double.connectionString, '--url', running.url, '--json']);
      expect(code).toBe(0);
      expect(json).toMatchObject({ ok: true, differenceCount: 0, source: expect.stringContaining('EventStoreDB') });
      expect(json.events).toBeGreaterThan(300);

      expect(existsSync(join(keyDir, 'audit-signing-key.pem'))).toBe(true);
      expect((await fetch(`${running.url}/v1/audit/checkpoints`, { method: 'POST' })).status).toBe(201);
      const verified = await cliHere(['verify', '--esdb', double.connectionString, '--data-dir', keyDir, '--json']);
      expect(verified.code).toBe(0);
      expect(verified.json).toMatchObject({ ok: true, unchained: 0, checked: json.events + 1, checkpoints: { compared: 1, signatures: 'checked' } });
      const [dissolved] = (await running.store.readStream('federation-fjarde-storstadsregionen')).slice(-1);
      expect(dissolved.metadata.chain).toMatchObject({ v: 1, prev: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }, 60_000);
  });
});
