import * as crypto from 'node:crypto';

/**
 * An RFC 9162 (Certificate Transparency v2) Merkle tree, §2.1, as pure code: nothing here knows
 * about Nest, the event store or the file system.
 *
 *     leaf hash  = SHA-256(0x00 ‖ entry)
 *     node hash  = SHA-256(0x01 ‖ left ‖ right)
 *     MTH({})    = SHA-256('')
 *     MTH(D[n])  = node hash(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two below n
 *
 * `MerkleTree` keeps every complete, aligned subtree hash it has (level 0 holds the leaf hashes,
 * level k node j is MTH of leaves [j·2^k, (j+1)·2^k)), 32 bytes a node in one growable Buffer per
 * level. An append adds one leaf and at most one node per level, O(1) amortised; any root, audit
 * path or consistency proof is assembled from those stored nodes, hashing only along the tree's
 * ragged right edge: O(log n) node hashes for a root, O(log² n) at most for a proof.
 *
 * The verifiers are the RFC's own algorithms (§2.1.3.2 and §2.1.4.2), written from the RFC text
 * and not by regenerating a proof, so a bug in the generator cannot hide a matching one here.
 */

/** SHA-256 output length, the size of every leaf, node and root hash. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// Node's one-shot crypto.hash (20.12+/21.7+) is markedly faster than createHash() for inputs as
// small as a node's 65 bytes, and a tree hashes about as many nodes as it has leaves; older Nodes fall back.
const sha256: (data: Uint8Array) => Buffer =
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data, 'buffer') : (data) => crypto.createHash('sha256').update(data).digest();

/** MTH of the empty tree: SHA-256 of the empty string (e3b0c442…b855). */
export const EMPTY_ROOT: Buffer = sha256(new Uint8Array(0));

/** RFC 9162 leaf hash: SHA-256(0x00 ‖ input); a string is hashed as its UTF-8 bytes. */
export function leafHash(input: Uint8Array | string): Buffer {
  const length = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  const data = Buffer.allocUnsafe(length + 1);
  data[0] = LEAF_PREFIX;
  if (typeof input === 'string') data.write(input, 1, 'utf8');
  else data.set(input, 1);
  return sha256(data);
}

// Every node hash of two 32-byte children goes through this one buffer instead of a
// Buffer.concat each time; hashing is synchronous, so no two calls can interleave.
const scratch = Buffer.alloc(1 + 2 * HASH_SIZE);
scratch[0] = NODE_PREFIX;

/**
 * RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right). Children of any length are accepted
 * (the RFC hashes whatever it is given); 32-byte ones, the only kind a tree makes, avoid an allocation.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    scratch.set(left, 1);
    scratch.set(right, 1 + HASH_SIZE);
    return sha256(scratch);
  }
  const data = Buffer.allocUnsafe(1 + left.length + right.length);
  data[0] = NODE_PREFIX;
  data.set(left, 1);
  data.set(right, 1 + left.length);
  return sha256(data);
}

/** The largest power of two strictly smaller than n (n ≥ 2): the split point k of §2.1.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  // Exact for every safe integer: a power of two up to 2^53 survives repeated halving to 1.
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function isHash(value: Uint8Array): boolean {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

function requireCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, not ${String(value)}`);
}

/** Append-only, incremental RFC 9162 Merkle tree over 32-byte leaf hashes. */
export class MerkleTree {
  /** levels[k] holds the complete level-k subtree hashes, 32 bytes each, with spare capacity at the end. */
  private readonly levels: Buffer[] = [];
  private count = 0;

  /**
   * Builds a tree from the concatenation of its leaf hashes (what `leafHashes()` returns), one pass
   * per level, n − 1 node hashes in all: the fast way to start up from persisted leaves.
   */
  static fromLeafHashes(buffer: Uint8Array): MerkleTree {
    if (buffer.length % HASH_SIZE !== 0) throw new RangeError(`leaf hashes must be a multiple of ${HASH_SIZE} bytes, got ${buffer.length}`);
    const tree = new MerkleTree();
    let width = buffer.length / HASH_SIZE;
    if (width === 0) return tree;
    let below = Buffer.allocUnsafe(buffer.length);
    below.set(buffer);
    tree.levels.push(below);
    while (width > 1) {
      const parents = Math.floor(width / 2);
      const level = Buffer.allocUnsafe(parents * HASH_SIZE);
      for (let j = 0; j < parents; j++) {
        // The two children of node j are adjacent in the level below: one copy fills the scratch.
        below.copy(scratch, 1, 2 * j * HASH_SIZE, (2 * j + 2) * HASH_SIZE);
        sha256(scratch).copy(level, j * HASH_SIZE);
      }
      tree.levels.push(level);
      below = level;
      width = parents;
    }
    tree.count = buffer.length / HASH_SIZE;
    return tree;
  }

