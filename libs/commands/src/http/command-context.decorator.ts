import { ExecutionContext, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { CommandContext, newCommandContext } from '../command-path/command-context';
import { RequestValidationError } from '@samverkan/shared';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const IF_MATCH = /^(?:W\/)?"(\d{1,15})"$|^(\d{1,15})$/;
const SOURCE_SYSTEM = /^[\p{L}\p{N} ._:/@()-]{1,100}$/u;

/** What an authenticated request carries (set by the authentication guard; absent while the service runs open). */
export interface RequestPrincipal {
  name: string;
  roles: readonly string[];
  /** For a writer: the municipalities it may act for. */
  municipalities: readonly string[];
}

interface CommandRequest {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  principal?: RequestPrincipal;
}

function header(request: CommandRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads Idempotency-Key, If-Match and X-Source-System into a CommandContext. Malformed headers are a 400. */
export function commandContextFrom(request: CommandRequest): CommandContext {
  const idempotencyKey = header(request, 'idempotency-key');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new RequestValidationError([{ field: 'Idempotency-Key', message: 'must be 1 to 200 printable ASCII characters' }]);
  }
  const ifMatch = header(request, 'if-match');
  let expectedRevision: number | undefined;
  if (ifMatch !== undefined) {
    const match = IF_MATCH.exec(ifMatch.trim());
    if (!match) throw new RequestValidationError([{ field: 'If-Match', message: 'must be a stream revision in quotes, e.g. "3"' }]);
    expectedRevision = Number(match[1] ?? match[2]);
  }
  const source = header(request, 'x-source-system');
  if (source !== undefined && !SOURCE_SYSTEM.test(source)) {
    throw new RequestValidationError([{ field: 'X-Source-System', message: 'must be 1 to 100 letters, digits, spaces or ._:/@()-' }]);
  }
  return newCommandContext({
    idempotencyKey,
    expectedRevision,
    actor: request.principal?.name ?? 'anonymous',
    // Admins (and the open development mode) act for anyone; a writer only for its municipalities.
    ...(request.principal && !request.principal.roles.includes('admin') ? { actingFor: request.principal.municipalities } : {}),
    source: source ?? 'unknown',
    request: { method: request.method, path: request.url.split('?')[0], body: request.body },
  });
}

/** Injects the CommandContext of the current request. */
export const CommandCtx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<CommandRequest>();
  return commandContextFrom(request);
});

/** OpenAPI for the headers every command takes. */
export function CommandHeaders(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key with the same body returns the first answer and appends nothing; with another body: 422 idempotency-key-reused' }),
    ApiHeader({ name: 'If-Match', required: false, description: 'The expected stream revision, e.g. "3"; a mismatch is 412 concurrency-conflict' }),
    ApiHeader({ name: 'X-Source-System', required: false, description: 'The sending system, recorded in event metadata' }),
  );
}

