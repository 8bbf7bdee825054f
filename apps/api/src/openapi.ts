import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { Access, ROLES, accessOf, mayAccess } from '@samverkan/access';
import type { RuleCode } from '@samverkan/domain';

/** The name of the API-key scheme in the document (what Swagger UI's "Authorize" fills in). */
export const API_KEY_SCHEME = 'bearer';

/** The routes anyone may call (AccessGuard lets them through; /docs is served outside the guarded routes). */
const OPEN_PATHS = ['/health'];

/** The contract's 422 rule codes: a record over the domain's RuleCode, so a rule code added there must be added here. */
const RULES: Record<RuleCode, true> = {
  'not-a-party': true, 'not-a-member': true, 'basis-not-in-force': true, 'area-not-covered': true, 'already-signed': true, 'already-decided': true,
  'agreement-rejected': true, 'already-dissolved': true, 'dates-out-of-order': true, 'too-few-members': true, 'host-not-member': true,
};
const RULE_CODES = Object.keys(RULES);

/** What a route is, for what it can answer: a command, a query of the read models, the audit routes, a feed, or open. */
export type RouteKind = 'command' | 'query' | 'audit' | 'feed' | 'open';

export function routeKind(method: string, path: string): RouteKind {
  if (OPEN_PATHS.includes(path)) return 'open';
  const access: Access = accessOf(method.toUpperCase(), path);
  if (access === 'write') return 'command';
  if (access === 'audit') return 'audit';
  return path.startsWith('/v1/subscriptions/') ? 'feed' : 'query';
}

interface Answer {
  codes: readonly string[];
  description: string;
  headers?: Record<string, string>;
}

/** Each problem status with its codes and when it is given (contract: Conventions); a route kind may name other codes. */
const ANSWERS: Record<number, Answer> = {
  400: { codes: ['validation-failed'], description: 'The request is not valid (malformed JSON, unknown or missing fields, bad dates or codes); `errors` names each field' },
  401: { codes: ['unauthenticated'], description: 'No API key, or not a valid one (when keys are configured)', headers: { 'WWW-Authenticate': 'Bearer' } },
  403: { codes: ['forbidden'], description: "Outside the key's role or municipalities" },
  404: { codes: ['not-found'], description: 'An unknown municipality, service area, arrangement, study or stream' },
  409: { codes: ['already-exists', 'concurrency-conflict'], description: 'A create with an id that exists (already-exists), or a concurrent write to the same stream (concurrency-conflict: retry)' },
  412: { codes: ['concurrency-conflict'], description: 'If-Match does not hold the stream revision' },
  413: { codes: ['payload-too-large'], description: 'The body is larger than 1 MiB' },
  415: { codes: ['unsupported-media-type'], description: 'The body is not sent as Content-Type: application/json' },
  422: { codes: [...RULE_CODES, 'idempotency-key-reused'], description: 'A domain rule refuses the command (a rule code), or the Idempotency-Key was used with another body' },
  429: { codes: ['rate-limited'], description: 'Too many requests a minute with this key', headers: { 'Retry-After': 'Seconds to wait' } },
  503: { codes: ['store-unavailable'], description: 'The event store cannot be reached; nothing was recorded', headers: { 'Retry-After': 'Seconds to wait' } },
  504: { codes: ['read-model-timeout'], description: 'The read model did not reach minPosition within 5 s' },
};

/** Codes a route kind gives for a status instead of the general ones. */
const KIND_CODES: Partial<Record<RouteKind, Record<number, readonly string[]>>> = {
  audit: { 409: ['log-broken'] },
  feed: { 503: ['too-many-subscribers', 'shutting-down'] },
};

/** Whether some key may call a route of this access and be refused (403): every role reads; writers are held to their municipalities too. */
function refusable(access: Access): boolean {
  return access === 'write' || ROLES.some((role) => !mayAccess({ name: role, roles: [role], municipalities: [] }, access));
}

