import canonicalize from 'canonicalize';
import { ApiError, authHeaders, getJson } from './api';
import { Problem } from './types';

/**
 * Checks, in the browser, that the events the page shows are in the log the service has signed:
 *
 * 1. the latest checkpoint (`GET /v1/audit/checkpoint`, a C2SP tlog-checkpoint in a signed note)
 *    is parsed strictly and its Ed25519 signature checked against the published verifier key
 *    (`GET /v1/audit/public-key`), whose key id is recomputed from its name and key;
 * 2. each event (as `GET /v1/audit/streams/<stream>` serves it) is hashed as an RFC 9162 leaf,
 *    SHA-256(0x00 ‖ RFC 8785 JCS of its seven recorded fields), and its inclusion proof for the
 *    checkpoint's tree size is folded as RFC 9162 §2.1.3.2 says, up to the signed root.
 *
 * Everything is computed here with WebCrypto (SHA-256, and Ed25519 where the browser has it; the
 * audited @noble/ed25519 otherwise, loaded only then) and the `canonicalize` JCS library; the
 * service is asked for data only. The key comes from the same service, so this shows that the
 * page agrees with what the service signed under the key it publishes: compare the key id shown
 * with one you hold to know it is the register's key.
 *
 * Pure functions first (tested in verify.unit.spec.ts), then the fetching.
 */

// ---- failures ----------------------------------------------------------------------------------

/** Why something did not verify; the page names each in words (i18n `verifyReason`). */
export type FailureCode =
  /** No WebCrypto here (the page is not in a secure context), or the Ed25519 library did not load. */
  | 'unavailable'
  /** The key may not read the audit log (401, 403). */
  | 'forbidden'
  /** The checkpoint, key, events or a proof could not be fetched. */
  | 'fetch-failed'
  | 'malformed-note'
  | 'malformed-key'
  /** The verifier key's key id is not the one its name and key give. */
  | 'key-id-mismatch'
  /** The checkpoint is of another log than the key's. */
  | 'origin-mismatch'
  /** The note has no signature line by the published key's name. */
  | 'unsigned'
  /** The note's signature line by that name has another key id: another key signed it. */
  | 'wrong-key-id'
  /** A signature by the published key does not verify over the note's text. */
  | 'bad-signature'
  /** The checkpoint did not verify, so nothing can be checked against it. */
  | 'checkpoint-failed'
  /** The audit log has no event at the row's position. */
  | 'not-in-log'
  /** The audit log's event at that position is not the one the row shows (another stream or type). */
  | 'row-mismatch'
  /** The proof is not an inclusion proof as asked for (another leaf or size, a hash that is not 32 bytes). */
  | 'malformed-proof'
  /** The proof has more or fewer hashes than the tree's shape allows. */
  | 'proof-shape'
  /** The proof folds to a root other than the signed one: the event is not the one the log holds. */
  | 'root-mismatch';

export class VerifyError extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'VerifyError';
  }
}

// ---- bytes -------------------------------------------------------------------------------------

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Why `text` is not canonical standard base64 (RFC 4648 §4, padded), or undefined if it is:
 * one byte string, one spelling, as the service's signed-note parser requires.
 */
export function base64Problem(text: string): string | undefined {
  if (text === '') return 'it is empty';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    return /[-_]/.test(text) ? 'it uses the URL-safe alphabet (- or _)' : 'it holds characters outside standard base64';
  }
  if (text.length % 4 !== 0) return `its length, ${text.length}, is not a multiple of 4`;
  if (toBase64(rawBase64(text)) !== text) return 'it is not canonical (its last character sets bits that encode nothing)';
  return undefined;
}

function rawBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Canonical base64 to bytes; a VerifyError with `code` and `what` otherwise. */
export function fromBase64(text: string, code: FailureCode, what: string): Uint8Array {
  const problem = base64Problem(text);
  if (problem) throw new VerifyError(code, `${what} is not canonical base64: ${problem}`);
  return rawBase64(text);
}

