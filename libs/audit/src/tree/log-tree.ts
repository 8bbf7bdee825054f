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
import { TreeSealFile } from './tree-seal';

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

/** A checkpoint event with a tree head, its signature checked only when it is needed (then remembered). */
interface CandidateHead {
  head: RecordedTreeHead;
  data: CheckpointData & { tree: NonNullable<CheckpointData['tree']> };
  valid?: boolean;
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
 * - **Restarts.** The leaves are kept in a file beside the signing key (`tree-file.ts`), with a
 *   seal (`tree-seal.ts`): the file's tree head signed with the audit key at every flush. On
 *   load, only the prefix that the seal or a checkpoint signed with a trusted key vouches for
 *   (same size, same root, same last position; for the seal also the log's event at that
 *   position hashing to that leaf) is kept; the rest is hashed again from the log. A file from
 *   another log, edited, cut short or ahead of the log therefore costs a rebuild, never a
 *   wrong answer. A restart after a clean stop hashes nothing again.
 * - **Signatures are checked when needed.** The checkpoints' tree heads are noted as the log
 *   holds them, and a head's signature is checked (once) when it is served or vouches for the
 *   file: a start does not check every checkpoint the register ever wrote.
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
  private readonly seal?: TreeSealFile;
  /** Checkpoint events with a tree head, by tree size, in the order they were recorded. */
  private readonly heads = new Map<number, CandidateHead[]>();
  /** The tree sizes `heads` holds, largest last (checkpoints are recorded as the log grows). */
  private sizes: number[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly keys: AuditKeys,
    @Inject(AUDIT_OPTIONS) options: AuditModuleOptions,
  ) {
    const directory = signingKeyDirectory(store, resolveAuditOptions(options).dataDir);
    if (directory !== undefined) {
      this.file = new TreeFile(directory);
      this.seal = new TreeSealFile(directory);
    }
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
      this.sizes = [];
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

  /** The latest recorded checkpoint signed by a trusted key for exactly this tree size, if there is one. */
  headAt(size: number): RecordedTreeHead | undefined {
    const candidates = this.heads.get(size) ?? [];
    for (let i = candidates.length - 1; i >= 0; i--) if (this.isValid(candidates[i])) return candidates[i].head;
    return undefined;
  }

  /** The recorded checkpoint signed by a trusted key with the largest tree head (the latest recorded of that size). */
  latest(): RecordedTreeHead | undefined {
    for (let i = this.sizes.length - 1; i >= 0; i--) {
      const head = this.headAt(this.sizes[i]);
      if (head) return head;
    }
    return undefined;
  }

  private isValid(candidate: CandidateHead): boolean {
    candidate.valid ??= checkSignature(candidate.data, this.keys.trusted) === 'valid';
    return candidate.valid;
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
      // Recorded only after it was checked against the checkpoint it cosigns (see Cosignatures).
      for (const { head } of (cosigned && this.heads.get(cosigned.treeSize)) || []) if (!head.cosignatures.includes(cosigned!.line)) head.cosignatures.push(cosigned!.line);
      return;
    }
    const data = parseCheckpoint(event.data);
    if (!data?.tree || data.note === undefined) return;
    const candidate: CandidateHead = { head: { revision: event.revision, size: data.tree.size, note: data.note, cosignatures: [] }, data: data as CandidateHead['data'] };
    const same = this.heads.get(data.tree.size);
    if (same) same.push(candidate);
    else {
      this.heads.set(data.tree.size, [candidate]);
      this.sizes.push(data.tree.size);
      // In order already unless a checkpoint names a smaller tree than one before it (not ours).
      if (this.sizes.length > 1 && this.sizes[this.sizes.length - 2] > data.tree.size) this.sizes.sort((a, b) => a - b);
    }
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
      this.seal?.remove();
      return;
    }
    // After the leaves it covers: a crash in between leaves a seal of a prefix of the file.
    try {
      this.seal?.write({ size: this.tree.size, root: this.tree.root().toString('base64'), position: this.last }, this.keys.signing);
    } catch (error) {
      this.logger.warn(`The audit tree's seal could not be written (${message(error)}); the next start keeps only what a checkpoint vouches for`);
      this.seal?.remove();
    }
  }

  private async load(): Promise<void> {
    const checkpoints = await this.store.readStream(CHECKPOINT_STREAM);
    if (!this.file) return;
    const loaded = this.file.load();
    if (loaded.refused) {
      this.logger.warn(`${loaded.refused}; the tree is rebuilt from the log`);
      this.file.remove();
      this.seal?.remove();
      return;
    }
    const count = loaded.positions.length;
    if (count === 0) return;
    const candidate = MerkleTree.fromLeafHashes(loaded.hashes);
    const sealed = await this.sealedPrefix(loaded.positions, candidate);
    // The checkpoints' heads are noted first (signatures unchecked): the longest prefix a trusted one vouches for.
    for (const event of checkpoints) this.noteCheckpoint(event);
    const vouching = this.sizes.filter((size) => size <= count).reverse();
    let byCheckpoint: CandidateHead | undefined;
    for (const size of vouching) {
      if (size <= sealed.size) break;
      byCheckpoint = [...this.heads.get(size)!].reverse().find((c) => loaded.positions[size - 1] === c.data.position && candidate.root(size).toString('base64') === c.data.tree.root && this.isValid(c));
      if (byCheckpoint) break;
    }
    const keep = Math.max(sealed.size, byCheckpoint?.data.tree.size ?? 0);
    if (keep < count) {
      const why =
        keep === 0
          ? `neither its seal${sealed.refused ? ` (${sealed.refused})` : ''} nor a signed checkpoint vouches for them`
          : keep === sealed.size
            ? `its seal vouches for the first ${keep}`
            : `checkpoint ${byCheckpoint!.head.revision} vouches for the first ${keep}${sealed.refused ? ` (its seal: ${sealed.refused})` : ''}`;
      this.logger.log(`The audit tree file holds ${count} leaves and ${why}; the rest is hashed again from the log`);
      this.file.rewrite(loaded.hashes, loaded.positions, keep);
    }
    this.tree = keep === count ? candidate : MerkleTree.fromLeafHashes(loaded.hashes.subarray(0, keep * 32));
    this.positions = new Float64Array(Math.max(1024, keep * 2));
    this.positions.set(loaded.positions.subarray(0, keep));
    this.last = keep > 0 ? loaded.positions[keep - 1] : 0;
    // The checkpoints after the kept prefix are delivered again as the tree follows the log: note only those inside it.
    this.heads.clear();
    this.sizes = [];
    const cosignatures = await this.store.readStream(COSIGNATURE_STREAM);
    for (const event of [...checkpoints, ...cosignatures].sort((a, b) => a.position - b.position)) if (event.position <= this.last) this.noteCheckpoint(event);
    if (keep > 0) this.logger.log(`Audit tree: ${keep} leaves loaded, up to position ${this.last}`);
  }

  /** How many of the file's leaves its seal vouches for (0, and why, when it does not). */
  private async sealedPrefix(positions: Float64Array, candidate: MerkleTree): Promise<{ size: number; refused?: string }> {
    const { seal, refused } = this.seal?.read(this.keys.trusted) ?? {};
    if (!seal) return { size: 0, refused };
    if (seal.size > candidate.size) return { size: 0, refused: `it covers ${seal.size} leaves, the file holds ${candidate.size}` };
    if (positions[seal.size - 1] !== seal.position || candidate.root(seal.size).toString('base64') !== seal.root) return { size: 0, refused: 'it does not match the file' };
    // What a checkpoint in the log implies and a file beside it does not: the leaf is this log's event.
    const [event] = await this.store.readAll({ after: seal.position - 1, maxCount: 1 });
    if (event?.position !== seal.position || !eventLeafHash(event).equals(candidate.leaf(seal.size - 1))) return { size: 0, refused: `its last leaf is not the log's event at position ${seal.position}` };
    return { size: seal.size };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
