import { SamverkanEvent, upcast } from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';

/** A recorded event with its data decoded once, into today's schema, as the domain's typed event. */
export interface DecodedEvent extends RecordedEvent {
  readonly event: SamverkanEvent;
  /** When it was recorded (the command's time, else the store's commit time). */
  readonly recordedAt: string;
}

/** A recorded event of a type (or a schema version) this version does not know: kept as stored. */
export interface UndecodedEvent extends RecordedEvent {
  readonly event: undefined;
  readonly recordedAt: string;
}

/** What the read side is handed for each event the runner applies. */
export type AppliedEvent = DecodedEvent | UndecodedEvent;

/**
 * Decodes `recorded` (upcasting an old schema version); an event already decoded is returned as
 * it is, so the runner decodes each event once for every consumer and a consumer fed raw events
 * (a test, the replay tool) still works.
 */
export function decoded(recorded: RecordedEvent | AppliedEvent): AppliedEvent {
  if ('event' in recorded) return recorded;
  const recordedAt = recorded.metadata.recordedAt ?? recorded.created;
  try {
    return { ...recorded, event: upcast(recorded.type, recorded.metadata.schemaVersion ?? 1, recorded.data), recordedAt };
  } catch {
    return { ...recorded, event: undefined, recordedAt };
  }
}