  /** The number of leaves. */
  get size(): number {
    return this.count;
  }

  /** Appends a 32-byte leaf hash (see `leafHash`) and returns its index. */
  append(hash: Uint8Array): number {
    if (!isHash(hash)) throw new RangeError(`a leaf hash must be ${HASH_SIZE} bytes, got ${hash instanceof Uint8Array ? hash.length : typeof hash}`);
    const index = this.count;
    this.store(0, index, hash);
    // A leaf with an odd index completes its parent, which may complete its own parent, and so on:
    // one node per trailing 1-bit of the index, so one node hash an append on average (n − 1 in all).
    let level = 0;
    let j = index;
    while (j % 2 === 1) {
      const children = this.levels[level];
      children.copy(scratch, 1, (j - 1) * HASH_SIZE, (j + 1) * HASH_SIZE);
      j = (j - 1) / 2;
      level += 1;
      this.store(level, j, sha256(scratch));
    }
    this.count = index + 1;
    return index;
  }

  /** The hash of leaf `index` (a copy). */
  leaf(index: number): Buffer {
    this.requireIndex(index, this.count);
    return Buffer.from(this.node(0, index));
  }

  /** The concatenation of every leaf hash, in order: what `fromLeafHashes` reads back. */
  leafHashes(): Buffer {
    if (this.count === 0) return Buffer.alloc(0);
    return Buffer.from(this.levels[0].subarray(0, this.count * HASH_SIZE));
  }

  /** MTH(D[0:size]), the root of the tree of the first `size` leaves, for any size up to the current one. */
  root(size: number = this.count): Buffer {
    this.requireSize(size);
    if (size === 0) return Buffer.from(EMPTY_ROOT);
    return Buffer.from(this.subtree(0, size));
  }

  /**
   * RFC 9162 §2.1.3.1 PATH(index, D[0:size]): the audit path of leaf `index` in the tree of the
   * first `size` leaves, the sibling nearest the leaf first.
   */
  inclusionProof(index: number, size: number): Buffer[] {
    this.requireSize(size);
    this.requireIndex(index, size);
    // PATH(m, D[a:b]) = PATH(m, D[a:a+k]) : MTH(D[a+k:b]) or PATH(m, D[a+k:b]) : MTH(D[a:a+k]);
    // walked from the top, so the siblings come out root-side first and are reversed at the end.
    const path: Buffer[] = [];
    let start = 0;
    let end = size;
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (index < start + k) {
        path.push(this.subtree(start + k, end));
        end = start + k;
      } else {
        path.push(this.subtree(start, start + k));
        start += k;
      }
    }
    return path.reverse().map((hash) => Buffer.from(hash));
  }

  /**
   * RFC 9162 §2.1.4.1 PROOF(from, D[0:to]) = SUBPROOF(from, D[0:to], true): the nodes that prove
   * the tree of the first `from` leaves is a prefix of the tree of the first `to`.
   *
   * from = to: empty, as the RFC defines (SUBPROOF(m, D[m], true) = {}).
   * from = 0: empty. The RFC defines PROOF only for 0 < m < n; every tree extends the empty one,
   * so there is nothing to prove, and `verifyConsistency` accepts an empty proof from size 0.
   */
  consistencyProof(from: number, to: number): Buffer[] {
    this.requireSize(to);
    requireCount(from, 'from');
    if (from > to) throw new RangeError(`from (${from}) must not exceed to (${to})`);
    if (from === 0 || from === to) return [];
    const proof: Buffer[] = [];
    let start = 0;
    let end = to;
    // True while the walk has only gone left, i.e. D[start:from] is still the whole old tree,
    // whose root the verifier already has and so is left out (the `b` flag of SUBPROOF).
    let whole = true;
    while (from !== end) {
      const k = splitPoint(end - start);
      if (from <= start + k) {
        proof.push(this.subtree(start + k, end));
        end = start + k;
      } else {
        proof.push(this.subtree(start, start + k));
        start += k;
        whole = false;
      }
    }
    if (!whole) proof.push(this.subtree(start, end));
    return proof.reverse().map((hash) => Buffer.from(hash));
  }

  /**
   * MTH(D[start:end]) for end ≤ size. A complete aligned subtree is read from its level; any other
   * range is split at the largest power of two below its length. Ranges met by root, PATH and
   * PROOF always start on a multiple of that power, so the left part is always a stored node and
   * only the right part recurses: O(log n) hashes. May return a view into the levels: copy it
   * before handing it out.
   */
  private subtree(start: number, end: number): Buffer {
    const n = end - start;
    if (isPowerOfTwo(n) && start % n === 0) {
      let level = 0;
      for (let w = n; w > 1; w /= 2) level += 1;
      return this.node(level, start / n);
    }
    const k = splitPoint(n);
    const left = this.subtree(start, start + k);
    const right = this.subtree(start + k, end);
    return nodeHash(left, right);
  }

  private node(level: number, j: number): Buffer {
    return this.levels[level].subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE);
  }

  /** Writes node j of a level, doubling the level's capacity when it is full. */
  private store(level: number, j: number, hash: Uint8Array): void {
    let buffer = this.levels[level];
    const offset = j * HASH_SIZE;
    if (buffer === undefined || offset + HASH_SIZE > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(16 * HASH_SIZE, (buffer?.length ?? 0) * 2));
      buffer?.copy(grown, 0, 0, offset);
      buffer = grown;
      this.levels[level] = grown;
    }
    buffer.set(hash, offset);
  }

  private requireSize(size: number): void {
    requireCount(size, 'size');
    if (size > this.count) throw new RangeError(`size ${size} is beyond the tree's ${this.count} leaves`);
  }

  private requireIndex(index: number, size: number): void {
    requireCount(index, 'index');
    if (index >= size) throw new RangeError(`index ${index} is out of range for size ${size}`);
  }
}

