import type { RecordedEvent } from '@samverkan/event-store';
import { chainOf } from '../chain/event-chain';
import { PublicKeyRing } from '../signing/signing-key';
import { CHECKPOINT_EVENT_TYPE, CHECKPOINT_STREAM, CheckpointData, StreamHeadRecord, checkSignature, parseCheckpoint } from './checkpoint';
import { BrokenPlace, LogVerifierOptions } from './verify-report';

/**
 * The checkpoint half of verification, as pure functions of what the verifier has seen:
 * which checkpoint events can be compared with the log, whether the one an auditor expects
 * is there, and, when the log disagrees with a checkpoint, where.
 */

/** A good checkpoint, waiting for the log to reach the position it covers. */
export interface PendingCheckpoint {
  revision: number;
  eventPosition: number;
  eventHash?: string;
  data: CheckpointData;
}

/** What a checkpoint stream's event comes to: compared later, a problem reported when the log reaches it, or not a checkpoint at all. */
export type Admission = { kind: 'pending'; checkpoint: PendingCheckpoint } | { kind: 'issue'; issue: BrokenPlace } | { kind: 'not-a-checkpoint' };

export function admitCheckpoint(event: RecordedEvent, publicKeys: PublicKeyRing | undefined): Admission {
  if (event.type !== CHECKPOINT_EVENT_TYPE) return { kind: 'not-a-checkpoint' };
  const data = parseCheckpoint(event.data);
  const label = `Checkpoint ${event.revision} (position ${event.position})`;
  if (!data) return { kind: 'issue', issue: { kind: 'checkpoint-invalid', detail: `${label} is not a well-formed checkpoint.` } };
  const signature = checkSignature(data, publicKeys);
  if (signature === 'invalid' || signature === 'unknown-key') {
    return {
      kind: 'issue',
      issue: {
        kind: 'checkpoint-signature',
        detail: signature === 'invalid' ? `${label} has a signature that does not verify: it was altered.` : `${label} is signed with key ${data.key.keyId}, which is not a trusted key.`,
      },
    };
  }
  if (data.position >= event.position) {
    return { kind: 'issue', issue: { kind: 'checkpoint-invalid', detail: `${label} claims to cover position ${data.position}, which is not before it.` } };
  }
  return { kind: 'pending', checkpoint: { revision: event.revision, eventPosition: event.position, eventHash: chainOf(event.metadata)?.hash, data } };
}

/** The problem with the checkpoint an auditor expects (`checkpoint-missing`), if any. */
export function expectedCheckpointProblem(checkpoints: readonly RecordedEvent[], expected: LogVerifierOptions['expectCheckpoint']): BrokenPlace | undefined {
  if (!expected) return undefined;
  const found = checkpoints.find((e) => e.revision === expected.revision);
  if (!found) {
    return { kind: 'checkpoint-missing', stream: CHECKPOINT_STREAM, revision: expected.revision, detail: `Checkpoint ${expected.revision}, which was expected, is not in the log: checkpoints were removed.` };
  }
  if (expected.hash !== undefined && chainOf(found.metadata)?.hash !== expected.hash) {
    return {
      kind: 'checkpoint-missing',
      stream: CHECKPOINT_STREAM,
      revision: expected.revision,
      position: found.position,
      detail: `Checkpoint ${expected.revision} is not the one expected (its hash differs): checkpoints were replaced.`,
    };
  }
  return undefined;
}

/** The log up to a checkpoint's position, as the verifier holds it. */
export interface LogSoFar {
  heads: ReadonlyMap<string, StreamHeadRecord>;
  events: number;
  /** The log digest (hex). */
  digest: string;
}

/**
 * Where the log differs from a checkpoint it does not match: the streams that differ, in
 * stream order; if none does, the events were reordered across streams (`log-mismatch`).
 */
export function differences(cp: PendingCheckpoint, log: LogSoFar): BrokenPlace[] {
  const data = cp.data;
  const at = { checkpoint: { revision: cp.revision, covers: data.position } };
  const recorded = data.streams;
  const places: BrokenPlace[] = [];
  for (const stream of Object.keys(recorded).sort()) {
    const ours = log.heads.get(stream);
    const theirs = recorded[stream];
    if (!ours) {
      places.push({
        kind: 'stream-missing',
        stream,
        detail: `${stream}, which checkpoint ${cp.revision} recorded with ${plural(theirs.revision + 1, 'event')} up to position ${data.position}, is missing: the stream was removed.`,
        ...at,
      });
    } else if (!sameHead(ours, theirs)) {
      const what =
        ours.revision < theirs.revision
          ? `ends at revision ${ours.revision}, but checkpoint ${cp.revision} recorded revision ${theirs.revision}: events were removed`
          : ours.revision > theirs.revision
            ? `reaches revision ${ours.revision} by position ${data.position}, but checkpoint ${cp.revision} recorded revision ${theirs.revision}: events were inserted`
            : ours.hash !== theirs.hash
              ? `has a different last event (revision ${ours.revision}) than checkpoint ${cp.revision} recorded: it was replaced`
              : `has its last event (revision ${ours.revision}) at position ${ours.position}, not ${theirs.position} as checkpoint ${cp.revision} recorded: events were reordered`;
      places.push({ kind: 'head-mismatch', stream, revision: ours.revision, position: ours.position, detail: `${stream} ${what}.`, ...at });
    }
  }
  for (const stream of [...log.heads.keys()].sort()) {
    if (recorded[stream] !== undefined) continue;
    const ours = log.heads.get(stream) as StreamHeadRecord;
    places.push({
      kind: 'stream-unexpected',
      stream,
      revision: ours.revision,
      position: ours.position,
      detail: `${stream} exists before position ${data.position}, but checkpoint ${cp.revision} did not record it: it was inserted.`,
      ...at,
    });
  }
  if (places.length === 0) {
    places.push({
      kind: 'log-mismatch',
      position: data.position,
      detail: `Up to position ${data.position} the log holds ${plural(log.events, 'event')} with digest ${log.digest.slice(0, 12)}…; checkpoint ${cp.revision} recorded ${plural(data.events, 'event')} with digest ${data.digest.slice(0, 12)}…: events were reordered, inserted or removed after the previous checkpoint.`,
      ...at,
    });
  }
  return places;
}

export function sameHead(a: StreamHeadRecord | undefined, b: StreamHeadRecord | undefined): boolean {
  return a !== undefined && b !== undefined && a.revision === b.revision && a.hash === b.hash && a.position === b.position;
}

export function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
