import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '@samverkan/event-store';
import { Subscription } from 'rxjs';
import { MerkleTree } from '../merkle';
import { AUDIT_OPTIONS, AuditModuleOptions, resolveAuditOptions } from '../service/audit-options';
import { AuditKeys, signingKeyDirectory } from '../service/audit-keys';
import { CHECKPOINT_STREAM, CheckpointData, checkSignature, parseCheckpoint } from '../verification/checkpoint';
import { COSIGNATURE_EVENT_TYPE, COSIGNATURE_STREAM, parseCosignatureData } from './cosignatures';
import { eventLeafHash } from './leaf';
import { TreeFile } from './tree-file';

/** A sizes-or-indexes request outside the tree (a 400 at the API). */
export class TreeRangeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'TreeRangeError';
  }
}

/** A recorded checkpoint that carries a tree head, as the tree found it in the log. */
export interface RecordedTreeHead {
  /** Its revision in `audit-checkpoints`. */
  revision: number;
  size: number;
  /** The signed note (C2SP tlog-checkpoint), without cosignatures. */
  note: string;
  /** Witnesses' cosignature lines, in the order they were recorded. */
  cosignatures: string[];
}

const PAGE = 5_000;
const FLUSH_MS = 1_000;
const RESUBSCRIBE_MS = 1_000;

/**
 * The RFC 9162 Merkle tree over the whole log, in commit order: leaf i is the i-th event the
 * log holds (checkpoints included), hashed from its JCS form (`leaf.ts`).
 *
 * - **Incremental.** It follows the log (a subscription from its last leaf) and adds one leaf
 *   per event: a leaf hash and O(1) amortised interior hashes. Proofs and roots for any size
 *   come from the complete subtrees it holds, O(log² n) hashes.
 * - **Read your writes.** `upToHead()` reads whatever the subscription has not delivered yet, so
 *   an answer always covers the log as it was when the request came. Two sources feed one
 *   append that ignores positions it already has: both deliver the log in order, so no leaf is
 *   skipped or added twice.
 * - **Restarts.** The leaves are kept in a file beside the signing key (`tree-file.ts`). On load,
 *   only the prefix that a checkpoint signed with a trusted key vouches for (same size, same
 *   root, same last position) is kept; the rest is hashed again from the log. A file from
 *   another log, edited, cut short or ahead of the log therefore costs a rebuild, never a
 *   wrong answer.
 * - **Several instances** each keep their own tree of the one log: it is a function of the log.
 */
