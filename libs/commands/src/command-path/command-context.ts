import { createHash, randomUUID } from 'node:crypto';
import { RequestValidationError } from '@samverkan/shared';
import { v5 as uuidv5 } from 'uuid';
import { canonicalJson } from './canonical-json';

/** The namespace of every UUID v5 the register derives (event ids, generated ids). */
export const SAMVERKAN_NAMESPACE = 'a3c1e6f2-5b8d-4f0e-9c71-2d4b6e8f0a13';

/** Who sent a command, how, and what it must not collide with. Built once per request. */
export interface CommandContext {
  /** Derived from the Idempotency-Key when there is one, so a retry has the same id. */
  commandId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  source: string;
  idempotencyKey?: string;
  requestHash?: string;
  /** From If-Match: the stream revision the sender expects. */
  expectedRevision?: number;
  /** A writer key's municipalities; undefined when the sender may act for any (admin, open mode, process managers). */
  actingFor?: readonly string[];
}

export function newCommandContext(options: {
  idempotencyKey?: string;
  actor: string;
  source: string;
  expectedRevision?: number;
  actingFor?: readonly string[];
  request?: { method: string; path: string; body: unknown };
}): CommandContext {
  const commandId = options.idempotencyKey ? uuidv5(`idempotency-key:${options.idempotencyKey}`, SAMVERKAN_NAMESPACE) : randomUUID();
  return {
    commandId,
    correlationId: commandId,
    causationId: commandId,
    actor: options.actor,
    source: options.source,
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    ...(options.idempotencyKey && options.request ? { requestHash: requestHash(options.request) } : {}),
    ...(options.expectedRevision !== undefined ? { expectedRevision: options.expectedRevision } : {}),
    ...(options.actingFor !== undefined ? { actingFor: options.actingFor } : {}),
  };
}

/** No command body is anywhere near this deep; a deeper one is refused before it is hashed. */
export const MAX_BODY_DEPTH = 32;

/**
 * The request hash is taken before the body is validated (the Idempotency-Key is read with
 * the headers), so a body that has no canonical form, or would take the hashing deep into the
 * stack, is refused here with a 400, iteratively, without recursing.
 */
function assertHashable(body: unknown): void {
  const pending: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RequestValidationError([{ field: 'body', message: 'holds a number too large for JSON' }]);
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) throw new RequestValidationError([{ field: 'body', message: `is nested more than ${MAX_BODY_DEPTH} levels deep` }]);
    for (const item of Object.values(value)) pending.push({ value: item, depth: depth + 1 });
  }
}

export function requestHash(request: { method: string; path: string; body: unknown }): string {
  assertHashable(request.body);
  return createHash('sha256').update(`${request.method.toUpperCase()} ${request.path}\n${canonicalJson(request.body ?? null)}`).digest('hex');
}

/**
 * A stable id derived from the command (an event id, a generated arrangement id, a
 * transfer id): a command retried with the same Idempotency-Key derives the same ids,
 * so it cannot append twice.
 */
export function derivedId(context: Pick<CommandContext, 'commandId'>, purpose: string): string {
  return uuidv5(`${context.commandId}/${purpose}`, SAMVERKAN_NAMESPACE);
}
