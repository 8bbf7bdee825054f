import { generateKeyPairSync } from 'node:crypto';
import {
  InvalidSignatureError,
  MalformedKeyError,
  MalformedNoteError,
  UnverifiedNoteError,
  ed25519PrivateKeyFromSeed,
  ed25519PublicKeyFromRaw,
  ed25519Signer,
  ed25519Verifier,
  ed25519VerifierKey,
  formatVerifierKey,
  noteKeyId,
  parseGoPrivateKey,
  parseNote,
  parseVerifierKey,
  rawEd25519PublicKey,
  signNote,
  verifyNote,
} from './index';

// Published vectors of golang.org/x/mod/sumdb/note, the reference implementation: repository
// golang/mod, files sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign,
// TestVerifierList, TestOpen) and sumdb/note/note.go (the package documentation's example).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const PETER_NOTE = `${TEXT}\n${PETER_SIG}`;

// The worked example of the C2SP signed-note spec, "Verifier keys" section. The copy of
// C2SP/C2SP signed-note.md in the reference index predates that section, so these values are as
// quoted (with the spec's commit d4c16da5…) by third-party test suites; they verify here, which
// is the check that matters.
const FOO_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const FOO_NOTE = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

// The opening example of C2SP/C2SP signed-note.md (its key is not published): a text that holds
// a blank line of its own, so only the last blank line separates text from signatures.
const QUASIMODO_NOTE =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n' +
  '— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';

const peter = () => ed25519Verifier(PETER_VKEY);
const enoch = () => ed25519Verifier(ENOCH_VKEY);

/** The line's base64 payload, decoded, changed by `edit`, and encoded again. */
function editPayload(line: string, edit: (bytes: Buffer) => void): string {
  const [dash, name, b64] = line.trimEnd().split(' ');
  const bytes = Buffer.from(b64, 'base64');
  edit(bytes);
  return `${dash} ${name} ${bytes.toString('base64')}\n`;
}