function uint32(bytes: Uint8Array, at = 0): number {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

// ---- hashing (RFC 9162 §2.1) -------------------------------------------------------------------

export const HASH_SIZE = 32;

function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new VerifyError('unavailable', 'this browser offers no WebCrypto here (crypto.subtle needs a secure context: https or localhost)');
  return subtle;
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtleCrypto().digest('SHA-256', data));
}

/** RFC 9162 leaf hash: SHA-256(0x00 ‖ input); a string is hashed as its UTF-8. */
export function leafHash(input: Uint8Array | string): Promise<Uint8Array> {
  return sha256(concatBytes(Uint8Array.of(0x00), typeof input === 'string' ? utf8(input) : input));
}

/** RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(Uint8Array.of(0x01), left, right));
}

/** An event as the audit API serves it (`/v1/audit/events`, `/v1/audit/streams/<stream>`). */
export interface AuditEvent {
  position: number;
  stream: string;
  revision: number;
  type: string;
  id: string;
  data: unknown;
  metadata: unknown;
  recordedAt?: string;
  /** Where the event's leaf is in the log's Merkle tree; absent until the tree has it. */
  leafIndex?: number;
}

/**
 * The event's leaf input: the JCS (RFC 8785) canonical JSON of exactly its seven recorded fields,
 * written by the `canonicalize` library; recordedAt and leafIndex are derived, so left out.
 */
export function leafInputOf(event: AuditEvent): string {
  const { position, stream, revision, type, id, data, metadata } = event;
  const text = canonicalize({ position, stream, revision, type, id, data, metadata });
  if (text === undefined) throw new VerifyError('malformed-proof', `event ${position} has no JSON form`);
  return text;
}

export function eventLeafHash(event: AuditEvent): Promise<Uint8Array> {
  return leafHash(leafInputOf(event));
}

export type InclusionCheck = { ok: true } | { ok: false; code: 'malformed-proof' | 'proof-shape' | 'root-mismatch'; message: string };

/**
 * RFC 9162 §2.1.3.2: does `proof` show that `hash` is leaf `index` of the tree of `size` leaves
 * whose root is `root`? The RFC's algorithm step by step: fn walks the leaf's index up the tree,
 * sn the last leaf's, r the hash so far. Never throws for a malformed proof; says why instead.
 */
export async function checkInclusion(hash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): Promise<InclusionCheck> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return { ok: false, code: 'malformed-proof', message: `leaf ${index} is not in a tree of ${size} leaves` };
  }
  if (hash.length !== HASH_SIZE || root.length !== HASH_SIZE) return { ok: false, code: 'malformed-proof', message: 'the leaf hash and the root must be 32 bytes each' };
  const short = proof.findIndex((p) => p.length !== HASH_SIZE);
  if (short >= 0) return { ok: false, code: 'malformed-proof', message: `hash ${short + 1} of the proof is ${proof[short].length} bytes, not ${HASH_SIZE}` };
  // Step 2: fn = leaf_index, sn = tree_size - 1; step 3: r = the leaf hash. Halving by division
  // rather than >> keeps sizes past 2^31 exact.
  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const p of proof) {
    // 4a. The path is longer than the tree is deep.
    if (sn === 0) return { ok: false, code: 'proof-shape', message: `the proof has ${proof.length} hashes, more than leaf ${index} of a tree of ${size} needs` };
    if (fn % 2 === 1 || fn === sn) {
      // 4b. p is a left sibling: r = HASH(0x01 ‖ p ‖ r); on the tree's right edge, r rises past
      // the levels where it has no sibling.
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      // 4b, otherwise: p is a right sibling.
      r = await nodeHash(r, p);
    }
    // 4c.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5. The path must reach the root, and the root must be the signed one.
  if (sn !== 0) return { ok: false, code: 'proof-shape', message: `the proof has ${proof.length} hashes, fewer than leaf ${index} of a tree of ${size} needs` };
  if (!equalBytes(r, root)) return { ok: false, code: 'root-mismatch', message: `the proof folds to ${toBase64(r)}, not to the signed root ${toBase64(root)}` };
  return { ok: true };
}

