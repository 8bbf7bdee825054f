import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { makeEvent } from '@samverkan/event-store/testing';
import { ProjectionRunner } from '../../projection-runner';
import { SnapshotParticipant } from '../snapshot-participant';

/** A snapshot participant for tests: the ids it saw, in order, and a count per stream. */
export class Tally implements SnapshotParticipant {
  readonly name = 'tally';
  ids: string[] = [];
  perStream = new Map<string, number>();

  constructor(
    readonly version = 1,
    private readonly refuseImport = false,
  ) {}

  observe(event: RecordedEvent): void {
    this.ids.push(event.id);
    this.perStream.set(event.stream, (this.perStream.get(event.stream) ?? 0) + 1);
  }

  exportState(): unknown {
    return { ids: this.ids, perStream: this.perStream };
  }

  importState(state: unknown): void {
    const { ids, perStream } = state as { ids: string[]; perStream: Map<string, number> };
    if (this.refuseImport && ids.length > 0) throw new Error('this tally refuses every state but an empty one');
    this.ids = ids;
    this.perStream = perStream;
  }
}

/** A runner on `store` with a tally observing and taking part in snapshots. */
export function tallyRunner(store: EventStore, tally = new Tally()): { runner: ProjectionRunner; tally: Tally } {
  const runner = new ProjectionRunner(store);
  runner.addObserver((event) => tally.observe(event));
  runner.addParticipant(tally);
  return { runner, tally };
}

/** Appends `count` events (of a type the read models skip) spread over three register streams. */
export async function appendTallied(store: EventStore, count: number, payload: Record<string, unknown> = {}): Promise<void> {
  for (let i = 0; i < count; i++) await store.appendToStream(`municipality-t${i % 3}`, [makeEvent('Tallied', { i, ...payload })]);
}
