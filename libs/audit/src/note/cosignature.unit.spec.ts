import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  InvalidSignatureError,
  MalformedCheckpointError,
  MalformedKeyError,
  cosign,
  cosignatureMessage,
  cosignatureTime,
  cosignatureVerifier,
  ed25519Signer,
  ed25519Verifier,
  ed25519VerifierKey,
  formatCheckpoint,
  formatSignatureLine,
  noteKeyId,
  parseNote,
  parseSignatureLine,
  parseVerifierKey,
  rawEd25519PublicKey,
  signNote,
  verifyCheckpointNote,
  verifyCosignature,
  verifyNote,
  witnessVerifierKey,
} from './index';

// A real checkpoint and a real cosignature by the witness remora.n621.de, from the tests of
// repository florolf/tlog-scales, tests/test_signing.py (TestCheckpointSigning); the witness key
// also appears in repository transparency-dev/formats, note/note_cosigv1_test.go
// (TestCoSigV1NewVerifier, "native algEd25519CosignatureV1 verifier").
const ARCHE_BODY = 'arche2025h1.staging.ct.transparency.dev\n1432088532\nU7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n';
const ARCHE_LOG_LINE = '— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=\n';
const ARCHE_LOG_VKEY = 'arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f';
const REMORA_LINE = '— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==\n';
const REMORA_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const REMORA_TIME = 1779573024; // 0x6a122120, 2026-05-23T21:50:24Z

// The example of the C2SP tlog-cosignature spec (repository C2SP/C2SP, tlog-cosignature.md). The
// witness key is not published, so what can be checked is the framing and the signed message.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_WITNESS_LINE = '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';
const SPEC_MESSAGE = 'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

// transparency-dev/formats, note/note_cosigv1_test.go, TestCosignatureTimestamp ("works").
const FORMATS_SIGNATURE = 'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';
// The same file, TestCoSigV1NewVerifier ("works: convert from algEd25519"): a plain 0x01 key.
const FORMATS_PLAIN_VKEY = 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6';

const NAME = 'witness.example/w1';
const { privateKey } = generateKeyPairSync('ed25519');
const VKEY = witnessVerifierKey(NAME, privateKey);
const BODY = formatCheckpoint({ origin: 'register.example/samverkan', treeSize: 7, rootHash: createHash('sha256').update('seven').digest() });

/** The line's payload (key id ‖ timestamp ‖ signature), changed by `edit`, encoded again. */
function editPayload(line: string, edit: (bytes: Buffer) => void): string {
  const { name, keyId, signature } = parseSignatureLine(line);
  const payload = Buffer.from(signature);
  edit(payload);
  return formatSignatureLine(name, keyId, payload);
}

describe('published cosignatures', () => {
  test('the witness verifier key is of type 0x04 and its key id is over 0x04', () => {
    const key = parseVerifierKey(REMORA_VKEY);
    expect(key).toMatchObject({ name: 'remora.n621.de', keyId: 0xda77ade7, type: 0x04 });
    expect(noteKeyId('remora.n621.de', 0x04, key.rawPublicKey)).toBe(0xda77ade7);
    expect(witnessVerifierKey('remora.n621.de', key.rawPublicKey)).toBe(REMORA_VKEY);
  });

  test('a real cosignature verifies, with its time', () => {
    expect(verifyCosignature(ARCHE_BODY, REMORA_LINE, REMORA_VKEY)).toEqual({ ok: true, time: REMORA_TIME });
  });

  test('the real cosignature does not verify over another checkpoint', () => {
    const result = verifyCosignature(ARCHE_BODY.replace('\n1432088532\n', '\n1432088531\n'), REMORA_LINE, REMORA_VKEY);
    expect(result).toEqual({ ok: false, time: REMORA_TIME, reason: expect.stringMatching(/the cosignature by remora\.n621\.de does not verify: the checkpoint is not the one the witness signed/) as unknown });
  });

  test('the real checkpoint note verifies under the log key and the witness key together', () => {
    const note = `${ARCHE_BODY}\n${ARCHE_LOG_LINE}${REMORA_LINE}`;
    const result = verifyCheckpointNote(note, [ed25519Verifier(ARCHE_LOG_VKEY), cosignatureVerifier(REMORA_VKEY)]);
    expect(result.verified.map((s) => s.name)).toEqual(['arche2025h1.staging.ct.transparency.dev', 'remora.n621.de']);
    expect(cosignatureTime(result.verified[1])).toBe(REMORA_TIME);
  });

  test('the spec example: framing of the witness line and the signed message', () => {
    const line = parseSignatureLine(SPEC_WITNESS_LINE);
    expect(line).toMatchObject({ name: 'witness.example.com/w1', keyId: 0x8d66cf3f });
    expect(line.signature).toHaveLength(72);
    expect(cosignatureTime(line)).toBe(1679315147);
    expect(cosignatureMessage(SPEC_BODY, 1679315147).toString('utf8')).toBe(SPEC_MESSAGE);
  });

  test('the transparency-dev/formats timestamp vector', () => {
    expect(cosignatureTime(Buffer.from(FORMATS_SIGNATURE, 'base64').subarray(4))).toBe(1727964367);
  });

  test('a plain Ed25519 key (0x01) is not a witness key, and gives another key id', () => {
    const key = parseVerifierKey(FORMATS_PLAIN_VKEY);
    expect(key).toMatchObject({ name: 'TEST', keyId: 0x7997405c, type: 0x01 });
    expect(witnessVerifierKey('TEST', key.rawPublicKey)).toMatch(/^TEST\+fdd2dbc7\+BA/);
    expect(() => cosignatureVerifier(FORMATS_PLAIN_VKEY)).toThrow(MalformedKeyError);
    expect(() => verifyCosignature(ARCHE_BODY, REMORA_LINE, FORMATS_PLAIN_VKEY)).toThrow(/is of type Ed25519 \(0x01\), not Ed25519 cosignature\/v1 \(0x04\)/);
  });
});

