import { randomUUID } from 'node:crypto';
import { EventStore, ExpectedRevision, WrongExpectedRevisionError } from '../../event-store.port';

/** Registers one test of the contract: `body` runs with the fresh store the suite's factory made for it. */
export type ContractTest = (name: string, body: (store: EventStore) => Promise<void>) => void;

export function expectWrongRevision(error: unknown, stream: string, expected: ExpectedRevision, actual: number): void {
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject({ stream, expected, actual });
}

export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to fail, but it succeeded');
}

export function expectStrictlyIncreasing(positions: number[]): void {
  positions.slice(1).forEach((position, i) => expect(position).toBeGreaterThan(positions[i]));
}

const runId = randomUUID().slice(0, 8);

export function uniqueStream(label: string): string {
  return `contract-${label}-${runId}-${randomUUID().slice(0, 8)}`;
}

/** A prefix no other stream starts with (it ends with `-`, so `${prefix}x` is a stream name). */
export function uniquePrefix(): string {
  return `contract${randomUUID().replace(/-/g, '')}-`;
}

export function uniqueType(label: string): string {
  return `${label}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