/**
 * RFC 9162 §2.1.3.2: does `proof` show that `hash` is leaf `index` of the tree of `size` leaves
 * whose root is `root`? False, never an exception, for anything malformed (a size or index that
 * is not a non-negative integer, index ≥ size, a hash that is not 32 bytes), as the input is
 * usually someone else's claim.
 *
 * The tree size is bound only through the shape of the path: a proof can also verify for another
 * size whose path has the same shape (leaf 0 of 3 and of 4, say). Take `size` and `root` together
 * from one signed checkpoint.
 */
export function verifyInclusion(hash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!isHash(hash) || !isHash(root) || !proof.every(isHash)) return false;
  // fn walks the leaf's index up the levels, sn the last leaf's; halving by division rather than
  // >> keeps sizes past 2^31 exact.
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = hash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // On the right edge the node may be promoted past levels where it has no sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && sameBytes(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `from` leaves with root `fromRoot` is a
 * prefix of the tree of `to` leaves with root `toRoot`? False, never an exception, for anything
 * malformed; both roots must be 32-byte hashes in every case.
 *
 * from = to: the proof must be empty and the two roots equal (the RFC's SUBPROOF(m, D[m], true) = {}).
 * from = 0 < to: the proof must be empty, and it then holds: every tree extends the empty one. This
 * says nothing about `toRoot`; that root has to be trusted (signed) on its own.
 */
export function verifyConsistency(from: number, to: number, fromRoot: Uint8Array, toRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false;
  if (!isHash(fromRoot) || !isHash(toRoot) || !proof.every(isHash)) return false;
  if (from === to) return proof.length === 0 && sameBytes(fromRoot, toRoot);
  if (from === 0) return proof.length === 0;
  // 1. An empty path proves nothing between two different non-empty sizes.
  if (proof.length === 0) return false;
  // 2. When the old tree is a complete subtree its root was left out of the path: put it back.
  const path: readonly Uint8Array[] = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  // 3.–4. Start at the old tree's last leaf and climb past the levels where it is a right child,
  // which the path's first node already covers.
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  // 5. fr rebuilds the old root, sr the new one, from the same seed.
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  // 6. Left siblings feed both roots, right siblings only the new one.
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7. Both roots must come out, and the path must have reached the top of the new tree.
  return sn === 0 && sameBytes(fr, fromRoot) && sameBytes(sr, toRoot);
}
