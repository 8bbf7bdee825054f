import { SamverkanEvent, upcast } from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';

/** A stored event in today's shape (old schema versions are upcast on read). */
export function readAsCurrent(event: RecordedEvent): SamverkanEvent {
  return upcast(event.type, event.metadata.schemaVersion ?? 1, event.data);
}
