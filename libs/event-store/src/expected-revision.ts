import { WrongExpectedRevisionError, type ConsistencyCheck, type ExpectedRevision } from './event-store.port';

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

/**
 * The first of `checks` that a stream's current revision (`revisionOf`, -1 when it does not
 * exist) fails, as the port reports it; undefined when all hold.
 */
export function failedCheck(checks: readonly ConsistencyCheck[], revisionOf: (stream: string) => number): WrongExpectedRevisionError | undefined {
  for (const check of checks) {
    const current = revisionOf(check.stream);
    if (!meetsExpectedRevision(check.expectedRevision, current)) return new WrongExpectedRevisionError(check.stream, check.expectedRevision, current);
  }
  return undefined;
}
