import type { RecordedEvent } from '@samverkan/event-store';
import { canonicalJson } from '../chain/canonical-json';
import { leafHash } from '../merkle';

/**
 * The Merkle tree's leaf input for one event: the RFC 8785 (JCS) canonical JSON of the event
 * exactly as `GET /v1/audit/events` serves it, restricted to the fields that are the event —
 *
 *   { "position", "stream", "revision", "type", "id", "data", "metadata" }
 *
 * — so anyone can recompute it from the API or an export with an off-the-shelf JCS library.
 * `recordedAt` (a copy of `metadata.recordedAt`) and `leafIndex` (where the leaf sits) are left
 * out: they are derived, not recorded. JCS sorts the keys, so the text is written in that order
 * directly: data, id, metadata, position, revision, stream, type.
 */
export function leafInputOf(event: Pick<RecordedEvent, 'position' | 'stream' | 'revision' | 'type' | 'id' | 'data' | 'metadata'>): string {
  return leafInputFrom(event, canonicalJson(event.data), canonicalJson(event.metadata));
}

/** The same, from the canonical forms of the event's data and metadata (computed once by a caller that needs them twice). */
export function leafInputFrom(event: Pick<RecordedEvent, 'position' | 'stream' | 'revision' | 'type' | 'id'>, data: string, metadata: string): string {
  return (
    `{"data":${data},"id":${canonicalJson(event.id)},"metadata":${metadata},"position":${canonicalJson(event.position)},` +
    `"revision":${canonicalJson(event.revision)},"stream":${canonicalJson(event.stream)},"type":${canonicalJson(event.type)}}`
  );
}

/** RFC 9162 leaf hash of the event: SHA-256(0x00 ‖ UTF-8 of its leaf input). */
export function eventLeafHash(event: Pick<RecordedEvent, 'position' | 'stream' | 'revision' | 'type' | 'id' | 'data' | 'metadata'>): Buffer {
  return leafHash(leafInputOf(event));
}
