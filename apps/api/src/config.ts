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
  };
}
