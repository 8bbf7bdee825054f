/** What the audit module needs from the app (a ServiceConfig will do: it has `dataDir`). */
export interface AuditModuleOptions {
  /** The data directory: where the signing key is kept when the store has no file of its own (EventStoreDB). */
  dataDir: string;
  /** How often a checkpoint is appended (when the log has moved); 0 turns the timer off. Default: SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS, else 600 s. */
  checkpointIntervalMs?: number;
  /** PEM files of further public keys whose checkpoints are trusted (other instances writing to the same log). Default: SAMVERKAN_AUDIT_TRUSTED_KEYS, comma-separated. */
  trustedKeyFiles?: string[];
}

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 10 * 60 * 1000;

/** Fills in what the options leave out from the environment. */
export function resolveAuditOptions(options: AuditModuleOptions, env: NodeJS.ProcessEnv = process.env): Required<AuditModuleOptions> {
  let interval = options.checkpointIntervalMs;
  if (interval === undefined && env.SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS !== undefined && env.SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS !== '') {
    const seconds = Number(env.SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS);
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS must be a number of seconds (0 turns checkpoints off), not '${env.SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS}'.`);
    interval = seconds * 1000;
  }
  return {
    dataDir: options.dataDir,
    checkpointIntervalMs: interval ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
    trustedKeyFiles:
      options.trustedKeyFiles ??
      (env.SAMVERKAN_AUDIT_TRUSTED_KEYS ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
  };
}
