import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKey } from './http';
import { CliError, USAGE, parseCommandLine } from './options';

describe('the CLI finds its API key without it being on a command line', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'samverkan-cli-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads --key-file, then --key, then SAMVERKAN_KEY_FILE, then SAMVERKAN_KEY', () => {
    const file = join(dir, 'auditor.key');
    writeFileSync(file, 'from-the-flag-file\n');
    const envFile = join(dir, 'env.key');
    writeFileSync(envFile, '  from-the-env-file  \n');
    const env = { SAMVERKAN_KEY_FILE: envFile, SAMVERKAN_KEY: 'from-the-env' };
    expect(apiKey(parseCommandLine(['verify', '--key-file', file, '--key', 'from-the-flag']).options, env)).toBe('from-the-flag-file');
    expect(apiKey(parseCommandLine(['verify', '--key', 'from-the-flag']).options, env)).toBe('from-the-flag');
    expect(apiKey(parseCommandLine(['verify']).options, env)).toBe('from-the-env-file');
    expect(apiKey(parseCommandLine(['verify']).options, { SAMVERKAN_KEY: 'from-the-env' })).toBe('from-the-env');
    expect(apiKey(parseCommandLine(['verify']).options, {})).toBeUndefined();
  });

  it('refuses a missing key file and one holding more than one key, exit 2', () => {
    const missing = join(dir, 'none.key');
    expect(() => apiKey({ keyFile: missing }, {})).toThrow(new CliError(`Cannot read the key file ${missing}: there is no such file.`, 2));
    const two = join(dir, 'two.key');
    writeFileSync(two, 'one\ntwo\n');
    expect(() => apiKey({ keyFile: two }, {})).toThrow(`The key file ${two} must hold one key on one line.`);
  });

  it('the usage names npx samverkan and --key-file, and shows no --key', () => {
    expect(USAGE).toContain('npx samverkan <command> [options]');
    expect(USAGE).toContain('--key-file <file>');
    expect(USAGE).not.toMatch(/--key </);
  });
});
