import { SamverkanEvent, upcast } from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';

/**
 * What the read side is handed for each event the runner applies: the recorded event with its
 * data decoded once, into today's schema, as the domain's typed event; `event` is undefined for
 * a type (or a schema version) this version does not know, which is kept as stored.
 */
export interface AppliedEvent extends RecordedEvent {
  readonly event: SamverkanEvent | undefined;
  /** When it was recorded (the command's time, else the store's commit time). */
  readonly recordedAt: string;
}

/** An applied event this version knows. */
export interface DecodedEvent extends AppliedEvent {
  readonly event: SamverkanEvent;
}

export function isDecoded(applied: AppliedEvent): applied is DecodedEvent {
  return applied.event !== undefined;
}

/**
 * Decodes `recorded` (upcasting an old schema version); an event already decoded is returned as
 * it is, so the runner decodes each event once for every consumer and a consumer fed raw events
 * (a test, the replay tool) still works.
 */
export function decoded(recorded: RecordedEvent | AppliedEvent): AppliedEvent {
  if ('event' in recorded) return recorded;
  let event: SamverkanEvent | undefined;
  try {
    event = upcast(recorded.type, recorded.metadata.schemaVersion ?? 1, recorded.data);
  } catch {
    event = undefined;
  }
  // One literal shape for every event (a spread copy is slower to make and to read).
  const { id, stream, revision, position, type, data, metadata, created } = recorded;
  return { id, stream, revision, position, type, data, metadata, created, event, recordedAt: metadata.recordedAt ?? created };
}
