import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ConcurrencyConflictError, ForbiddenError, IdempotencyKeyReusedError } from '@samverkan/commands';
import { RequestValidationError } from '@samverkan/shared';
import { DomainError, DomainErrorCode } from '@samverkan/domain';
import { EventStoreUnavailableError } from '@samverkan/event-store';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field: string; message: string }[];
}

const TYPE_BASE = 'https://samverkan.se/problems/';

const TITLES: Record<string, string> = {
  'validation-failed': 'The request is not valid',
  unauthenticated: 'Authentication is required',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  'already-exists': 'Already exists',
  'concurrency-conflict': 'Concurrency conflict',
  'payload-too-large': 'The request body is too large',
  'unsupported-media-type': 'Unsupported media type',
  'not-acceptable': 'Not acceptable',
  'method-not-allowed': 'Method not allowed',
  'rate-limited': 'Too many requests',
  'read-model-timeout': 'The read model did not reach the requested position in time',
  'store-unavailable': 'The event store is unavailable',
  'request-timeout': 'The request took too long to arrive',
  'headers-too-large': 'The request headers are too large',
  'internal-error': 'Internal error',
};

/** What a 415 says, however it arises (no Content-Type, text/plain, a form): the one media type a body may have. */
export const UNSUPPORTED_MEDIA_TYPE_DETAIL = 'Send the body as JSON with Content-Type: application/json.';

function statusOfDomainCode(code: DomainErrorCode): number {
  if (code === 'not-found') return 404;
  if (code === 'already-exists') return 409;
  if (code === 'validation-failed') return 400;
  return 422;
}

export function problem(status: number, code: string, detail: string, errors?: Problem['errors']): Problem {
  // Every 400 lists its fields (contract: Conventions); one without a field of its own is about the body as a whole.
  const fields = errors ?? (status === 400 ? [{ field: 'body', message: detail }] : undefined);
  return { type: `${TYPE_BASE}${code}`, title: TITLES[code] ?? 'The register refused the command', status, detail, code, ...(fields ? { errors: fields } : {}) };
}

/** Maps any thrown error to an RFC 9457 problem. Unknown errors are 500 with no internals shown. */
export function toProblem(error: unknown): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof DomainError) return { problem: problem(statusOfDomainCode(error.code), error.code, error.detail, error.errors), headers: {} };
  if (error instanceof RequestValidationError) return { problem: problem(400, 'validation-failed', error.message, error.errors), headers: {} };
  if (error instanceof ConcurrencyConflictError) {
    return error.precondition
      ? { problem: problem(412, 'concurrency-conflict', error.message), headers: {} }
      : { problem: problem(409, 'concurrency-conflict', error.message), headers: { 'Retry-After': '1' } };
  }
  if (error instanceof ForbiddenError) return { problem: problem(403, 'forbidden', error.message), headers: {} };
  if (error instanceof IdempotencyKeyReusedError) return { problem: problem(422, 'idempotency-key-reused', error.message), headers: {} };
  if (error instanceof EventStoreUnavailableError) return { problem: problem(503, 'store-unavailable', 'The event store cannot be reached; nothing was recorded. Try again shortly.'), headers: { 'Retry-After': '5' } };
  if (error instanceof HttpException) {
    const body = fromHttpException(error);
    // RFC 9110: a 401 names the authentication scheme it wants.
    return { problem: body, headers: body.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {} };
  }
  const fastify = fastifyError(error);
  if (fastify) return { problem: fastify, headers: {} };
  // Node's request stream fails so when the client hangs up before its body has arrived: not our error, and no one is listening.
  if (isAbortedRequest(error)) return { problem: problem(400, 'validation-failed', 'The request was aborted before its body arrived.'), headers: {} };
  return { problem: problem(500, 'internal-error', 'Something went wrong on our side; it has been logged.'), headers: {} };
}

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  const response = error.getResponse() as { code?: string; message?: unknown; errors?: Problem['errors'] } | string;
  const body = typeof response === 'string' ? { message: response } : response;
  if (body.code && typeof body.message === 'string') return problem(status, body.code, body.message, body.errors);
  const codeByStatus: Record<number, string> = { 400: 'validation-failed', 401: 'unauthenticated', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed', 406: 'not-acceptable', 413: 'payload-too-large', 415: 'unsupported-media-type', 429: 'rate-limited', 504: 'read-model-timeout' };
  const code = codeByStatus[status] ?? (status >= 500 ? 'internal-error' : 'validation-failed');
  const detail = status === 404 ? 'There is no such resource.' : status === 415 ? UNSUPPORTED_MEDIA_TYPE_DETAIL : typeof body.message === 'string' ? body.message : (TITLES[code] ?? 'Request refused');
  return problem(status, code, detail);
}

/** Matched by shape: Node's own errors may come from another realm (as under Jest), where instanceof Error fails. */
function isAbortedRequest(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' && message === 'aborted';
}

/** Errors Fastify raises before a route runs: bad JSON, too large, wrong content type. */
function fastifyError(error: unknown): Problem | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: string; statusCode?: number };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problem(413, 'payload-too-large', 'The request body is larger than 1 MiB.');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return problem(415, 'unsupported-media-type', UNSUPPORTED_MEDIA_TYPE_DETAIL);
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return problem(400, 'validation-failed', 'The JSON body is empty.', [{ field: 'body', message: 'must be a JSON object' }]);
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code.startsWith('FST_ERR_CTP')) return problem(400, 'validation-failed', 'The body is not valid JSON.', [{ field: 'body', message: 'must be valid JSON' }]);
  // Raised by the router before any route runs (app.factory.ts passes them here through frameworkErrors).
  if (code === 'FST_ERR_BAD_URL') return problem(400, 'validation-failed', 'The path is not valid percent-encoded UTF-8.', [{ field: 'path', message: 'must be valid percent-encoded UTF-8' }]);
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return problem(400, 'validation-failed', 'A path parameter is too long.', [{ field: 'path', message: 'a path parameter is longer than 100 characters' }]);
  if (statusCode && statusCode >= 400 && statusCode < 500) return problem(statusCode, statusCode === 404 ? 'not-found' : 'validation-failed', 'The request is not valid.');
  return undefined;
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problems');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ status(code: number): unknown; header(k: string, v: string): unknown; send(body: string): unknown; sent?: boolean }>();
    const { problem: body, headers } = toProblem(error);
    if (body.status >= 500 && body.code === 'internal-error') this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if ((reply as { sent?: boolean }).sent) return;
    reply.status(body.status);
    reply.header('Content-Type', 'application/problem+json; charset=utf-8');
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    reply.send(JSON.stringify(body));
  }
}
