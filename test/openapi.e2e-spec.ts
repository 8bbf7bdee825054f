import { OpenApi, Operation, Schema } from './support/openapi-document';
import { client, RunningApp, startApp } from './support/start-app';

/**
 * The OpenAPI document the service publishes at /docs-json agrees with contract.md: the
 * Commands and Queries tables, written out here as the contract states them.
 */

/** The Commands table: route, the status it answers, and the body fields (`?` marks an optional one). */
const COMMANDS: [string, 200 | 201, string][] = [
  ['POST /v1/federations', 201, 'id?, name, form, host?, members, serviceAreas, decidedOn, effectiveFrom'],
  ['POST /v1/federations/{id}/members', 201, 'municipality, decidedOn, effectiveFrom'],
  ['POST /v1/federations/{id}/departures', 201, 'municipality, decidedOn, effectiveFrom, successors?'],
  ['POST /v1/federations/{id}/dissolution', 200, 'decidedOn, effectiveFrom, successors?'],
  ['POST /v1/agreements', 201, 'id?, kind, title, parties, otherParties?, provider?, buyers?, serviceAreas, validFrom, validUntil?, councilApprovalRequired, decidedOn?'],
  ['POST /v1/agreements/{id}/signatures', 201, 'party, signedOn'],
  ['POST /v1/agreements/{id}/council-decisions', 201, 'municipality, decidedOn, outcome, reference?'],
  ['POST /v1/agreements/{id}/extension', 200, 'validUntil, decidedOn'],
  ['POST /v1/agreements/{id}/termination', 200, 'decidedOn, effectiveFrom, reason, successors?'],
  ['POST /v1/municipalities/{code}/transfers', 201, 'serviceArea, basis, decidedOn, effectiveFrom'],
  ['POST /v1/studies', 201, 'id?, kind, title, parties, otherParties?, owner?, funder?, serviceAreas, startedOn, plannedEnd'],
  ['POST /v1/studies/{id}/milestones', 201, 'id, title, due'],
  ['POST /v1/studies/{id}/milestones/{milestoneId}/reached', 200, 'reachedOn'],
  ['POST /v1/studies/{id}/conclusion', 200, 'concludedOn, recommendation, summary'],
  ['POST /v1/arrangements/{id}/reviews', 201, 'reviewedOn, outcome, note?'],
  // Beyond the table: corrections (rule 8) and the growing vocabulary.
  ['POST /v1/municipalities/{code}/corrections', 201, 'transferId, reason, replacement?'],
  ['POST /v1/service-areas', 201, 'slug, nameSv, nameEn'],
];

/** The enumerations the Commands table spells out: [route, field, values]. */
const ENUMS: [string, string, string[]][] = [
  ['POST /v1/federations', 'form', ['federation', 'joint-committee']],
  ['POST /v1/agreements', 'kind', ['service', 'intent', 'cooperation']],
  ['POST /v1/agreements/{id}/council-decisions', 'outcome', ['approved', 'rejected']],
  ['POST /v1/studies', 'kind', ['feasibility', 'development-project', 'organisational-review']],
  ['POST /v1/studies/{id}/conclusion', 'recommendation', ['proceed', 'partly', 'do-not-proceed']],
  ['POST /v1/arrangements/{id}/reviews', 'outcome', ['continue', 'revise', 'end']],
];

/** The Queries table (and the audit table's past states): route and the query parameters it names. */
const QUERIES: [string, string[]][] = [
  ['GET /v1/municipalities', []],
  ['GET /v1/municipalities/{code}', []],
  ['GET /v1/service-areas', []],
  ['GET /v1/municipalities/{code}/provisions', ['on', 'knownAt']],
  ['GET /v1/municipalities/{code}/provisions/{area}', ['on', 'knownAt']],
  ['GET /v1/municipalities/{code}/provisions/{area}/history', ['knownAt']],
  ['GET /v1/providers/municipality/{code}/recipients', ['on']],
  ['GET /v1/providers/federation/{id}/recipients', ['on']],
  ['GET /v1/matrix', ['on', 'county', 'knownAt']],
  ['GET /v1/arrangements', ['kind', 'status', 'party', 'serviceArea']],
  ['GET /v1/federations/{id}', ['atRevision', 'knownAt']],
  ['GET /v1/agreements/{id}', ['atRevision', 'knownAt']],
  ['GET /v1/studies/{id}', ['atRevision', 'knownAt']],
  ['GET /v1/municipalities/{code}/timeline', []],
  ['GET /v1/attention', ['on']],
  ['GET /health', []],
];

const fieldsOf = (list: string) => list.split(', ').map((f) => ({ name: f.replace(/\?$/, ''), optional: f.endsWith('?') }));
const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

