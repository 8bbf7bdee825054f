import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, PublicKeyRing, SigningKey, keyIdOf, parsePublicKey, verifyMessage } from './signing-key';

describe('the signing key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'samverkan-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated on first use in the data directory (private key 0600, public key beside it) and reused afterwards', () => {
    expect(SigningKey.loadIfPresent(dir)).toBeUndefined();
    const first = SigningKey.loadOrCreate(dir);
    expect(first.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(statSync(join(dir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8')).toBe(first.info().pem);
    const again = SigningKey.loadOrCreate(dir);
    expect(again.keyId).toBe(first.keyId);
    expect(SigningKey.loadIfPresent(dir)?.keyId).toBe(first.keyId);
  });

  it('signs with Ed25519; the signature verifies under its public key only, and only for the same message', () => {
    const key = SigningKey.ephemeral();
    const signature = key.sign('{"a":1}');
    expect(verifyMessage(key.publicKey, '{"a":1}', signature)).toBe(true);
    expect(verifyMessage(key.publicKey, '{"a":2}', signature)).toBe(false);
    expect(verifyMessage(SigningKey.ephemeral().publicKey, '{"a":1}', signature)).toBe(false);
    expect(verifyMessage(key.publicKey, '{"a":1}', 'not base64 !')).toBe(false);
  });

  it('names a key by the SHA-256 of its SPKI encoding, and reads it back from PEM, JWK, DER or a private key', () => {
    const key = SigningKey.loadOrCreate(dir);
    const info = key.info();
    expect(info).toMatchObject({ algorithm: 'Ed25519', keyId: key.keyId, jwk: { kty: 'OKP', crv: 'Ed25519' } });
    for (const form of [info.pem, info.jwk, key.publicKey.export({ type: 'spki', format: 'der' }), readFileSync(join(dir, PRIVATE_KEY_FILE))]) {
      expect(keyIdOf(parsePublicKey(form as never))).toBe(key.keyId);
    }
    const ring = new PublicKeyRing([key.publicKey]);
    expect(ring.get(key.keyId)).toBeDefined();
    expect(ring.infos()).toEqual([info]);
  });
});
