/**
 * The refusals of docs/contract.md (Conventions): each status with the codes it may carry.
 * 401/403 do not occur here (the tests run the service open on loopback).
 */
export const CONTRACT_REFUSALS: Readonly<Record<number, readonly string[]>> = {
  400: ['validation-failed'],
  404: ['not-found'],
  409: ['already-exists'],
  412: ['concurrency-conflict'],
  422: [
    'not-a-party',
    'not-a-member',
    'basis-not-in-force',
    'area-not-covered',
    'already-signed',
    'already-decided',
    'agreement-rejected',
    'already-dissolved',
    'dates-out-of-order',
    'too-few-members',
    'host-not-member',
    'idempotency-key-reused',
  ],
};

/** Why a refusal does not follow the contract, or undefined when it does. */
export function contractViolation(answer: { status: number; contentType: string; body: unknown }): string | undefined {
  if (!/^application\/problem\+json\b/.test(answer.contentType)) return `${answer.status} came as ${answer.contentType || 'no content type'}, not application/problem+json`;
  const body = answer.body as { status?: unknown; code?: unknown; type?: unknown; title?: unknown; detail?: unknown } | undefined;
  if (!body || typeof body !== 'object') return `${answer.status} has no problem body`;
  const allowed = CONTRACT_REFUSALS[answer.status];
  if (!allowed) return `status ${answer.status} (code ${String(body.code)}) is not a refusal the contract names`;
  if (typeof body.code !== 'string' || !allowed.includes(body.code)) return `${answer.status} carries code '${String(body.code)}', not one of ${allowed.join(', ')}`;
  if (body.status !== answer.status) return `the problem says status ${String(body.status)} on a ${answer.status}`;
  for (const field of ['type', 'title', 'detail'] as const) if (typeof body[field] !== 'string') return `the problem has no ${field}`;
  return undefined;
}