// ---- signed notes and checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint) -------------

const SIGNATURE_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;
const SIGNATURE_TYPE_ED25519 = 0x01;
const ED25519_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

function malformed(message: string): VerifyError {
  return new VerifyError('malformed-note', message);
}

/** Why `text` cannot be in a signed note: not well-formed Unicode, or a control character but newline. */
function characterProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'it is not valid UTF-8 (a lone surrogate)';
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return 'it is not valid UTF-8 (a lone surrogate)';
    else if (c < 0x20 && c !== 0x0a) return `it holds the control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at offset ${i}${c === 0x0d ? ' (a carriage return)' : ''}`;
  }
  return undefined;
}

function keyNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.includes('+')) return 'it contains a plus sign';
  if (/\p{White_Space}/u.test(name)) return 'it contains a space character';
  return characterProblem(name);
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** What follows the key id: for Ed25519, the 64-byte signature. */
  signature: Uint8Array;
}

export interface CheckpointNote {
  /** The signed text: origin, size and root lines (and any extension lines), each with its newline. */
  text: string;
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  extensions: string[];
  signatures: NoteSignature[];
}

function parseSignatureLine(line: string, where: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed(`${where} does not begin with an em dash (U+2014) and a space`);
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw malformed(`${where} has no space between the key name and the signature`);
  const name = rest.slice(0, space);
  const b64 = rest.slice(space + 1);
  const nameProblem = keyNameProblem(name);
  if (nameProblem) throw malformed(`${where} has a bad key name: ${nameProblem}`);
  if (/\s/.test(b64)) throw malformed(`${where} (by ${name}) has extra spaces`);
  const bytes = fromBase64(b64, 'malformed-note', `${where} (by ${name})`);
  if (bytes.length < 5) throw malformed(`${where} (by ${name}) decodes to ${bytes.length} bytes; it must hold a 4-byte key id and a signature`);
  return { name, keyId: uint32(bytes), signature: bytes.slice(4) };
}

/**
 * Parses a checkpoint's signed note strictly, without checking a signature: the text (up to the
 * last blank line) must be a tlog-checkpoint — origin, tree size in canonical decimal no larger
 * than 2^53 - 1, a root of exactly 32 bytes in canonical base64, non-empty extension lines — and
 * one or more well-formed signature lines must follow it.
 */
