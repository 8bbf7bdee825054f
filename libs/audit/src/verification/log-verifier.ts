import type { RecordedEvent } from '@samverkan/event-store';
import { canonicalJson, canonicalJsonWithAndWithout } from '../chain/canonical-json';
import { chainContentOf, chainOf, hashEvent, sha256Hex } from '../chain/event-chain';
import { MerkleTree, leafHash } from '../merkle';
import { eventLeafHash, leafInputFrom } from '../tree/leaf';
import { noteProblem } from './checkpoint-note-check';
import { CHECKPOINT_STREAM, GENESIS_DIGEST, StreamHeadRecord, nextDigest } from './checkpoint';
import { BrokenPlace, CheckpointSummary, LogState, LogVerifierOptions, VerifyReport } from './verify-report';
import { PendingCheckpoint, admitCheckpoint, differences, expectedCheckpointProblem, plural, sameHead } from './checkpoint-comparison';

export type { BrokenKind, BrokenPlace, CheckpointSummary, LogState, LogVerifierOptions, VerifyReport } from './verify-report';

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
  /** The log's Merkle tree as rebuilt from the events added (not when resuming). */
  private readonly tree?: MerkleTree;
  /** The leaf hash of the event being added, when `contentHash` made it on the way. */
  private leaf?: Buffer;

  constructor(private readonly options: LogVerifierOptions = {}) {
    this.maxProblems = options.maxProblems ?? 100;
    this.signatures = options.publicKeys && options.publicKeys.size > 0 ? 'checked' : 'not-checked';
    const resume = options.resume;
    if (options.tree ?? resume === undefined) this.tree = new MerkleTree();
    this.digest = Buffer.from(resume?.digest ?? GENESIS_DIGEST, 'hex');
    this.count = resume?.events ?? 0;
    this.position = resume?.position ?? 0;
    this.coveredEvents = resume?.events ?? 0;
    if (resume) for (const [stream, head] of Object.entries(resume.streams)) this.heads.set(stream, { ...head });

    const checkpoints = options.checkpoints ?? [];
    this.found = checkpoints.length;
    for (const event of checkpoints) this.admitCheckpoint(event);
    this.pending.sort((a, b) => a.data.position - b.data.position || a.revision - b.revision);
    const missing = expectedCheckpointProblem(checkpoints, options.expectCheckpoint);
    if (missing) this.report(missing);
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
      } else if (this.contentHash(event, chain.prev) !== chain.hash) {
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
    if (this.tree) this.tree.append(this.leaf ?? eventLeafHash(event));
    this.leaf = undefined;
  }

  /**
   * The event's chain hash over its content; with the tree on, its leaf hash too (kept for
   * `add`), from one canonicalisation of its data and metadata: the two hashes read the same
   * fields, and canonical JSON is most of the cost of verifying an event.
   */
  private contentHash(event: RecordedEvent, prev: string | null): string {
    if (!this.tree || typeof event.metadata !== 'object' || event.metadata === null) return hashEvent(event.stream, event.revision, event, prev);
    const data = canonicalJson(event.data);
    const metadata = canonicalJsonWithAndWithout(event.metadata, 'chain');
    this.leaf = leafHash(leafInputFrom(event, data, metadata.with));
    return sha256Hex(chainContentOf(event.stream, event.revision, event, data, metadata.without, prev));
  }

  /** The rebuilt tree's root over the events added so far (undefined when the tree is not rebuilt). */
  treeRoot(): Buffer | undefined {
    return this.tree?.root();
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
      ...(this.tree ? { tree: { size: this.tree.size, root: this.tree.root().toString('base64') } } : {}),
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
    const admission = admitCheckpoint(event, this.options.publicKeys);
    if (admission.kind === 'pending') this.pending.push(admission.checkpoint);
    else if (admission.kind === 'issue') this.checkpointIssues.set(event.id, admission.issue);
  }

  /** The log up to `cp.position` against what the checkpoint recorded. */
  private compare(cp: PendingCheckpoint): void {
    this.compared++;
    const data = cp.data;
    const digest = this.digest.toString('hex');
    let fine = this.count === data.events && digest === data.digest && this.heads.size === Object.keys(data.streams).length;
    if (fine) {
      for (const stream of this.touched) {
        if (!sameHead(this.heads.get(stream), data.streams[stream])) {
          fine = false;
          break;
        }
      }
    }
    if (!fine) for (const place of differences(cp, { heads: this.heads, events: this.count, digest })) this.report(place);
    this.touched.clear();
    const checkpointAt = { stream: CHECKPOINT_STREAM, revision: cp.revision, position: cp.eventPosition, checkpoint: { revision: cp.revision, covers: data.position } };
    if (this.tree && data.tree) {
      const root = data.tree.size <= this.tree.size ? this.tree.root(data.tree.size).toString('base64') : undefined;
      if (data.tree.size !== this.count || root !== data.tree.root) {
        fine = false;
        this.report({
          kind: 'tree-mismatch',
          ...checkpointAt,
          detail: `Checkpoint ${cp.revision} signs the Merkle root ${data.tree.root} of ${data.tree.size} events; the first ${this.count} events of the log give ${this.tree.root().toString('base64')}: an event up to position ${data.position} was changed, removed, added or moved.`,
        });
      }
    }
    if (data.note !== undefined) {
      const problem = noteProblem(data, this.options.publicKeys);
      if (problem) {
        fine = false;
        this.report({ kind: 'checkpoint-note', ...checkpointAt, detail: `Checkpoint ${cp.revision}: ${problem}` });
      }
    }
    if (fine) {
      this.coveredEvents = data.events;
      this.lastGood = {
        revision: cp.revision,
        position: cp.eventPosition,
        covers: data.position,
        events: data.events,
        streams: Object.keys(data.streams).length,
        signedAt: data.signedAt,
        keyId: data.key.keyId,
        hash: cp.eventHash ?? '',
        signature: this.signatures === 'checked' ? 'valid' : 'not-checked',
        ...(data.tree ? { treeSize: data.tree.size, rootHash: data.tree.root } : {}),
      };
    }
  }

  private report(place: BrokenPlace): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) this.problems.push(place);
  }
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