describe('OpenAPI document', () => {
  let running: RunningApp;
  let doc: OpenApi;

  beforeAll(async () => {
    running = await startApp();
    const reply = await client(running.url).get('/docs-json');
    expect(reply.status).toBe(200);
    doc = reply.body;
  });
  afterAll(() => running.close());

  /** Follows `$ref`s (and a single `allOf`, as Nest writes a described nested DTO). */
  function resolve(schema: Schema | undefined): Schema {
    if (!schema) throw new Error('no schema');
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  }

  function operation(route: string): Operation {
    const [method, path] = route.split(' ');
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${route} is not in the OpenAPI document`);
    return op;
  }

  function body(route: string): Schema {
    return resolve(operation(route).requestBody?.content['application/json']?.schema);
  }

  it('is an OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('has every path and method of the Commands and Queries tables', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented).toEqual(expect.arrayContaining([...COMMANDS.map(([route]) => route), ...QUERIES.map(([route]) => route)]));
  });

  describe.each(COMMANDS)('%s', (route, status, fields) => {
    it('takes a JSON body with the contract fields, the optional ones optional', () => {
      const schema = body(route);
      const expected = fieldsOf(fields);
      expect(Object.keys(schema.properties ?? {}).sort()).toEqual(expected.map((f) => f.name).sort());
      expect([...(schema.required ?? [])].sort()).toEqual(
        expected
          .filter((f) => !f.optional)
          .map((f) => f.name)
          .sort(),
      );
    });

    it('names its path parameters, required', () => {
      const [, path] = route.split(' ');
      const params = (operation(route).parameters ?? []).filter((p) => p.in === 'path');
      expect(params.map((p) => p.name).sort()).toEqual(pathParams(path).sort());
      for (const param of params) expect(param.required).toBe(true);
    });

    it(`answers ${status} with { id, stream, revision, position, events }`, () => {
      const responses = operation(route).responses;
      expect(Object.keys(responses).filter((code) => code.startsWith('2'))).toEqual([String(status)]);
      const answer = resolve(responses[String(status)].content?.['application/json']?.schema);
      expect(Object.keys(answer.properties ?? {}).sort()).toEqual(['events', 'id', 'position', 'revision', 'stream']);
    });

    it('documents the Idempotency-Key, If-Match and X-Source-System headers', () => {
      const headers = (operation(route).parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      expect(headers).toEqual(expect.arrayContaining(['Idempotency-Key', 'If-Match', 'X-Source-System']));
    });
  });

  it.each(ENUMS)('%s: %s is one of the contract values', (route, field, values) => {
    expect(resolve(body(route).properties?.[field]).enum?.sort()).toEqual([...values].sort());
  });

  it('the provider is { kind, code | id } and the basis { kind, id? }', () => {
    const provider = resolve(body('POST /v1/agreements').properties?.provider);
    expect(Object.keys(provider.properties ?? {}).sort()).toEqual(['code', 'id', 'kind']);
    expect(provider.required).toEqual(['kind']);
    expect(resolve(provider.properties?.kind).enum?.sort()).toEqual(['federation', 'municipality', 'region']);
    const basis = resolve(body('POST /v1/municipalities/{code}/transfers').properties?.basis);
    expect(Object.keys(basis.properties ?? {}).sort()).toEqual(['id', 'kind']);
    expect(basis.required).toEqual(['kind']);
    expect(resolve(basis.properties?.kind).enum?.sort()).toEqual(['agreement', 'federation', 'in-house', 'joint-committee']);
  });

  it.each(['POST /v1/federations/{id}/departures', 'POST /v1/federations/{id}/dissolution', 'POST /v1/agreements/{id}/termination'])(
    '%s: successors are [{ municipality, serviceArea, basis }]',
    (route) => {
      const successors = resolve(body(route).properties?.successors);
      expect(successors.type).toBe('array');
      const item = resolve(successors.items);
      expect(Object.keys(item.properties ?? {}).sort()).toEqual(['basis', 'municipality', 'serviceArea']);
      expect([...(item.required ?? [])].sort()).toEqual(['basis', 'municipality', 'serviceArea']);
    },
  );

  it('lists of codes and slugs are arrays of strings', () => {
    const federation = body('POST /v1/federations');
    const agreement = body('POST /v1/agreements');
    for (const field of [federation.properties?.members, federation.properties?.serviceAreas, agreement.properties?.parties, agreement.properties?.buyers, agreement.properties?.otherParties]) {
      expect(resolve(field)).toMatchObject({ type: 'array', items: { type: 'string' } });
    }
    expect(resolve(agreement.properties?.councilApprovalRequired).type).toBe('boolean');
  });

  describe.each(QUERIES)('%s', (route, query) => {
    // Every query accepts minPosition (read-your-writes); /health is not a query of the read models.
    const expected = route === 'GET /health' ? query : [...query, 'minPosition'];

    it('names its path parameters, required', () => {
      const [, path] = route.split(' ');
      const params = (operation(route).parameters ?? []).filter((p) => p.in === 'path');
      expect(params.map((p) => p.name).sort()).toEqual(pathParams(path).sort());
      for (const param of params) expect(param.required).toBe(true);
    });

    it(`takes the query parameters ${expected.join(', ') || '(none)'}, all optional`, () => {
      const params = (operation(route).parameters ?? []).filter((p) => p.in === 'query');
      expect(params.map((p) => p.name)).toEqual(expect.arrayContaining(expected));
      for (const param of params) expect(param.required).toBeFalsy();
    });
  });

  it('the matrix is also served as text/csv', () => {
    expect(Object.keys(operation('GET /v1/matrix').responses['200'].content ?? {})).toEqual(expect.arrayContaining(['application/json', 'text/csv']));
  });

  it('/docs serves the Swagger UI as HTML', async () => {
    const reply = await client(running.url).get('/docs');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.text).toMatch(/<html/i);
    expect(reply.text).toMatch(/swagger/i);
  });
});
