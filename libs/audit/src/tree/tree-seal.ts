import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublicKeyRing, SigningKey, verifyMessage } from '../signing/signing-key';

/**
 * The tree file's own tree head, signed with the service's audit key, so that a restart keeps
 * every leaf the previous run flushed instead of only those the latest signed checkpoint covers
 * (up to ten minutes of log, or the whole log before the first checkpoint; a register whose
 * history was loaded in bulk has no checkpoint at all).
 *
 * It vouches for exactly what a checkpoint vouches for — a tree size, its root, the log position
 * of its last leaf — and is checked the same way on load, plus one thing a checkpoint in the log
 * implies but a file beside it does not: the log's event at that position must hash to that
 * leaf. It is signed with the key that signs the checkpoints, so forging it takes what forging a
 * checkpoint takes. Never a source of truth: a seal that is missing, unreadable, signed by
 * another key or not matching the file and the log is ignored, and the checkpoints decide.
 *
 *   audit-tree.seal   { "format": 1, "size", "root" (base64), "position", "keyId", "signature" }
 *
 * The signature is over the text `samverkan-audit-tree-seal/1\n<size>\n<root>\n<position>\n`.
 * Written after the leaves it covers (rename over the old one), so after any crash it covers a
 * prefix of the file or is refused.
 */
export const TREE_SEAL_FILE = 'audit-tree.seal';
const FORMAT = 1;

export interface TreeSeal {
  size: number;
  /** The root of the first `size` leaves, base64. */
  root: string;
  /** The log position of leaf `size − 1`. */
  position: number;
}

interface SealFile extends TreeSeal {
  format: number;
  keyId: string;
  signature: string;
}

function signedText(seal: TreeSeal): string {
  return `samverkan-audit-tree-seal/${FORMAT}\n${seal.size}\n${seal.root}\n${seal.position}\n`;
}

export class TreeSealFile {
  readonly path: string;

  constructor(directory: string) {
    this.path = join(directory, TREE_SEAL_FILE);
  }

  /** Replaces the seal (written aside, then renamed). */
  write(seal: TreeSeal, key: SigningKey): void {
    const file: SealFile = { format: FORMAT, ...seal, keyId: key.keyId, signature: key.sign(signedText(seal)) };
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(file), { mode: 0o600 });
    renameSync(temporary, this.path);
  }

  /** The seal, if there is one whose signature a trusted key verifies; otherwise why not. */
  read(trusted: PublicKeyRing): { seal?: TreeSeal; refused?: string } {
    let file: Partial<SealFile>;
    try {
      file = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<SealFile>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      return { refused: `${this.path} cannot be read as a tree seal` };
    }
    const whole = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) > 0;
    if (file?.format !== FORMAT || !whole(file.size) || !whole(file.position) || typeof file.root !== 'string' || typeof file.keyId !== 'string' || typeof file.signature !== 'string') {
      return { refused: `${this.path} is not a tree seal of format ${FORMAT}` };
    }
    const key = trusted.get(file.keyId);
    const seal = { size: file.size, root: file.root, position: file.position };
    if (!key) return { refused: `${this.path} is signed by key ${file.keyId}, which is not trusted` };
    if (!verifyMessage(key, signedText(seal), file.signature)) return { refused: `${this.path} has a signature that does not verify` };
    return { seal };
  }

  remove(): void {
    try {
      rmSync(this.path, { force: true });
    } catch {
      // Not ours to remove: the next load checks it and ignores what does not match.
    }
  }
}
