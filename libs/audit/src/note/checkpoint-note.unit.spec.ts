import { createHash, generateKeyPairSync } from 'node:crypto';
import { InvalidSignatureError, MalformedCheckpointError, ed25519Signer, ed25519Verifier, formatCheckpoint, parseCheckpoint, signNote, verifyCheckpointNote } from './index';

// The example of the C2SP tlog-checkpoint spec (repository C2SP/C2SP, tlog-checkpoint.md); its
// log key is not published, so only the body is checked.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

// A real checkpoint of the arche2025h1 staging CT log with its signatures, from the tests of
// repository florolf/tlog-scales, tests/test_signing.py (TestCheckpointSigning). Besides the
// log's Ed25519 (0x01) signature it carries an RFC 6962 (0x05) signature by the same name and
// four witness cosignatures (0x04), all of which must be ignored when only the log key is known.
const ARCHE_ORIGIN = 'arche2025h1.staging.ct.transparency.dev';
const ARCHE_BODY = `${ARCHE_ORIGIN}\n1432088532\nU7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n`;
const ARCHE_NOTE =
  `${ARCHE_BODY}\n` +
  '— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=\n' +
  '— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=\n' +
  '— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==\n' +
  '— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==\n' +
  '— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==\n' +
  '— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==\n';
const ARCHE_LOG_VKEY = 'arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f';

const root = createHash('sha256').update('root').digest();