describe('cosigning', () => {
  test('cosign and verify round trip', () => {
    const line = cosign(BODY, NAME, privateKey, 1700000000);
    expect(line).toMatch(/^— witness\.example\/w1 [A-Za-z0-9+/]{102}==\n$/);
    expect(parseSignatureLine(line).keyId).toBe(parseVerifierKey(VKEY).keyId);
    expect(verifyCosignature(BODY, line, VKEY)).toEqual({ ok: true, time: 1700000000 });
    expect(verifyCosignature(BODY, line.trimEnd(), VKEY)).toEqual({ ok: true, time: 1700000000 });
  });

  test('time 0 and the largest time this implementation takes', () => {
    expect(verifyCosignature(BODY, cosign(BODY, NAME, privateKey, 0), VKEY)).toEqual({ ok: true, time: 0 });
    const max = Number.MAX_SAFE_INTEGER;
    expect(verifyCosignature(BODY, cosign(BODY, NAME, privateKey, max), VKEY)).toEqual({ ok: true, time: max });
  });

  test('a log signature and cosignatures on one note', () => {
    const log = ed25519Signer('register.example/samverkan', generateKeyPairSync('ed25519').privateKey);
    const note = signNote(BODY, [log]) + cosign(BODY, NAME, privateKey, 1700000000);
    const result = verifyNote(note, [ed25519Verifier(log.verifierKey), cosignatureVerifier(VKEY)]);
    expect(result.verified.map((s) => s.name)).toEqual(['register.example/samverkan', NAME]);
    // A cosignature on a changed checkpoint rejects the note even if the log's signature is left out.
    const other = formatCheckpoint({ origin: 'register.example/samverkan', treeSize: 8, rootHash: Buffer.alloc(32) });
    expect(() => verifyNote(`${other}\n${cosign(BODY, NAME, privateKey, 1)}`, [cosignatureVerifier(VKEY)])).toThrow(InvalidSignatureError);
  });

  test('cosign refuses what is not a checkpoint, bad names, keys and times', () => {
    expect(() => cosign('just a note\n', NAME, privateKey, 1)).toThrow(MalformedCheckpointError);
    expect(() => cosign(`${BODY}\n— x AAAAAAA=\n`, NAME, privateKey, 1)).toThrow(MalformedCheckpointError);
    expect(() => cosign(BODY, 'a b', privateKey, 1)).toThrow(/cannot be a key name/);
    expect(() => cosign(BODY, NAME, generateKeyPairSync('ed25519').publicKey, 1)).toThrow(/needs an Ed25519 private key/);
    expect(() => cosign(BODY, NAME, privateKey, -1)).toThrow(RangeError);
    expect(() => cosign(BODY, NAME, privateKey, 1.5)).toThrow(RangeError);
    expect(() => cosign(BODY, NAME, privateKey, 2 ** 53)).toThrow(RangeError);
  });
});

