import type { RecordedEvent } from '@samverkan/event-store';
import { chainOf, hashEvent } from '../chain/event-chain';
import { PublicKeyRing } from '../signing/signing-key';
import { CHECKPOINT_EVENT_TYPE, CHECKPOINT_STREAM, CheckpointData, GENESIS_DIGEST, SignatureCheck, StreamHeadRecord, checkSignature, nextDigest, parseCheckpoint } from './checkpoint';

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
}

interface PendingCheckpoint {
  revision: number;
  eventPosition: number;
  eventHash?: string;
  data: CheckpointData;
}

/**
 * Verifies a log, one event at a time, in commit order. Pure: no I/O; the caller reads the
 * checkpoints first (they are small) and then streams the log through `add`.
 */
export class LogVerifier {
  private readonly heads = new Map<string, StreamHeadRecord>();
  private digest: Buffer;
  private count: number;
  private position: number;
  private checkedCount = 0;
  private unchainedCount = 0;
  private readonly problems: BrokenPlace[] = [];
  private problemCount = 0;
  private readonly maxProblems: number;
  /** Streams whose head moved since the last comparison with a checkpoint. */
  private readonly touched = new Set<string>();
  /** Good checkpoints, by the position they cover, not yet compared. */
  private readonly pending: PendingCheckpoint[] = [];
  /** Problems with checkpoint events, reported when the log reaches them. */
  private readonly checkpointIssues = new Map<string, BrokenPlace>();
  private readonly found: number;
  private compared = 0;
  private lastGood?: CheckpointSummary;
  /** How many events the last good checkpoint (or the resumed state) covers. */
  private coveredEvents: number;
  private readonly signatures: 'checked' | 'not-checked';

  constructor(private readonly options: LogVerifierOptions = {}) {
    this.maxProblems = options.maxProblems ?? 100;
    this.signatures = options.publicKeys && options.publicKeys.size > 0 ? 'checked' : 'not-checked';
    const resume = options.resume;
    this.digest = Buffer.from(resume?.digest ?? GENESIS_DIGEST, 'hex');
    this.count = resume?.events ?? 0;
    this.position = resume?.position ?? 0;
    this.coveredEvents = resume?.events ?? 0;
    if (resume) for (const [stream, head] of Object.entries(resume.streams)) this.heads.set(stream, { ...head });

    const checkpoints = options.checkpoints ?? [];
    this.found = checkpoints.length;
    for (const event of checkpoints) this.admitCheckpoint(event);
    this.pending.sort((a, b) => a.data.position - b.data.position || a.revision - b.revision);
    this.checkExpectedCheckpoint(checkpoints);
  }

  /** Checks one event (in commit order). */
  add(event: RecordedEvent): void {
    this.checkedCount++;
    while (this.pending.length > 0 && this.pending[0].data.position < event.position) this.compare(this.pending.shift() as PendingCheckpoint);

    const where = { stream: event.stream, revision: event.revision, position: event.position, eventId: event.id };
    if (event.position <= this.position && (this.checkedCount > 1 || this.options.resume !== undefined)) {
      this.report({ kind: 'position-order', ...where, detail: `Position ${event.position} comes after position ${this.position}: the log is not in commit order here.` });
    }
    this.position = Math.max(this.position, event.position);

    const chain = chainOf(event.metadata);
    const head = this.heads.get(event.stream);
    const expectedRevision = head ? head.revision + 1 : 0;
    const expectedPrev = head ? head.hash : null;
    let hash: string;
    if (!chain) {
      this.unchainedCount++;
      hash = hashEvent(event.stream, event.revision, event, expectedPrev);
      this.report({ kind: 'unchained', ...where, detail: `${event.type} at revision ${event.revision} of ${event.stream} carries no audit chain, so nothing proves it unaltered.` });
    } else {
      hash = chain.hash;
      if (event.revision > expectedRevision) {
        this.report({
          kind: 'revision-gap',
          ...where,
          detail: `${event.stream} jumps from revision ${expectedRevision - 1} to ${event.revision}: ${plural(event.revision - expectedRevision, 'event')} before this one are missing (removed, or moved later in the log).`,
        });
      } else if (event.revision < expectedRevision) {
        this.report({
          kind: 'revision-out-of-order',
          ...where,
          detail: `Revision ${event.revision} of ${event.stream} comes after revision ${expectedRevision - 1}: an event was moved or inserted.`,
        });
      } else if (chain.prev !== expectedPrev) {
        this.report({
          kind: 'chain-broken',
          ...where,
          detail: `${event.type} at revision ${event.revision} of ${event.stream} does not follow the stream's previous event: an event was inserted, removed or reordered.`,
        });
      } else if (hashEvent(event.stream, event.revision, event, chain.prev) !== chain.hash) {
        this.report({ kind: 'edited', ...where, detail: `${event.type} at revision ${event.revision} of ${event.stream} does not match its hash: its type, data or metadata were changed.` });
      }
    }

    if (event.stream === CHECKPOINT_STREAM) {
      const issue = this.checkpointIssues.get(event.id);
      if (issue) this.report({ ...issue, ...where });
    }

    this.heads.set(event.stream, { revision: event.revision, hash, position: event.position });
    this.touched.add(event.stream);
    this.digest = nextDigest(this.digest, hash);
    this.count++;
  }

