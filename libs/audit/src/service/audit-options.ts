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
  /**
   * The log's origin: the first line of every checkpoint note and the name of the note's key
   * (C2SP tlog-checkpoint). It should name this register uniquely, e.g. `register.example.se/samverkan`.
   * Default: SAMVERKAN_AUDIT_LOG_ORIGIN, else DEFAULT_LOG_ORIGIN.
   */
  logOrigin?: string;
  /** Witnesses whose cosignatures of checkpoints are accepted: C2SP verifier keys. Default: SAMVERKAN_AUDIT_WITNESSES, comma-separated. */
  witnesses?: string[];
}

/** The origin of a register that was not given one: `.invalid` says so to anyone who reads a checkpoint. */
export const DEFAULT_LOG_ORIGIN = 'samverkan.invalid/register';
/** What an origin may be: printable ASCII without spaces or '+' (it is also the note key's name). */
const ORIGIN = /^[\x21-\x2a\x2c-\x7e]{1,200}$/;

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 10 * 60 * 1000;

/** Fills in what the options leave out from the environment. */
export function resolveAuditOptions(options: AuditModuleOptions, env: NodeJS.ProcessEnv = process.env): Required<Omit<AuditModuleOptions, 'keyDir'>> & { keyDir?: string } {
  const logOrigin = options.logOrigin ?? (env.SAMVERKAN_AUDIT_LOG_ORIGIN || DEFAULT_LOG_ORIGIN);
  if (!ORIGIN.test(logOrigin)) throw new Error(`SAMVERKAN_AUDIT_LOG_ORIGIN must be 1 to 200 printable characters without spaces or '+', e.g. register.example.se/samverkan, not '${logOrigin}'.`);
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
    logOrigin,
    witnesses:
      options.witnesses ??
      (env.SAMVERKAN_AUDIT_WITNESSES ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    trustedKeyFiles:
      options.trustedKeyFiles ??
      (env.SAMVERKAN_AUDIT_TRUSTED_KEYS ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
  };
}
