import { SigningKey } from '@samverkan/audit';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { cli } from './support/cli';
import { client, RunningApp, startApp, Json } from './support/start-app';

const ROOT = resolve(__dirname, '..');

/** `npm run cli -- …` in a process of its own. */
function npmCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('npm', ['run', '-s', 'cli', '--', ...args], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (error, stdout, stderr) =>
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * The audit CLI on seed story S1, recorded by the service on a data directory: the service
 * is stopped before the CLI reads the store (verify, export, history, state need no service).
 */
describe('the audit CLI', () => {
  let dir: string;
  let exportFile: string;
  let checkpointHash: string;
  let afterProposal: string;
  let running: RunningApp;
  let stopped = false;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-cli-'));
    exportFile = join(dir, 'export.ndjson');
    running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }) });
    const run = await runScenario(running.url, loadScenario('s1'));
    afterProposal = run.marks['after-proposal'];
    checkpointHash = (await client(running.url).post('/v1/audit/checkpoints')).body.checkpoint.hash;
  }, 60_000);
  afterAll(async () => {
    if (!stopped) await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('against a running service (--url)', () => {
    it('state and history answer as the service does', async () => {
      const local = await cli('state', 'agreement', 'lkp-buys-payroll-2020', '--at-revision', '3', '--data-dir', dir, '--json');
      const remote = await cli('state', 'agreement', 'lkp-buys-payroll-2020', '--at-revision', '3', '--url', running.url, '--json');
      expect(remote.code).toBe(0);
      expect(remote.json).toMatchObject({ revision: 3, status: 'proposed' });
      expect(remote.json).toEqual(local.json);
      const history = await cli('history', 'federation-fjarde-storstadsregionen', '--url', running.url, '--json');
      expect(history.json.map((e: Json) => e.type)).toEqual(['FederationFormed', 'FederationDissolved']);
    });

    it("verify --url downloads the service's export and checks it with the keys the service publishes", async () => {
      const { code, json } = await cli('verify', '--url', running.url, '--json');
      expect(code).toBe(0);
      expect(json).toMatchObject({ ok: true, export: { complete: true, signature: 'valid', keySource: 'pinned' }, checkpoints: { compared: 1 } });
    });

    it('export --url writes the export to a file', async () => {
      const file = join(dir, 'from-service.ndjson');
      const { code } = await cli('export', '--url', running.url, '--out', file, '--json');
      expect(code).toBe(0);
      expect(existsSync(file)).toBe(true);
      expect((await cli('verify', '--file', file, '--json')).json).toMatchObject({ ok: true, export: { signature: 'valid' } });
    });
  });

  describe('with the service stopped', () => {
    beforeAll(async () => {
      await running.close();
      stopped = true;
    });

    describe('verify', () => {
      it('npm run cli -- verify --json: the store is intact, with no service running (exit 0)', async () => {
        const { code, stdout } = await npmCli(['verify', '--data-dir', dir, '--json']);
        expect(code).toBe(0);
        const report = JSON.parse(stdout);
        expect(report).toMatchObject({ ok: true, problemCount: 0, unchained: 0, checkpoints: { found: 1, compared: 1, signatures: 'checked', last: { revision: 0, hash: checkpointHash } } });
        expect(report.eventsPerSecond).toBeGreaterThan(0);
      }, 60_000);

      it('says so in words without --json, and tells the auditor what to note down', async () => {
        const { code, stdout } = await cli('verify', '--data-dir', dir);
        expect(code).toBe(0);
        expect(stdout).toMatch(/^The log is intact: \d+ events in \d+ streams/);
        expect(stdout).toContain(`--expect-checkpoint 0:${checkpointHash}`);
      });

      it('checks an expected checkpoint: there (exit 0), or missing (exit 1)', async () => {
        expect((await cli('verify', '--data-dir', dir, '--json', '--expect-checkpoint', `0:${checkpointHash}`)).code).toBe(0);
        const missing = await cli('verify', '--data-dir', dir, '--json', '--expect-checkpoint', '3');
        expect(missing.code).toBe(1);
        expect(missing.json.firstBroken).toMatchObject({ kind: 'checkpoint-missing', revision: 3 });
      });

      it('fails when the checkpoints are signed with another key than the one given', async () => {
        const other = join(dir, 'other-key.pem');
        writeFileSync(other, SigningKey.ephemeral().info().pem);
        const { code, json } = await cli('verify', '--data-dir', dir, '--json', '--public-key', other);
        expect(code).toBe(1);
        expect(json.firstBroken).toMatchObject({ kind: 'checkpoint-signature', stream: 'audit-checkpoints' });
      });

      it('draws a progress bar with events/s when asked to', async () => {
        const { code, stderr } = await cli('verify', '--data-dir', dir, '--progress');
        expect(code).toBe(0);
        expect(stderr).toMatch(/events\/s/);
      });
    });

    describe('export and verify --file (offline)', () => {
      it('exports the store as NDJSON, signed with the key in the data directory', async () => {
        const { code, json } = await cli('export', '--data-dir', dir, '--out', exportFile, '--json');
        expect(code).toBe(0);
        expect(json).toMatchObject({ exported: true, signed: true, file: exportFile });
        const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
        expect(JSON.parse(lines[0])).toMatchObject({ kind: 'header', store: 'embedded' });
        expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ kind: 'footer', events: lines.length - 2 });
        expect(json.events).toBe(lines.length - 2);
      });

      it('verifies the export with no service and no store: key pinned (exit 0), or taken from the file (said so)', async () => {
        const pinned = await cli('verify', '--file', exportFile, '--json', '--public-key', join(dir, 'audit-signing-key.pub.pem'));
        expect(pinned.code).toBe(0);
        expect(pinned.json).toMatchObject({ ok: true, export: { complete: true, signature: 'valid', keySource: 'pinned' }, checkpoints: { compared: 1, signatures: 'checked' } });
        const unpinned = await cli('verify', '--file', exportFile);
        expect(unpinned.code).toBe(0);
        expect(unpinned.stdout).toMatch(/the key named in the export itself/);
      });

      it('finds an event edited in the export file (exit 1)', async () => {
        const edited = join(dir, 'edited.ndjson');
        writeFileSync(edited, readFileSync(exportFile, 'utf8').replace('"reference":"KF 2019-12-16 § 455"', '"reference":"KF 2019-12-16 § 456"'));
        const { code, json } = await cli('verify', '--file', edited, '--json');
        expect(code).toBe(1);
        expect(json.firstBroken).toMatchObject({ kind: 'edited', stream: 'agreement-lkp-buys-payroll-2020', revision: 4 });
      });
    });

    describe('history and state', () => {
      it('history <stream> --json lists the stream with its chain (exit 0)', async () => {
        const { code, json } = await cli('history', 'agreement-lkp-buys-payroll-2020', '--data-dir', dir, '--json');
        expect(code).toBe(0);
        expect(json.map((e: Json) => [e.revision, e.type])).toEqual([
          [0, 'AgreementProposed'],
          [1, 'AgreementSigned'],
          [2, 'AgreementSigned'],
          [3, 'CouncilDecisionRecorded'],
          [4, 'CouncilDecisionRecorded'],
          [5, 'AgreementConcluded'],
        ]);
        expect(json[1].metadata.chain.prev).toBe(json[0].metadata.chain.hash);
        const words = await cli('history', 'agreement-lkp-buys-payroll-2020', '--file', exportFile);
        expect(words.stdout).toMatch(/AgreementConcluded/);
        expect(words.stdout).toMatch(/The stream's chain is intact\./);
      });

      it('history of a stream that does not exist exits 1', async () => {
        const { code, json } = await cli('history', 'federation-nowhere', '--data-dir', dir, '--json');
        expect(code).toBe(1);
        expect(json).toEqual([]);
      });

      it('state <kind> <id> --at-revision N and --known-at T, from the store and from the export', async () => {
        const at2 = await cli('state', 'agreement', 'lkp-buys-payroll-2020', '--at-revision', '2', '--data-dir', dir, '--json');
        expect(at2.code).toBe(0);
        expect(at2.json).toMatchObject({ revision: 2, status: 'proposed', missingSignatures: [], missingCouncilDecisions: ['0580', '0581'] });
        const known = await cli('state', 'agreement', 'lkp-buys-payroll-2020', '--known-at', afterProposal, '--file', exportFile, '--json');
        expect(known.json).toMatchObject({ revision: 0, status: 'proposed' });
        const federation = await cli('state', 'federation', 'fjarde-storstadsregionen', '--data-dir', dir, '--json');
        expect(federation.json).toMatchObject({ kind: 'federation', status: 'dissolved', revision: 1 });
        const before = await cli('state', 'federation', 'fjarde-storstadsregionen', '--known-at', '2001-01-01T00:00:00Z', '--data-dir', dir, '--json');
        expect(before.code).toBe(1);
        expect(before.json).toBeNull();
      });
    });

  });

  describe('usage', () => {
    it('prints help (exit 0), and refuses an unknown command, an unknown option or a bad value (exit 2)', async () => {
      expect((await cli('--help')).stdout).toMatch(/Commands\n\s+verify/);
      expect((await cli('--help')).code).toBe(0);
      expect((await cli('frobnicate')).code).toBe(2);
      const unknown = await cli('verify', '--bogus', '--json');
      expect(unknown.code).toBe(2);
      expect(unknown.json).toMatchObject({ ok: false, exitCode: 2 });
      expect((await cli('state', 'agreement', 'lkp-buys-payroll-2020', '--at-revision', 'two', '--data-dir', dir)).code).toBe(2);
      expect((await cli('state', 'agreement', 'lkp-buys-payroll-2020', '--known-at', 'yesterday', '--data-dir', dir)).code).toBe(2);
    });

    it('does not create a store where there is none (exit 2)', async () => {
      const nowhere = join(dir, 'nowhere');
      const { code, stderr } = await cli('verify', '--data-dir', nowhere);
      expect(code).toBe(2);
      expect(stderr).toMatch(/There is no embedded store/);
      expect(existsSync(nowhere)).toBe(false);
    });

    it('says when the service cannot be reached (exit 3)', async () => {
      const { code, stderr } = await cli('replay', '--data-dir', dir, '--url', 'http://127.0.0.1:9');
      expect(code).toBe(3);
      expect(stderr).toMatch(/Cannot reach the service/);
    });
  });
});
