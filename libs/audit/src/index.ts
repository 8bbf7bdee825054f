export * from './chain';
export * from './verification';
export * from './signing/signing-key';
export * from './log/store-log';
export * from './export/ndjson-export';
export { AuditModule } from './audit.module';
export { AUDIT_OPTIONS, DEFAULT_CHECKPOINT_INTERVAL_MS, resolveAuditOptions } from './service/audit-options';
export type { AuditModuleOptions } from './service/audit-options';
export { AuditKeys, signingKeyDirectory } from './service/audit-keys';
export { Checkpointer, LogBrokenError } from './service/checkpointer';
export type { CheckpointOutcome } from './service/checkpointer';
export { AuditHistory, toView } from './service/audit-history';
export type { AuditEventView, HistoryFilter, HistoryPage } from './service/audit-history';
export * from './merkle';
export {
  ed25519Signer,
  ed25519Verifier,
  ed25519VerifierKey,
  parseNote,
  parseVerifierKey,
  signNote,
  verifyNote,
  formatCheckpoint,
  parseCheckpoint as parseCheckpointNote,
  verifyCheckpointNote,
  cosign,
  cosignatureVerifier,
  verifyCosignature,
  witnessVerifierKey,
  SignedNoteError,
} from './note';
export type { Checkpoint as CheckpointNote, NoteVerifier, VerifierKey } from './note';
export { leafInputOf, eventLeafHash } from './tree/leaf';
export { LogTree, TreeRangeError } from './tree/log-tree';
export type { RecordedTreeHead } from './tree/log-tree';
export { COSIGNATURE_STREAM, COSIGNATURE_EVENT_TYPE } from './tree/cosignatures';
export { parseWitnessKeys } from './tree/witnesses';