  /** Compares what is left with the remaining checkpoints and reports. */
  finish(): VerifyReport {
    while (this.pending.length > 0) this.compare(this.pending.shift() as PendingCheckpoint);
    return {
      ok: this.problemCount === 0,
      checked: this.checkedCount,
      streams: this.heads.size,
      head: this.position,
      checkpoints: { found: this.found, compared: this.compared, signatures: this.signatures, ...(this.lastGood ? { last: this.lastGood } : {}) },
      afterLastCheckpoint: this.count - this.coveredEvents,
      unchained: this.unchainedCount,
      ...(this.problems.length > 0 ? { firstBroken: this.problems[0] } : {}),
      problems: [...this.problems],
      problemCount: this.problemCount,
    };
  }

  /** The state up to the last event added: what a checkpoint at this position records. */
  state(): LogState {
    const streams: Record<string, StreamHeadRecord> = {};
    for (const stream of [...this.heads.keys()].sort()) streams[stream] = { ...(this.heads.get(stream) as StreamHeadRecord) };
    return { position: this.position, events: this.count, digest: this.digest.toString('hex'), streams };
  }

  get ok(): boolean {
    return this.problemCount === 0;
  }

  get firstBroken(): BrokenPlace | undefined {
    return this.problems[0];
  }

  get eventCount(): number {
    return this.count;
  }

  // ------------------------------------------------------------------ checkpoints

  private admitCheckpoint(event: RecordedEvent): void {
    if (event.type !== CHECKPOINT_EVENT_TYPE) return;
    const data = parseCheckpoint(event.data);
    const label = `Checkpoint ${event.revision} (position ${event.position})`;
    if (!data) {
      this.checkpointIssues.set(event.id, { kind: 'checkpoint-invalid', detail: `${label} is not a well-formed checkpoint.` });
      return;
    }
    const signature = checkSignature(data, this.options.publicKeys);
    if (signature === 'invalid' || signature === 'unknown-key') {
      this.checkpointIssues.set(event.id, {
        kind: 'checkpoint-signature',
        detail: signature === 'invalid' ? `${label} has a signature that does not verify: it was altered.` : `${label} is signed with key ${data.key.keyId}, which is not a trusted key.`,
      });
      return;
    }
    if (data.position >= event.position) {
      this.checkpointIssues.set(event.id, { kind: 'checkpoint-invalid', detail: `${label} claims to cover position ${data.position}, which is not before it.` });
      return;
    }
    this.pending.push({ revision: event.revision, eventPosition: event.position, eventHash: chainOf(event.metadata)?.hash, data });
  }

  private checkExpectedCheckpoint(checkpoints: readonly RecordedEvent[]): void {
    const expected = this.options.expectCheckpoint;
    if (!expected) return;
    const found = checkpoints.find((e) => e.revision === expected.revision);
    if (!found) {
      this.report({ kind: 'checkpoint-missing', stream: CHECKPOINT_STREAM, revision: expected.revision, detail: `Checkpoint ${expected.revision}, which was expected, is not in the log: checkpoints were removed.` });
    } else if (expected.hash !== undefined && chainOf(found.metadata)?.hash !== expected.hash) {
      this.report({
        kind: 'checkpoint-missing',
        stream: CHECKPOINT_STREAM,
        revision: expected.revision,
        position: found.position,
        detail: `Checkpoint ${expected.revision} is not the one expected (its hash differs): checkpoints were replaced.`,
      });
    }
  }

