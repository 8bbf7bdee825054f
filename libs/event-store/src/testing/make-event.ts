import { randomUUID } from 'node:crypto';
import { EventMetadata, EventToAppend } from '../event-store.port';

/** An event to append with a fresh id and complete metadata; `metadata` overrides the defaults. */
export function makeEvent(type: string, data: Record<string, unknown> = {}, metadata: Partial<EventMetadata> = {}): EventToAppend {
  const commandId = randomUUID();
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      commandId,
      correlationId: commandId,
      causationId: commandId,
      actor: 'test',
      source: 'test',
      recordedAt: new Date().toISOString(),
      schemaVersion: 1,
      ...metadata,
    },
  };
}
