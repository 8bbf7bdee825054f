import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`samverkan: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const logger = new Logger('Samverkan');
  const store = config.eventStoreConnectionString ? 'EventStoreDB' : `the embedded store in ${config.dataDir}`;
  logger.log(`Listening on ${await app.getUrl()} with ${store}`);
  if (config.open) logger.warn('OPEN MODE: no API keys are configured, so every request is allowed. Loopback only; for development.');
}

void main();
