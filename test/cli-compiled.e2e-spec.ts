import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { BuiltService, buildService } from './crash/service-process';
import { startApp } from './support/start-app';

const ROOT = resolve(__dirname, '..');

/**
 * The compiled CLI (issue 15): `npx samverkan …` runs `bin/samverkan.js`, which loads the CLI
 * that `npm run build` compiles into dist/. Here the same sources are compiled as the crash test
 * compiles the service (tsconfig.build.json, which includes apps/cli) and run as a child process,
 * on a data directory the service wrote: verify, state and history answer as they do from the
 * sources.
 */
describe('the compiled CLI', () => {
  let built: BuiltService;
  let dir: string;

  const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((done) => {
      const main = join(built.env.TS_NODE_BASEURL as string, 'apps/cli/src/main.js');
      execFile(process.execPath, ['-r', 'tsconfig-paths/register', main, ...args], { cwd: ROOT, env: { ...process.env, ...built.env, ...env } }, (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    built = await buildService();
    dir = mkdtempSync(join(tmpdir(), 'samverkan-cli-compiled-'));
    const running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }), env: { SAMVERKAN_DATA_DIR: dir } });
    await runScenario(running.url, loadScenario('s1'));
    await running.close();
  }, 180_000);
  afterAll(() => {
    built?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bin/samverkan.js is the package bin and loads the compiled CLI from dist/', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(pkg.bin).toEqual({ samverkan: 'bin/samverkan.js' });
    expect(readFileSync(join(ROOT, 'bin/samverkan.js'), 'utf8')).toContain("join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js')");
  });

  it('--help answers with the usage and exit code 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('verify');
  });

  it('state and history read the data directory; verify checks its chain; an unknown command is exit code 2', async () => {
    const state = await run(['state', 'agreement', 'lkp-buys-payroll-2020', '--data-dir', dir, '--json']);
    expect(state.code).toBe(0);
    expect(JSON.parse(state.stdout)).toMatchObject({ id: 'lkp-buys-payroll-2020', kind: 'service' });
    const history = await run(['history', 'federation-fjarde-storstadsregionen', '--data-dir', dir, '--json']);
    expect(history.code).toBe(0);
    expect(JSON.stringify(JSON.parse(history.stdout))).toContain('FederationDissolved');
    const verify = await run(['verify', '--data-dir', dir, '--json']);
    expect({ code: verify.code, ok: (JSON.parse(verify.stdout) as { ok: boolean }).ok }).toEqual({ code: 0, ok: true });
    expect((await run(['no-such-command'])).code).toBe(2);
  });
});