/** The problem statuses a route gives, derived from its kind and its parameters (plus any its controller declares). */
export function problemStatuses(method: string, path: string, operation: OperationObject): number[] {
  const kind = routeKind(method, path);
  if (kind === 'open') return [];
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  const statuses = new Set<number>([401, 429]);
  if (refusable(accessOf(method.toUpperCase(), path))) statuses.add(403);
  if (parameters.length > 0 || operation.requestBody) statuses.add(400);
  if (parameters.some((p) => p.in === 'path')) statuses.add(404);
  if (kind === 'command') for (const status of [400, 404, 409, 412, 413, 415, 422, 503]) statuses.add(status);
  if (kind === 'audit' || kind === 'feed') statuses.add(503);
  if (parameters.some((p) => p.in === 'query' && p.name === 'minPosition')) statuses.add(504);
  for (const status of Object.keys(operation.responses ?? {}).map(Number)) if (status >= 400) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

/** RFC 9457 problem details, as ProblemDetailsFilter writes them. */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', example: 'https://samverkan.se/problems/not-a-party' },
    title: { type: 'string', example: 'The register refused the command' },
    status: { type: 'integer', example: 422 },
    detail: { type: 'string', example: '0582 is not a party to agreement lkp-buys-payroll-2020.' },
    code: { type: 'string', example: 'not-a-party' },
    errors: {
      type: 'array',
      description: 'For a 400: each field and what is wrong with it',
      items: { type: 'object', properties: { field: { type: 'string', example: 'signedOn' }, message: { type: 'string', example: 'signedOn must be a real calendar date as YYYY-MM-DD' } }, required: ['field', 'message'], additionalProperties: false },
    },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
  additionalProperties: false,
};

function problemResponse(kind: RouteKind, status: number, declared: ResponseObject | ReferenceObject | undefined): ResponseObject {
  const answer = ANSWERS[status] ?? { codes: [], description: 'Refused' };
  const codes = KIND_CODES[kind]?.[status] ?? answer.codes;
  const description = declared && 'description' in declared && declared.description ? declared.description : answer.description;
  const schema: SchemaObject = {
    allOf: [
      { $ref: '#/components/schemas/Problem' },
      { type: 'object', properties: { status: { type: 'integer', enum: [status] }, ...(codes.length > 0 ? { code: { type: 'string', enum: [...codes] } } : {}) }, ...(status === 400 ? { required: ['errors'] } : {}) },
    ],
  };
  return {
    description: codes.length > 0 ? `${description} (${codes.map((c) => `\`${c}\``).join(', ')})` : description,
    content: { 'application/problem+json': { schema } },
    ...(answer.headers ? { headers: Object.fromEntries(Object.entries(answer.headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }])) } : {}),
  };
}

/**
 * What no controller writes route by route: the API key on every route that needs one (so
 * Swagger UI's "Authorize" sends it), and every problem answer a route can give, by its kind.
 */
export function documentAccessAndProblems(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const kind = routeKind(method, path);
      if (kind !== 'open') operation.security = [{ [API_KEY_SCHEME]: [] }];
      for (const status of problemStatuses(method, path, operation)) operation.responses[String(status)] = problemResponse(kind, status, operation.responses[String(status)]);
    }
  }
  return document;
}

/** The OpenAPI document served at /docs-json (and behind /docs). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Samverkan')
    .setDescription('An event-sourced register of inter-municipal cooperation: who provides which service to whom, on any date, on what basis, and what was known when.')
    .setVersion('1')
    // Not addBearerAuth: it declares bearerFormat JWT, and the keys are not JWTs.
    .addSecurity(API_KEY_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key: an opaque random string (not a JWT) from whoever runs the service, sent as `Authorization: Bearer <key>`. ' +
        'Its roles decide what it may do (docs/security.md). Not needed when the service runs open on loopback (no keys configured).',
    })
    .build();
  return documentAccessAndProblems(SwaggerModule.createDocument(app, config));
}
