import type { KeyObject } from 'node:crypto';
import { sign } from 'node:crypto';
import { parseCheckpoint } from './checkpoint-note';
import {
  MalformedKeyError,
  type NoteSignature,
  type NoteVerifier,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  type VerifierKey,
  formatSignatureLine,
  formatVerifierKey,
  keyIdHex,
  noteKeyId,
  keyNameProblem,
  parseSignatureLine,
  rawEd25519PublicKey,
  verifierKeyOfType,
  verifyEd25519,
} from './signed-note';

/**
 * C2SP witness cosignatures, Ed25519 cosignature/v1 (https://c2sp.org/tlog-cosignature).
 *
 * A cosignature is a note signature line on a checkpoint by a witness that checked the log's
 * consistency. Its key id uses signature type 0x04:
 *
 *   key id    = SHA-256(<name> ‖ "\n" ‖ 0x04 ‖ 32-byte Ed25519 public key)[:4]
 *   payload   = key id (4) ‖ timestamp (8, big-endian uint64, POSIX seconds) ‖ Ed25519 signature (64)
 *   signed    = "cosignature/v1\n" ‖ "time <timestamp, decimal>\n" ‖ the checkpoint's note text
 *
 * The signed message does not commit to the witness's name: a witness must use a distinct key
 * per cosigner identity (the spec says so; nothing here can check it).
 */

export const COSIGNATURE_V1_HEADER = 'cosignature/v1\n';
/** timestamp (8) ‖ Ed25519 signature (64): what follows the key id in a cosignature/v1 line. */
export const COSIGNATURE_V1_SIGNATURE_BYTES = 8 + 64;
/** The spec caps the timestamp at 2^63 - 1. */
const MAX_SPEC_TIMESTAMP = (1n << 63n) - 1n;

export type CosignatureCheck = { ok: true; time: number } | { ok: false; time?: number; reason: string };

/** The verifier key of a witness: `<name>+<key id>+<base64(0x04 ‖ public key)>`. */
export function witnessVerifierKey(name: string, publicKey: KeyObject | Uint8Array): string {
  return formatVerifierKey(name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey);
}

function checkTime(timeSeconds: number): void {
  if (!Number.isSafeInteger(timeSeconds) || timeSeconds < 0) throw new RangeError(`a cosignature's time is whole seconds since the epoch, a non-negative integer no larger than 2^53 - 1, not ${timeSeconds}`);
}

/** The message a cosignature/v1 signs: the header line, the time line, then the checkpoint text. */
export function cosignatureMessage(checkpointText: string, timeSeconds: number): Buffer {
  checkTime(timeSeconds);
  // String() of a safe integer is decimal with no leading zeros, as the time line requires.
  return Buffer.from(`${COSIGNATURE_V1_HEADER}time ${String(timeSeconds)}\n${checkpointText}`, 'utf8');
}

/**
 * Cosigns a checkpoint as the witness `witnessName` at `timeSeconds` and returns the signature
 * line (`— <name> <base64>\n`), to be appended to the checkpoint's signed note. The text must be
 * a well-formed checkpoint (parseCheckpoint): a witness states something about a tree head, so it
 * refuses to sign anything else.
 */
export function cosign(checkpointText: string, witnessName: string, privateKey: KeyObject, timeSeconds: number): string {
  parseCheckpoint(checkpointText);
  const nameProblem = keyNameProblem(witnessName);
  if (nameProblem) throw new MalformedKeyError(`the witness name ${JSON.stringify(witnessName)} cannot be a key name: ${nameProblem}`);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new MalformedKeyError(`the witness ${JSON.stringify(witnessName)} needs an Ed25519 private key`);
  const keyId = noteKeyId(witnessName, SIGNATURE_TYPE_COSIGNATURE_V1, rawEd25519PublicKey(privateKey));
  const signature = sign(null, cosignatureMessage(checkpointText, timeSeconds), privateKey);
  const payload = Buffer.alloc(COSIGNATURE_V1_SIGNATURE_BYTES);
  payload.writeBigUInt64BE(BigInt(timeSeconds), 0);
  signature.copy(payload, 8);
  return formatSignatureLine(witnessName, keyId, payload);
}

