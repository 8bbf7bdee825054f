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

/** A field of a request and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * A typed refusal. Deciders throw it; the HTTP layer maps `code` to a status
 * (422 for rule codes, 404 for not-found, 409 for already-exists, 400 for validation-failed,
 * naming the `errors` fields when there are any).
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export function refuse(code: DomainErrorCode, detail: string): never {
  throw new DomainError(code, detail);
}

/** Refuses a command whose fields break a rule, naming every such field (a 400 like a malformed body's). */
export function refuseFields(errors: FieldError[]): void {
  if (errors.length > 0) throw new DomainError('validation-failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
