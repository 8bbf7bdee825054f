/**
 * Witnesses' cosignatures of checkpoints, as the log records them: one
 * `AuditCheckpointCosigned` event per accepted cosignature, in the stream
 * `audit-cosignatures` (not `audit-checkpoints`, whose every event is a checkpoint).
 */
export const COSIGNATURE_STREAM = 'audit-cosignatures';
export const COSIGNATURE_EVENT_TYPE = 'AuditCheckpointCosigned';
export const COSIGNATURE_SCHEMA_VERSION = 1;

export interface CosignatureData {
  /** The tree size of the checkpoint it cosigns. */
  treeSize: number;
  /** The witness's name, as in its verifier key. */
  witness: string;
  /** The witness key's id (8 hex digits). */
  keyId: string;
  /** When the witness says it cosigned (seconds since 1970, from the cosignature). */
  time: number;
  /** The signature line exactly as it goes under the note: `— <name> <base64>`. */
  line: string;
}

const isWhole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export function parseCosignatureData(data: unknown): CosignatureData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Partial<CosignatureData>;
  if (!isWhole(d.treeSize) || typeof d.witness !== 'string' || typeof d.keyId !== 'string' || !isWhole(d.time) || typeof d.line !== 'string' || !d.line.startsWith('— ')) return undefined;
  return d as CosignatureData;
}
