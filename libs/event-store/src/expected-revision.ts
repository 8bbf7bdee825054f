import type { ExpectedRevision } from './event-store.port';

/** Whether a stream whose last revision is `current` (`-1`: it does not exist) meets `expected`. Both adapters decide it so. */
export function meetsExpectedRevision(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return current === -1;
    case 'stream-exists':
      return current !== -1;
    default:
      return expected === current;
  }
}
