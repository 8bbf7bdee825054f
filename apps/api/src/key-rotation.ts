import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KEY_RING, KeyRing } from '@samverkan/access';
import { unwatchFile, watchFile } from 'node:fs';
import { ServiceConfig } from './config';
import { SERVICE_CONFIG } from './tokens';

/**
 * Keys are rotated by editing the keys file: the service reloads it on SIGHUP and when the
 * file changes, without a restart. A file that does not parse leaves the previous keys in
 * force and is reported.
 */
@Injectable()
export class KeyRotation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeys');
  private readonly onSignal = () => this.reload('SIGHUP');
  private readonly onChange = () => this.reload('file change');

  constructor(
    @Inject(KEY_RING) private readonly keys: KeyRing,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.log(this.keys.configured ? `${this.keys.size} API key(s) loaded` : 'No API keys configured: running open on loopback only (development)');
    if (!this.config.apiKeysFile) return;
    process.on('SIGHUP', this.onSignal);
    watchFile(this.config.apiKeysFile, { interval: 1000 }, this.onChange);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSignal);
    if (this.config.apiKeysFile) unwatchFile(this.config.apiKeysFile, this.onChange);
  }

  reload(reason: string): void {
    try {
      this.keys.reload();
      this.logger.log(`Reloaded API keys (${reason}): ${this.keys.size} key(s)`);
    } catch (error) {
      this.logger.error(`Could not reload API keys (${reason}); the previous keys stay in force: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
