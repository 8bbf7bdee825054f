import { KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Ed25519NoteSigner, ed25519Signer } from '../note/signed-note';

/** The files of the service's signing key in its data directory. */
export const PRIVATE_KEY_FILE = 'audit-signing-key.pem';
export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

export const SIGNATURE_ALGORITHM = 'Ed25519';

/** A public key as the service publishes it (`GET /v1/audit/public-key`, export headers). */
export interface PublicKeyInfo {
  algorithm: typeof SIGNATURE_ALGORITHM;
  /** The first 16 hex digits of the SHA-256 of the key's SPKI DER encoding. */
  keyId: string;
  /** SPKI, PEM. */
  pem: string;
  /** The same key as a JWK (`kty: OKP, crv: Ed25519`). */
  jwk: { kty: string; crv: string; x: string };
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function publicKeyInfo(publicKey: KeyObject): PublicKeyInfo {
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  return { algorithm: SIGNATURE_ALGORITHM, keyId: keyIdOf(publicKey), pem: String(publicKey.export({ type: 'spki', format: 'pem' })), jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } };
}

/** Ed25519 signature of `message` (base64) under `privateKey`. */
export function signMessage(privateKey: KeyObject, message: string): string {
  return sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64');
}

export function verifyMessage(publicKey: KeyObject, message: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The service's Ed25519 key pair. */
export class SigningKey {
  readonly keyId: string;

  constructor(
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
    /** Where the key is kept; undefined for a key held in memory only. */
    readonly file?: string,
  ) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`The audit signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    this.keyId = keyIdOf(publicKey);
  }

  sign(message: string): string {
    return signMessage(this.privateKey, message);
  }

  info(): PublicKeyInfo {
    return publicKeyInfo(this.publicKey);
  }

  /** This key as a C2SP signed-note signer under `name` (the log's origin): it signs checkpoint notes. */
  noteSigner(name: string): Ed25519NoteSigner {
    return ed25519Signer(name, this.privateKey);
  }

  /** A key held in memory only (an in-memory store: the log and its key go away together). */
  static ephemeral(): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return new SigningKey(privateKey, publicKey);
  }

  /** The key in `dir` if there is one (never creates one): tools that sign only when they may. */
  static loadIfPresent(dir: string): SigningKey | undefined {
    const file = join(dir, PRIVATE_KEY_FILE);
    if (!existsSync(file)) return undefined;
    const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
    return new SigningKey(privateKey, createPublicKey(privateKey), file);
  }

  /**
   * The key in `dir`, generated on first use. The private key is written with mode 0600
   * and never overwritten: if two processes start together, the one that loses the race
   * to create the file reads the winner's key.
   */
  static loadOrCreate(dir: string): SigningKey {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, PRIVATE_KEY_FILE);
    if (!existsSync(file)) {
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
      try {
        writeExclusive(file, pem, 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
    const publicKey = createPublicKey(privateKey);
    const publicFile = join(dir, PUBLIC_KEY_FILE);
    const publicPem = String(publicKey.export({ type: 'spki', format: 'pem' }));
    if (!existsSync(publicFile) || readFileSync(publicFile, 'utf8') !== publicPem) {
      try {
        writeExclusive(`${publicFile}.${process.pid}.tmp`, publicPem, 0o644);
        renameSync(`${publicFile}.${process.pid}.tmp`, publicFile);
      } catch {
        // The public key can always be derived again; failing to write it is not fatal.
      }
    }
    return new SigningKey(privateKey, publicKey, file);
  }
}

function writeExclusive(file: string, content: string, mode: number): void {
  const fd = openSync(file, 'wx', mode);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

/** A public key from PEM text, a PEM or DER file's contents, a JWK, or a private key (its public half). */
export function parsePublicKey(input: string | Buffer | { kty: string; crv: string; x: string }): KeyObject {
  if (typeof input === 'object' && !Buffer.isBuffer(input)) return createPublicKey({ key: input, format: 'jwk' });
  const text = Buffer.isBuffer(input) ? input.toString('utf8') : input;
  if (text.includes('PRIVATE KEY')) return createPublicKey(createPrivateKey(text));
  if (text.includes('BEGIN')) return createPublicKey(text);
  return createPublicKey({ key: Buffer.isBuffer(input) ? input : Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
}

/** The public keys a verifier trusts, by key id. */
export class PublicKeyRing {
  private readonly keys = new Map<string, KeyObject>();

  constructor(keys: Iterable<KeyObject> = []) {
    for (const key of keys) this.add(key);
  }

  add(key: KeyObject): string {
    const id = keyIdOf(key);
    this.keys.set(id, key);
    return id;
  }

  get(keyId: string): KeyObject | undefined {
    return this.keys.get(keyId);
  }

  get size(): number {
    return this.keys.size;
  }

  ids(): string[] {
    return [...this.keys.keys()];
  }

  infos(): PublicKeyInfo[] {
    return [...this.keys.values()].map(publicKeyInfo);
  }
}
