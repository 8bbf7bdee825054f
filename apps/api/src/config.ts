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
  /** True when no API keys are configured: development mode, loopback only. */
  open: boolean;
  /** Requests per minute per API key; 0 turns the limit off (it is always off when running open). */
  rateLimitPerMinute: number;
  /** Origins allowed by CORS; empty: CORS is off. */
  corsOrigins: string[];
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const keysConfigured = Boolean(env.SAMVERKAN_API_KEYS_FILE || env.SAMVERKAN_ADMIN_KEY);
  const host = env.HOST || (keysConfigured ? '0.0.0.0' : '127.0.0.1');
  if (!keysConfigured && !LOOPBACK.has(host)) {
    throw new ConfigError(
      `Refusing to listen on ${host} without API keys: with no keys the service runs open, so it listens on loopback only. ` +
        'Set SAMVERKAN_API_KEYS_FILE or SAMVERKAN_ADMIN_KEY, or unset HOST.',
    );
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, not '${env.PORT}'.`);
  return {
    port,
    host,
    dataDir: resolve(env.SAMVERKAN_DATA_DIR || './data'),
    ...(env.EVENTSTORE_CONNECTION_STRING ? { eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING } : {}),
    ...(env.SAMVERKAN_API_KEYS_FILE ? { apiKeysFile: env.SAMVERKAN_API_KEYS_FILE } : {}),
    ...(env.SAMVERKAN_ADMIN_KEY ? { adminKey: env.SAMVERKAN_ADMIN_KEY } : {}),
    logLevel: env.LOG_LEVEL || 'info',
    open: !keysConfigured,
    rateLimitPerMinute: wholeNumber(env.SAMVERKAN_RATE_LIMIT, 'SAMVERKAN_RATE_LIMIT', 1200),
    corsOrigins: (env.SAMVERKAN_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a whole number, not '${value}'.`);
  return n;
}