@Injectable()
export class LogTree implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditTree');
  private tree = new MerkleTree();
  private positions = new Float64Array(1024);
  /** The position of the last leaf (0: none). */
  private last = 0;
  private pending: { position: number; hash: Buffer }[] = [];
  private readonly file?: TreeFile;
  private loaded?: Promise<void>;
  private subscription?: Subscription;
  private flushTimer?: NodeJS.Timeout;
  private resubscribeTimer?: NodeJS.Timeout;
  private closed = false;
  /** Checkpoints with a tree head, by tree size (the latest recorded one for a size). */
  private readonly heads = new Map<number, RecordedTreeHead>();
  private latestHead?: RecordedTreeHead;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly keys: AuditKeys,
    @Inject(AUDIT_OPTIONS) options: AuditModuleOptions,
  ) {
    const directory = signingKeyDirectory(store, resolveAuditOptions(options).dataDir);
    if (directory !== undefined) this.file = new TreeFile(directory);
  }

  onApplicationBootstrap(): void {
    void this.ready().then(
      () => this.follow(),
      (error: unknown) => this.logger.error(`The audit tree could not be loaded: ${message(error)}`),
    );
    this.flushTimer = setInterval(() => this.flush(), FLUSH_MS);
    this.flushTimer.unref();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.subscription?.unsubscribe();
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    this.flush();
    this.file?.close();
  }

  /** The number of leaves: the events of the log the tree holds so far. */
  get size(): number {
    return this.tree.size;
  }

  /** Loads the tree once (from its file, checked against the log's checkpoints, or empty). */
  ready(): Promise<void> {
    this.loaded ??= this.load().catch((error: unknown) => {
      // The file is a cache: whatever went wrong with it, the tree is made again from the log.
      this.logger.warn(`The audit tree file could not be used (${message(error)}); the tree is rebuilt from the log`);
      this.tree = new MerkleTree();
      this.positions = new Float64Array(1024);
      this.last = 0;
      this.heads.clear();
      this.latestHead = undefined;
    });
    return this.loaded;
  }

  /** Brings the tree up to the log's head as it is now. */
  async upToHead(): Promise<void> {
    await this.ready();
    const head = await this.store.headPosition();
    while (this.last < head) {
      const page = await this.store.readAll({ after: this.last, maxCount: PAGE });
      if (page.length === 0) break;
      for (const event of page) this.add(event);
    }
  }

  /** Brings the tree up to at least `position` (which must be in the log). */
  async upTo(position: number): Promise<void> {
    await this.ready();
    while (this.last < position) {
      const page = await this.store.readAll({ after: this.last, maxCount: PAGE });
      if (page.length === 0) break;
      for (const event of page) this.add(event);
    }
  }

  /** The leaf index of the event at `position`, if the tree holds it. */
  leafIndexOf(position: number): number | undefined {
    let low = 0;
    let high = this.tree.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = this.positions[middle];
      if (at === position) return middle;
      if (at < position) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** The number of leaves at or before `position`. */
  sizeAt(position: number): number {
    let low = 0;
    let high = this.tree.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.positions[middle] <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The leaf hash at `index`. */
  leafAt(index: number): Buffer {
    return this.tree.leaf(index);
  }

  root(size: number): Buffer {
    this.checkSize('treeSize', size);
    return this.tree.root(size);
  }

  inclusionProof(leafIndex: number, treeSize: number): Buffer[] {
    this.checkSize('treeSize', treeSize);
    if (treeSize === 0) throw new TreeRangeError('treeSize', 'treeSize must be at least 1: the empty tree has no leaves.');
    if (leafIndex >= treeSize) throw new TreeRangeError('leafIndex', `leafIndex must be below treeSize (${treeSize}): leaves are numbered from 0.`);
    return this.tree.inclusionProof(leafIndex, treeSize);
  }

  consistencyProof(from: number, to: number): Buffer[] {
    this.checkSize('to', to);
    if (from < 1) throw new TreeRangeError('from', 'from must be at least 1: every tree is consistent with the empty tree, and there is nothing to prove.');
    if (from > to) throw new TreeRangeError('from', `from (${from}) must not be after to (${to}).`);
    return this.tree.consistencyProof(from, to);
  }

  /** The recorded checkpoint for exactly this tree size, if there is one. */
  headAt(size: number): RecordedTreeHead | undefined {
    return this.heads.get(size);
  }

  /** The latest recorded checkpoint that carries a tree head. */
  latest(): RecordedTreeHead | undefined {
    return this.latestHead;
  }

  private checkSize(field: string, size: number): void {
    if (size > this.tree.size) throw new TreeRangeError(field, `${field} ${size} is beyond the log, which holds ${this.tree.size} events.`);
  }

  private add(event: RecordedEvent): void {
    if (event.position <= this.last) return;
    const hash = eventLeafHash(event);
    const index = this.tree.append(hash);
    if (index >= this.positions.length) {
      const grown = new Float64Array(this.positions.length * 2);
      grown.set(this.positions);
      this.positions = grown;
    }
    this.positions[index] = event.position;
    this.last = event.position;
    this.pending.push({ position: event.position, hash });
    if (event.stream === CHECKPOINT_STREAM || event.stream === COSIGNATURE_STREAM) this.noteCheckpoint(event);
  }

  /** Remembers a checkpoint's tree head or a witness's cosignature, as the log records them. */
  private noteCheckpoint(event: RecordedEvent): void {
    if (event.type === COSIGNATURE_EVENT_TYPE) {
      const cosigned = parseCosignatureData(event.data);
      const head = cosigned && this.heads.get(cosigned.treeSize);
      if (head && !head.cosignatures.includes(cosigned.line)) head.cosignatures.push(cosigned.line);
      return;
    }
    const data = parseCheckpoint(event.data);
    if (!data?.tree || data.note === undefined || checkSignature(data, this.keys.trusted) !== 'valid') return;
    const head: RecordedTreeHead = { revision: event.revision, size: data.tree.size, note: data.note, cosignatures: [] };
    this.heads.set(head.size, head);
    if (!this.latestHead || head.size >= this.latestHead.size) this.latestHead = head;
  }

  private follow(): void {
    if (this.closed) return;
    this.subscription = this.store.subscribeToAll({ after: this.last }).subscribe({
      next: (message) => {
        if (message.kind === 'event') this.add(message.event);
      },
      error: (error: unknown) => {
        this.logger.warn(`The audit tree's subscription failed (${message(error)}); it resumes from leaf ${this.tree.size}`);
        this.resubscribeTimer = setTimeout(() => this.follow(), RESUBSCRIBE_MS);
        this.resubscribeTimer.unref();
      },
    });
  }

  private flush(): void {
    if (!this.file || this.pending.length === 0) return;
    const leaves = this.pending;
    this.pending = [];
    try {
      this.file.append(leaves);
    } catch (error) {
      // The file is a cache: without it the next start hashes the log again.
      this.logger.warn(`The audit tree file could not be written (${message(error)}); the next start rebuilds the tree from the log`);
      this.file.remove();
    }
  }

  private async load(): Promise<void> {
    const checkpoints = await this.store.readStream(CHECKPOINT_STREAM);
    const vouched = checkpoints
      .map((event) => ({ event, data: parseCheckpoint(event.data) }))
      .filter((c): c is { event: RecordedEvent; data: CheckpointData & { tree: NonNullable<CheckpointData['tree']> } } => c.data?.tree !== undefined && checkSignature(c.data, this.keys.trusted) === 'valid')
      .sort((a, b) => b.data.tree.size - a.data.tree.size);
    if (!this.file) return;
    const loaded = this.file.load();
    if (loaded.refused) {
      this.logger.warn(`${loaded.refused}; the tree is rebuilt from the log`);
      this.file.remove();
      return;
    }
    const count = loaded.positions.length;
    if (count === 0) return;
    const candidate = MerkleTree.fromLeafHashes(loaded.hashes);
    // The longest prefix a trusted checkpoint vouches for: its size, its root and the position of its last event.
    const match = vouched.find(({ data }) => data.tree.size <= count && loaded.positions[data.tree.size - 1] === data.position && candidate.root(data.tree.size).toString('base64') === data.tree.root);
    const keep = match?.data.tree.size ?? 0;
    if (keep < count) {
      const why = match ? `checkpoint ${match.event.revision} vouches for the first ${keep}` : 'no signed checkpoint vouches for them';
      this.logger.log(`The audit tree file holds ${count} leaves and ${why}; the rest is hashed again from the log`);
      this.file.rewrite(loaded.hashes, loaded.positions, keep);
    }
    this.tree = keep === count ? candidate : MerkleTree.fromLeafHashes(loaded.hashes.subarray(0, keep * 32));
    this.positions = new Float64Array(Math.max(1024, keep * 2));
    this.positions.set(loaded.positions.subarray(0, keep));
    this.last = keep > 0 ? loaded.positions[keep - 1] : 0;
    // The checkpoints and cosignatures inside the kept prefix are not delivered again: note them from the streams.
    const cosignatures = await this.store.readStream(COSIGNATURE_STREAM);
    for (const event of [...checkpoints, ...cosignatures].sort((a, b) => a.position - b.position)) if (event.position <= this.last) this.noteCheckpoint(event);
    if (keep > 0) this.logger.log(`Audit tree: ${keep} leaves loaded, up to position ${this.last}`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
