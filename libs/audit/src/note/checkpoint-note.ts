import { type NoteVerifier, SignedNoteError, type VerifiedNote, base64Problem, keyNameProblem, noteCharacterProblem, verifyNote } from './signed-note';

/**
 * C2SP transparency log checkpoints (https://c2sp.org/tlog-checkpoint): the text of a signed
 * note that states a log's Merkle tree head.
 *
 *   <origin>\n
 *   <tree size, decimal, no leading zeros>\n
 *   <root hash, base64>\n
 *   <extension lines, optional, each non-empty>\n…
 *
 * Pure functions; the signing is signed-note's.
 */

/** The checkpoint's text is not in the tlog-checkpoint format. */
export class MalformedCheckpointError extends SignedNoteError {}

/** RFC 6962 / RFC 9162 root hashes are SHA-256. */
export const CHECKPOINT_ROOT_HASH_BYTES = 32;

export interface Checkpoint {
  /** The log's identity. */
  origin: string;
  /** The number of leaves in the tree. */
  treeSize: number;
  /** The 32-byte Merkle tree root hash. */
  rootHash: Buffer;
  /** Extension lines, without their newlines; usually none. */
  extensions: string[];
}

export interface CheckpointInput {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  extensions?: readonly string[];
}

const UINT64_MAX = (1n << 64n) - 1n;

function lineProblem(line: string): string | undefined {
  if (line.includes('\n')) return 'it holds a newline';
  return noteCharacterProblem(line);
}

/**
 * The text (note body) of a checkpoint. Stricter than what parseCheckpoint accepts in one
 * respect: the origin must also be usable as a key name (no Unicode spaces, no plus sign), as the
 * spec recommends, so that the log can sign under its origin as the spec also recommends.
 */
export function formatCheckpoint(checkpoint: CheckpointInput): string {
  const { origin, treeSize, rootHash, extensions = [] } = checkpoint;
  if (origin === '') throw new MalformedCheckpointError('the origin is empty');
  const originProblem = lineProblem(origin) ?? keyNameProblem(origin);
  if (originProblem) throw new MalformedCheckpointError(`the origin ${JSON.stringify(origin)} cannot be used: ${originProblem}`);
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new MalformedCheckpointError(`the tree size must be a non-negative integer no larger than 2^53 - 1, not ${treeSize}`);
  if (rootHash.length !== CHECKPOINT_ROOT_HASH_BYTES) throw new MalformedCheckpointError(`the root hash is ${rootHash.length} bytes, not ${CHECKPOINT_ROOT_HASH_BYTES}`);
  extensions.forEach((line, i) => {
    if (line === '') throw new MalformedCheckpointError(`extension line ${i + 1} is empty; extension lines must be non-empty`);
    const problem = lineProblem(line);
    if (problem) throw new MalformedCheckpointError(`extension line ${i + 1} cannot be used: ${problem}`);
  });
  return [origin, String(treeSize), Buffer.from(rootHash).toString('base64'), ...extensions].map((line) => `${line}\n`).join('');
}

/**
 * Parses the text of a checkpoint (a signed note's text, not the whole note). Strict: every
 * line ends in a newline, the tree size is canonical decimal, the root hash canonical base64 of
 * exactly 32 bytes, and no line is empty.
 */
export function parseCheckpoint(text: string): Checkpoint {
  const characters = noteCharacterProblem(text);
  if (characters) throw new MalformedCheckpointError(`the checkpoint is not allowed as a note's text: ${characters}`);
  if (text === '') throw new MalformedCheckpointError('the checkpoint is empty');
  if (!text.endsWith('\n')) throw new MalformedCheckpointError('the checkpoint does not end in a newline: it may have been cut short');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new MalformedCheckpointError(`the checkpoint has ${lines.length} line${lines.length === 1 ? '' : 's'}; it needs at least three: origin, tree size and root hash`);
  const [origin, size, root, ...extensions] = lines;
  if (origin === '') throw new MalformedCheckpointError('the checkpoint\'s origin (its first line) is empty');

  if (!/^[0-9]+$/.test(size)) throw new MalformedCheckpointError(`the tree size (line 2) ${JSON.stringify(size)} is not a decimal number`);
  if (size.length > 1 && size.startsWith('0')) throw new MalformedCheckpointError(`the tree size (line 2) ${JSON.stringify(size)} has a leading zero`);
  const big = BigInt(size);
  if (big > UINT64_MAX) throw new MalformedCheckpointError(`the tree size (line 2) ${size} does not fit in 64 bits`);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedCheckpointError(`the tree size (line 2) ${size} is larger than 2^53 - 1, which this implementation handles`);

  const problem = base64Problem(root);
  if (problem) throw new MalformedCheckpointError(`the root hash (line 3) is not canonical base64: ${problem}`);
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== CHECKPOINT_ROOT_HASH_BYTES) throw new MalformedCheckpointError(`the root hash (line 3) is ${rootHash.length} bytes, not ${CHECKPOINT_ROOT_HASH_BYTES}`);

  extensions.forEach((line, i) => {
    if (line === '') {
      throw new MalformedCheckpointError(
        `line ${i + 4} of the checkpoint is empty; extension lines must be non-empty (was a whole signed note given instead of its text?)`,
      );
    }
  });
  return { origin, treeSize: Number(big), rootHash, extensions };
}

export interface VerifiedCheckpoint extends VerifiedNote {
  checkpoint: Checkpoint;
}

/**
 * Verifies a signed checkpoint note (see verifyNote) and parses its text. The signatures are
 * checked first, so a malformed body is only reported for a note a known key signed.
 */
export function verifyCheckpointNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedCheckpoint {
  const verified = verifyNote(note, verifiers);
  return { ...verified, checkpoint: parseCheckpoint(verified.text) };
}