export function parseCheckpointNote(note: string): CheckpointNote {
  const characters = characterProblem(note);
  if (characters) throw malformed(`the note is not a signed note: ${characters}`);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('the note has no blank line between its text and its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '') throw malformed('no signature line follows the blank line');
  if (!block.endsWith('\n')) throw malformed('the last signature line does not end in a newline: the note may have been cut short');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`the note carries ${lines.length} signature lines; at most ${MAX_SIGNATURES} are accepted`);
  const signatures = lines.map((line, i) => parseSignatureLine(line, `signature line ${i + 1}`));

  const body = text.slice(0, -1).split('\n');
  if (body.length < 3) throw malformed(`the checkpoint has ${body.length} lines; it needs origin, tree size and root hash`);
  const [origin, size, root, ...extensions] = body;
  if (origin === '') throw malformed("the checkpoint's origin (line 1) is empty");
  if (!/^[0-9]+$/.test(size)) throw malformed(`the tree size (line 2) ${JSON.stringify(size)} is not a decimal number`);
  if (size.length > 1 && size.startsWith('0')) throw malformed(`the tree size (line 2) ${JSON.stringify(size)} has a leading zero`);
  if (BigInt(size) > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(`the tree size (line 2) ${size} is larger than 2^53 - 1`);
  const rootHash = fromBase64(root, 'malformed-note', 'the root hash (line 3)');
  if (rootHash.length !== HASH_SIZE) throw malformed(`the root hash (line 3) is ${rootHash.length} bytes, not ${HASH_SIZE}`);
  const empty = extensions.indexOf('');
  if (empty >= 0) throw malformed(`line ${empty + 4} of the checkpoint is empty`);
  return { text, origin, treeSize: Number(size), rootHash, extensions, signatures };
}

export interface VerifierKey {
  name: string;
  keyId: number;
  /** The 32-byte raw Ed25519 public key. */
  rawPublicKey: Uint8Array;
}

/** The note key id: the first 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ raw key). */
export async function noteKeyId(name: string, type: number, rawPublicKey: Uint8Array): Promise<number> {
  return uint32(await sha256(concatBytes(utf8(`${name}\n`), Uint8Array.of(type), rawPublicKey)));
}

/**
 * Parses a note verifier key `<name>+<8 hex key id>+<base64(0x01 ‖ 32-byte Ed25519 key)>` and
 * checks that its key id is the one its name and key give (else the key was altered).
 */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw new VerifyError('malformed-key', 'the verifier key does not have the form <name>+<key id>+<base64 key>');
  const name = vkey.slice(0, first);
  const hex = vkey.slice(first + 1, second);
  const nameProblem = keyNameProblem(name);
  if (nameProblem) throw new VerifyError('malformed-key', `the verifier key's name is not a key name: ${nameProblem}`);
  if (!/^[0-9a-f]{8}$/.test(hex)) throw new VerifyError('malformed-key', `the verifier key's key id ${JSON.stringify(hex)} is not 8 lowercase hex digits`);
  const bytes = fromBase64(vkey.slice(second + 1), 'malformed-key', "the verifier key's key part");
  if (bytes[0] !== SIGNATURE_TYPE_ED25519) throw new VerifyError('malformed-key', `the verifier key is of signature type 0x${bytes[0].toString(16).padStart(2, '0')}, not Ed25519 (0x01)`);
  if (bytes.length !== 1 + ED25519_KEY_BYTES) throw new VerifyError('malformed-key', `the verifier key holds ${bytes.length - 1} key bytes, not ${ED25519_KEY_BYTES}`);
  const rawPublicKey = bytes.slice(1);
  const expected = await noteKeyId(name, SIGNATURE_TYPE_ED25519, rawPublicKey);
  const keyId = Number.parseInt(hex, 16);
  if (keyId !== expected) throw new VerifyError('key-id-mismatch', `the verifier key says key id ${hex}, but its name and key give ${keyIdHex(expected)}: the key was altered`);
  return { name, keyId, rawPublicKey };
}

/** Which Ed25519 implementation checked a signature: the browser's WebCrypto, or @noble/ed25519. */
export type Ed25519Path = 'webcrypto' | 'noble';

/** verifyAsync's shape: (signature, message, public key) → valid? */
export type Ed25519Fallback = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => Promise<boolean>;

export interface Ed25519Options {
  /** The WebCrypto to try first (default: the browser's). */
  subtle?: SubtleCrypto;
  /** Loads the implementation for browsers whose WebCrypto lacks Ed25519 (default: @noble/ed25519). */
  fallback?: () => Promise<Ed25519Fallback>;
}

/**
 * @noble/ed25519, in its own chunk, fetched only by a browser without WebCrypto Ed25519. Its
 * async API hashes with WebCrypto's SHA-512 by default (its README: no sha512 setup is needed
 * for the async methods, only for the sync ones); zip215: false makes it check as RFC 8032
 * strictly, as WebCrypto and the service (OpenSSL) do.
 */
async function loadNoble(): Promise<Ed25519Fallback> {
  const ed = await import('@noble/ed25519');
  return (signature, message, publicKey) => ed.verifyAsync(signature, message, publicKey, { zip215: false });
}

/**
 * Ed25519 verification: WebCrypto's where the browser has it (importKey 'raw' as Ed25519), else
 * the fallback. Answers false, never throws, for a bad signature; only a missing implementation
 * throws (VerifyError 'unavailable').
 */
