import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import type { EventToAppend } from '@samverkan/event-store';
import { canonicalJson } from '../chain/canonical-json';
import { PublicKeyRing, SIGNATURE_ALGORITHM, SigningKey, verifyMessage } from '../signing/signing-key';

/**
 * Signed checkpoints. Periodically (and on demand) the service appends, to its own stream,
 * an `AuditCheckpointRecorded` event that records, as of a global position:
 *
 * - every stream's head: its last revision, that event's chain hash and its position;
 * - how many events the log holds up to that position;
 * - the log digest: a running SHA-256 over the chain hashes of every event in commit order,
 *   `digest(n) = SHA-256(digest(n-1) ‖ hash(n))` from 32 zero bytes;
 *
 * signed with the service's Ed25519 key over the canonical JSON of the rest of the data.
 * The per-stream chains show an edit, a removal or a reordering inside a stream; the
 * checkpoint anchors what they cannot show: the last events of a stream, whole streams, and
 * the order of events across streams, up to its position, against anyone without the key.
 */
export const CHECKPOINT_STREAM = 'audit-checkpoints';
export const CHECKPOINT_EVENT_TYPE = 'AuditCheckpointRecorded';
export const CHECKPOINT_FORMAT = 'samverkan-audit-checkpoint/1';
/**
 * 2: the checkpoint also carries the Merkle tree head (`tree`) and the same head as a C2SP
 * signed note (`note`). Version 1 checkpoints have neither and are read as they are.
 */
export const CHECKPOINT_SCHEMA_VERSION = 2;

/** The Merkle tree head a checkpoint records: the RFC 9162 root over the first `size` events of the log. */
export interface TreeHeadRecord {
  size: number;
  /** base64 of the 32-byte root hash. */
  root: string;
}

/** A stream's head as a checkpoint records it. */
export interface StreamHeadRecord {
  revision: number;
  hash: string;
  position: number;
}

/** What a checkpoint attests, before it is signed. */
export interface CheckpointBody {
  format: typeof CHECKPOINT_FORMAT;
  /** The global position it covers: every event at or before it. */
  position: number;
  /** How many events the log holds up to `position`. */
  events: number;
  /** The log digest up to `position` (hex). */
  digest: string;
  streams: Record<string, StreamHeadRecord>;
  signedAt: string;
  key: { algorithm: typeof SIGNATURE_ALGORITHM; keyId: string };
  /** The tree head over the same `events` (schema version 2). */
  tree?: TreeHeadRecord;
  /** The tree head as a C2SP tlog-checkpoint in a signed note, signed with the same key (schema version 2). */
  note?: string;
}

export interface CheckpointData extends CheckpointBody {
  /** Ed25519 over the canonical JSON of everything else in the data (base64). */
  signature: string;
}

export const GENESIS_DIGEST = '0'.repeat(64);

const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'buffer') => Buffer }).hash;
const scratch = Buffer.alloc(64);

/** One step of the log digest: SHA-256 of the previous digest's 32 bytes followed by the event hash's 32 bytes. */
export function nextDigest(digest: Buffer, hashHex: string): Buffer {
  if (!oneShot) return createHash('sha256').update(digest).update(Buffer.from(hashHex, 'hex')).digest();
  digest.copy(scratch, 0, 0, 32);
  scratch.write(hashHex, 32, 32, 'hex');
  return oneShot('sha256', scratch, 'buffer');
}

export function signCheckpoint(body: Omit<CheckpointBody, 'format' | 'key'>, key: SigningKey): CheckpointData {
  const full: CheckpointBody = { format: CHECKPOINT_FORMAT, ...body, key: { algorithm: SIGNATURE_ALGORITHM, keyId: key.keyId } };
  return { ...full, signature: key.sign(canonicalJson(full)) };
}

export type SignatureCheck = 'valid' | 'invalid' | 'unknown-key' | 'not-checked';

export function checkSignature(data: CheckpointData, keys: PublicKeyRing | undefined): SignatureCheck {
  if (!keys || keys.size === 0) return 'not-checked';
  const key = keys.get(data.key.keyId);
  if (!key) return 'unknown-key';
  const { signature, ...body } = data;
  return verifyMessage(key, canonicalJson(body), signature) ? 'valid' : 'invalid';
}

const HEX64 = /^[0-9a-f]{64}$/;
/** 32 bytes in standard base64: 43 characters and one '=' (the last character carries 4 bits). */
const ROOT_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const isWhole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** The checkpoint in an event's data, if it is well formed (signature not checked). */
export function parseCheckpoint(data: unknown): CheckpointData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Partial<CheckpointData>;
  if (d.format !== CHECKPOINT_FORMAT || !isWhole(d.position) || !isWhole(d.events) || typeof d.digest !== 'string' || !HEX64.test(d.digest)) return undefined;
  if (typeof d.signature !== 'string' || typeof d.signedAt !== 'string' || typeof d.key !== 'object' || d.key === null || typeof d.key.keyId !== 'string') return undefined;
  if (typeof d.streams !== 'object' || d.streams === null) return undefined;
  if (d.tree !== undefined && (typeof d.tree !== 'object' || d.tree === null || !isWhole(d.tree.size) || typeof d.tree.root !== 'string' || !ROOT_BASE64.test(d.tree.root))) return undefined;
  if (d.note !== undefined && typeof d.note !== 'string') return undefined;
  for (const head of Object.values(d.streams)) {
    if (typeof head !== 'object' || head === null || !isWhole(head.revision) || !isWhole(head.position) || typeof head.hash !== 'string') return undefined;
  }
  return d as CheckpointData;
}

/** Who records a checkpoint: an auditor's key name, or the service itself on its timer. */
export interface CheckpointAuthor {
  actor: string;
  source: string;
  recordedAt: string;
  /** A UUID: the event id, the command id and the correlation id. */
  id: string;
}

/** The checkpoint as an event to append to CHECKPOINT_STREAM (unsealed: the caller seals it onto the stream's chain). */
export function checkpointEvent(data: CheckpointData, author: CheckpointAuthor): EventToAppend {
  return {
    id: author.id,
    type: CHECKPOINT_EVENT_TYPE,
    data: data as unknown as Record<string, unknown>,
    metadata: {
      commandId: author.id,
      correlationId: author.id,
      causationId: author.id,
      actor: author.actor,
      source: author.source,
      recordedAt: author.recordedAt,
      // Version 1 is what a checkpoint without a tree head is (tests and tools that sign only the chains).
      schemaVersion: data.tree ? CHECKPOINT_SCHEMA_VERSION : 1,
    },
  };
}
