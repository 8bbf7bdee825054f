import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { freePort } from './crash/service-process';

const ROOT = resolve(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/**
 * Every ```bash block of the README, run in order as a newcomer runs them (issue 15), so that the
 * README cannot drift from the service.
 *
 * Where: a copy of the repository's files (git ls-files; node_modules linked, not copied), so that
 * `npm run serve` builds and `./data`, `keys.json` and `log.ndjson` land there and not in this
 * checkout. What is changed in a command, and nothing else:
 * - `localhost:3000` becomes a free port (and PORT is set), so a service a developer runs on 3000
 *   does not answer instead;
 * - `curl -s ` becomes `curl -sS --fail-with-body `: a 4xx or 5xx answer fails the step.
 *
 * What a person does between the commands, the test does:
 * - `npm ci` is not run again: `.ci/run` runs it on a clean clone before `npm test`, and `npm test`
 *   is this run (both are checked to be in `.ci/run`);
 * - a command that runs until stopped (`npm run serve`, `npm start`, `curl -N`) runs in the
 *   background; starting the service stops the one before it (the user's Ctrl-C);
 * - `read -rs NAME` is given the key the person would paste: the key `create-key` printed for
 *   `$KEY`, an auditor key for `$SAMVERKAN_KEY`; and the entry `create-key` printed is put in
 *   `keys.json`, as the README says;
 * - `docker …` is not run (no Docker engine here): the services and profile it names are checked
 *   in docker-compose.yml, and `.ci/run` validates the file with `docker compose config`.
 *
 * A `# {…}` line after a command is its expected output (`…` stands for anything); the ```text
 * block after the subscription is the feed's expected events, positions aside.
 */

interface Background {
  child: ChildProcess;
  output(): string;
}

interface Step {
  block: number;
  command: string;
  expected?: string;
}

function bashBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** The commands of the blocks, a `\`-continued line joined, each with the `# {…}` output line that follows it. */
function steps(blocks: string[]): Step[] {
  const out: Step[] = [];
  blocks.forEach((text, block) => {
    let pending = '';
    for (const line of text.split('\n')) {
      if (/^\s*#/.test(line) || line.trim() === '') {
        const output = /^\s*# ([{[].*)$/.exec(line);
        if (output && out.length > 0 && out[out.length - 1].block === block) out[out.length - 1].expected = output[1];
        continue;
      }
      pending += line.replace(/\\$/, ' ');
      if (line.endsWith('\\')) continue;
      // A trailing `# …` is a comment for the reader (no command in the README has a # of its own).
      out.push({ block, command: pending.replace(/\s+#\s.*$/, '').replace(/\s+/g, ' ').trim() });
      pending = '';
    }
  });
  return out;
}

/** `…` matches anything, everything else literally. */
function outputPattern(expected: string): RegExp {
  return new RegExp(`^${expected.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?')}$`);
}

/** The ```text block after the subscription: its events, name and data. */
function expectedFeed(markdown: string): { event: string; data: Record<string, unknown> }[] {
  const text = /^```text\n([\s\S]*?)^```$/m.exec(markdown)?.[1] ?? '';
  return sseEvents(text);
}

function sseEvents(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split(/\n\n+/)
    .map((frame) => ({ event: /^event: (.+)$/m.exec(frame)?.[1], data: /^data: (.+)$/m.exec(frame)?.[1] }))
    .filter((f): f is { event: string; data: string } => f.event !== undefined && f.data !== undefined && f.data.startsWith('{'))
    .map((f) => ({ event: f.event, data: JSON.parse(f.data) as Record<string, unknown> }));
}

describe('the README, run as written', () => {
  const all = steps(bashBlocks(README));
  let work: string;
  let port: number;
  let envFile: string;
  let service: Background | undefined;
  const background: Background[] = [];
  let feed = '';
  const pasted: Record<string, string> = {};
  const ran: string[] = [];

  const adapt = (command: string): string => command.replaceAll('localhost:3000', `localhost:${port}`).replaceAll('curl -s ', 'curl -sS --fail-with-body ');

  /** One command in bash, with the variables the commands before it set (as one terminal keeps them). */
  const run = (command: string, input = ''): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((done) => {
      const child = spawn('bash', ['-c', `set -a; source "${envFile}"; ${adapt(command)}\n__rc=$?; export -p > "${envFile}"; exit $__rc`], { cwd: work, env: { ...process.env, PORT: String(port) } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.end(input);
      child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
    });

  /** A command that runs until stopped, in its own process group; what it printed is kept (or handed to `onOutput`). */
  const runInBackground = (command: string, onOutput?: (text: string) => void): Background => {
    const child = spawn('bash', ['-c', `set -a; source "${envFile}"; ${adapt(command)}`], { cwd: work, env: { ...process.env, PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (onOutput ? onOutput(d.toString()) : (log += d.toString())));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const started = { child, output: () => log.slice(-3000) };
    background.push(started);
    return started;
  };

  const stop = async (running: Background | undefined): Promise<void> => {
    const child = running?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };

  const healthy = async (running: Background, seconds: number): Promise<void> => {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      if (running.child.exitCode !== null) throw new Error(`The service stopped (${running.child.exitCode}): ${running.output()}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`The service did not answer /health within ${seconds} s: ${running.output()}`);
  };

  const startService = async (command: string): Promise<void> => {
    await stop(service);
    service = runInBackground(command);
    await healthy(service, 240);
  };

  const until = async (what: () => boolean, seconds: number): Promise<boolean> => {
    const deadline = Date.now() + seconds * 1000;
    while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return what();
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'samverkan-readme-'));
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT }).toString().split('\0').filter((f) => f && existsSync(join(ROOT, f)));
    execFileSync('tar', ['--null', '-T', '-', '-cf', join(work, '.files.tar')], { cwd: ROOT, input: files.join('\0') });
    execFileSync('tar', ['-xf', '.files.tar'], { cwd: work });
    rmSync(join(work, '.files.tar'));
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    port = await freePort();
    envFile = join(work, '.readme-env');
    writeFileSync(envFile, '');
  }, 60_000);

  afterAll(async () => {
    for (const child of background) await stop(child);
    if (work) rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }, 60_000);

  it('has the blocks this test knows how to run (two set-up commands first)', () => {
    expect(all.length).toBeGreaterThan(10);
    expect(all.slice(0, 2).map((s) => s.command)).toEqual(['npm ci && npm run serve', 'npm ci && npm test']);
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^bash scripts\/validate-compose\.sh$/m);
  });

  it('runs every command in order, each as the README says, and each answers as shown', async () => {
    const compose = load(readFileSync(join(work, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { profiles?: string[] }> };
    for (const step of all) {
      const { command } = step;
      const context = `README block ${step.block + 1}: ${command}`;
      ran.push(command);
      if (command === 'npm ci && npm test') continue; // this run (see the first test)
      if (/^npm ci && npm run serve$/.test(command)) {
        await startService('npm run serve');
        continue;
      }
      if (/(^|\s)npm start$/.test(command)) {
        await startService(command);
        continue;
      }
      if (/^curl -N /.test(command)) {
        runInBackground(command, (text) => (feed += text));
        expect({ context, caughtUp: await until(() => feed.includes('event: caught-up'), 60) }).toEqual({ context, caughtUp: true });
        continue;
      }
      if (/^docker /.test(command)) {
        const [, profile, names] = /^docker compose (?:--profile (\S+) )?up -d ?(.*)$/.exec(command) ?? [];
        expect({ context, parsed: names !== undefined }).toEqual({ context, parsed: true });
        for (const name of names.split(' ').filter(Boolean)) {
          expect({ context, name, defined: name in compose.services }).toEqual({ context, name, defined: true });
          if (profile) expect({ context, name, profiles: compose.services[name].profiles }).toEqual({ context, name, profiles: [profile] });
        }
        continue;
      }
      let input = '';
      const read = /^read -rs (\w+)/.exec(command);
      if (read) {
        if (read[1] === 'SAMVERKAN_KEY') pasted.SAMVERKAN_KEY ??= await auditorKey();
        input = `${pasted[read[1]] ?? ''}\n`;
        expect({ context, pasting: input.trim().length > 0 }).toEqual({ context, pasting: true });
      }
      const result = await run(command, input);
      expect({ context, code: result.code, stderr: result.code === 0 ? '' : result.stderr.slice(-2000) + result.stdout.slice(-2000) }).toEqual({ context, code: 0, stderr: '' });
      if (step.expected) expect({ context, output: result.stdout.trim() }).toEqual({ context, output: expect.stringMatching(outputPattern(step.expected)) });
      if (/^npm run create-key /.test(command)) keepCreatedKey(result.stdout);
      // A command sent while the subscription runs: the feed must show its change.
      if (feed !== '' && /-X POST/.test(command)) await feedShowsTheChange(context);
    }
    expect(ran.length).toBe(all.length);
  }, 600_000);

  /** What `create-key` printed: the key (for `read -rs KEY`) and the entry, put in keys.json as the README says. */
  const keepCreatedKey = (stdout: string): void => {
    const lines = stdout.split('\n');
    const key = lines[lines.findIndex((l) => l.startsWith('API key for')) + 1]?.trim();
    const entry = lines[lines.findIndex((l) => l.startsWith('Add this entry')) + 1]?.trim();
    expect({ key: /^[A-Za-z0-9_-]{40,}$/.test(key ?? ''), entry: entry?.startsWith('{') }).toEqual({ key: true, entry: true });
    pasted.KEY = key;
    const file = join(work, 'keys.json');
    const entries = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown[]) : [];
    writeFileSync(file, JSON.stringify([...entries, JSON.parse(entry)], null, 2));
  };

  /** The auditor's key a person pastes for the Audit block: made with create-key, added to keys.json (which the service reloads). */
  const auditorKey = async (): Promise<string> => {
    const made = await run('npm run create-key -- --name readme-auditor --roles auditor');
    expect(made.code).toBe(0);
    const before = pasted.KEY;
    keepCreatedKey(made.stdout);
    const key = pasted.KEY;
    pasted.KEY = before;
    // The keys file is reloaded on change: wait until the new key is accepted.
    let accepted = false;
    for (let i = 0; i < 100 && !accepted; i++) {
      accepted = (await fetch(`http://127.0.0.1:${port}/v1/audit/public-key`, { headers: { authorization: `Bearer ${key}` } })).ok;
      if (!accepted) await new Promise((r) => setTimeout(r, 100));
    }
    expect({ auditorKeyAccepted: accepted }).toEqual({ auditorKeyAccepted: true });
    return key;
  };

  /** The subscription shows the change the next command makes, as the ```text block shows it (positions and times aside). */
  const feedShowsTheChange = async (context: string): Promise<void> => {
    const changes = expectedFeed(README).filter((e) => e.event === 'provision-changed');
    expect(changes.length).toBeGreaterThan(0);
    const comparable = (data: Record<string, unknown>) => {
      const { position: _p, recordedAt: _r, ...rest } = data;
      return rest;
    };
    const seen = () => sseEvents(feed).filter((e) => e.event === 'provision-changed').map((e) => comparable(e.data));
    const all = () => changes.every((c) => seen().some((s) => JSON.stringify(s) === JSON.stringify(comparable(c.data))));
    expect({ context, shown: await until(all, 30), seen: all() ? [] : seen() }).toEqual({ context, shown: true, seen: [] });
    const complete = sseEvents(feed).find((e) => e.event === 'snapshot-complete');
    const expectedComplete = expectedFeed(README).find((e) => e.event === 'snapshot-complete');
    expect(complete?.data.spans).toBe(expectedComplete?.data.spans);
  };
});
