import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Ed25519NoteSigner } from '../note/signed-note';
import { PublicKeyInfo, PublicKeyRing, SigningKey, parsePublicKey, publicKeyInfo } from '../signing/signing-key';
import { AUDIT_OPTIONS, AuditModuleOptions, DEFAULT_LOG_ORIGIN, resolveAuditOptions } from './audit-options';

/**
 * Where the signing key lives: next to the embedded store's file (its data directory), in
 * the configured data directory for EventStoreDB, and in memory only for an in-memory store
 * (the log and its key go away together).
 */
export function signingKeyDirectory(store: EventStore, dataDir: string): string | undefined {
  if (store.kind !== 'embedded') return dataDir;
  const settings = (store as Partial<{ settings(): { file: string } }>).settings;
  if (typeof settings !== 'function') return dataDir;
  const file = settings.call(store).file;
  return file === '' || file === ':memory:' ? undefined : dirname(file);
}

/** The service's signing key and the public keys whose checkpoints it trusts (its own first). */
@Injectable()
export class AuditKeys {
  private readonly logger = new Logger('Audit');
  readonly signing: SigningKey;
  readonly trusted: PublicKeyRing;
  private readonly extra: PublicKeyInfo[];
  /** The log's origin: the first line of its checkpoint notes and their key's name. */
  readonly origin: string;
  /** The signing key as a signer of checkpoint notes. */
  readonly noteSigner: Ed25519NoteSigner;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(AUDIT_OPTIONS) options: AuditModuleOptions) {
    const resolved = resolveAuditOptions(options);
    const dir = resolved.keyDir ?? signingKeyDirectory(store, resolved.dataDir);
    this.signing = dir === undefined ? SigningKey.ephemeral() : SigningKey.loadOrCreate(dir);
    if (dir === undefined) this.logger.warn('The store is in memory, so the audit signing key is held in memory only');
    else this.logger.log(`Audit signing key ${this.signing.keyId} in ${dir}`);
    const others = resolved.trustedKeyFiles.map((file) => parsePublicKey(readFileSync(file)));
    this.trusted = new PublicKeyRing([this.signing.publicKey, ...others]);
    this.extra = others.map(publicKeyInfo).filter((k) => k.keyId !== this.signing.keyId);
    this.origin = resolved.logOrigin;
    this.noteSigner = this.signing.noteSigner(this.origin);
    if (this.origin === DEFAULT_LOG_ORIGIN) this.logger.warn(`The log has no origin of its own: checkpoints name it ${DEFAULT_LOG_ORIGIN} until SAMVERKAN_AUDIT_LOG_ORIGIN is set`);
  }

  /** The C2SP verifier key of checkpoint notes (`origin+keyid+base64`). */
  get noteVerifierKey(): string {
    return this.noteSigner.verifierKey;
  }

  /** The public keys to publish: the service's own, then any others it trusts. */
  publicKeys(): PublicKeyInfo[] {
    return [this.signing.info(), ...this.extra];
  }
}
