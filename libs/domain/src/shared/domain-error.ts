/** The refusal codes of the contract's 422 list. */
export type RuleCode =
  | 'not-a-party'
  | 'not-a-member'
  | 'basis-not-in-force'
  | 'area-not-covered'
  | 'already-signed'
  | 'already-decided'
  | 'agreement-rejected'
  | 'already-dissolved'
  | 'dates-out-of-order'
  | 'too-few-members'
  | 'host-not-member';

/** Refusals that are not rule violations but still belong to the domain. */
export type DomainErrorCode = RuleCode | 'not-found' | 'already-exists' | 'validation-failed';

/**
 * A typed refusal. Deciders throw it; the HTTP layer maps `code` to a status
 * (422 for rule codes, 404 for not-found, 409 for already-exists, 400 for validation-failed).
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export function refuse(code: DomainErrorCode, detail: string): never {
  throw new DomainError(code, detail);
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