export async function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, options: Ed25519Options = {}): Promise<{ ok: boolean; via: Ed25519Path }> {
  const subtle = options.subtle ?? globalThis.crypto?.subtle;
  if (subtle) {
    let key: CryptoKey | undefined;
    try {
      key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    } catch {
      // No Ed25519 in this WebCrypto (NotSupportedError): the fallback checks it.
    }
    if (key) {
      try {
        return { ok: await subtle.verify({ name: 'Ed25519' }, key, signature, message), via: 'webcrypto' };
      } catch {
        // An implementation that imports the key but cannot verify: the fallback checks it.
      }
    }
  }
  let verify: Ed25519Fallback;
  try {
    verify = await (options.fallback ?? loadNoble)();
  } catch (error) {
    throw new VerifyError('unavailable', `this browser's WebCrypto has no Ed25519, and the Ed25519 library did not load: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return { ok: await verify(signature, message, publicKey), via: 'noble' };
  } catch {
    return { ok: false, via: 'noble' };
  }
}

export interface VerifiedCheckpoint extends CheckpointNote {
  key: VerifierKey;
  /** Which implementation checked the signature. */
  via: Ed25519Path;
}

/**
 * Parses a checkpoint note and checks it as the signed-note spec says: it must carry a signature
 * line by the key's name and key id, and every such line must verify over the text; lines by
 * other keys (a witness's cosignatures) are ignored. `origin`, when given, must be the
 * checkpoint's. Throws a VerifyError that says what was wrong.
 */
export async function verifyCheckpointNote(note: string, key: VerifierKey, options: Ed25519Options & { origin?: string } = {}): Promise<VerifiedCheckpoint> {
  const parsed = parseCheckpointNote(note);
  if (options.origin !== undefined && parsed.origin !== options.origin) {
    throw new VerifyError('origin-mismatch', `the checkpoint is of the log ${JSON.stringify(parsed.origin)}, not of ${JSON.stringify(options.origin)}`);
  }
  const id = `${key.name}+${keyIdHex(key.keyId)}`;
  const byKey = parsed.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (byKey.length === 0) {
    const sameName = parsed.signatures.find((s) => s.name === key.name);
    if (sameName) throw new VerifyError('wrong-key-id', `the note is signed by ${key.name} with key id ${keyIdHex(sameName.keyId)}, not with the published key ${id}: another key made that signature`);
    throw new VerifyError('unsigned', `the note carries no signature by ${key.name} (it is signed by ${parsed.signatures.map((s) => `${s.name}+${keyIdHex(s.keyId)}`).join(', ')})`);
  }
  const message = utf8(parsed.text);
  let via: Ed25519Path = 'webcrypto';
  for (const signature of byKey) {
    if (signature.signature.length !== ED25519_SIGNATURE_BYTES) {
      throw new VerifyError('bad-signature', `the signature by ${id} is ${signature.signature.length} bytes, not ${ED25519_SIGNATURE_BYTES}: the signature line was altered`);
    }
    const result = await verifyEd25519(key.rawPublicKey, message, signature.signature, options);
    via = result.via;
    if (!result.ok) throw new VerifyError('bad-signature', `the signature by ${id} does not verify: the checkpoint was changed after it was signed, or another key signed it`);
  }
  return { ...parsed, key, via };
}

// ---- the page's question: are these events in the signed log? ----------------------------------

export type EventVerdict =
  | { status: 'verified'; leafIndex: number }
  | { status: 'not-covered'; leafIndex?: number }
  | { status: 'failed'; code: FailureCode; message: string; leafIndex?: number };

export type CheckpointVerdict =
  | { status: 'ok'; origin: string; treeSize: number; rootHash: string; keyName: string; keyId: string; via: Ed25519Path }
  /** No checkpoint yet (404). */
  | { status: 'none' }
  | { status: 'failed'; code: FailureCode; message: string };

export interface Verification {
  checkpoint: CheckpointVerdict;
  /** By log position. */
  events: Map<number, EventVerdict>;
}

/** What the page shows of an event: where it is in the log. */
export interface LogEntry {
  position: number;
  stream: string;
  type: string;
}

export interface PublicKeyAnswer {
  origin?: string;
  noteVerifierKey?: string;
}

export interface InclusionProofAnswer {
  leafIndex: number;
  treeSize: number;
  hashes: string[];
}

/** Where the data comes from: the audit API (httpAuditSource) or a test's double. */
export interface AuditSource {
  /** The latest checkpoint's signed note; undefined when there is none yet. */
  checkpoint(): Promise<string | undefined>;
  publicKey(): Promise<PublicKeyAnswer>;
  stream(name: string): Promise<AuditEvent[]>;
  inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProofAnswer>;
}

/** The audit API, with the page's key. */
export function httpAuditSource(signal?: AbortSignal): AuditSource {
  return {
    async checkpoint() {
      const response = await fetch('/v1/audit/checkpoint', { headers: { Accept: 'text/plain', ...authHeaders() }, signal });
      if (response.status === 404) return undefined;
      if (!response.ok) {
        let problem: Problem | undefined;
        try {
          problem = (await response.json()) as Problem;
        } catch {
          problem = undefined;
        }
        throw new ApiError(response.status, problem, problem?.detail ?? `${response.status} ${response.statusText}`);
      }
      try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await response.arrayBuffer());
      } catch (error) {
        if (signal?.aborted) throw error;
        throw malformed('the note is not valid UTF-8');
      }
    },
    publicKey: () => getJson<PublicKeyAnswer>('/v1/audit/public-key', { signal }),
    stream: (name) => getJson<AuditEvent[]>(`/v1/audit/streams/${encodeURIComponent(name)}`, { signal }),
    inclusionProof: (leafIndex, treeSize) => getJson<InclusionProofAnswer>(`/v1/audit/proofs/inclusion?leafIndex=${leafIndex}&treeSize=${treeSize}`, { signal }),
  };
}

function failureOf(error: unknown, what: string): { code: FailureCode; message: string } {
  if (error instanceof VerifyError) return { code: error.code, message: error.message };
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return { code: 'forbidden', message: `${what}: ${error.message}` };
  return { code: 'fetch-failed', message: `${what}: ${error instanceof Error ? error.message : String(error)}` };
}

async function latestCheckpoint(source: AuditSource, options: Ed25519Options): Promise<{ verdict: CheckpointVerdict; checkpoint?: VerifiedCheckpoint }> {
  let note: string | undefined;
  let answer: PublicKeyAnswer;
  try {
    [note, answer] = await Promise.all([source.checkpoint(), source.publicKey()]);
  } catch (error) {
    return { verdict: { status: 'failed', ...failureOf(error, 'the checkpoint or the public key could not be fetched') } };
  }
  if (note === undefined) return { verdict: { status: 'none' } };
  try {
    if (typeof answer.noteVerifierKey !== 'string') throw new VerifyError('malformed-key', 'the public key answer has no noteVerifierKey');
    const key = await parseVerifierKey(answer.noteVerifierKey);
    const checkpoint = await verifyCheckpointNote(note, key, { ...options, ...(typeof answer.origin === 'string' ? { origin: answer.origin } : {}) });
    return {
      checkpoint,
      verdict: { status: 'ok', origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: toBase64(checkpoint.rootHash), keyName: key.name, keyId: keyIdHex(key.keyId), via: checkpoint.via },
    };
  } catch (error) {
    return { verdict: { status: 'failed', ...failureOf(error, 'the checkpoint') } };
  }
}

async function verifyEvent(entry: LogEntry, event: AuditEvent | undefined, checkpoint: VerifiedCheckpoint, source: AuditSource): Promise<EventVerdict> {
  if (!event) return { status: 'failed', code: 'not-in-log', message: `the audit log has no event at position ${entry.position} in ${entry.stream}` };
  if (event.stream !== entry.stream || event.type !== entry.type) {
    return { status: 'failed', code: 'row-mismatch', message: `the audit log's event at position ${entry.position} is ${event.type} in ${event.stream}, not ${entry.type} in ${entry.stream}` };
  }
  const leafIndex = event.leafIndex;
  if (typeof leafIndex !== 'number' || leafIndex >= checkpoint.treeSize) return { status: 'not-covered', ...(typeof leafIndex === 'number' ? { leafIndex } : {}) };
  try {
    const [hash, answer] = await Promise.all([eventLeafHash(event), source.inclusionProof(leafIndex, checkpoint.treeSize)]);
    if (answer.leafIndex !== leafIndex || answer.treeSize !== checkpoint.treeSize || !Array.isArray(answer.hashes)) {
      return { status: 'failed', code: 'malformed-proof', message: `the proof is for leaf ${answer.leafIndex} of ${answer.treeSize}, not leaf ${leafIndex} of ${checkpoint.treeSize}`, leafIndex };
    }
    const proof = answer.hashes.map((h, i) => fromBase64(h, 'malformed-proof', `hash ${i + 1} of the proof`));
    const check = await checkInclusion(hash, leafIndex, checkpoint.treeSize, proof, checkpoint.rootHash);
    return check.ok ? { status: 'verified', leafIndex } : { status: 'failed', code: check.code, message: check.message, leafIndex };
  } catch (error) {
    return { status: 'failed', ...failureOf(error, `the inclusion proof of leaf ${leafIndex}`), leafIndex };
  }
}

/**
 * Checks the latest checkpoint, then each entry against it. Never rejects: whatever goes wrong
 * (a fetch, a malformed answer, a signature) becomes a verdict with its reason.
 */
export async function verifyEntries(entries: readonly LogEntry[], source: AuditSource, options: Ed25519Options = {}): Promise<Verification> {
  const events = new Map<number, EventVerdict>();
  const { verdict, checkpoint } = await latestCheckpoint(source, options);
  if (!checkpoint) {
    for (const entry of entries) {
      events.set(
        entry.position,
        verdict.status === 'none'
          ? { status: 'not-covered' }
          : { status: 'failed', code: 'checkpoint-failed', message: `there is no verified checkpoint to check against: ${verdict.status === 'failed' ? verdict.message : ''}` },
      );
    }
    return { checkpoint: verdict, events };
  }
  const streams = [...new Set(entries.map((e) => e.stream))];
  const logged = new Map<string, Map<number, AuditEvent> | { code: FailureCode; message: string }>();
  await Promise.all(
    streams.map(async (name) => {
      try {
        const list = await source.stream(name);
        logged.set(name, new Map(list.map((e) => [e.position, e])));
      } catch (error) {
        logged.set(name, failureOf(error, `the events of ${name} could not be fetched`));
      }
    }),
  );
  await Promise.all(
    entries.map(async (entry) => {
      const stream = logged.get(entry.stream);
      if (stream === undefined || !(stream instanceof Map)) {
        events.set(entry.position, { status: 'failed', ...(stream ?? { code: 'fetch-failed', message: 'not fetched' }) });
        return;
      }
      events.set(entry.position, await verifyEvent(entry, stream.get(entry.position), checkpoint, source));
    }),
  );
  return { checkpoint: verdict, events };
}

/** Counts for the summary line. */
export function tally(verification: Verification, entries: readonly LogEntry[]): { verified: number; failed: number; notCovered: number; total: number } {
  const counts = { verified: 0, failed: 0, notCovered: 0, total: entries.length };
  for (const entry of entries) {
    const verdict = verification.events.get(entry.position);
    if (verdict?.status === 'verified') counts.verified++;
    else if (verdict?.status === 'failed') counts.failed++;
    else if (verdict?.status === 'not-covered') counts.notCovered++;
  }
  return counts;
}
