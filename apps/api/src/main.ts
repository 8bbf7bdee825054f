import { Logger } from '@nestjs/common';
import { KeyRing, KeysFileError } from '@samverkan/access';
import { createServer } from 'node:net';
import { ConfigError, ServiceConfig, loadConfig } from './config';
import { createApp } from './app.factory';

/**
 * The service's exit codes besides 0 and 1 (anything unexpected): each refusal to start is one
 * line on stderr, without a stack trace.
 */
export const EXIT_CONFIG = 2;
export const EXIT_ADDRESS = 3;

function refuse(message: string, code: number): never {
  process.stderr.write(`samverkan: ${message}\n`);
  process.exit(code);
}

/** The settings and the API keys, or one line and exit 2: a bad environment or keys file. */
function settings(): { config: ServiceConfig; keyRing: KeyRing } {
  try {
    const config = loadConfig(process.env, process.stdout.isTTY === true);
    return { config, keyRing: new KeyRing(config.apiKeysFile, config.adminKey) };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof KeysFileError) refuse(error.message, EXIT_CONFIG);
    throw error;
  }
}

/** Why the address cannot be listened on, in words, or undefined for any other error. */
function addressProblem(error: unknown, config: ServiceConfig): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: the port is in use (another Samverkan, or another program). Stop it, or start with another PORT.`;
  if (code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges). Start with another PORT.`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: this machine has no such address. Set HOST to one of its addresses.`;
  return undefined;
}

/** Tries the address before the read models are built, so a taken port is said at once, not after the start-up's work. */
function tryAddress(config: ServiceConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function main(): Promise<void> {
  const { config, keyRing } = settings();
  if (config.port !== 0) {
    await tryAddress(config).catch((error: unknown) => {
      const problem = addressProblem(error, config);
      if (problem) refuse(problem, EXIT_ADDRESS);
      throw error;
    });
  }
  const app = await createApp(config, { keyRing });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Taken between the probe and now.
    const problem = addressProblem(error, config);
    if (!problem) throw error;
    await app.close();
    refuse(problem, EXIT_ADDRESS);
  }
  const logger = new Logger('Samverkan');
  const store = config.eventStoreConnectionString ? 'EventStoreDB' : `the embedded store in ${config.dataDir}`;
  logger.log(`Listening on ${await app.getUrl()} with ${store}`);
  if (config.open) logger.warn('OPEN MODE: no API keys are configured, so every request is allowed. Loopback only; for development.');
}

void main();
