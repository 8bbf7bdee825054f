import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KeyRing, parseKeysFile, sha256Hex } from '@samverkan/access';

/** `npm run create-key`: a strong key printed once, and an entry the keys file accepts. */
const ROOT = resolve(__dirname, '..');

function createKey(...args: string[]) {
  const run = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'scripts/create-key.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The key and the entry from the script's output. */
function parseOutput(stdout: string): { key: string; entry: unknown; line: string } {
  const lines = stdout.split('\n').map((l) => l.trim());
  const keys = lines.filter((l) => /^[A-Za-z0-9_-]{43}$/.test(l));
  expect(keys).toHaveLength(1);
  const json = lines.filter((l) => l.startsWith('{'));
  expect(json).toHaveLength(1);
  return { key: keys[0], entry: JSON.parse(json[0]), line: json[0] };
}

describe('create-key', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'samverkan-create-key-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a 32-byte base64url key once and an entry that the keys file and a KeyRing accept', () => {
    const run = createKey('--name', 'writer-0580', '--roles', 'writer,reader', '--municipalities', '0580,0581');
    expect(run.status).toBe(0);
    const { key, entry, line } = parseOutput(run.stdout);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    // Once: the key appears on one line only, and never in the entry.
    expect(run.stdout.split(key)).toHaveLength(2);
    expect(line).not.toContain(key);
    expect(entry).toEqual({ name: 'writer-0580', sha256: sha256Hex(key), roles: ['writer', 'reader'], municipalities: ['0580', '0581'] });

    const [loaded] = parseKeysFile(JSON.stringify([entry]));
    expect(loaded).toEqual({ name: 'writer-0580', sha256: sha256Hex(key), roles: ['writer', 'reader'], municipalities: ['0580', '0581'] });
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify([entry]));
    const ring = new KeyRing(file);
    expect(ring.authenticate(key)).toEqual({ name: 'writer-0580', roles: ['writer', 'reader'], municipalities: ['0580', '0581'] });
    expect(ring.authenticate(`${key}x`)).toBeUndefined();
  });

  it('accepts --option=value and a reader without municipalities; two runs give two different keys', () => {
    const first = parseOutput(createKey('--name=dashboard', '--roles=reader').stdout);
    const second = parseOutput(createKey('--name', 'dashboard', '--roles', 'reader').stdout);
    expect(first.entry).toEqual({ name: 'dashboard', sha256: sha256Hex(first.key), roles: ['reader'] });
    expect(second.key).not.toBe(first.key);
    const file = join(dir, 'reader.json');
    writeFileSync(file, JSON.stringify([first.entry]));
    expect(new KeyRing(file).authenticate(first.key)?.roles).toEqual(['reader']);
  });

  it('is the npm script create-key', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['create-key']).toBe('ts-node --transpile-only scripts/create-key.ts');
    const run = spawnSync('npm', ['run', '--silent', 'create-key', '--', '--name', 'auditor', '--roles', 'auditor'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    const { key, entry } = parseOutput(run.stdout);
    expect(entry).toEqual({ name: 'auditor', sha256: sha256Hex(key), roles: ['auditor'] });
  });

  it.each([
    [['--roles', 'reader'], /--name is required/],
    [['--name', 'x'], /--roles is required/],
    [['--name', 'x', '--roles', 'writer'], /a writer needs the municipalities/],
    [['--name', 'x', '--roles', 'superuser'], /roles must be a non-empty list/],
    [['--name', 'x/y', '--roles', 'reader'], /name must be/],
    [['--name', 'x', '--roles', 'writer', '--municipalities', '580'], /4-digit SCB codes/],
    [['--name', 'x', '--roles', 'reader', '--key', 'mine'], /unknown argument '--key'/],
    [['--name', 'x', '--roles'], /--roles needs a value/],
  ])('refuses %j with the keys file rules, printing no key', (args, message) => {
    const run = createKey(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});
