import { ed25519VerifierKey } from '@samverkan/audit';
import { generateKeyPairSync } from 'node:crypto';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BuiltService, buildService, freePort } from './crash/service-process';

const ROOT = resolve(__dirname, '..');

/**
 * Starting the compiled service as a user does (issue 15): what it says in a terminal and in a
 * collector, and the one line and exit code of each refusal to start (a missing or malformed keys
 * file, a bad setting, a taken port), with no stack trace and nothing opened.
 */
describe('starting the service', () => {
  let built: BuiltService;
  let dir: string;

  beforeAll(async () => {
    built = await buildService();
  }, 120_000);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-start-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => built?.dispose());

  interface Run {
    child: ChildProcess;
    stdout: string;
    stderr: string;
    exited: Promise<number | null>;
  }

  /** Spawns the compiled service with only the environment given (and what the build needs); stdout is a pipe, not a terminal. */
  function start(env: NodeJS.ProcessEnv): Run {
    const child = spawn(process.execPath, built.nodeArgs, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...built.env, HOST: '127.0.0.1', SAMVERKAN_DATA_DIR: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: Run = { child, stdout: '', stderr: '', exited: new Promise((done) => child.once('exit', (code) => done(code))) };
    child.stdout?.on('data', (chunk: Buffer) => (run.stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (run.stderr += chunk.toString('utf8')));
    return run;
  }

  async function until(run: Run, text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!run.stdout.includes(text)) {
      if (run.child.exitCode !== null) throw new Error(`The service exited ${run.child.exitCode}: ${run.stdout}${run.stderr}`);
      if (Date.now() > deadline) throw new Error(`No '${text}' within ${timeoutMs} ms: ${run.stdout}${run.stderr}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  async function stop(run: Run): Promise<void> {
    run.child.kill('SIGTERM');
    await run.exited;
  }

  /** A refusal: the exit code, and stderr is exactly one line beginning `samverkan: `. */
  async function refusal(env: NodeJS.ProcessEnv): Promise<{ code: number | null; line: string; stdout: string }> {
    const run = start(env);
    const code = await run.exited;
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^samverkan: /);
    return { code, line: lines[0], stdout: run.stdout };
  }

  const json = (stdout: string) =>
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => ({ line, entry: JSON.parse(line) as { level: number; msg: string; context?: string; req?: unknown; res?: unknown } }));

  it('logs one short line per request, no route mapping, and says what it did at start-up (JSON when stdout is not a terminal)', async () => {
    const port = await freePort();
    const first = start({ PORT: String(port) });
    await until(first, 'Listening on');
    await fetch(`http://127.0.0.1:${port}/v1/municipalities/0580`);
    await fetch(`http://127.0.0.1:${port}/v1/municipalities/9999`);
    await fetch(`http://127.0.0.1:${port}/v1/municipalities/0580/transfers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await until(first, '/transfers 400');
    await stop(first);

    const entries = json(first.stdout);
    const messages = entries.map((e) => e.entry.msg);
    expect(messages.filter((m) => /^Mapped \{|RoutesResolver|dependencies initialized|successfully started/.test(m))).toEqual([]);
    expect(entries.filter((e) => ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication'].includes(e.entry.context ?? ''))).toEqual([]);
    expect(messages).toContain('Registered reference data: 323 events');
    expect(messages.some((m) => /^Listening on http:\/\/127\.0\.0\.1:\d+ with the embedded store in /.test(m))).toBe(true);
    const requests = entries.filter((e) => e.entry.req !== undefined);
    expect(requests.map((e) => e.entry.msg.replace(/\d+ ms$/, 'N ms'))).toEqual([
      'GET /v1/municipalities/0580 200 N ms',
      'GET /v1/municipalities/9999 404 N ms',
      'POST /v1/municipalities/0580/transfers 400 N ms',
    ]);
    // The status only: no answer headers (the security headers made each line about 1 KB).
    for (const { line, entry } of requests) {
      expect(entry.res).toEqual({ statusCode: expect.any(Number) as number });
      expect(line.length).toBeLessThan(300);
    }
    expect(first.stdout).not.toContain('content-security-policy');
    expect(first.stderr).toBe('');

    // A restart appends nothing, and does not say it registered anything.
    const second = start({ PORT: String(port) });
    await until(second, 'Listening on');
    await stop(second);
    const again = json(second.stdout).map((e) => e.entry.msg);
    expect(again.filter((m) => m.startsWith('Registered reference data'))).toEqual([]);
    expect(again.some((m) => m.includes('0 registered now'))).toBe(true);
  }, 60_000);

  it('is one readable line per entry with LOG_FORMAT=pretty (the default on a terminal)', async () => {
    const port = await freePort();
    const run = start({ PORT: String(port), LOG_FORMAT: 'pretty' });
    await until(run, 'Listening on');
    await fetch(`http://127.0.0.1:${port}/v1/municipalities/0580`);
    await until(run, '/v1/municipalities/0580 200');
    await stop(run);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines.some((l) => l.startsWith('{'))).toBe(false);
    expect(lines.find((l) => l.includes('/v1/municipalities/0580'))).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/v1\/municipalities\/0580 200 \d+ ms$/);
    expect(lines.find((l) => l.includes('Listening on'))).toMatch(/^\[[\d:.]+\] INFO: Samverkan: Listening on http:\/\/127\.0\.0\.1:\d+ /);
  }, 60_000);

  it('refuses a keys file that does not exist: one line naming it, exit 2, nothing opened', async () => {
    const file = join(dir, 'keys.json');
    const { code, line, stdout } = await refusal({ PORT: String(await freePort()), SAMVERKAN_API_KEYS_FILE: file });
    expect(code).toBe(2);
    expect(line).toBe(`samverkan: Cannot read the keys file ${file} (SAMVERKAN_API_KEYS_FILE): there is no such file.`);
    expect(stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['not JSON', '[{"name": "x"', 'it is not valid JSON.'],
    ['not an array', '{"name": "x"}', 'it must be a JSON array of { name, sha256, roles, municipalities? }.'],
    ['a key in clear', JSON.stringify([{ name: 'diarium', key: 'secret', sha256: 'ab', roles: ['reader'] }]), 'entry 0 (diarium) has unknown fields: key (keys are stored as sha256 only).'],
    ['a short hash', JSON.stringify([{ name: 'diarium', sha256: 'ab', roles: ['reader'] }]), 'entry 0 (diarium): sha256 must be 64 lower-case hex digits.'],
  ])('refuses a keys file with %s: one line naming the file and the mistake, exit 2, nothing opened', async (_what, text, why) => {
    const file = join(dir, 'keys.json');
    writeFileSync(file, text);
    const { code, line } = await refusal({ PORT: String(await freePort()), SAMVERKAN_API_KEYS_FILE: file });
    expect(code).toBe(2);
    expect(line).toBe(`samverkan: The keys file ${file} (SAMVERKAN_API_KEYS_FILE) is refused: ${why}`);
    expect(readdirSync(dir)).toEqual(['keys.json']);
  });

  it.each([
    [{ LOG_LEVEL: 'loud' }, "samverkan: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not 'loud'."],
    [{ LOG_FORMAT: 'xml' }, "samverkan: LOG_FORMAT must be 'pretty' or 'json', not 'xml'."],
    [{ PORT: 'http' }, "samverkan: PORT must be a port number, not 'http'."],
    [{ SAMVERKAN_AUDIT_LOG_ORIGIN: 'my register' }, "samverkan: SAMVERKAN_AUDIT_LOG_ORIGIN must be 1 to 200 printable characters without spaces or '+', e.g. register.example.se/samverkan, not 'my register'."],
    [{ SAMVERKAN_AUDIT_WITNESSES: 'witness.example+12345678+AQ==' }, expect.stringMatching(/^samverkan: SAMVERKAN_AUDIT_WITNESSES: 'witness\.example\+12345678\+AQ==' is not a C2SP verifier key: /)],
    // A log's own (0x01) key where a witness's (0x04) belongs.
    [{ SAMVERKAN_AUDIT_WITNESSES: ed25519VerifierKey('witness.example', generateKeyPairSync('ed25519').publicKey) }, expect.stringMatching(/^samverkan: SAMVERKAN_AUDIT_WITNESSES: the key of witness\.example is of type 0x01; a witness key is of type 0x04 \(cosignature\/v1\)$/)],
  ])('refuses the setting %j in one line, exit 2', async (env, message) => {
    const { code, line } = await refusal({ PORT: String(await freePort()), ...env });
    expect(code).toBe(2);
    expect(line).toEqual(message);
  });

  it('refuses a port another program holds at once: one line, exit 3, never "Listening" nor "started"', async () => {
    const holder: Server = createServer();
    const port = await new Promise<number>((done) => holder.listen(0, '127.0.0.1', () => done((holder.address() as { port: number }).port)));
    try {
      const { code, line, stdout } = await refusal({ PORT: String(port) });
      expect(code).toBe(3);
      expect(line).toBe(`samverkan: cannot listen on 127.0.0.1:${port}: the port is in use (another Samverkan, or another program). Stop it, or start with another PORT.`);
      expect(stdout).not.toMatch(/Listening|started/);
      // Refused before the store is opened.
      expect(existsSync(join(dir, 'events.sqlite'))).toBe(false);
    } finally {
      holder.close();
    }
  });
});
