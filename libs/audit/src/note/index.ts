/** C2SP signed notes, tlog checkpoints and witness cosignatures (Ed25519), as pure functions. */
export {
  InvalidSignatureError,
  MAX_NOTE_SIGNATURES,
  MalformedKeyError,
  MalformedNoteError,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  SignedNoteError,
  UnverifiedNoteError,
  ed25519PrivateKeyFromSeed,
  ed25519PublicKeyFromRaw,
  ed25519Signer,
  ed25519Verifier,
  ed25519VerifierKey,
  formatSignatureLine,
  formatVerifierKey,
  isValidKeyName,
  keyIdHex,
  noteKeyId,
  parseGoPrivateKey,
  parseNote,
  parseSignatureLine,
  parseVerifierKey,
  rawEd25519PublicKey,
  signNote,
  verifyNote,
} from './signed-note';
export type { Ed25519NoteSigner, NoteSignature, NoteSigner, NoteVerifier, ParsedNote, VerifiedNote, VerifierKey } from './signed-note';
export { CHECKPOINT_ROOT_HASH_BYTES, MalformedCheckpointError, formatCheckpoint, parseCheckpoint, verifyCheckpointNote } from './checkpoint-note';
export type { Checkpoint, CheckpointInput, VerifiedCheckpoint } from './checkpoint-note';
export { COSIGNATURE_V1_HEADER, COSIGNATURE_V1_SIGNATURE_BYTES, cosign, cosignatureMessage, cosignatureTime, cosignatureVerifier, verifyCosignature, witnessVerifierKey } from './cosignature';
export type { CosignatureCheck } from './cosignature';
