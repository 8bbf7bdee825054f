import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, WrongExpectedRevisionError } from '@samverkan/event-store';
import { Clock } from '@samverkan/shared';
import { randomUUID } from 'node:crypto';
import { chainHeadOf, sealBatch } from '../chain/event-chain';
import { SIGNATURE_TYPE_COSIGNATURE_V1, VerifierKey, keyIdHex, parseNote, parseSignatureLine, parseVerifierKey, verifyCosignature } from '../note';
import { AUDIT_OPTIONS, AuditModuleOptions, resolveAuditOptions } from '../service/audit-options';
import { COSIGNATURE_EVENT_TYPE, COSIGNATURE_SCHEMA_VERSION, COSIGNATURE_STREAM, CosignatureData } from './cosignatures';
import { LogTree } from './log-tree';

/** A cosignature that is not accepted, and why (a 404 or 422 at the API). */
export class CosignatureRejectedError extends Error {
  constructor(
    readonly reason: 'no-checkpoint' | 'unknown-witness' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'CosignatureRejectedError';
  }
}

export interface CosignatureOutcome {
  /** False when this witness had already cosigned this checkpoint (nothing was appended). */
  recorded: boolean;
  treeSize: number;
  witness: string;
  /** The time the witness states, in seconds since 1970. */
  time: number;
}

const SOURCE = 'samverkan:audit';

/** The witnesses' verifier keys (SAMVERKAN_AUDIT_WITNESSES), parsed; a key that is not a cosignature/v1 key is a configuration error. */
export function parseWitnessKeys(verifierKeys: readonly string[]): VerifierKey[] {
  return verifierKeys.map((vkey) => {
    let key: VerifierKey;
    try {
      key = parseVerifierKey(vkey);
    } catch (error) {
      throw new Error(`SAMVERKAN_AUDIT_WITNESSES: '${vkey}' is not a C2SP verifier key: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (key.type !== SIGNATURE_TYPE_COSIGNATURE_V1) throw new Error(`SAMVERKAN_AUDIT_WITNESSES: the key of ${key.name} is of type 0x${key.type.toString(16).padStart(2, '0')}; a witness key is of type 0x04 (cosignature/v1)`);
    return key;
  });
}
const MAX_ATTEMPTS = 5;

/**
 * The witnesses whose cosignatures the register accepts (SAMVERKAN_AUDIT_WITNESSES: C2SP
 * verifier keys of type cosignature/v1) and the recording of what they send: each cosignature
 * is checked against the recorded checkpoint before it is appended, one per witness and
 * checkpoint, to `audit-cosignatures` on its own audit chain.
 */
@Injectable()
export class Witnesses {
  readonly verifierKeys: string[];
  private readonly keys: VerifierKey[];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly tree: LogTree,
    private readonly clock: Clock,
    @Inject(AUDIT_OPTIONS) options: AuditModuleOptions,
  ) {
    this.verifierKeys = resolveAuditOptions(options).witnesses;
    this.keys = parseWitnessKeys(this.verifierKeys);
  }

  /** Checks `line` (a cosignature line, `— <name> <base64>`) against the checkpoint of `treeSize` and records it. */
  async accept(treeSize: number, line: string, actor: string): Promise<CosignatureOutcome> {
    const cosignature = line.endsWith('\n') ? line.slice(0, -1) : line;
    for (let attempt = 1; ; attempt++) {
      await this.tree.upToHead();
      const head = this.tree.headAt(treeSize);
      if (!head) throw new CosignatureRejectedError('no-checkpoint', `No checkpoint was recorded for tree size ${treeSize}.`);
      let signed: { name: string; keyId: number };
      try {
        signed = parseSignatureLine(cosignature, 'the cosignature');
      } catch (error) {
        throw new CosignatureRejectedError('invalid', error instanceof Error ? error.message : String(error));
      }
      const key = this.keys.find((k) => k.name === signed.name && k.keyId === signed.keyId);
      if (!key) throw new CosignatureRejectedError('unknown-witness', `${signed.name} (key ${keyIdHex(signed.keyId)}) is not a witness of this register; its witnesses are set in SAMVERKAN_AUDIT_WITNESSES.`);
      const check = verifyCosignature(parseNote(head.note).text, cosignature, key);
      if (!check.ok) throw new CosignatureRejectedError('invalid', check.reason);
      const already = head.cosignatures.some((existing) => {
        const other = parseSignatureLine(existing);
        return other.name === key.name && other.keyId === key.keyId;
      });
      if (already) return { recorded: false, treeSize, witness: key.name, time: check.time };

      const data: CosignatureData = { treeSize, witness: key.name, keyId: keyIdHex(key.keyId), time: check.time, line: cosignature };
      const [last] = await this.store.readStream(COSIGNATURE_STREAM, { direction: 'backwards', maxCount: 1 });
      const id = randomUUID();
      const recordedAt = this.clock.now().toISOString();
      const [event] = sealBatch(COSIGNATURE_STREAM, chainHeadOf(last ? [last] : []), [
        {
          id,
          type: COSIGNATURE_EVENT_TYPE,
          data: data as unknown as Record<string, unknown>,
          metadata: { commandId: id, correlationId: id, causationId: id, actor, source: SOURCE, recordedAt, schemaVersion: COSIGNATURE_SCHEMA_VERSION },
        },
      ]);
      try {
        await this.store.appendToStream(COSIGNATURE_STREAM, [event], { expectedRevision: last ? last.revision : 'no-stream' });
        await this.tree.upToHead();
        return { recorded: true, treeSize, witness: key.name, time: check.time };
      } catch (error) {
        // Another cosignature landed first (here or at another instance): look again.
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
