/** If-Match named a revision the stream is not at (412), or retries on a busy stream ran out (409). */
export class ConcurrencyConflictError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: number | undefined,
    readonly actual: number,
    readonly precondition: boolean,
  ) {
    super(
      precondition
        ? `${stream} is at revision ${actual}, not the revision ${expected} that If-Match expects.`
        : `${stream} kept changing while this command was decided; send it again.`,
    );
    this.name = 'ConcurrencyConflictError';
  }
}

/** The same Idempotency-Key came with another request. */
export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('This Idempotency-Key was already used with another request; use a new key for a new command.');
    this.name = 'IdempotencyKeyReusedError';
  }
}
