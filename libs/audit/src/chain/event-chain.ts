import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import type { EventMetadata, EventToAppend, RecordedEvent } from '@samverkan/event-store';
import { canonicalJson, canonicalJsonWithout } from './canonical-json';

/**
 * The tamper-evidence chain. Every event's metadata carries
 *
 *     chain: { v: 1, prev: <hash of the previous event of the same stream> | null, hash }
 *
 * where `hash` is the hex SHA-256 of the canonical JSON (RFC 8785 style) of
 *
 *     { v: 1, stream, revision, id, type, data, metadata (without `chain`), prev }
 *
 * The stream, revision and id are hashed as well as the type, data and metadata, so an
 * event cannot be moved to another stream or place without breaking its hash. The global
 * position is not: the store assigns it after the hash is made (EventStoreDB's commit
 * positions are only known once written). The global order is covered by the signed
 * checkpoints instead (see `checkpoint.ts`).
 */
export const CHAIN_VERSION = 1;

export interface EventChain {
  v: typeof CHAIN_VERSION;
  /** The previous event's hash in the same stream; null for revision 0. */
  prev: string | null;
  /** Hex SHA-256 of this event's canonical content (see above). */
  hash: string;
}

/** Where a stream's chain ends: its last revision (-1 when empty) and that event's hash. */
export interface ChainHead {
  revision: number;
  hash: string | null;
}

export const EMPTY_CHAIN_HEAD: ChainHead = Object.freeze({ revision: -1, hash: null });

/** The part of an event the chain covers (an EventToAppend or a RecordedEvent). */
export interface ChainedContent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The chain an event's metadata carries, if it is well formed. */
export function chainOf(metadata: EventMetadata | undefined): EventChain | undefined {
  const chain = metadata?.chain as Partial<EventChain> | undefined;
  if (!chain || typeof chain !== 'object') return undefined;
  if (chain.v !== CHAIN_VERSION || typeof chain.hash !== 'string' || !HEX_SHA256.test(chain.hash)) return undefined;
  if (chain.prev !== null && (typeof chain.prev !== 'string' || !HEX_SHA256.test(chain.prev))) return undefined;
  return chain as EventChain;
}

/**
 * The canonical text an event's hash is taken over: exactly
 * `canonicalJson({ v, stream, revision, id, type, data, metadata without chain, prev })`,
 * written out with its keys already in order (data, id, metadata, prev, revision, stream,
 * type, v) so that no intermediate objects are made for each event.
 */
export function chainContent(stream: string, revision: number, event: ChainedContent, prev: string | null): string {
  const metadata = event.metadata && typeof event.metadata === 'object' ? canonicalJsonWithout(event.metadata, 'chain') : canonicalJson(event.metadata);
  return chainContentOf(stream, revision, event, canonicalJson(event.data), metadata, prev);
}

/** The same, from the canonical forms of the event's data and of its metadata without `chain` (computed once by a caller that needs them twice). */
export function chainContentOf(stream: string, revision: number, event: Pick<ChainedContent, 'id' | 'type'>, data: string, metadataWithoutChain: string, prev: string | null): string {
  return (
    `{"data":${data},"id":${canonicalJson(event.id)},"metadata":${metadataWithoutChain},"prev":${canonicalJson(prev)},` +
    `"revision":${canonicalJson(revision)},"stream":${canonicalJson(stream)},"type":${canonicalJson(event.type)},"v":${CHAIN_VERSION}}`
  );
}

/** Node's one-shot hash (20.12+) is markedly faster than createHash() for small inputs; older Nodes fall back. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;

export function sha256Hex(text: string | Buffer): string {
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

/** The hash an event at `stream`/`revision` following `prev` must carry. */
export function hashEvent(stream: string, revision: number, event: ChainedContent, prev: string | null): string {
  return sha256Hex(chainContent(stream, revision, event, prev));
}

/**
 * Seals a batch about to be appended to `stream` after `head`: each event's metadata gets
 * its chain, linked to the one before it (the stream's last event for the first). The
 * events are not changed; sealed copies are returned.
 */
export function sealBatch<E extends ChainedContent>(stream: string, head: ChainHead, events: readonly E[]): E[] {
  let prev = head.hash;
  return events.map((event, index) => {
    const revision = head.revision + 1 + index;
    const hash = hashEvent(stream, revision, event, prev);
    const chain: EventChain = { v: CHAIN_VERSION, prev, hash };
    prev = hash;
    return { ...event, metadata: { ...event.metadata, chain } };
  });
}

/**
 * Where the chain of a stream ends, given its recorded events in revision order. An
 * unchained last event (written before the chain existed) has no hash: the next event then
 * links to null, and verification reports the unchained event.
 */
export function chainHeadOf(recorded: readonly Pick<RecordedEvent, 'revision' | 'metadata'>[]): ChainHead {
  if (recorded.length === 0) return EMPTY_CHAIN_HEAD;
  const last = recorded[recorded.length - 1];
  return { revision: last.revision, hash: chainOf(last.metadata)?.hash ?? null };
}

/**
 * Seals events for writers that append to many streams in sequence without reading them
 * back (history generators, imports, the bench): it remembers where each stream's chain
 * ends. Appends must succeed in the order they were sealed.
 */
export class ChainSealer {
  private readonly heads = new Map<string, ChainHead>();

  seal(stream: string, events: readonly EventToAppend[]): EventToAppend[] {
    const head = this.heads.get(stream) ?? EMPTY_CHAIN_HEAD;
    const sealed = sealBatch(stream, head, events);
    if (sealed.length > 0) this.heads.set(stream, { revision: head.revision + sealed.length, hash: chainOf(sealed[sealed.length - 1].metadata)!.hash });
    return sealed;
  }

  /** Starts a stream's chain from what is already stored. */
  resume(stream: string, head: ChainHead): void {
    this.heads.set(stream, head);
  }
}
