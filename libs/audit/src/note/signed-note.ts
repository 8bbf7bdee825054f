import { KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/**
 * C2SP signed notes (https://c2sp.org/signed-note), the format of golang.org/x/mod/sumdb/note,
 * for Ed25519 keys. Pure functions over strings and bytes: no I/O, no clock, no Nest.
 *
 * A signed note is a text that ends in a newline, one blank line, then one or more signature
 * lines, each `— <key name> <base64(4-byte key id ‖ signature)>\n` (an em dash, U+2014, then a
 * space). What is signed is the text, including its final newline but not the blank line.
 *
 * The parser here is strict on purpose: it rejects anything the spec does not allow (and
 * non-canonical base64, which Go tolerates), because every byte an auditor is shown should be
 * the only way of writing what was signed.
 */

/** Signature type byte of plain Ed25519 note signatures (signed-note, "Signature types"). */
export const SIGNATURE_TYPE_ED25519 = 0x01;
/** Signature type byte of timestamped Ed25519 witness cosignatures (c2sp.org/tlog-cosignature). */
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

/**
 * The most signature lines a note may carry. The spec asks verifiers to accept at least 16 and
 * to have some limit; 100 is Go's, so any note Go accepts on this count is accepted here.
 */
export const MAX_NOTE_SIGNATURES = 100;

const SIGNATURE_PREFIX = '\u2014 ';
const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
/** DER of an Ed25519 SubjectPublicKeyInfo up to the raw key (RFC 8410): the raw key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** DER of an Ed25519 PKCS #8 PrivateKeyInfo up to the 32-byte seed (RFC 8410): the seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The signature types this library knows; each has a 32-byte Ed25519 public key. */
const KNOWN_TYPES: ReadonlyMap<number, string> = new Map([
  [SIGNATURE_TYPE_ED25519, 'Ed25519 (0x01)'],
  [SIGNATURE_TYPE_COSIGNATURE_V1, 'Ed25519 cosignature/v1 (0x04)'],
]);

// ---- errors ------------------------------------------------------------------------------------

/** Every error of this folder; the subclasses say which kind of thing was wrong. */
export class SignedNoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The note (or a signature line, or a text to sign) is not in the signed-note format. */
export class MalformedNoteError extends SignedNoteError {}

/** A verifier key, a Go private key or a key name is not well formed, or is not of the kind asked for. */
export class MalformedKeyError extends SignedNoteError {}

/** A signature by a known key (its name and key id match) does not verify: the whole note is rejected. */
export class InvalidSignatureError extends SignedNoteError {
  constructor(
    readonly keyName: string,
    readonly keyId: number,
    message: string,
  ) {
    super(message);
  }
}

/** The note is well formed but carries no signature by any of the keys it was checked against. */
export class UnverifiedNoteError extends SignedNoteError {
  constructor(
    /** Every signature the note carries (none of them by a known key). */
    readonly signatures: readonly NoteSignature[],
    message: string,
  ) {
    super(message);
  }
}

// ---- types -------------------------------------------------------------------------------------

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  /** The uint32 key id (the first four bytes of the decoded line, big-endian). */
  keyId: number;
  /** What follows the key id: for Ed25519 the 64-byte signature, for cosignature/v1 timestamp ‖ signature. */
  signature: Buffer;
}

export interface ParsedNote {
  /** The signed text: everything before the last blank line, including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifiedNote extends ParsedNote {
  /** The signatures by known keys, each of which verified (one per key). */
  verified: NoteSignature[];
  /** The signatures by keys that were not given: not checked, and so proof of nothing. */
  unverified: NoteSignature[];
}

/** Signs a note's text under one key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes over `message` (the note text), without the key id. */
  sign(message: Buffer): Buffer;
}

/** Checks signatures of one key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The length of every signature of this key, when fixed, for a sharper message when one is not. */
  readonly signatureLength?: number;
  /** Whether `signature` (without the key id) is this key's over `message` (the note text). */
  verify(message: Buffer, signature: Buffer): boolean;
}

