/** What the audit module needs from the app (a ServiceConfig will do: it has `dataDir`). */
export interface AuditModuleOptions {
  /** The data directory: where the signing key is kept when the store has no file of its own (EventStoreDB). */
  dataDir: string;
  /** How often a checkpoint is appended (when the log has moved); 0 turns the timer off. Default: SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS, else 600 s. */
  checkpointIntervalMs?: number;
  /** PEM files of further public keys whose checkpoints are trusted (other instances writing to the same log). Default: SAMVERKAN_AUDIT_TRUSTED_KEYS, comma-separated. */
  trustedKeyFiles?: string[];
  /**
   * Where the signing key is kept, if not in the data directory: one directory shared by every
   * instance writing to the same log gives them one key, so each trusts the checkpoints the others
   * sign (the first to start creates it; the others load it). Default: SAMVERKAN_AUDIT_KEY_DIR.
   */
  keyDir?: string;
}

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 10 * 60 * 1000;

/** Fills in what the options leave out from the environment. */
export function resolveAuditOptions(options: AuditModuleOptions, env: NodeJS.ProcessEnv = process.env): Required<Omit<AuditModuleOptions, 'keyDir'>> & { keyDir?: string } {
  let interval = options.checkpointIntervalMs;
  if (interval === undefined && env.SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS !== undefined && env.SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS !== '') {
    const seconds = Number(env.SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS);
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS must be a number of seconds (0 turns checkpoints off), not '${env.SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS}'.`);
    interval = seconds * 1000;
  }
  const keyDir = options.keyDir ?? (env.SAMVERKAN_AUDIT_KEY_DIR || undefined);
  return {
    dataDir: options.dataDir,
    ...(keyDir !== undefined ? { keyDir } : {}),
    checkpointIntervalMs: interval ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
    trustedKeyFiles:
      options.trustedKeyFiles ??
      (env.SAMVERKAN_AUDIT_TRUSTED_KEYS ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
  };
}