describe('published vectors (golang.org/x/mod/sumdb/note)', () => {
  test('the verifier key parses to its name, key id and Ed25519 key', () => {
    const key = parseVerifierKey(PETER_VKEY);
    expect(key).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3, type: 0x01 });
    expect(key.rawPublicKey.toString('hex')).toBe('1a5cd907143c384c41e830c5bce12aa8817ec5649aaabf2c31388b35b2d744d6');
    expect(noteKeyId('PeterNeumann', 0x01, key.rawPublicKey)).toBe(0xc74f20a3);
    expect(ed25519VerifierKey('PeterNeumann', key.publicKey)).toBe(PETER_VKEY);
    expect(formatVerifierKey('PeterNeumann', 0x01, key.rawPublicKey)).toBe(PETER_VKEY);
  });

  test('the Go private key gives the same key and reproduces the published signature byte for byte', () => {
    const { name, keyId, privateKey, verifierKey } = parseGoPrivateKey(PETER_SKEY);
    expect({ name, keyId, verifierKey }).toEqual({ name: 'PeterNeumann', keyId: 0xc74f20a3, verifierKey: PETER_VKEY });
    const signer = ed25519Signer(name, privateKey);
    expect(signer.verifierKey).toBe(PETER_VKEY);
    expect(signNote(TEXT, [signer])).toBe(PETER_NOTE);
  });

  test('the published note verifies and gives back its text', () => {
    const result = verifyNote(PETER_NOTE, [peter()]);
    expect(result.text).toBe(TEXT);
    expect(result.verified).toHaveLength(1);
    expect(result.verified[0]).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3 });
    expect(result.unverified).toEqual([]);
    // The same note as bytes.
    expect(verifyNote(Buffer.from(PETER_NOTE, 'utf8'), [peter()]).text).toBe(TEXT);
  });

  test('TestOpen: one signature verified and one ignored, both verified, none verified', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = verifyNote(note, [peter()]);
    expect(one.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(one.unverified.map((s) => [s.name, s.keyId])).toEqual([['EnochRoot', 0xaf0cfe78]]);

    const both = verifyNote(note, [peter(), enoch()]);
    expect(both.verified.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(both.unverified).toEqual([]);

    expect(() => verifyNote(note, [])).toThrow(UnverifiedNoteError);
    expect(() => verifyNote(note, [])).toThrow(/no signature by a known key: no key was given.*PeterNeumann\+c74f20a3, EnochRoot\+af0cfe78/);
  });

  test('TestOpen: repeated signature lines by one key are accepted and counted once', () => {
    const result = verifyNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}`, [peter()]);
    expect(result.verified).toHaveLength(1);
  });

  test('TestOpen: a signature made longer (ABCD inserted) by a known key rejects the note', () => {
    const note = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(() => verifyNote(note, [peter()])).toThrow(InvalidSignatureError);
    expect(() => verifyNote(note, [peter()])).toThrow(/the signature by PeterNeumann \(key PeterNeumann\+c74f20a3\) is 67 bytes where the key's signatures are 64/);
  });

  test('TestOpen: more than 100 signatures is malformed', () => {
    expect(() => verifyNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter()])).toThrow(/101 signature lines; at most 100/);
    expect(verifyNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter()]).verified).toHaveLength(1);
  });

  test('TestOpen: the malformed messages', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    for (const note of bad) expect(() => verifyNote(note, [peter()])).toThrow(MalformedNoteError);
    // "\xff" + text: invalid UTF-8, which only bytes can carry.
    expect(() => parseNote(Buffer.concat([Buffer.of(0xff), Buffer.from(`${TEXT}\n${PETER_SIG}`)]))).toThrow(/the note is not valid UTF-8/);
  });

  test('TestNewVerifier: every truncation and every changed byte of the verifier key is refused', () => {
    const bytes = Buffer.from(PETER_VKEY, 'utf8');
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i + 1; j <= bytes.length; j++) {
        if (i === 0 && j === bytes.length) continue;
        expect(() => parseVerifierKey(bytes.subarray(i, j).toString('latin1'))).toThrow(MalformedKeyError);
      }
    }
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i]++;
      expect(() => parseVerifierKey(changed.toString('latin1'))).toThrow(MalformedKeyError);
    }
    // Wrong key length and unknown algorithm, each with a key id adjusted to match. Go refuses the
    // first for its length; its base64 is also not canonical (Go's decoder does not check that),
    // which is what is reported here.
    expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow(/not canonical base64: it is not canonical/);
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/signature type 0x65 is not one this library knows/);
    // A canonical key one byte too long, with its key id adjusted.
    const long = Buffer.concat([Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64'), Buffer.of(0)]);
    const longId = noteKeyId('PeterNeumann', long[0], long.subarray(1)).toString(16).padStart(8, '0');
    expect(() => parseVerifierKey(`PeterNeumann+${longId}+${long.toString('base64')}`)).toThrow(/an Ed25519 \(0x01\) key is 1 \+ 32 bytes \(type ‖ key\), this one is 34/);
  });

  test('TestNewSigner: every truncation and every changed byte of the private key is refused', () => {
    const bytes = Buffer.from(PETER_SKEY, 'utf8');
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i + 1; j <= bytes.length; j++) {
        if (i === 0 && j === bytes.length) continue;
        expect(() => parseGoPrivateKey(bytes.subarray(i, j).toString('latin1'))).toThrow(MalformedKeyError);
      }
    }
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i]++;
      expect(() => parseGoPrivateKey(changed.toString('latin1'))).toThrow(MalformedKeyError);
    }
  });

  test('the private key never appears in an error message', () => {
    const changed = PETER_SKEY.replace('+c74f20a3+', '+c74f20a4+');
    expect(() => parseGoPrivateKey(changed)).toThrow(/says key id c74f20a4, but its name and key give c74f20a3/);
    try {
      parseGoPrivateKey(changed);
    } catch (error) {
      expect(String(error)).not.toContain('AYEKFALVFGyNhPJEMzD1QIDr');
    }
  });
});

describe('the C2SP signed-note examples', () => {
  test('the example.com/foo verifier key and note verify', () => {
    expect(parseVerifierKey(FOO_VKEY)).toMatchObject({ name: 'example.com/foo', keyId: 0x530d903a, type: 0x01 });
    expect(verifyNote(FOO_NOTE, [ed25519Verifier(FOO_VKEY)]).text).toBe('This is an example message.\n');
  });

  test('the opening example: the last blank line separates the text from the signatures', () => {
    const parsed = parseNote(QUASIMODO_NOTE);
    expect(parsed.text).toBe('Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n');
    expect(parsed.signatures).toHaveLength(1);
    expect(parsed.signatures[0]).toMatchObject({ name: 'quasimodo.example/salvatore', keyId: 0x367ba04b });
    expect(parsed.signatures[0].signature).toHaveLength(64);
  });
});

describe('signing', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = ed25519Signer('register.example/log', privateKey);

  test('sign, parse and verify round trip, with several signers in order', () => {
    const other = ed25519Signer('register.example/other', generateKeyPairSync('ed25519').privateKey);
    const note = signNote('a\n\nb\n', [signer, other]);
    expect(note.startsWith('a\n\nb\n\n— register.example/log ')).toBe(true);
    const result = verifyNote(note, [ed25519Verifier(signer.verifierKey), ed25519Verifier(other.verifierKey)]);
    expect(result.text).toBe('a\n\nb\n');
    expect(result.verified.map((s) => s.name)).toEqual(['register.example/log', 'register.example/other']);
  });

  test('a text with non-ASCII characters is signed as UTF-8', () => {
    const note = signNote('Kommunalförbundet Ödeshög\n', [signer]);
    expect(verifyNote(note, [ed25519Verifier(signer.verifierKey)]).text).toBe('Kommunalförbundet Ödeshög\n');
  });

  test('texts the spec does not allow are refused', () => {
    expect(() => signNote('', [signer])).toThrow(/the text cannot be signed as a note: it is empty/);
    expect(() => signNote('no newline', [signer])).toThrow(/it does not end in a newline/);
    expect(() => signNote('windows\r\n', [signer])).toThrow(/U\+000D .*carriage return/);
    expect(() => signNote('tab\there\n', [signer])).toThrow(/U\+0009/);
    expect(() => signNote('lone \ud800 surrogate\n', [signer])).toThrow(/not valid UTF-8/);
    expect(() => signNote('text\n', [])).toThrow(/at least one signature/);
    expect(() => signNote('text\n', [signer, signer])).toThrow(/the signer register\.example\/log\+[0-9a-f]{8} is given twice/);
  });

  test('names the spec does not allow are refused', () => {
    for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u2003b', 'a\u0085b']) {
      expect(() => ed25519Signer(name, privateKey)).toThrow(MalformedKeyError);
    }
    expect(() => ed25519Signer('a b', privateKey)).toThrow(/cannot be a key name: it contains a space character \(U\+0020\)/);
    expect(() => ed25519Signer('a+b', privateKey)).toThrow(/plus sign/);
  });

  test('the raw public key and KeyObject conversions are inverse', () => {
    const raw = rawEd25519PublicKey(privateKey);
    expect(raw).toHaveLength(32);
    expect(rawEd25519PublicKey(ed25519PublicKeyFromRaw(raw)).equals(raw)).toBe(true);
    const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
    expect(rawEd25519PublicKey(ed25519PrivateKeyFromSeed(seed)).equals(parseVerifierKey(PETER_VKEY).rawPublicKey)).toBe(true);
    expect(() => rawEd25519PublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toThrow(/not Ed25519/);
  });
});

describe('tampering is detected with a clear message', () => {
  test('a changed byte in the body', () => {
    expect(() => verifyNote(PETER_NOTE.replace('cryptography', 'cryptograph!'), [peter()])).toThrow(
      'the signature by PeterNeumann (key PeterNeumann+c74f20a3) does not verify: the note was changed after it was signed, or the key is not the signer\'s',
    );
  });

  test('every single changed character of the body', () => {
    for (let i = 0; i < TEXT.length - 1; i++) {
      const body = TEXT.slice(0, i) + (TEXT[i] === 'x' ? 'y' : 'x') + TEXT.slice(i + 1);
      expect(() => verifyNote(`${body}\n${PETER_SIG}`, [peter()])).toThrow(InvalidSignatureError);
    }
  });

  test('a changed signature', () => {
    const line = editPayload(PETER_SIG, (bytes) => (bytes[10] ^= 0x01));
    expect(() => verifyNote(`${TEXT}\n${line}`, [peter()])).toThrow(/the signature by PeterNeumann .* does not verify/);
  });

  test('a signature by another key under the same name', () => {
    const impostor = ed25519Signer('PeterNeumann', generateKeyPairSync('ed25519').privateKey);
    // With its own key id, the spec says it is an unknown key: ignored, so nothing verifies.
    expect(() => verifyNote(signNote(TEXT, [impostor]), [peter()])).toThrow(UnverifiedNoteError);
    expect(() => verifyNote(signNote(TEXT, [impostor]), [peter()])).toThrow(/PeterNeumann\+[0-9a-f]{8} has the expected name but another key id, so it was made with a different key/);
    // Claiming Peter's key id, it is checked against Peter's key and fails.
    const claimed = { name: 'PeterNeumann', keyId: 0xc74f20a3, sign: (message: Buffer) => impostor.sign(message) };
    expect(() => verifyNote(signNote(TEXT, [claimed]), [peter()])).toThrow(InvalidSignatureError);
    // And it does not help to add it beside Peter's own.
    expect(() => verifyNote(`${PETER_NOTE}${signNote(TEXT, [claimed]).slice(TEXT.length + 1)}`, [peter()])).toThrow(InvalidSignatureError);
  });

  test('a wrong key id', () => {
    const line = editPayload(PETER_SIG, (bytes) => (bytes[3] ^= 0x01));
    expect(() => verifyNote(`${TEXT}\n${line}`, [peter()])).toThrow(/signed by PeterNeumann\+c74f20a2 .*has the expected name but another key id/);
  });

  test('every truncation of the note is refused', () => {
    for (let length = 0; length < PETER_NOTE.length; length++) {
      expect(() => verifyNote(PETER_NOTE.slice(0, length), [peter()])).toThrow();
    }
    expect(() => verifyNote(PETER_NOTE.slice(0, -1), [peter()])).toThrow(/does not end in a newline: the note may have been cut short/);
    expect(() => verifyNote(PETER_NOTE.slice(0, -3) + '\n', [peter()])).toThrow(/not canonical base64/);
  });

  test('a missing blank line', () => {
    expect(() => parseNote(`${TEXT}${PETER_SIG}`)).toThrow(/the note has no blank line/);
    // With a blank line inside the text but none before the signatures, the signature line is read as text.
    expect(() => parseNote(`a\n\nb\n${PETER_SIG}`)).toThrow(/signature line 1 does not begin with an em dash/);
  });

  test('a blank line too many is read as part of the text and does not verify', () => {
    expect(() => verifyNote(`${TEXT}\n\n${PETER_SIG}`, [peter()])).toThrow(InvalidSignatureError);
  });

  test('extra spaces', () => {
    const [, name, b64] = PETER_SIG.trimEnd().split(' ');
    expect(() => parseNote(`${TEXT}\n—  ${name} ${b64}\n`)).toThrow(/empty key name \(an extra space after the em dash\?\)/);
    expect(() => parseNote(`${TEXT}\n— ${name}  ${b64}\n`)).toThrow(/extra spaces/);
    expect(() => parseNote(`${TEXT}\n— ${name} ${b64} \n`)).toThrow(/extra spaces/);
    expect(() => parseNote(`${TEXT}\n— ${name}\n`)).toThrow(/no space between the key name and the signature/);
  });

  test('a hyphen for the em dash', () => {
    expect(() => parseNote(`${TEXT}\n${PETER_SIG.replace('—', '-')}`)).toThrow(/a hyphen or en dash is not the em dash U\+2014/);
    expect(() => parseNote(`${TEXT}\n${PETER_SIG.replace('— ', '—')}`)).toThrow(/followed by exactly one space/);
  });

  test('non-canonical base64', () => {
    // The last character's two low bits encode nothing; N sets one of them where M does not.
    const nonCanonical = PETER_SIG.replace('JnAM=', 'JnAN=');
    const b64 = (line: string) => line.trimEnd().split(' ')[2];
    expect(Buffer.from(b64(nonCanonical), 'base64').equals(Buffer.from(b64(PETER_SIG), 'base64'))).toBe(true);
    expect(() => parseNote(`${TEXT}\n${nonCanonical}`)).toThrow(/not canonical base64: it is not canonical: its last character sets bits that encode nothing/);
    expect(() => parseNote(`${TEXT}\n${PETER_SIG.replace('AM=', 'AM')}`)).toThrow(/not a multiple of 4: the = padding is missing or wrong/);
    expect(() => parseNote(`${TEXT}\n${PETER_SIG.replace('x08go/', 'x08go_')}`)).toThrow(/URL-safe alphabet/);
    expect(() => parseNote(`${TEXT}\n${PETER_SIG.replace('x08go/', 'x08go*')}`)).toThrow(/characters outside standard base64/);
  });

  test('a signature too short to hold a key id', () => {
    expect(() => parseNote(`${TEXT}\n— PeterNeumann AAAAAA==\n`)).toThrow(/decodes to 4 bytes; it must hold a 4-byte key id and a signature/);
  });

  test('CRLF line endings', () => {
    expect(() => parseNote(PETER_NOTE.replaceAll('\n', '\r\n'))).toThrow(/carriage return/);
  });
});

describe('verifier keys', () => {
  test('malformed verifier keys are refused with the reason', () => {
    const [, hex, key64] = PETER_VKEY.split('+');
    expect(() => parseVerifierKey('PeterNeumann')).toThrow(/does not have the form <name>\+<key id>\+<base64 key>/);
    expect(() => parseVerifierKey(`+${hex}+${key64}`)).toThrow(/has a bad name: it is empty/);
    expect(() => parseVerifierKey(`Peter Neumann+${hex}+${key64}`)).toThrow(/has a bad name: it contains a space character/);
    expect(() => parseVerifierKey(`PeterNeumann+${hex.toUpperCase()}+${key64}`)).toThrow(/key id "C74F20A3" is not 8 lowercase hex digits/);
    expect(() => parseVerifierKey(`PeterNeumann+c74f20a4+${key64}`)).toThrow(/says key id c74f20a4, but its name and key give c74f20a3: the key was altered or mistyped/);
    expect(() => parseVerifierKey(`PeterNeumann+${hex}+${key64.replace('/', '_')}`)).toThrow(/not canonical base64: it uses the URL-safe alphabet/);
    expect(() => parseVerifierKey(`PeterNeumann+${hex}+${key64}=`)).toThrow(/not canonical base64/);
  });

  test('a cosignature key is not a note key', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const witness = formatVerifierKey('witness.example/w1', 0x04, publicKey);
    expect(parseVerifierKey(witness).type).toBe(0x04);
    expect(() => ed25519Verifier(witness)).toThrow(/is of type Ed25519 cosignature\/v1 \(0x04\), not Ed25519 \(0x01\)/);
  });

  test('two verifier keys with one name and key id are a configuration error', () => {
    expect(() => verifyNote(PETER_NOTE, [peter(), peter()])).toThrow(/two of the verifier keys given are both PeterNeumann\+c74f20a3/);
  });
});