/** A verifier key (`<name>+<key id>+<base64(type ‖ public key)>`), parsed. */
export interface VerifierKey {
  name: string;
  keyId: number;
  /** The signature type byte: 0x01 (Ed25519) or 0x04 (Ed25519 cosignature/v1). */
  type: number;
  /** The 32-byte raw Ed25519 public key. */
  rawPublicKey: Buffer;
  publicKey: KeyObject;
}

export interface Ed25519NoteSigner extends NoteSigner {
  /** The verifier key to give to whoever checks this signer's notes. */
  readonly verifierKey: string;
}

// ---- small helpers -----------------------------------------------------------------------------

/** 8 lowercase hex digits, as key ids are written in verifier keys and messages. */
export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function describe(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * Why `text` is not canonical standard base64 (RFC 4648 section 4, with padding), or undefined if
 * it is. Canonical means that re-encoding the decoded bytes gives the same text back, so one byte
 * string has exactly one spelling.
 */
export function base64Problem(text: string): string | undefined {
  if (text === '') return 'it is empty';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    if (/^[A-Za-z0-9+/_-]+=*$/.test(text) && /[-_]/.test(text)) return 'it uses the URL-safe alphabet (- or _); standard base64 uses + and /';
    return 'it holds characters outside standard base64 (A–Z, a–z, 0–9, +, / and = padding)';
  }
  if (text.length % 4 !== 0) return `its length, ${text.length}, is not a multiple of 4: the = padding is missing or wrong`;
  const again = Buffer.from(text, 'base64').toString('base64');
  if (again !== text) return `it is not canonical: its last character sets bits that encode nothing (the canonical spelling ends ${JSON.stringify(again.slice(-4))})`;
  return undefined;
}

/** Whether `text` is well-formed UTF-16 (no lone surrogate), that is, has a UTF-8 encoding. */
function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/**
 * Why `text` cannot be (part of) a signed note, or undefined: the spec allows only valid UTF-8
 * and no ASCII control character (below U+0020) other than newline. Exported for the checkpoint
 * parser, which applies the same rule to a checkpoint's text.
 */
export function noteCharacterProblem(text: string): string | undefined {
  if (!isWellFormed(text)) return 'it is not valid UTF-8 (it holds a lone UTF-16 surrogate)';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) {
      const hint = c === 0x0d ? ' (a carriage return: was the note saved with Windows line endings?)' : c === 0x09 ? ' (a tab)' : '';
      return `it holds the control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at offset ${i}${hint}; a signed note may hold no ASCII control character but newline`;
    }
  }
  return undefined;
}

/** Decodes bytes as UTF-8, refusing invalid sequences rather than replacing them. */
function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    // ignoreBOM: a leading U+FEFF is kept as a character of the text, as Go keeps it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new MalformedNoteError(`${what} is not valid UTF-8`);
  }
}

// ---- key names, key ids, keys ------------------------------------------------------------------

