import { parseStream } from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';
import { CommandResult } from './command-result';
import { IdempotencyKeyReusedError } from './command-errors';

interface Entry {
  requestHash?: string;
  commandId: string;
  result: CommandResult;
}

/**
 * Idempotency-Key → the first answer. Kept in memory and rebuilt from the log on start:
 * every event records its command's key and request hash in its metadata, so the log
 * itself is the idempotency store and nothing can disagree with it.
 */
export class IdempotencyIndex {
  private readonly byKey = new Map<string, Entry>();
  private readonly keyByCommandId = new Map<string, string>();

  lookup(key: string, requestHash: string | undefined): CommandResult | undefined {
    const entry = this.byKey.get(key);
    if (!entry) return undefined;
    if (entry.requestHash !== undefined && requestHash !== undefined && entry.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    return entry.result;
  }

  /** The answer given live (it already covers successor transfers). */
  remember(key: string, commandId: string, requestHash: string | undefined, result: CommandResult): void {
    const existing = this.byKey.get(key);
    const merged = existing ? { ...result, position: Math.max(result.position, existing.result.position) } : result;
    this.byKey.set(key, { requestHash, commandId, result: merged });
    this.keyByCommandId.set(commandId, key);
  }

  /** Rebuilds answers from the log: the events of one command, and those it caused on other streams. */
  observe(event: RecordedEvent): void {
    const { idempotencyKey, requestHash, commandId, correlationId } = event.metadata;
    if (idempotencyKey) {
      const entry = this.byKey.get(idempotencyKey);
      if (!entry) {
        this.byKey.set(idempotencyKey, {
          requestHash,
          commandId,
          result: { id: parseStream(event.stream)?.id ?? event.stream, stream: event.stream, revision: event.revision, position: event.position, events: [{ type: event.type, id: event.id }] },
        });
        this.keyByCommandId.set(commandId, idempotencyKey);
        return;
      }
      if (entry.commandId === commandId && entry.result.stream === event.stream) {
        if (!entry.result.events.some((e) => e.id === event.id)) entry.result.events.push({ type: event.type, id: event.id });
        entry.result.revision = Math.max(entry.result.revision, event.revision);
      }
      entry.result.position = Math.max(entry.result.position, event.position);
      return;
    }
    const rootKey = this.keyByCommandId.get(correlationId);
    if (rootKey) {
      const entry = this.byKey.get(rootKey);
      if (entry) entry.result.position = Math.max(entry.result.position, event.position);
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The index as plain data for a read-model snapshot; shares the live entries, so serialise it at once. */
  exportState(): { byKey: Map<string, Entry>; keyByCommandId: Map<string, string> } {
    return { byKey: this.byKey, keyByCommandId: this.keyByCommandId };
  }

  /** Replaces the index with one exportState() gave (after a structured-clone round trip). */
  importState(state: unknown): void {
    const { byKey, keyByCommandId } = state as ReturnType<IdempotencyIndex['exportState']>;
    this.byKey.clear();
    this.keyByCommandId.clear();
    for (const [key, entry] of byKey) this.byKey.set(key, entry);
    for (const [commandId, key] of keyByCommandId) this.keyByCommandId.set(commandId, key);
  }
}
