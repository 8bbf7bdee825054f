import { ed25519Verifier, ed25519VerifierKey, parseCheckpoint as parseCheckpointText, parseNote, verifyNote } from '../note';
import { PublicKeyRing } from '../signing/signing-key';
import { CheckpointData } from './checkpoint';

/**
 * What is wrong with a checkpoint's signed note, or undefined: the note must state the same
 * tree head as the checkpoint (size and root) and, when keys are given, carry a valid
 * signature by the checkpoint's own key under the note's origin.
 */
export function noteProblem(data: CheckpointData, keys: PublicKeyRing | undefined): string | undefined {
  if (data.note === undefined) return undefined;
  if (!data.tree) return 'it has a signed note but no tree head.';
  try {
    const { text } = parseNote(data.note);
    const stated = parseCheckpointText(text);
    if (stated.treeSize !== data.tree.size || stated.rootHash.toString('base64') !== data.tree.root) {
      return `its signed note states tree size ${stated.treeSize} and root ${stated.rootHash.toString('base64')}, the checkpoint ${data.tree.size} and ${data.tree.root}.`;
    }
    const key = keys?.get(data.key.keyId);
    if (keys && keys.size > 0 && key) verifyNote(data.note, [ed25519Verifier(ed25519VerifierKey(stated.origin, key))]);
    return undefined;
  } catch (error) {
    return `its signed note does not verify: ${error instanceof Error ? error.message : String(error)}.`;
  }
}