/** Why `name` cannot be a key name, or undefined if it can. */
export function keyNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (!isWellFormed(name)) return 'it is not valid UTF-8';
  if (name.includes('+')) return 'it contains a plus sign (+), which separates the parts of a verifier key';
  // Go's unicode.IsSpace is exactly Unicode's White_Space property, so this refuses what Go refuses.
  const space = /\p{White_Space}/u.exec(name);
  if (space) return `it contains a space character (U+${space[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) < 0x20) return 'it contains an ASCII control character';
  return undefined;
}

export function isValidKeyName(name: string): boolean {
  return keyNameProblem(name) === undefined;
}

function assertKeyName(name: string, what: string): void {
  const problem = keyNameProblem(name);
  if (problem) throw new MalformedKeyError(`${what} ${describe(name)} cannot be a key name: ${problem}`);
}

/** The key id: the first 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
export function noteKeyId(name: string, type: number, rawPublicKey: Uint8Array): number {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.of(type))
    .update(rawPublicKey)
    .digest()
    .readUInt32BE(0);
}

/** The 32-byte raw Ed25519 public key of an Ed25519 key (public or private). */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'ed25519') throw new MalformedKeyError(`the key is ${key.asymmetricKeyType ?? key.type}, not Ed25519`);
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  if (der.length !== ED25519_SPKI_PREFIX.length + ED25519_PUBLIC_KEY_BYTES || !der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)) {
    throw new MalformedKeyError('the Ed25519 key does not export as the expected SubjectPublicKeyInfo');
  }
  return Buffer.from(der.subarray(ED25519_SPKI_PREFIX.length));
}

/** The Ed25519 public key whose raw 32 bytes are `raw`. */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) throw new MalformedKeyError(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, not ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The Ed25519 private key of a 32-byte seed (RFC 8032's private key, as Go's note keys hold it). */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new MalformedKeyError(`an Ed25519 seed is 32 bytes, not ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function rawOf(publicKey: KeyObject | Uint8Array): Buffer {
  if (publicKey instanceof KeyObject) return rawEd25519PublicKey(publicKey);
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new MalformedKeyError(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, not ${publicKey.length}`);
  return Buffer.from(publicKey);
}

/** The verifier key `<name>+<key id hex>+<base64(type ‖ public key)>` of an Ed25519 public key. */
export function formatVerifierKey(name: string, type: number, publicKey: KeyObject | Uint8Array): string {
  assertKeyName(name, 'the name');
  if (!KNOWN_TYPES.has(type)) throw new MalformedKeyError(`signature type 0x${type.toString(16).padStart(2, '0')} is not one this library knows (${[...KNOWN_TYPES.values()].join(', ')})`);
  const raw = rawOf(publicKey);
  return `${name}+${keyIdHex(noteKeyId(name, type, raw))}+${Buffer.concat([Buffer.of(type), raw]).toString('base64')}`;
}

/** The verifier key of an Ed25519 note-signing public key (signature type 0x01). */
export function ed25519VerifierKey(name: string, publicKey: KeyObject | Uint8Array): string {
  return formatVerifierKey(name, SIGNATURE_TYPE_ED25519, publicKey);
}

/** Splits at the first `count` plus signs: the last part (base64) may itself hold plus signs. */
function splitPlus(text: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

/** The type byte and raw key of a verifier or signer key's base64 part, checked. */
function decodeKeyMaterial(key64: string, what: string): { type: number; raw: Buffer } {
  const problem = base64Problem(key64);
  if (problem) throw new MalformedKeyError(`${what}: its key part is not canonical base64: ${problem}`);
  const bytes = Buffer.from(key64, 'base64');
  const type = bytes[0];
  const name = KNOWN_TYPES.get(type);
  if (name === undefined) throw new MalformedKeyError(`${what}: its signature type 0x${type.toString(16).padStart(2, '0')} is not one this library knows (${[...KNOWN_TYPES.values()].join(', ')})`);
  if (bytes.length !== 1 + ED25519_PUBLIC_KEY_BYTES) throw new MalformedKeyError(`${what}: an ${name} key is 1 + ${ED25519_PUBLIC_KEY_BYTES} bytes (type ‖ key), this one is ${bytes.length}`);
  return { type, raw: Buffer.from(bytes.subarray(1)) };
}

function parseKeyIdHex(hex: string, what: string): number {
  if (!/^[0-9a-f]{8}$/.test(hex)) throw new MalformedKeyError(`${what}: its key id ${describe(hex)} is not 8 lowercase hex digits`);
  return Number.parseInt(hex, 16);
}

/**
 * Parses a verifier key `<name>+<8 hex digits of key id>+<base64(type ‖ 32-byte public key)>`.
 * The type must be 0x01 (Ed25519) or 0x04 (Ed25519 cosignature/v1), and the key id must be the
 * one the name, type and key give: a key id that does not match means the key was altered.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  const parts = splitPlus(vkey, 2);
  if (!parts) throw new MalformedKeyError(`the verifier key ${describe(vkey)} does not have the form <name>+<key id>+<base64 key>`);
  const [name, hex, key64] = parts;
  const problem = keyNameProblem(name);
  if (problem) throw new MalformedKeyError(`the verifier key ${describe(vkey)} has a bad name: ${problem}`);
  const what = `the verifier key for ${describe(name)}`;
  const keyId = parseKeyIdHex(hex, what);
  const { type, raw } = decodeKeyMaterial(key64, what);
  const expected = noteKeyId(name, type, raw);
  if (keyId !== expected) throw new MalformedKeyError(`${what} says key id ${hex}, but its name and key give ${keyIdHex(expected)}: the key was altered or mistyped`);
  return { name, keyId, type, rawPublicKey: raw, publicKey: ed25519PublicKeyFromRaw(raw) };
}

/** A parsed verifier key of the given type (a verifier key string is parsed first). */
export function verifierKeyOfType(vkey: string | VerifierKey, type: number): VerifierKey {
  const key = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (key.type !== type) {
    const hint =
      type === SIGNATURE_TYPE_ED25519
        ? 'a witness cosignature key cannot check plain note signatures'
        : 'a plain Ed25519 note key cannot check witness cosignatures; the witness publishes its own verifier key of type 0x04';
    throw new MalformedKeyError(`the verifier key for ${describe(key.name)} is of type ${KNOWN_TYPES.get(key.type)}, not ${KNOWN_TYPES.get(type)}: ${hint}`);
  }
  return key;
}

/**
 * Parses a Go note signer key, `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ 32-byte seed)>`, as
 * golang.org/x/mod/sumdb/note's GenerateKey writes it, so that a key made with Go tooling can sign
 * here. The key id is checked against the public key the seed gives. Error messages never repeat
 * the key material.
 */
export function parseGoPrivateKey(skey: string): { name: string; keyId: number; privateKey: KeyObject; verifierKey: string } {
  const parts = splitPlus(skey, 4);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new MalformedKeyError('the private key does not have the form PRIVATE+KEY+<name>+<key id>+<base64 key>');
  const [, , name, hex, key64] = parts;
  const problem = keyNameProblem(name);
  if (problem) throw new MalformedKeyError(`the private key has a bad name: ${problem}`);
  const what = `the private key for ${describe(name)}`;
  const keyId = parseKeyIdHex(hex, what);
  const { type, raw: seed } = decodeKeyMaterial(key64, what);
  if (type !== SIGNATURE_TYPE_ED25519) throw new MalformedKeyError(`${what} is of type ${KNOWN_TYPES.get(type)}; only Ed25519 (0x01) Go signer keys are read`);
  const privateKey = ed25519PrivateKeyFromSeed(seed);
  const expected = noteKeyId(name, type, rawEd25519PublicKey(privateKey));
  if (keyId !== expected) throw new MalformedKeyError(`${what} says key id ${hex}, but its name and key give ${keyIdHex(expected)}: the key was altered or mistyped`);
  return { name, keyId, privateKey, verifierKey: ed25519VerifierKey(name, privateKey) };
}

// ---- signers and verifiers ---------------------------------------------------------------------

/** A signer of plain Ed25519 note signatures (type 0x01). */
export function ed25519Signer(name: string, privateKey: KeyObject): Ed25519NoteSigner {
  assertKeyName(name, 'the signer name');
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new MalformedKeyError(`the signer ${describe(name)} needs an Ed25519 private key`);
  const raw = rawEd25519PublicKey(privateKey);
  return {
    name,
    keyId: noteKeyId(name, SIGNATURE_TYPE_ED25519, raw),
    verifierKey: ed25519VerifierKey(name, raw),
    sign: (message) => sign(null, message, privateKey),
  };
}

/** Ed25519 verification that answers false, never throws, for a signature of the wrong length. */
export function verifyEd25519(publicKey: KeyObject, message: Buffer, signature: Buffer): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verify(null, message, publicKey, signature);
  } catch {
    return false;
  }
}

/** A verifier of plain Ed25519 note signatures from a verifier key of type 0x01. */
export function ed25519Verifier(vkey: string | VerifierKey): NoteVerifier {
  const key = verifierKeyOfType(vkey, SIGNATURE_TYPE_ED25519);
  return {
    name: key.name,
    keyId: key.keyId,
    signatureLength: ED25519_SIGNATURE_BYTES,
    verify: (message, signature) => verifyEd25519(key.publicKey, message, signature),
  };
}

// ---- signature lines ---------------------------------------------------------------------------

/** One signature line, `— <name> <base64(key id ‖ signature)>\n`. */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  assertKeyName(name, 'the signer name');
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) throw new MalformedKeyError(`the key id of ${describe(name)} is not a uint32: ${keyId}`);
  if (signature.length === 0) throw new MalformedNoteError(`the signer ${describe(name)} produced an empty signature`);
  const payload = Buffer.alloc(4 + signature.length);
  payload.writeUInt32BE(keyId, 0);
  payload.set(signature, 4);
  return `${SIGNATURE_PREFIX}${name} ${payload.toString('base64')}\n`;
}

/**
 * Parses one signature line, with or without its final newline. `where` names the line in
 * messages ("signature line 2").
 */
export function parseSignatureLine(line: string, where = 'the signature line'): NoteSignature {
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  if (body.includes('\n')) throw new MalformedNoteError(`${where} holds more than one line`);
  const characters = noteCharacterProblem(body);
  if (characters) throw new MalformedNoteError(`${where} is not allowed in a signed note: ${characters}`);
  if (!body.startsWith(SIGNATURE_PREFIX)) {
    const hint = /^[-\u2013]/.test(body) ? ' (a hyphen or en dash is not the em dash U+2014)' : body.startsWith('\u2014') ? ' (the em dash must be followed by exactly one space)' : '';
    throw new MalformedNoteError(`${where} does not begin with an em dash (U+2014) and a space${hint}: ${describe(body)}`);
  }
  const rest = body.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw new MalformedNoteError(`${where} has no space between the key name and the signature: ${describe(body)}`);
  const name = rest.slice(0, space);
  const b64 = rest.slice(space + 1);
  if (name === '') throw new MalformedNoteError(`${where} has an empty key name (an extra space after the em dash?): ${describe(body)}`);
  const nameProblem = keyNameProblem(name);
  if (nameProblem) throw new MalformedNoteError(`${where} has a bad key name ${describe(name)}: ${nameProblem}`);
  if (b64 === '') throw new MalformedNoteError(`${where} has no signature after the key name ${describe(name)}`);
  if (/\s/.test(b64)) throw new MalformedNoteError(`${where} (by ${describe(name)}) has extra spaces: the key name and the signature are separated by exactly one space and nothing follows the signature`);
  const problem = base64Problem(b64);
  if (problem) throw new MalformedNoteError(`${where} (by ${describe(name)}) is not canonical base64: ${problem}`);
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length < 5) throw new MalformedNoteError(`${where} (by ${describe(name)}) decodes to ${bytes.length} bytes; it must hold a 4-byte key id and a signature`);
  return { name, keyId: bytes.readUInt32BE(0), signature: Buffer.from(bytes.subarray(4)) };
}

// ---- notes -------------------------------------------------------------------------------------

/** Why `text` cannot be signed as a note's text, or undefined. */
export function noteTextProblem(text: string): string | undefined {
  if (text === '') return 'it is empty';
  if (!text.endsWith('\n')) return 'it does not end in a newline';
  return noteCharacterProblem(text);
}

/**
 * Signs `text` with each signer: `text`, a blank line, one signature line per signer in order.
 * The text must be non-empty, end in a newline and hold no control character but newline.
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  const problem = noteTextProblem(text);
  if (problem) throw new MalformedNoteError(`the text cannot be signed as a note: ${problem}`);
  if (signers.length === 0) throw new MalformedNoteError('a signed note needs at least one signature; no signer was given');
  if (signers.length > MAX_NOTE_SIGNATURES) throw new MalformedNoteError(`${signers.length} signers: a note may carry at most ${MAX_NOTE_SIGNATURES} signatures`);
  const seen = new Set<string>();
  for (const signer of signers) {
    const id = `${signer.name}+${keyIdHex(signer.keyId)}`;
    if (seen.has(id)) throw new MalformedNoteError(`the signer ${id} is given twice`);
    seen.add(id);
  }
  const message = Buffer.from(text, 'utf8');
  return text + '\n' + signers.map((signer) => formatSignatureLine(signer.name, signer.keyId, signer.sign(message))).join('');
}

/**
 * Parses a signed note without checking any signature. The text is everything up to the last
 * blank line (the text itself may hold blank lines); after it must come one or more well-formed
 * signature lines, the last ending in a newline.
 */
export function parseNote(note: string | Uint8Array): ParsedNote {
  const s = typeof note === 'string' ? note : decodeUtf8(note, 'the note');
  const characters = noteCharacterProblem(s);
  if (characters) throw new MalformedNoteError(`the note is not allowed as a signed note: ${characters}`);
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNoteError('the note has no blank line: a signed note is its text, one blank line, then one or more signature lines');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block === '') throw new MalformedNoteError('the note ends with its blank line: no signature line follows it');
  if (!block.endsWith('\n')) throw new MalformedNoteError('the last signature line does not end in a newline: the note may have been cut short');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new MalformedNoteError(`the note carries ${lines.length} signature lines; at most ${MAX_NOTE_SIGNATURES} are accepted`);
  return { text, signatures: lines.map((line, i) => parseSignatureLine(line, `signature line ${i + 1}`)) };
}

/**
 * Parses a note and checks its signatures against `verifiers`, as the spec says: a signature
 * whose key name and key id both match a given verifier must verify, or the whole note is
 * rejected (InvalidSignatureError); signatures by other keys are ignored (returned as
 * `unverified`); and if no signature by a given key verified, the note is rejected
 * (UnverifiedNoteError). To require several keys (a log and its witnesses), check `verified`.
 */
export function verifyNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const known = new Map<string, NoteVerifier>();
  for (const verifier of verifiers) {
    const id = `${verifier.name}+${keyIdHex(verifier.keyId)}`;
    // Two keys with one name and key id would make "the signer's key" ambiguous: a configuration error.
    if (known.has(id)) throw new MalformedKeyError(`two of the verifier keys given are both ${id}: the name and key id must identify one key`);
    known.set(id, verifier);
  }
  const parsed = parseNote(note);
  const message = Buffer.from(parsed.text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const signature of parsed.signatures) {
    const id = `${signature.name}+${keyIdHex(signature.keyId)}`;
    const verifier = known.get(id);
    if (!verifier) {
      unverified.push(signature);
      continue;
    }
    if (verifier.signatureLength !== undefined && signature.signature.length !== verifier.signatureLength) {
      throw new InvalidSignatureError(
        signature.name,
        signature.keyId,
        `the signature by ${signature.name} (key ${id}) is ${signature.signature.length} bytes where the key's signatures are ${verifier.signatureLength}: the signature line was altered`,
      );
    }
    if (!verifier.verify(message, signature.signature)) {
      throw new InvalidSignatureError(
        signature.name,
        signature.keyId,
        `the signature by ${signature.name} (key ${id}) does not verify: the note was changed after it was signed, or the key is not the signer's`,
      );
    }
    if (!verified.some((v) => v.name === signature.name && v.keyId === signature.keyId)) verified.push(signature);
  }
  if (verified.length === 0) throw new UnverifiedNoteError(parsed.signatures, unverifiedMessage(parsed.signatures, [...known.values()]));
  return { ...parsed, verified, unverified };
}

function unverifiedMessage(signatures: readonly NoteSignature[], verifiers: readonly NoteVerifier[]): string {
  const expected = verifiers.length === 0 ? 'no key was given to check it against' : `it was checked against ${verifiers.map((v) => `${v.name}+${keyIdHex(v.keyId)}`).join(', ')}`;
  const found = signatures.map((s) => `${s.name}+${keyIdHex(s.keyId)}`).join(', ');
  // Same name, other key id: the likeliest story is a key rotation or a forged key, so say so.
  const sameName = signatures.filter((s) => verifiers.some((v) => v.name === s.name)).map((s) => `${s.name}+${keyIdHex(s.keyId)}`);
  const hint = sameName.length > 0 ? `; ${sameName.join(', ')} has the expected name but another key id, so it was made with a different key` : '';
  return `the note has no signature by a known key: ${expected}, and it is signed by ${found} (signatures by unknown keys are ignored)${hint}`;
}
