/**
 * Creates an API key and the keys-file entry for it:
 *   npm run create-key -- --name <name> --roles writer[,reader] [--municipalities 0580,0581]
 * The key (32 random bytes, base64url) is printed once and never stored: the entry holds only
 * its SHA-256. Add the entry to the file named by SAMVERKAN_API_KEYS_FILE; the service picks it
 * up without a restart. The arguments are checked with the same rules as the keys file.
 */
import { randomBytes } from 'node:crypto';
import { KeyEntry, KeysFileError, parseKeysFile, sha256Hex } from '../libs/access/src/key-ring';
import { ROLES } from '../libs/access/src/principal';

const USAGE = `usage: npm run create-key -- --name <name> --roles <${ROLES.join('|')}>[,<role>…] [--municipalities <code>[,<code>…]]`;
const OPTIONS = ['name', 'roles', 'municipalities'] as const;
type Option = (typeof OPTIONS)[number];

class UsageError extends Error {}

function parseArgs(argv: string[]): Partial<Record<Option, string>> {
  const options: Partial<Record<Option, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!match || !(OPTIONS as readonly string[]).includes(match[1])) throw new UsageError(`unknown argument '${arg}'`);
    const name = match[1] as Option;
    const value = match[2] ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    if (options[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    options[name] = value;
  }
  return options;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options = parseArgs(argv);
  if (options.name === undefined) throw new UsageError('--name is required');
  if (options.roles === undefined) throw new UsageError('--roles is required');
  const municipalities = list(options.municipalities);
  const key = randomBytes(32).toString('base64url');
  const draft = { name: options.name, sha256: sha256Hex(key), roles: list(options.roles), ...(municipalities.length > 0 ? { municipalities } : {}) };
  // The keys file's own rules, so that an entry this prints always loads.
  const [checked] = parseKeysFile(JSON.stringify([draft]));
  const entry: KeyEntry = { name: checked.name, sha256: checked.sha256, roles: checked.roles, ...(municipalities.length > 0 ? { municipalities: checked.municipalities } : {}) };
  process.stdout.write(
    [
      `API key for '${entry.name}' (shown only now; give it to the sending system and keep it secret):`,
      `  ${key}`,
      '',
      'Add this entry to the keys file (SAMVERKAN_API_KEYS_FILE); the service reloads it on change or SIGHUP:',
      `  ${JSON.stringify(entry)}`,
      '',
    ].join('\n'),
  );
}

try {
  main();
} catch (error) {
  if (error instanceof UsageError || error instanceof KeysFileError) {
    process.stderr.write(`create-key: ${error.message.replace(/^entry 0(?: \([^)]*\))?:? ?/, '')}\n${USAGE}\n`);
    process.exit(2);
  }
  throw error;
}
