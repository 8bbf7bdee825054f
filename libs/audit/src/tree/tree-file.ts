import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Merkle tree's leaves, kept beside the signing key so that a restart does not hash the
 * whole log again. It is a cache, never a source of truth: what is loaded is checked against
 * the signed checkpoints in the log (see LogTree) and anything not covered by one is hashed
 * again from the log.
 *
 *   bytes 0–7    magic "SVKTREE1"
 *   then         one 40-byte record per leaf, in leaf order:
 *                the event's log position (float64, little-endian) ‖ its 32-byte leaf hash
 *
 * Records are only appended. A record cut short (kill -9 during a write) is ignored on load.
 */
export const TREE_FILE = 'audit-tree.bin';
const MAGIC = Buffer.from('SVKTREE1', 'latin1');
export const RECORD_BYTES = 40;

export interface LoadedLeaves {
  /** The leaf hashes, 32 bytes each, concatenated. */
  hashes: Buffer;
  positions: Float64Array;
  /** Why the file was not used, if it was not. */
  refused?: string;
}

export class TreeFile {
  readonly path: string;
  private fd?: number;

  constructor(directory: string) {
    this.path = join(directory, TREE_FILE);
  }

  load(): LoadedLeaves {
    const empty = { hashes: Buffer.alloc(0), positions: new Float64Array(0) };
    if (!existsSync(this.path)) return empty;
    const bytes = readFileSync(this.path);
    if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return { ...empty, refused: `${this.path} is not a Samverkan tree file (another format or version)` };
    const count = Math.floor((bytes.length - MAGIC.length) / RECORD_BYTES);
    // A record cut short by a crash: drop it, so that the next append starts on a record boundary.
    if (MAGIC.length + count * RECORD_BYTES !== bytes.length) truncateSync(this.path, MAGIC.length + count * RECORD_BYTES);
    const hashes = Buffer.allocUnsafe(count * 32);
    const positions = new Float64Array(count);
    let previous = 0;
    for (let i = 0; i < count; i++) {
      const at = MAGIC.length + i * RECORD_BYTES;
      const position = bytes.readDoubleLE(at);
      if (!(position > previous) || !Number.isSafeInteger(position)) return { ...empty, refused: `${this.path}: leaf ${i} has position ${position}, not after ${previous}` };
      positions[i] = previous = position;
      bytes.copy(hashes, i * 32, at + 8, at + RECORD_BYTES);
    }
    return { hashes, positions };
  }

  /** Replaces the file with exactly these leaves (written aside, then renamed: a crash leaves the old file or the new one). */
  rewrite(hashes: Buffer, positions: Float64Array, count: number): void {
    this.close();
    // One temporary file per process: two service processes may share a data directory (and this cache).
    const temporary = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, MAGIC);
      const chunk = 8192;
      for (let from = 0; from < count; from += chunk) writeSync(fd, records(hashes, positions, from, Math.min(count, from + chunk)));
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }

  /** Appends leaves after those in the file. */
  append(leaves: readonly { position: number; hash: Buffer }[]): void {
    if (leaves.length === 0) return;
    if (this.fd === undefined) {
      if (!existsSync(this.path)) this.rewrite(Buffer.alloc(0), new Float64Array(0), 0);
      this.fd = openSync(this.path, 'a', 0o600);
    }
    const out = Buffer.allocUnsafe(leaves.length * RECORD_BYTES);
    leaves.forEach((leaf, i) => {
      out.writeDoubleLE(leaf.position, i * RECORD_BYTES);
      leaf.hash.copy(out, i * RECORD_BYTES + 8, 0, 32);
    });
    writeSync(this.fd, out);
  }

  /** Removes the file if it can; a cache that cannot be removed is rebuilt over at the next start anyway. */
  remove(): void {
    this.close();
    try {
      rmSync(this.path, { force: true });
    } catch {
      // Not a file (or not ours to remove): the next load refuses it and the tree is made from the log.
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function records(hashes: Buffer, positions: Float64Array, from: number, to: number): Buffer {
  const out = Buffer.allocUnsafe((to - from) * RECORD_BYTES);
  for (let i = from; i < to; i++) {
    const at = (i - from) * RECORD_BYTES;
    out.writeDoubleLE(positions[i], at);
    hashes.copy(out, at + 8, i * 32, i * 32 + 32);
  }
  return out;
}