describe('published checkpoints', () => {
  test('the tlog-checkpoint spec example parses and formats back byte for byte', () => {
    const checkpoint = parseCheckpoint(SPEC_BODY);
    expect(checkpoint).toMatchObject({ origin: 'example.com/behind-the-sofa', treeSize: 20852163, extensions: [] });
    expect(checkpoint.rootHash.toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(formatCheckpoint(checkpoint)).toBe(SPEC_BODY);
  });

  test('a real CT log checkpoint verifies under the log key, the other signatures ignored', () => {
    const result = verifyCheckpointNote(ARCHE_NOTE, [ed25519Verifier(ARCHE_LOG_VKEY)]);
    expect(result.checkpoint).toMatchObject({ origin: ARCHE_ORIGIN, treeSize: 1432088532, extensions: [] });
    expect(result.verified.map((s) => s.keyId.toString(16))).toEqual(['ba2f06c0']);
    expect(result.unverified).toHaveLength(5);
    expect(formatCheckpoint(result.checkpoint)).toBe(ARCHE_BODY);
  });

  test('the real checkpoint with another tree size does not verify', () => {
    expect(() => verifyCheckpointNote(ARCHE_NOTE.replace('\n1432088532\n', '\n1432088533\n'), [ed25519Verifier(ARCHE_LOG_VKEY)])).toThrow(InvalidSignatureError);
  });
});

describe('formatting and parsing', () => {
  test('round trip with extension lines', () => {
    const text = formatCheckpoint({ origin: 'register.example/samverkan', treeSize: 0, rootHash: root, extensions: ['ext one', 'två'] });
    expect(text).toBe(`register.example/samverkan\n0\n${root.toString('base64')}\next one\ntvå\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: 'register.example/samverkan', treeSize: 0, rootHash: root, extensions: ['ext one', 'två'] });
  });

  test('a signed checkpoint round trip', () => {
    const signer = ed25519Signer('register.example/samverkan', generateKeyPairSync('ed25519').privateKey);
    const text = formatCheckpoint({ origin: signer.name, treeSize: 42, rootHash: root });
    const result = verifyCheckpointNote(signNote(text, [signer]), [ed25519Verifier(signer.verifierKey)]);
    expect(result.checkpoint.treeSize).toBe(42);
    expect(result.checkpoint.rootHash.equals(root)).toBe(true);
  });

  test('what formatCheckpoint refuses', () => {
    const good = { origin: 'log.example', treeSize: 1, rootHash: root };
    expect(() => formatCheckpoint({ ...good, origin: '' })).toThrow('the origin is empty');
    expect(() => formatCheckpoint({ ...good, origin: 'a\nb' })).toThrow(/holds a newline/);
    expect(() => formatCheckpoint({ ...good, origin: 'a b' })).toThrow(/space character/);
    expect(() => formatCheckpoint({ ...good, origin: 'a+b' })).toThrow(/plus sign/);
    expect(() => formatCheckpoint({ ...good, treeSize: -1 })).toThrow(/non-negative integer/);
    expect(() => formatCheckpoint({ ...good, treeSize: 1.5 })).toThrow(/non-negative integer/);
    expect(() => formatCheckpoint({ ...good, treeSize: 2 ** 53 })).toThrow(/no larger than 2\^53 - 1/);
    expect(() => formatCheckpoint({ ...good, rootHash: root.subarray(0, 31) })).toThrow('the root hash is 31 bytes, not 32');
    expect(() => formatCheckpoint({ ...good, extensions: [''] })).toThrow(/extension line 1 is empty/);
    expect(() => formatCheckpoint({ ...good, extensions: ['a\nb'] })).toThrow(/extension line 1 cannot be used: it holds a newline/);
  });

  test('origins the spec only discourages are still parsed', () => {
    // "clients MUST NOT assume that the origin is following this format"
    expect(parseCheckpoint(`Moon Log+1\n1\n${root.toString('base64')}\n`).origin).toBe('Moon Log+1');
  });

  const b64 = root.toString('base64');
  const cases: [string, string, RegExp][] = [
    ['empty', '', /the checkpoint is empty/],
    ['no final newline', `o\n1\n${b64}`, /does not end in a newline/],
    ['two lines', 'o\n1\n', /has 2 lines; it needs at least three/],
    ['empty origin', `\n1\n${b64}\n`, /origin \(its first line\) is empty/],
    ['size with a leading zero', `o\n01\n${b64}\n`, /"01" has a leading zero/],
    ['size 00', `o\n00\n${b64}\n`, /leading zero/],
    ['negative size', `o\n-1\n${b64}\n`, /"-1" is not a decimal number/],
    ['size with a plus', `o\n+1\n${b64}\n`, /is not a decimal number/],
    ['size with a space', `o\n 1\n${b64}\n`, /is not a decimal number/],
    ['empty size', `o\n\n${b64}\n`, /"" is not a decimal number/],
    ['hexadecimal size', `o\n0x10\n${b64}\n`, /is not a decimal number/],
    ['size beyond 64 bits', `o\n18446744073709551616\n${b64}\n`, /does not fit in 64 bits/],
    ['size beyond 2^53 - 1', `o\n9007199254740992\n${b64}\n`, /larger than 2\^53 - 1/],
    ['root of 31 bytes', `o\n1\n${root.subarray(0, 31).toString('base64')}\n`, /is 31 bytes, not 32/],
    ['root of 33 bytes', `o\n1\n${Buffer.concat([root, Buffer.of(0)]).toString('base64')}\n`, /is 33 bytes, not 32/],
    ['root without padding', `o\n1\n${b64.replace('=', '')}\n`, /not canonical base64: its length, 43, is not a multiple of 4/],
    ['root in hex', `o\n1\n${root.toString('hex')}\n`, /is 48 bytes, not 32/],
    ['root in URL-safe base64', 'o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n', /URL-safe alphabet/],
    ['non-canonical root', 'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n', /its last character sets bits that encode nothing/],
    ['empty extension line', `o\n1\n${b64}\n\next\n`, /line 4 of the checkpoint is empty; extension lines must be non-empty/],
    ['a whole signed note', `o\n1\n${b64}\n\n— o AAAAAAA=\n`, /was a whole signed note given instead of its text\?/],
    ['CRLF', `o\r\n1\r\n${b64}\r\n`, /carriage return/],
  ];
  test.each(cases)('parseCheckpoint refuses %s', (_what, text, message) => {
    expect(() => parseCheckpoint(text)).toThrow(MalformedCheckpointError);
    expect(() => parseCheckpoint(text)).toThrow(message);
  });

  test('the largest sizes this implementation takes', () => {
    expect(parseCheckpoint(`o\n9007199254740991\n${b64}\n`).treeSize).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseCheckpoint(`o\n0\n${b64}\n`).treeSize).toBe(0);
  });
});
