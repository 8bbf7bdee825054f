import type { RecordedEvent } from '@samverkan/event-store';
import { PublicKeyRing } from '../signing/signing-key';
import { SignatureCheck, StreamHeadRecord } from './checkpoint';

/**
 * What can be found broken, in the order the checks run on each event:
 * - `unchained`: the event carries no (well-formed) chain;
 * - `revision-gap`: revisions of the stream are missing before this event (removed, or moved later in the log);
 * - `revision-out-of-order`: the revision repeats or goes back (moved, or inserted);
 * - `chain-broken`: the event does not link to the stream's previous event (inserted, removed or reordered);
 * - `edited`: the event's content does not match its hash;
 * - `position-order`: positions do not increase (an export whose lines were reordered);
 * and against a signed checkpoint, at its position:
 * - `stream-missing`: a stream the checkpoint recorded is gone;
 * - `stream-unexpected`: a stream the checkpoint did not record exists before its position;
 * - `head-mismatch`: a stream's last event differs from the one recorded (removed, added or edited);
 * - `log-mismatch`: the number or the order of events up to the checkpoint differs;
 * - `checkpoint-signature` / `checkpoint-invalid` / `checkpoint-missing`: the checkpoint itself;
 * and, for an export file, `export-altered` / `export-incomplete` (its footer disagrees with its lines).
 */
export type BrokenKind =
  | 'unchained'
  | 'revision-gap'
  | 'revision-out-of-order'
  | 'chain-broken'
  | 'edited'
  | 'position-order'
  | 'stream-missing'
  | 'stream-unexpected'
  | 'head-mismatch'
  | 'log-mismatch'
  | 'checkpoint-signature'
  | 'checkpoint-invalid'
  | 'checkpoint-missing'
  | 'tree-mismatch'
  | 'checkpoint-note'
  | 'export-altered'
  | 'export-incomplete';

/** The first (or any) broken place: what, where, and in plain words. */
export interface BrokenPlace {
  kind: BrokenKind;
  detail: string;
  stream?: string;
  revision?: number;
  position?: number;
  eventId?: string;
  /** The checkpoint that disagrees (its revision on the checkpoint stream and the position it covers). */
  checkpoint?: { revision: number; covers: number };
}

export interface CheckpointSummary {
  revision: number;
  /** Where the checkpoint event itself is. */
  position: number;
  /** The position it covers. */
  covers: number;
  events: number;
  streams: number;
  signedAt: string;
  keyId: string;
  /** The checkpoint event's chain hash: note it down to detect later removal of checkpoints. */
  hash: string;
  signature: SignatureCheck;
  /** The Merkle tree head it signs (schema version 2 checkpoints). */
  treeSize?: number;
  rootHash?: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Events examined. */
  checked: number;
  streams: number;
  /** The position of the last event examined (0 for an empty log). */
  head: number;
  checkpoints: {
    found: number;
    /** Checkpoints the log was compared with. */
    compared: number;
    signatures: 'checked' | 'not-checked';
    last?: CheckpointSummary;
  };
  /** Events after the position the last good checkpoint covers: protected by their chains only, until the next checkpoint. */
  afterLastCheckpoint: number;
  unchained: number;
  /** The Merkle tree rebuilt from every event checked (absent when resuming from a checkpoint's state). */
  tree?: { size: number; root: string };
  firstBroken?: BrokenPlace;
  /** The first `maxProblems` problems, in log order. */
  problems: BrokenPlace[];
  problemCount: number;
}

/** The state a verifier keeps, and a checkpoint records. */
export interface LogState {
  position: number;
  events: number;
  digest: string;
  streams: Record<string, StreamHeadRecord>;
}

export interface LogVerifierOptions {
  /** The checkpoint stream's events, read before the log (a first pass), so the log can be compared with each at its position. */
  checkpoints?: readonly RecordedEvent[];
  /** Trusted public keys. Without any, signatures are not checked (the report says so) and checkpoints are compared as they are. */
  publicKeys?: PublicKeyRing;
  /** A checkpoint that must be there (e.g. the last one an auditor noted down): its revision and, optionally, chain hash. */
  expectCheckpoint?: { revision: number; hash?: string };
  /** Start from a state that was verified before (a checkpoint's), instead of from an empty log. */
  resume?: LogState;
  maxProblems?: number;
  /**
   * Rebuild the log's Merkle tree and compare it with each checkpoint's tree head (default:
   * on, unless resuming, which starts without the earlier leaves).
   */
  tree?: boolean;
}