  /** The log up to `cp.position` against what the checkpoint recorded. */
  private compare(cp: PendingCheckpoint): void {
    this.compared++;
    const data = cp.data;
    const at = { checkpoint: { revision: cp.revision, covers: data.position } };
    const recorded = data.streams;
    let fine = this.count === data.events && this.digest.toString('hex') === data.digest && this.heads.size === Object.keys(recorded).length;
    if (fine) {
      for (const stream of this.touched) {
        if (!sameHead(this.heads.get(stream), recorded[stream])) {
          fine = false;
          break;
        }
      }
    }
    if (!fine) {
      // Name the streams that differ, in stream order; if none does, the events were reordered across streams.
      let named = 0;
      for (const stream of Object.keys(recorded).sort()) {
        const ours = this.heads.get(stream);
        const theirs = recorded[stream];
        if (!ours) {
          named++;
          this.report({
            kind: 'stream-missing',
            stream,
            detail: `${stream}, which checkpoint ${cp.revision} recorded with ${plural(theirs.revision + 1, 'event')} up to position ${data.position}, is missing: the stream was removed.`,
            ...at,
          });
        } else if (!sameHead(ours, theirs)) {
          named++;
          const what =
            ours.revision < theirs.revision
              ? `ends at revision ${ours.revision}, but checkpoint ${cp.revision} recorded revision ${theirs.revision}: events were removed`
              : ours.revision > theirs.revision
                ? `reaches revision ${ours.revision} by position ${data.position}, but checkpoint ${cp.revision} recorded revision ${theirs.revision}: events were inserted`
                : ours.hash !== theirs.hash
                  ? `has a different last event (revision ${ours.revision}) than checkpoint ${cp.revision} recorded: it was replaced`
                  : `has its last event (revision ${ours.revision}) at position ${ours.position}, not ${theirs.position} as checkpoint ${cp.revision} recorded: events were reordered`;
          this.report({ kind: 'head-mismatch', stream, revision: ours.revision, position: ours.position, detail: `${stream} ${what}.`, ...at });
        }
      }
      for (const stream of [...this.heads.keys()].sort()) {
        if (recorded[stream] !== undefined) continue;
        named++;
        const ours = this.heads.get(stream) as StreamHeadRecord;
        this.report({
          kind: 'stream-unexpected',
          stream,
          revision: ours.revision,
          position: ours.position,
          detail: `${stream} exists before position ${data.position}, but checkpoint ${cp.revision} did not record it: it was inserted.`,
          ...at,
        });
      }
      if (named === 0) {
        this.report({
          kind: 'log-mismatch',
          position: data.position,
          detail: `Up to position ${data.position} the log holds ${plural(this.count, 'event')} with digest ${this.digest.toString('hex').slice(0, 12)}…; checkpoint ${cp.revision} recorded ${plural(data.events, 'event')} with digest ${data.digest.slice(0, 12)}…: events were reordered, inserted or removed after the previous checkpoint.`,
          ...at,
        });
      }
    }
    this.touched.clear();
    if (fine) {
      this.coveredEvents = data.events;
      this.lastGood = {
        revision: cp.revision,
        position: cp.eventPosition,
        covers: data.position,
        events: data.events,
        streams: Object.keys(recorded).length,
        signedAt: data.signedAt,
        keyId: data.key.keyId,
        hash: cp.eventHash ?? '',
        signature: this.signatures === 'checked' ? 'valid' : 'not-checked',
      };
    }
  }

  private report(place: BrokenPlace): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) this.problems.push(place);
  }
}

function sameHead(a: StreamHeadRecord | undefined, b: StreamHeadRecord | undefined): boolean {
  return a !== undefined && b !== undefined && a.revision === b.revision && a.hash === b.hash && a.position === b.position;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Verifies a whole log given as an array in commit order (what the bench and the tests
 * call): the checkpoints are taken from it first, then every event is checked.
 */
export function verifyLog(events: readonly RecordedEvent[], options: Omit<LogVerifierOptions, 'checkpoints'> = {}): VerifyReport {
  const verifier = new LogVerifier({ ...options, checkpoints: events.filter((e) => e.stream === CHECKPOINT_STREAM) });
  for (let i = 0; i < events.length; i++) verifier.add(events[i]);
  return verifier.finish();
}
