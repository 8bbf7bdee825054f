import { parseWitnessKeys, resolveAuditOptions } from '@samverkan/audit';
import { resolve } from 'node:path';

/** The service's settings, from the environment (contract: Running). */
export interface ServiceConfig {
  port: number;
  host: string;
  dataDir: string;
  eventStoreConnectionString?: string;
  apiKeysFile?: string;
  adminKey?: string;
  logLevel: string;
  /** `pretty` (one coloured line per entry, for a terminal) or `json` (one object per line, for a collector). */
  logFormat: 'pretty' | 'json';
  /** True when no API keys are configured: development mode, loopback only. */
  open: boolean;
  /** Requests per minute per API key; 0 turns the limit off (it is always off when running open). */
  rateLimitPerMinute: number;
  /** Origins allowed by CORS; empty: CORS is off. */
  corsOrigins: string[];
  /** Concurrent Server-Sent Events subscribers (both feeds); past it 503. */
  sseMaxSubscribers: number;
  /** Messages queued per subscriber before a slow one is disconnected. */
  sseBuffer: number;
  /** Heartbeat comment interval on the event streams; 0: none. */
  sseHeartbeatMs: number;
  /**
   * Read-model snapshots in `<dataDir>/snapshots` (docs/snapshots.md). Unset: on for the store the
   * service opens itself, off for a store handed to it (tests).
   */
  snapshots?: boolean;
  /** Register events applied since the last snapshot before the next one is written. */
  snapshotEvery: number;
  /** Events the command path's per-stream state cache may cover before it drops the least recently used streams. */
  stateCacheEvents: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export class ConfigError extends Error {}

/**
 * `stdoutIsTerminal` decides the log format when LOG_FORMAT is unset: pretty on a terminal, JSON
 * otherwise (a container, a file, a collector).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, stdoutIsTerminal = false): ServiceConfig {
  const keysConfigured = Boolean(env.SAMVERKAN_API_KEYS_FILE || env.SAMVERKAN_ADMIN_KEY);
  const host = env.HOST || (keysConfigured ? '0.0.0.0' : '127.0.0.1');
  if (!keysConfigured && !LOOPBACK.has(host)) {
    throw new ConfigError(
      `Refusing to listen on ${host} without API keys: with no keys the service runs open, so it listens on loopback only. ` +
        'Set SAMVERKAN_API_KEYS_FILE or SAMVERKAN_ADMIN_KEY, or unset HOST.',
    );
  }
  // The form AccessGuard accepts in `Authorization: Bearer <key>`: any other admin key could never be presented.
  if (env.SAMVERKAN_ADMIN_KEY && !/^[\x21-\x7e]{16,512}$/.test(env.SAMVERKAN_ADMIN_KEY)) {
    throw new ConfigError('SAMVERKAN_ADMIN_KEY must be 16 to 512 printable ASCII characters without spaces; create one with npm run create-key.');
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not '${logLevel}'.`);
  const logFormat = env.LOG_FORMAT || (stdoutIsTerminal ? 'pretty' : 'json');
  if (logFormat !== 'pretty' && logFormat !== 'json') throw new ConfigError(`LOG_FORMAT must be 'pretty' or 'json', not '${logFormat}'.`);
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, not '${env.PORT}'.`);
  try {
    // The audit settings are read by the audit module; checked here so that a wrong one stops the service with one line.
    parseWitnessKeys(resolveAuditOptions({ dataDir: '.' }, env).witnesses);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  return {
    port,
    host,
    dataDir: resolve(env.SAMVERKAN_DATA_DIR || './data'),
    ...(env.EVENTSTORE_CONNECTION_STRING ? { eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING } : {}),
    ...(env.SAMVERKAN_API_KEYS_FILE ? { apiKeysFile: env.SAMVERKAN_API_KEYS_FILE } : {}),
    ...(env.SAMVERKAN_ADMIN_KEY ? { adminKey: env.SAMVERKAN_ADMIN_KEY } : {}),
    logLevel,
    logFormat,
    open: !keysConfigured,
    rateLimitPerMinute: wholeNumber(env.SAMVERKAN_RATE_LIMIT, 'SAMVERKAN_RATE_LIMIT', 1200),
    corsOrigins: (env.SAMVERKAN_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    sseMaxSubscribers: wholeNumber(env.SAMVERKAN_SSE_MAX_SUBSCRIBERS, 'SAMVERKAN_SSE_MAX_SUBSCRIBERS', 200),
    sseBuffer: wholeNumber(env.SAMVERKAN_SSE_BUFFER, 'SAMVERKAN_SSE_BUFFER', 1000),
    sseHeartbeatMs: wholeNumber(env.SAMVERKAN_SSE_HEARTBEAT_MS, 'SAMVERKAN_SSE_HEARTBEAT_MS', 15000),
    ...(env.SAMVERKAN_SNAPSHOTS ? { snapshots: onOff(env.SAMVERKAN_SNAPSHOTS, 'SAMVERKAN_SNAPSHOTS') } : {}),
    snapshotEvery: wholeNumber(env.SAMVERKAN_SNAPSHOT_EVERY, 'SAMVERKAN_SNAPSHOT_EVERY', 50_000),
    stateCacheEvents: wholeNumber(env.SAMVERKAN_STATE_CACHE_EVENTS, 'SAMVERKAN_STATE_CACHE_EVENTS', 2_000_000),
  };
}

function onOff(value: string, name: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigError(`${name} must be 'on' or 'off', not '${value}'.`);
}

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a whole number, not '${value}'.`);
  return n;
}
