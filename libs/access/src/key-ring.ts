import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Principal, ROLES, Role } from './principal';

/** One entry of the keys file. Only the SHA-256 of the key is stored, never the key. */
export interface KeyEntry {
  name: string;
  sha256: string;
  roles: Role[];
  municipalities?: string[];
}

export class KeysFileError extends Error {}

const NAME = /^[\p{L}\p{N} ._:@()-]{1,100}$/u;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MUNICIPALITY = /^\d{4}$/;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Reads and checks the keys file at `file`; every error is a KeysFileError naming the file. */
export function readKeysFile(file: string): KeyEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new KeysFileError(`Cannot read the keys file ${file} (SAMVERKAN_API_KEYS_FILE): ${why}.`);
  }
  try {
    return parseKeysFile(text);
  } catch (error) {
    if (error instanceof KeysFileError) throw new KeysFileError(`The keys file ${file} (SAMVERKAN_API_KEYS_FILE) is refused: ${error.message}`);
    throw error;
  }
}

/** Parses and checks a keys file; any mistake is an error naming the entry, so a bad file is never half-loaded. */
export function parseKeysFile(text: string): KeyEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeysFileError('it is not valid JSON.');
  }
  if (!Array.isArray(parsed)) throw new KeysFileError('it must be a JSON array of { name, sha256, roles, municipalities? }.');
  const names = new Set<string>();
  return parsed.map((raw, i) => {
    const entry = raw as Partial<KeyEntry>;
    const where = `entry ${i}${typeof entry?.name === 'string' ? ` (${entry.name})` : ''}`;
    if (typeof entry !== 'object' || entry === null) throw new KeysFileError(`${where} is not an object.`);
    const extra = Object.keys(entry).filter((k) => !['name', 'sha256', 'roles', 'municipalities'].includes(k));
    if (extra.length > 0) throw new KeysFileError(`${where} has unknown fields: ${extra.join(', ')} (keys are stored as sha256 only).`);
    if (typeof entry.name !== 'string' || !NAME.test(entry.name)) throw new KeysFileError(`${where}: name must be 1 to 100 letters, digits, spaces or ._:@()-`);
    if (names.has(entry.name)) throw new KeysFileError(`${where}: the name is used twice.`);
    names.add(entry.name);
    if (typeof entry.sha256 !== 'string' || !SHA256_HEX.test(entry.sha256)) throw new KeysFileError(`${where}: sha256 must be 64 lower-case hex digits.`);
    if (!Array.isArray(entry.roles) || entry.roles.length === 0 || !entry.roles.every((r) => (ROLES as readonly string[]).includes(r))) {
      throw new KeysFileError(`${where}: roles must be a non-empty list of ${ROLES.join(', ')}.`);
    }
    const municipalities = entry.municipalities ?? [];
    if (!Array.isArray(municipalities) || !municipalities.every((m) => typeof m === 'string' && MUNICIPALITY.test(m))) {
      throw new KeysFileError(`${where}: municipalities must be 4-digit SCB codes.`);
    }
    if (entry.roles.includes('writer') && !entry.roles.includes('admin') && municipalities.length === 0) {
      throw new KeysFileError(`${where}: a writer needs the municipalities it may act for.`);
    }
    return { name: entry.name, sha256: entry.sha256, roles: [...new Set(entry.roles)], municipalities: [...new Set(municipalities)] };
  });
}

/**
 * The configured API keys. Looks a presented key up by comparing its SHA-256 with every
 * entry in constant time (no early exit, no map lookup on secret-derived data).
 */
export class KeyRing {
  private entries: { hash: Buffer; principal: Principal }[] = [];

  constructor(
    private readonly file?: string,
    private readonly adminKey?: string,
  ) {
    this.reload();
  }

  /** True when any key is configured; otherwise the service runs open. */
  get configured(): boolean {
    return Boolean(this.file || this.adminKey);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Re-reads the keys file. On a bad file the previous keys stay in force and the error is thrown. */
  reload(): void {
    const entries: KeyEntry[] = this.file ? readKeysFile(this.file) : [];
    if (this.adminKey) entries.push({ name: 'bootstrap-admin', sha256: sha256Hex(this.adminKey), roles: ['admin'] });
    this.entries = entries.map((e) => ({ hash: Buffer.from(e.sha256, 'hex'), principal: { name: e.name, roles: e.roles, municipalities: e.municipalities ?? [] } }));
  }

  authenticate(presentedKey: string): Principal | undefined {
    const presented = Buffer.from(sha256Hex(presentedKey), 'hex');
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.hash, presented) && !found) found = entry.principal;
    }
    return found;
  }
}