describe('verifying cosignatures: what is wrong is said', () => {
  const line = cosign(BODY, NAME, privateKey, 1700000000);

  test('a changed checkpoint', () => {
    const changed = BODY.replace('\n7\n', '\n8\n');
    expect(verifyCosignature(changed, line, VKEY)).toMatchObject({ ok: false, time: 1700000000, reason: expect.stringMatching(/does not verify/) as unknown });
  });

  test('a changed time', () => {
    const later = editPayload(line, (payload) => payload.writeBigUInt64BE(1700000001n, 0));
    expect(verifyCosignature(BODY, later, VKEY)).toMatchObject({ ok: false, time: 1700000001, reason: expect.stringMatching(/its time was changed/) as unknown });
  });

  test('a changed signature', () => {
    const changed = editPayload(line, (payload) => (payload[40] ^= 0x80));
    expect(verifyCosignature(BODY, changed, VKEY).ok).toBe(false);
  });

  test('another witness name', () => {
    const result = verifyCosignature(BODY, line.replace(NAME, 'witness.example/w2'), VKEY);
    expect(result).toEqual({ ok: false, reason: 'the cosignature line is by "witness.example/w2", not by the witness "witness.example/w1"' });
  });

  test('another key under the witness name', () => {
    const other = cosign(BODY, NAME, generateKeyPairSync('ed25519').privateKey, 1700000000);
    expect(verifyCosignature(BODY, other, VKEY)).toMatchObject({ ok: false, reason: expect.stringMatching(/not the witness key's [0-9a-f]{8}: it was made with another key/) as unknown });
  });

  test('a plain Ed25519 note signature by the witness key', () => {
    const plain = signNote(BODY, [ed25519Signer(NAME, privateKey)]).slice(BODY.length + 1);
    const result = verifyCosignature(BODY, plain, VKEY);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/it is a plain Ed25519 note signature \(type 0x01\) by the witness key, not a cosignature\/v1/) as unknown });
    // And the key ids really differ by type byte.
    expect(parseSignatureLine(plain).keyId).toBe(noteKeyId(NAME, 0x01, rawEd25519PublicKey(privateKey)));
    expect(parseVerifierKey(ed25519VerifierKey(NAME, privateKey)).keyId).not.toBe(parseVerifierKey(VKEY).keyId);
  });

  test('a payload of the wrong length', () => {
    const { name, keyId, signature } = parseSignatureLine(line);
    const short = formatSignatureLine(name, keyId, signature.subarray(0, 64));
    expect(verifyCosignature(BODY, short, VKEY)).toEqual({ ok: false, reason: expect.stringMatching(/is 64 bytes after its key id, where a cosignature\/v1 is 72/) as unknown });
    expect(() => verifyNote(`${BODY}\n${short}`, [cosignatureVerifier(VKEY)])).toThrow(/is 64 bytes where the key's signatures are 72/);
  });

  test('timestamps beyond 2^63 - 1 and beyond 2^53 - 1', () => {
    const huge = editPayload(line, (payload) => payload.writeBigUInt64BE(1n << 63n, 0));
    expect(verifyCosignature(BODY, huge, VKEY)).toEqual({ ok: false, reason: expect.stringMatching(/exceeds 2\^63 - 1, which the spec forbids/) as unknown });
    const big = editPayload(line, (payload) => payload.writeBigUInt64BE(1n << 53n, 0));
    expect(verifyCosignature(BODY, big, VKEY)).toEqual({ ok: false, reason: expect.stringMatching(/beyond 2\^53 - 1 seconds/) as unknown });
    expect(cosignatureTime(parseSignatureLine(big))).toBeUndefined();
  });

  test('a malformed line is answered, not thrown', () => {
    expect(verifyCosignature(BODY, line.replace('— ', '- '), VKEY)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not begin with an em dash/) as unknown });
    expect(verifyCosignature(BODY, line.replace('==\n', '=\n'), VKEY)).toMatchObject({ ok: false, reason: expect.stringMatching(/not canonical base64/) as unknown });
    expect(verifyCosignature(BODY, `${line}${line}`, VKEY)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than one line/) as unknown });
  });

  test('a malformed witness key or checkpoint is the caller\'s mistake and throws', () => {
    expect(() => verifyCosignature(BODY, line, 'witness.example/w1+00000000+BA==')).toThrow(MalformedKeyError);
    expect(() => verifyCosignature('not a checkpoint\n', line, VKEY)).toThrow(MalformedCheckpointError);
  });

  test('the cosigned note parses as a note with the line appended', () => {
    const parsed = parseNote(`${BODY}\n${line}`);
    expect(parsed.text).toBe(BODY);
    expect(cosignatureTime(parsed.signatures[0])).toBe(1700000000);
  });
});
