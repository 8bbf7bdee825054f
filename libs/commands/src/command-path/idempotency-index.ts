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

  /**
   * The index as plain data for a read-model snapshot, as columns: one object per key made a
   * snapshot of a large register mostly property names, and its load mostly the deserializer
   * and the garbage collector (the read model's transfers are kept the same way). The
   * command-id links are the inverse of the entries; only the links that are not are listed.
   */
  exportState(): IdempotencyColumns {
    const size = this.byKey.size;
    const streams = new Map<string, number>();
    const types = new Map<string, number>();
    const indexOf = (table: Map<string, number>, value: string): number => {
      let at = table.get(value);
      if (at === undefined) table.set(value, (at = table.size));
      return at;
    };
    const c: IdempotencyColumns = {
      format: 2,
      keys: new Array<string>(size),
      requestHash: new Array<string | null>(size),
      commandId: new Array<string>(size),
      id: new Array<string>(size),
      stream: new Uint32Array(size),
      revision: new Float64Array(size),
      position: new Float64Array(size),
      eventCount: new Uint32Array(size),
      eventType: [],
      eventId: [],
      streams: [],
      types: [],
      otherLinks: [],
    };
    let i = 0;
    for (const [key, entry] of this.byKey) {
      c.keys[i] = key;
      c.requestHash[i] = entry.requestHash ?? null;
      c.commandId[i] = entry.commandId;
      c.id[i] = entry.result.id;
      c.stream[i] = indexOf(streams, entry.result.stream);
      c.revision[i] = entry.result.revision;
      c.position[i] = entry.result.position;
      c.eventCount[i] = entry.result.events.length;
      for (const event of entry.result.events) {
        c.eventType.push(indexOf(types, event.type));
        c.eventId.push(event.id);
      }
      i += 1;
    }
    for (const [commandId, key] of this.keyByCommandId) if (this.byKey.get(key)?.commandId !== commandId) c.otherLinks.push([commandId, key]);
    c.streams = [...streams.keys()];
    c.types = [...types.keys()];
    return c;
  }

  /** Replaces the index with one exportState() gave (after a structured-clone round trip); throws, changing nothing, on anything else. */
  importState(state: unknown): void {
    const c = state as IdempotencyColumns;
    if (c === null || typeof c !== 'object' || c.format !== 2) throw new Error('Not an idempotency index state of format 2');
    this.byKey.clear();
    this.keyByCommandId.clear();
    let e = 0;
    for (let i = 0; i < c.keys.length; i++) {
      const events = new Array<{ type: string; id: string }>(c.eventCount[i]);
      for (let k = 0; k < events.length; k++, e++) events[k] = { type: c.types[c.eventType[e]], id: c.eventId[e] };
      const requestHash = c.requestHash[i] ?? undefined;
      this.byKey.set(c.keys[i], { requestHash, commandId: c.commandId[i], result: { id: c.id[i], stream: c.streams[c.stream[i]], revision: c.revision[i], position: c.position[i], events } });
      this.keyByCommandId.set(c.commandId[i], c.keys[i]);
    }
    for (const [commandId, key] of c.otherLinks) this.keyByCommandId.set(commandId, key);
  }
}

/** The index as a snapshot keeps it (see exportState). */
export interface IdempotencyColumns {
  format: 2;
  keys: string[];
  requestHash: (string | null)[];
  commandId: string[];
  /** The answer of each key: its id, stream (by number in `streams`), revision, position and events. */
  id: string[];
  stream: Uint32Array;
  revision: Float64Array;
  position: Float64Array;
  /** How many of the flattened events each answer has, in order. */
  eventCount: Uint32Array;
  eventType: number[];
  eventId: string[];
  streams: string[];
  types: string[];
  /** Command-id links that are not the inverse of the entries. */
  otherLinks: [commandId: string, key: string][];
}