/**
 * The timestamp of a cosignature/v1 signature (the bytes after the key id, or a parsed line),
 * in seconds; undefined if it is not 72 bytes long or its timestamp is beyond 2^53 - 1.
 */
export function cosignatureTime(signature: NoteSignature | Uint8Array): number | undefined {
  const bytes = Buffer.from(signature instanceof Uint8Array ? signature : signature.signature);
  if (bytes.length !== COSIGNATURE_V1_SIGNATURE_BYTES) return undefined;
  const time = bytes.readBigUInt64BE(0);
  return time <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(time) : undefined;
}

/** Checks the 72 bytes after the key id against the message built from `text`. */
function checkPayload(key: VerifierKey, text: string, payload: Buffer): CosignatureCheck {
  if (payload.length !== COSIGNATURE_V1_SIGNATURE_BYTES) {
    return { ok: false, reason: `the cosignature is ${payload.length} bytes after its key id, where a cosignature/v1 is ${COSIGNATURE_V1_SIGNATURE_BYTES} (an 8-byte timestamp and a 64-byte Ed25519 signature)` };
  }
  const time = payload.readBigUInt64BE(0);
  if (time > MAX_SPEC_TIMESTAMP) return { ok: false, reason: `the cosignature's timestamp ${time} exceeds 2^63 - 1, which the spec forbids` };
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `the cosignature's timestamp ${time} is beyond 2^53 - 1 seconds, which this implementation handles` };
  const seconds = Number(time);
  if (!verifyEd25519(key.publicKey, cosignatureMessage(text, seconds), payload.subarray(8))) {
    return {
      ok: false,
      time: seconds,
      reason: `the cosignature by ${key.name} does not verify: the checkpoint is not the one the witness signed, its time was changed, or the key is not the witness's`,
    };
  }
  return { ok: true, time: seconds };
}

/**
 * Checks one cosignature line against a checkpoint's text and the witness's verifier key (type
 * 0x04). A malformed key or checkpoint is a caller's mistake and throws; anything wrong with the
 * line, which comes from the witness, is answered as `{ ok: false, reason }`.
 */
export function verifyCosignature(checkpointText: string, line: string, witnessKey: string | VerifierKey): CosignatureCheck {
  const key = verifierKeyOfType(witnessKey, SIGNATURE_TYPE_COSIGNATURE_V1);
  parseCheckpoint(checkpointText);
  let signature: NoteSignature;
  try {
    signature = parseSignatureLine(line, 'the cosignature line');
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (signature.name !== key.name) return { ok: false, reason: `the cosignature line is by ${JSON.stringify(signature.name)}, not by the witness ${JSON.stringify(key.name)}` };
  if (signature.keyId !== key.keyId) {
    // The same key's plain Ed25519 (0x01) key id: a witness that signed the note, not cosigned it.
    const plain = noteKeyId(key.name, SIGNATURE_TYPE_ED25519, key.rawPublicKey);
    const hint = signature.keyId === plain ? ': it is a plain Ed25519 note signature (type 0x01) by the witness key, not a cosignature/v1' : ': it was made with another key';
    return { ok: false, reason: `the cosignature line has key id ${keyIdHex(signature.keyId)}, not the witness key's ${keyIdHex(key.keyId)}${hint}` };
  }
  return checkPayload(key, checkpointText, signature.signature);
}

/**
 * A NoteVerifier for a witness's cosignatures, so that verifyNote (or verifyCheckpointNote) can
 * check a log's signature and its witnesses' cosignatures on one note. The time of a verified
 * cosignature is cosignatureTime(signature).
 */
export function cosignatureVerifier(witnessKey: string | VerifierKey): NoteVerifier {
  const key = verifierKeyOfType(witnessKey, SIGNATURE_TYPE_COSIGNATURE_V1);
  return {
    name: key.name,
    keyId: key.keyId,
    signatureLength: COSIGNATURE_V1_SIGNATURE_BYTES,
    verify: (message, signature) => checkPayload(key, message.toString('utf8'), signature).ok,
  };
}
