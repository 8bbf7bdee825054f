import type { RecordedEvent } from '@samverkan/event-store';
import { RegisterReadModel } from '../../register-read-model';

/**
 * Events for the read model's given/when/then specs: each `recorded` event gets the next
 * position and a recording time a minute after the one before, so that `knownAt` questions
 * can fall between two events (`now + 30_000`).
 */
export class EventFeed {
  private position = 0;
  private clock = 0;

  /** Starts again from position 0 and time 0. */
  reset(): void {
    this.position = 0;
    this.clock = 0;
  }

  /** The recording time of the last event, in ms. */
  get now(): number {
    return this.clock;
  }

  readonly recorded = (stream: string, type: string, data: Record<string, unknown>): RecordedEvent => {
    this.position += 1;
    this.clock += 60_000;
    const at = new Date(this.clock).toISOString();
    return { id: `e${this.position}`, stream, revision: 0, position: this.position, type, data, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actor: 't', source: 't', recordedAt: at, schemaVersion: 1 }, created: at };
  };
}

/** Given: the events, applied in order to a fresh read model. */
export function given(...events: RecordedEvent[]): RegisterReadModel {
  const model = new RegisterReadModel();
  for (const e of events) model.apply(e);
  return model;
}
