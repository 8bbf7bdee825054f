import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { MAX_LIST } from '../libs/commands/src/http/validators';
import { client, RunningApp, startApp, Json } from './support/start-app';

/**
 * HTTP fuzzing of every command endpoint (issue 7, item 4).
 *
 * The endpoints and their bodies come from the service's own OpenAPI document (`/docs-json`), so
 * a new command endpoint is fuzzed without touching this file. Every generated request is invalid
 * by construction: it carries at least one defect the contract refuses (a missing required field,
 * a wrong JSON type, a string outside its pattern, date format, enum or length, an unknown field,
 * including prototype-pollution keys, an array over the list limit, deep nesting, a body that is
 * not a JSON object or not JSON, a wrong content type, a malformed header or path parameter,
 * invalid UTF-8, broken HTTP framing). Inputs that the contract accepts are excluded while
 * generating, never by loosening the check.
 *
 * For every request: the answer is a 4xx `application/problem+json` with `type`, `title` and
 * `status`, it arrives within REQUEST_TIMEOUT_MS (no hang), and the log head does not move.
 *
 * The seed is fixed (FC_SEED, default below; FC_SEED=random picks one) and printed in the test
 * names and in every failure, with fast-check's counterexample and replay path.
 */

const DEFAULT_SEED = 20261121;
const SEED = process.env.FC_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FC_SEED ?? DEFAULT_SEED);
/** Generated requests per endpoint (17 endpoints today), and raw-socket requests in all. */
const RUNS_PER_ENDPOINT = Number(process.env.FUZZ_RUNS_PER_ENDPOINT ?? 60);
const RAW_RUNS = Number(process.env.FUZZ_RAW_RUNS ?? 200);
const REQUEST_TIMEOUT_MS = 5000;

// ------------------------------------------------------------------------------------------------
// The request bodies, as the OpenAPI document describes them

type Shape =
  | { type: 'object'; properties: Record<string, Shape>; required: string[]; example?: unknown }
  | { type: 'array'; items: Shape; example?: unknown }
  | { type: 'string'; pattern?: string; format?: string; enum?: string[]; maxLength?: number; example?: unknown }
  | { type: 'boolean'; example?: unknown }
  | { type: 'number'; example?: unknown };

type Schema = Record<string, Json>;

function shapeOf(schema: Schema, components: Record<string, Schema>): Shape {
  if (schema.$ref) return { ...shapeOf(components[String(schema.$ref).split('/').pop() as string], components), ...(schema.example !== undefined ? { example: schema.example } : {}) };
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return shapeOf({ ...schema.allOf[0], ...(schema.example !== undefined ? { example: schema.example } : {}) }, components);
  if (Array.isArray(schema.enum)) return { type: 'string', enum: schema.enum.map(String), example: schema.example };
  switch (schema.type) {
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([k, v]) => [k, shapeOf(v, components)])),
        required: schema.required ?? [],
        example: schema.example,
      };
    case 'array':
      return { type: 'array', items: shapeOf(schema.items ?? { type: 'string' }, components), example: schema.example };
    case 'string':
      return { type: 'string', pattern: schema.pattern, format: schema.format, maxLength: schema.maxLength, example: schema.example };
    case 'boolean':
      return { type: 'boolean', example: schema.example };
    case 'number':
    case 'integer':
      return { type: 'number', example: schema.example };
    default:
      throw new Error(`The fuzzer does not know the schema ${JSON.stringify(schema)}`);
  }
}

/** A plausible body from the document's examples (whether it would be accepted does not matter: every case adds a defect). */
function baseValue(shape: Shape): unknown {
  switch (shape.type) {
    case 'object':
      return Object.fromEntries(Object.entries(shape.properties).map(([k, v]) => [k, baseValue(v)]));
    case 'array':
      return shape.example !== undefined && shape.items.type !== 'object' ? structuredClone(shape.example) : [baseValue(shape.items)];
    case 'string':
      return shape.example ?? shape.enum?.[0] ?? 'x';
    case 'boolean':
      return shape.example ?? true;
    case 'number':
      return shape.example ?? 1;
  }
}

interface Endpoint {
  /** The path as documented, e.g. `/v1/federations/{id}/members`. */
  template: string;
  params: string[];
  shape: Extract<Shape, { type: 'object' }>;
  base: Record<string, unknown>;
}

/** A place in a body: the path to it, what it should be, and whether the contract requires it. */
interface Site {
  path: (string | number)[];
  shape: Shape;
  required: boolean;
}

function sitesOf(value: unknown, shape: Shape, path: (string | number)[] = []): Site[] {
  const sites: Site[] = [];
  if (shape.type === 'object' && isPlainObject(value)) {
    for (const [key, child] of Object.entries(shape.properties)) {
      if (!(key in value)) continue;
      sites.push({ path: [...path, key], shape: child, required: shape.required.includes(key) });
      sites.push(...sitesOf(value[key], child, [...path, key]));
    }
  } else if (shape.type === 'array' && Array.isArray(value) && value.length > 0) {
    sites.push({ path: [...path, 0], shape: shape.items, required: true });
    sites.push(...sitesOf(value[0], shape.items, [...path, 0]));
  }
  return sites;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ------------------------------------------------------------------------------------------------
// Independent checks of what the contract accepts, used only to exclude valid inputs

/** Real calendar dates as YYYY-MM-DD (checked here without the service's own function). */
function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1000 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Length as the validator counts it (a surrogate pair is one character, a variation selector none). */
function validatorLength(value: string): number {
  return [...value].filter((c) => c !== '\uFE0E' && c !== '\uFE0F').length;
}

/** True when `value` breaks one of the string's documented constraints. */
function breaksString(shape: Extract<Shape, { type: 'string' }>, value: string): boolean {
  if (shape.enum && !shape.enum.includes(value)) return true;
  if (shape.pattern && !new RegExp(shape.pattern).test(value)) return true;
  if (shape.format === 'date' && !isRealDate(value)) return true;
  if (shape.maxLength !== undefined && validatorLength(value) > shape.maxLength) return true;
  return false;
}

const isConstrained = (shape: Extract<Shape, { type: 'string' }>) => Boolean(shape.enum || shape.pattern || shape.format === 'date');

// ------------------------------------------------------------------------------------------------
// Generators

/** Strings that look right and are not: other digits, invisible characters, lone surrogates, case, space. */
const UNICODE_ODDITIES = [
  '',
  ' ',
  '\u0000',
  '\u202E0580',
  '\uFEFFpayroll',
  'pay\u200Broll',
  'payroll\n',
  ' payroll',
  'PAYROLL',
  'pay roll',
  'ｐａｙｒｏｌｌ',
  '０５８０',
  '٠٥٨٠',
  '05८0',
  '\uD800',
  '\uDC00x',
  'e\u0301',
  'Linko\u0308ping',
  '👩‍👩‍👧',
  '\uFFFF',
  '\u{10FFFF}',
  'K',
  'ı',
  '2020-01-01\n',
  '2020-1-1',
  '２０２０-０１-０１',
  '2019-02-29',
  '2020-02-30',
  '0999-12-31',
  '+2020-01-01',
  '2020-01-01T00:00:00Z',
  'null',
  'undefined',
  'true',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '../../etc/passwd',
  '%00',
  '{"$gt":""}',
];

const anyString = fc.oneof(
  fc.constantFrom(...UNICODE_ODDITIES),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** A string of `length` characters, each counted once by the validator. */
const longString = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.constantFrom('x', 'å', '€', '漢', '😀', '\u0301x')).map(([length, unit]) => unit.repeat(length));

/** A JSON text nested `depth` levels deep (built as text: JSON.stringify would overflow on it). */
class RawJson {
  constructor(readonly text: string) {}
}

const deepNesting = fc.oneof(
  fc.tuple(fc.integer({ min: 2, max: 64 }), fc.boolean()),
  fc.tuple(fc.integer({ min: 1000, max: 100_000 }), fc.boolean()),
).map(([depth, arrays]) => new RawJson(arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));

/** Serialises a body that may hold RawJson values and own `__proto__` keys. */
function serialize(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (isPlainObject(value)) return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${serialize(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Values of another JSON type than `shape` (null only where the field is required: an optional null reads as absent). */
function wrongType(shape: Shape, required: boolean): fc.Arbitrary<unknown> {
  const nullable = required ? [fc.constant(null)] : [];
  const numbers = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2));
  const objects = fc.dictionary(anyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  switch (shape.type) {
    case 'string':
      return fc.oneof(numbers, fc.boolean(), fc.array(anyString, { maxLength: 3 }), objects, deepNesting, ...nullable);
    case 'boolean':
      return fc.oneof(numbers, fc.constantFrom('true', 'false', '1', '0', 'yes', ''), fc.array(fc.boolean(), { maxLength: 2 }), objects, ...nullable);
    case 'number':
      return fc.oneof(anyString, fc.boolean(), fc.array(numbers, { maxLength: 2 }), objects, ...nullable);
    case 'array':
      return fc.oneof(numbers, fc.boolean(), anyString, objects, ...nullable);
    case 'object':
      return fc.oneof(numbers, fc.boolean(), anyString, fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), ...nullable);
  }
}

/** Strings that break the documented constraints of `shape`; undefined when it has none to break. */
function brokenString(shape: Extract<Shape, { type: 'string' }>): fc.Arbitrary<string> | undefined {
  const tooLong = shape.maxLength !== undefined ? [longString(shape.maxLength + 1, shape.maxLength * 2 + 10)] : [];
  if (isConstrained(shape)) return fc.oneof(anyString, longString(64, 200_000), ...tooLong).filter((s) => breaksString(shape, s));
  return tooLong.length > 0 ? tooLong[0] : undefined;
}

/** Keys no command body has: prototype members (pollution), look-alikes of real fields, anything else. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', '__lookupSetter__', 'toLocaleString'];
const LOOKALIKE_KEYS = ['Id', 'ID', 'service_area', 'serviceArea ', 'basis.kind', '$where', 'id\u0000', 'kind\u200B', ''];

function unknownKey(shape: Extract<Shape, { type: 'object' }>): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom(...LOOKALIKE_KEYS), anyString).filter((k) => !Object.prototype.hasOwnProperty.call(shape.properties, k));
}

function setAt(body: unknown, path: (string | number)[], value: unknown): void {
  let target = body as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path[path.length - 1]] = value;
}

function getAt(body: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], body);
}

function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One defect in a body. `apply` mutates a copy of the base body. */
interface Defect {
  label: string;
  apply(body: Record<string, unknown>): void;
}

function bodyDefects(endpoint: Endpoint): fc.Arbitrary<Defect> {
  const sites = sitesOf(endpoint.base, endpoint.shape);
  const objectSites: { path: (string | number)[]; shape: Extract<Shape, { type: 'object' }> }[] = [
    { path: [], shape: endpoint.shape },
    ...sites.filter((s): s is Site & { shape: Extract<Shape, { type: 'object' }> } => s.shape.type === 'object'),
  ];
  const options: fc.Arbitrary<Defect>[] = [];

  const requiredPresent = objectSites.flatMap((o) => o.shape.required.filter((key) => key in (getAt(endpoint.base, o.path) as object)).map((key) => [...o.path, key]));
  if (requiredPresent.length > 0) {
    options.push(
      fc.constantFrom(...requiredPresent).map((path) => ({
        label: `missing ${path.join('.')}`,
        apply: (body) => void delete (getAt(body, path.slice(0, -1)) as Record<string | number, unknown>)[path[path.length - 1]],
      })),
    );
  }

  options.push(
    fc.constantFrom(...sites).chain((site) => wrongType(site.shape, site.required).map((value) => ({ label: `wrong type at ${site.path.join('.')}`, apply: (body: Record<string, unknown>) => setAt(body, site.path, value) }))),
  );

  const breakable = sites.flatMap((site) => {
    if (site.shape.type !== 'string') return [];
    const arbitrary = brokenString(site.shape);
    return arbitrary ? [arbitrary.map((value) => ({ label: `bad string at ${site.path.join('.')}`, apply: (body: Record<string, unknown>) => setAt(body, site.path, value) }))] : [];
  });
  if (breakable.length > 0) options.push(fc.oneof(...breakable));

  options.push(
    fc
      .constantFrom(...objectSites)
      .chain((o) =>
        fc.tuple(unknownKey(o.shape), fc.jsonValue({ maxDepth: 3 })).map(([key, value]) => ({
          label: `unknown field ${JSON.stringify(key)} at ${o.path.join('.') || 'body'}`,
          apply: (body: Record<string, unknown>) => defineOwn(getAt(body, o.path) as Record<string, unknown>, key, value),
        })),
      ),
  );

  const arraySites = sites.filter((s) => s.shape.type === 'array');
  if (arraySites.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...arraySites), fc.integer({ min: MAX_LIST + 1, max: MAX_LIST * 4 })).map(([site, length]) => ({
        label: `${length} items at ${site.path.join('.')}`,
        apply: (body: Record<string, unknown>) => {
          const item = getAt(endpoint.base, [...site.path, 0]);
          setAt(body, site.path, Array.from({ length }, () => structuredClone(item)));
        },
      })),
    );
  }

  options.push(
    fc.tuple(fc.constantFrom(...sites), deepNesting).map(([site, deep]) => ({
      label: `nesting ${deep.text.length / 2 | 0} characters deep at ${site.path.join('.')}`,
      apply: (body: Record<string, unknown>) => setAt(body, site.path, deep),
    })),
  );
  return fc.oneof(...options);
}

/** Harmless noise that keeps a field valid: odd but allowed text in free-text fields. Applied before the defects. */
function noise(endpoint: Endpoint): fc.Arbitrary<Defect | undefined> {
  const freeText = sitesOf(endpoint.base, endpoint.shape).filter((s) => s.shape.type === 'string' && !isConstrained(s.shape));
  if (freeText.length === 0) return fc.constant(undefined);
  return fc.option(
    fc.tuple(fc.constantFrom(...freeText), fc.constantFrom(...UNICODE_ODDITIES.filter((s) => s.length > 0))).map(([site, text]) => ({ label: `noise at ${site.path.join('.')}`, apply: (body: Record<string, unknown>) => setAt(body, site.path, text) })),
  );
}

/** A request over fetch. `body` undefined: none; a Uint8Array is sent with no content type unless one is given. */
interface HttpCase {
  label: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const FIXTURE_IDS: Record<string, string> = { federations: 'fz-fed', agreements: 'fz-agr', studies: 'fz-study', arrangements: 'fz-fed' };

/** The path with parameters that name existing fixtures (so a valid body would reach the decider), or the raw segments given. */
function validPath(endpoint: Endpoint, segments: Record<string, string> = {}): string {
  const collection = endpoint.template.split('/')[2];
  return endpoint.template.replace(/\{(\w+)\}/g, (_, name: string) => segments[name] ?? (name === 'code' ? '0580' : name === 'milestoneId' ? 'fz-ms' : (FIXTURE_IDS[collection] ?? 'fz-fed')));
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function bodyCases(endpoint: Endpoint): fc.Arbitrary<HttpCase> {
  return fc.tuple(noise(endpoint), fc.array(bodyDefects(endpoint), { minLength: 1, maxLength: 3 })).map(([extra, defects]) => {
    const body = structuredClone(endpoint.base);
    // Noise first, defects last: a defect is never undone by what follows it.
    for (const d of [...(extra ? [extra] : []), ...defects]) {
      try {
        d.apply(body);
      } catch {
        // A later defect may target a place an earlier one removed; the earlier defect still stands.
      }
    }
    return { label: [...(extra ? [extra.label] : []), ...defects.map((d) => d.label)].join('; '), path: validPath(endpoint), headers: JSON_HEADERS, body: serialize(body) };
  });
}

function wholeBodyCases(endpoint: Endpoint): fc.Arbitrary<HttpCase> {
  const path = validPath(endpoint);
  const text = serialize(endpoint.base);
  const notAnObject = fc.jsonValue({ maxDepth: 3 }).filter((v) => !isPlainObject(v)).map((v) => ({ label: `not an object: ${JSON.stringify(v).slice(0, 40)}`, path, headers: JSON_HEADERS, body: JSON.stringify(v) }));
  const truncated = fc.integer({ min: 0, max: text.length - 1 }).map((n) => ({ label: `truncated at ${n}`, path, headers: JSON_HEADERS, body: text.slice(0, n) }));
  const garbled = fc
    .tuple(fc.integer({ min: 0, max: text.length }), fc.constantFrom("'", '}', ',', ']', '[', ':', 'NaN', 'Infinity', 'undefined', '/*x*/', '//', '\u0000', '0x1F', ',}', '{'))
    .map(([at, junk]) => text.slice(0, at) + junk + text.slice(at))
    .filter((s) => !parsesAsJson(s))
    .map((s) => ({ label: 'not JSON', path, headers: JSON_HEADERS, body: s }));
  const twoDocuments = fc.constant({ label: 'two JSON documents', path, headers: JSON_HEADERS, body: `${text} ${text}` });
  return fc.oneof(notAnObject, truncated, garbled, twoDocuments);
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Content types the contract does not take (JSON in: application/json, whose parameters it may ignore). */
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----fuzz',
  'application/xml',
  'text/xml',
  'application/octet-stream',
  'application/javascript',
  'text/json',
  'application/jsonx',
  'application/json-seq',
  'application/merge-patch+json',
  'application/ld+json',
  'json',
  'application',
  '*/*',
  'application/*',
  'image/png',
];

function contentTypeCases(endpoint: Endpoint): fc.Arbitrary<HttpCase> {
  const body = new TextEncoder().encode(serialize(endpoint.base));
  return fc.option(fc.constantFrom(...WRONG_CONTENT_TYPES), { nil: undefined }).map((type): HttpCase => ({
    label: `content type ${type ?? '(none)'}`,
    path: validPath(endpoint),
    headers: type === undefined ? {} : { 'content-type': type },
    body,
  }));
}

/** Header values as fetch sends them (it strips leading and trailing spaces and tabs). */
const headerValue = fc.oneof(fc.constantFrom(' ', 'a b', 'é', '\t', '"', '<x>', 'x'.repeat(201), 'W/"1"x', '"1', '1"', '-1', '"01.5"', '"9999999999999999"', "'1'"), fc.string({ maxLength: 30 }), longString(101, 400))
  // eslint-disable-next-line no-control-regex -- NUL is matched on purpose: fetch refuses it (and CR, LF, anything past Latin-1) in a header value
  .map((v) => v.replace(/[\r\n\0]/g, '').replace(/[^\u0000-\u00ff]/g, 'é'))
  .map((v) => v.replace(/^[\t ]+|[\t ]+$/g, ''))
  .filter((v) => v.length > 0);

const HEADER_RULES: Record<string, RegExp> = {
  'idempotency-key': /^[\x21-\x7e]{1,200}$/,
  'if-match': /^(?:W\/)?"(\d{1,15})"$|^(\d{1,15})$/,
  'x-source-system': /^[\p{L}\p{N} ._:/@()-]{1,100}$/u,
};

function headerCases(endpoint: Endpoint): fc.Arbitrary<HttpCase> {
  return fc
    .tuple(fc.constantFrom(...Object.keys(HEADER_RULES)), headerValue)
    .filter(([name, value]) => !HEADER_RULES[name].test(name === 'if-match' ? value.trim() : value))
    .map(([name, value]) => ({ label: `header ${name}: ${JSON.stringify(value.slice(0, 30))}`, path: validPath(endpoint), headers: { ...JSON_HEADERS, [name]: value }, body: serialize(endpoint.base) }));
}

const PATH_RULES: Record<string, RegExp> = { code: /^\d{4}$/, id: /^[a-z0-9][a-z0-9-]{1,62}$/, milestoneId: /^[a-z0-9][a-z0-9-]{1,62}$/ };

/** A path parameter as sent: percent-encoded, or raw malformed percent-encoding. */
function pathCases(endpoint: Endpoint): fc.Arbitrary<HttpCase> | undefined {
  if (endpoint.params.length === 0) return undefined;
  const malformed = fc.constantFrom('%', '%zz', '%E0%A4%A', '%ff', '%C0%AF', '%ED%A0%80', '%F4%90%80%80');
  return fc
    .tuple(fc.constantFrom(...endpoint.params), fc.oneof(anyString, longString(63, 300), fc.constantFrom('fz-fed ', 'FZ-FED', 'fz_fed', '0580a', '580')))
    .filter(([name, value]) => value !== '.' && value !== '..' && !(PATH_RULES[name] ?? PATH_RULES.id).test(value))
    .chain(([name, value]) =>
      fc.oneof(fc.constant(encodePathSegment(value)), malformed).map((segment) => ({
        label: `path ${name}=${JSON.stringify(value.slice(0, 30))} as ${segment.slice(0, 40)}`,
        path: validPath(endpoint, { [name]: segment }),
        headers: JSON_HEADERS,
        body: serialize(endpoint.base),
      })),
    );
}

/** encodeURIComponent, with lone surrogates (which it refuses) sent as the invalid UTF-8 they would be. */
function encodePathSegment(value: string): string {
  return [...value].map((c) => (/[\uD800-\uDFFF]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
}

/** How a case is shown in a failure report: what it is, and the start of what was sent (bodies can be a megabyte). */
function printable<T extends { label: string }>(c: T, sent: () => string): T {
  return Object.assign(c, { [fc.toStringMethod]: () => `${c.label} :: ${sent().slice(0, 400)}` });
}

function httpCases(endpoint: Endpoint): fc.Arbitrary<HttpCase> {
  return httpCaseKinds(endpoint).map((c) =>
    printable(c, () => `POST ${c.path} ${JSON.stringify(c.headers)} ${typeof c.body === 'string' ? c.body : c.body ? Buffer.from(c.body).toString('utf8') : '(no body)'}`),
  );
}

function httpCaseKinds(endpoint: Endpoint): fc.Arbitrary<HttpCase> {
  const paths = pathCases(endpoint);
  return fc.oneof(
    { weight: 6, arbitrary: bodyCases(endpoint) },
    { weight: 2, arbitrary: wholeBodyCases(endpoint) },
    { weight: 1, arbitrary: contentTypeCases(endpoint) },
    { weight: 1, arbitrary: headerCases(endpoint) },
    ...(paths ? [{ weight: 1, arbitrary: paths }] : []),
  );
}

// ------------------------------------------------------------------------------------------------
// Raw HTTP over a socket: bytes fetch will not send

/** Byte sequences that are not UTF-8: a stray byte, continuation without a lead, overlong, a surrogate, past U+10FFFF, truncated. */
const INVALID_UTF8 = [[0xff], [0xfe, 0xff], [0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];

interface RawCase {
  label: string;
  bytes: Buffer;
  /**
 * Half-close after writing, where the request is incomplete (a body short of its Content-Length or
 * of a huge chunk): the server cannot answer a request that has not arrived, but must answer once
 * the client is done sending. (Kept open, such a request waits for its body: Fastify's
 * requestTimeout is off by default.)
 */
  end: boolean;
}

function rawCases(endpoints: Endpoint[]): fc.Arbitrary<RawCase> {
  return rawCaseKinds(endpoints).map((c) => printable(c, () => JSON.stringify(c.bytes.toString('latin1'))));
}

function rawCaseKinds(endpoints: Endpoint[]): fc.Arbitrary<RawCase> {
  const head = (endpoint: Endpoint, lines: string[]) => Buffer.from(`POST ${validPath(endpoint)} HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`, 'latin1');
  const text = (endpoint: Endpoint) => Buffer.from(serialize(endpoint.base), 'utf8');
  // Where the framing defect alone might be tolerated by a lenient parser, the body is invalid too
  // (no required field, one unknown field), so that no case can be accepted.
  const invalid = (_: Endpoint) => Buffer.from('{"fuzz":true}', 'utf8');
  const endpoint = fc.constantFrom(...endpoints);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(endpoint, fc.constantFrom(...INVALID_UTF8), fc.nat(), fc.boolean()).map(([e, bad, at, chunked]) => {
      const body = text(e);
      const quotes = [...body.keys()].filter((i) => body[i] === 0x22);
      // Inside a string (after a quote) or anywhere: either way the body is not UTF-8 JSON.
      const where = quotes.length > 0 && at % 2 === 0 ? quotes[at % quotes.length] + 1 : 1 + (at % (body.length - 1));
      const invalid = Buffer.concat([body.subarray(0, where), Buffer.from(bad), body.subarray(where)]);
      const framed = chunked ? Buffer.concat([Buffer.from(`${invalid.length.toString(16)}\r\n`), invalid, Buffer.from('\r\n0\r\n\r\n')]) : invalid;
      return { label: `invalid UTF-8 ${Buffer.from(bad).toString('hex')} at ${where}${chunked ? ', chunked' : ''}`, bytes: Buffer.concat([head(e, ['Content-Type: application/json', chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${invalid.length}`]), framed]), end: false };
    }) },
    { weight: 1, arbitrary: fc.tuple(endpoint, fc.nat()).map(([e, n]) => {
      const body = text(e);
      const length = n % body.length;
      return { label: `Content-Length ${length} of ${body.length}`, bytes: Buffer.concat([head(e, ['Content-Type: application/json', `Content-Length: ${length}`]), body]), end: false };
    }) },
    { weight: 1, arbitrary: fc.tuple(endpoint, fc.integer({ min: 1, max: 10_000 })).map(([e, extra]) => {
      const body = text(e);
      return { label: `Content-Length ${body.length + extra}, body ${body.length}, then end`, bytes: Buffer.concat([head(e, ['Content-Type: application/json', `Content-Length: ${body.length + extra}`]), body]), end: true };
    }) },
    { weight: 1, arbitrary: endpoint.map((e) => ({ label: 'no Content-Length, no Transfer-Encoding', bytes: Buffer.concat([head(e, ['Content-Type: application/json']), invalid(e)]), end: false })) },
    { weight: 1, arbitrary: endpoint.map((e) => ({ label: 'Content-Length and Transfer-Encoding', bytes: Buffer.concat([head(e, ['Content-Type: application/json', `Content-Length: ${invalid(e).length}`, 'Transfer-Encoding: chunked']), invalid(e)]), end: false })) },
    { weight: 1, arbitrary: fc.tuple(endpoint, fc.constantFrom('zz', '-1', '0x10', '1;' + 'x'.repeat(10_000), 'ffffffffffffffff')).map(([e, size]) => ({ label: `chunk size ${size.slice(0, 20)}, then end`, bytes: Buffer.concat([head(e, ['Content-Type: application/json', 'Transfer-Encoding: chunked']), Buffer.from(`${size}\r\n{}\r\n0\r\n\r\n`)]), end: true })) },
    { weight: 1, arbitrary: fc.tuple(endpoint, fc.integer({ min: 17_000, max: 24_000 })).map(([e, size]) => ({ label: `${size} bytes of headers`, bytes: Buffer.concat([head(e, ['Content-Type: application/json', `X-Pad: ${'a'.repeat(size)}`, `Content-Length: ${invalid(e).length}`]), invalid(e)]), end: false })) },
    { weight: 1, arbitrary: fc.tuple(endpoint, fc.constantFrom('Bad Header: 1', 'X-Nul: a\u0000b', ': empty-name', 'X-Fold: a\r\n folded', 'Content-Length: 1, 2', 'Content-Length: -5', 'Content-Length: abc')).map(([e, line]) => ({ label: `header line ${JSON.stringify(line)}`, bytes: Buffer.concat([head(e, ['Content-Type: application/json', line, `Content-Length: ${invalid(e).length}`]), invalid(e)]), end: false })) },
    { weight: 1, arbitrary: fc.tuple(endpoint, fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 2 ** 40 })).map(([e, length]) => ({ label: `Content-Length ${length} (over the limit)`, bytes: Buffer.concat([head(e, ['Content-Type: application/json', `Content-Length: ${length}`]), invalid(e)]), end: true })) },
  );
}

const BODY_LIMIT_BYTES = 1024 * 1024;

// ------------------------------------------------------------------------------------------------
// Sending and checking

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(url: string, c: HttpCase): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`${url}${c.path}`, { method: 'POST', headers: c.headers, body: c.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`No answer to ${c.label} within ${REQUEST_TIMEOUT_MS} ms (or the connection failed): ${String(error)}`);
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** Writes raw bytes and reads the first response (status line, headers, Content-Length body). */
function sendRaw(url: string, c: RawCase): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`No answer to ${c.label} within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      const answer = parseResponse(received);
      if (!answer) return reject(new Error(`No complete HTTP response to ${c.label}: ${JSON.stringify(received.toString('latin1').slice(0, 200))}`));
      resolve(answer);
    };
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (parseResponse(received)) finish();
    });
    socket.on('close', () => finish());
    // The server may close while we are still writing (it refused early): what it answered counts.
    socket.on('error', () => finish());
    socket.write(c.bytes, () => {
      if (c.end) socket.end();
    });
  });
}

function parseResponse(bytes: Buffer): Answer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const length = Number(headers.get('content-length') ?? NaN);
  const body = bytes.subarray(end + 4);
  if (!Number.isInteger(length) || body.length < length) return undefined;
  return { status: Number(statusLine.split(' ')[1]), contentType: headers.get('content-type') ?? '', text: body.subarray(0, length).toString('utf8') };
}

/** The check every answer must pass: a 4xx problem+json whose body has type, title and the same status. */
function expectProblem(answer: Answer, label: string): void {
  const summary = `${label} → ${answer.status} ${answer.contentType} ${answer.text.slice(0, 300)}`;
  if (answer.status < 400 || answer.status > 499) throw new Error(`Expected a 4xx for ${summary}`);
  if (!/^application\/problem\+json/.test(answer.contentType)) throw new Error(`Expected application/problem+json for ${summary}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`The problem is not JSON for ${summary}`);
  }
  const problem = body as { type?: unknown; title?: unknown; status?: unknown };
  if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || problem.status !== answer.status) throw new Error(`Expected { type, title, status: ${answer.status} } for ${summary}`);
}

/**
 * No shrinking (endOnFailure): every shrink step would be another request, some of a megabyte, and
 * the failure already names the defect and shows what was sent and what came back.
 */
function fcOptions(seed: number, numRuns: number) {
  return { seed, numRuns, endOnFailure: true } as const;
}

// ------------------------------------------------------------------------------------------------

describe(`HTTP fuzzing of the command endpoints (seed ${SEED}; FC_SEED to change it)`, () => {
  let running: RunningApp;
  let endpoints: Endpoint[];
  let head: number;
  const seen = new Map<string, number>();

  const expectHeadUnmoved = async (label: string) => {
    const now = await running.store.headPosition();
    if (now !== head) throw new Error(`The log head moved from ${head} to ${now} after ${label}`);
  };

  beforeAll(async () => {
    running = await startApp({ env: { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: '0' } });
    const api = client(running.url);
    // Fixtures the path parameters name, so that only the defects can make a request fail.
    const fixtures: [string, Record<string, unknown>][] = [
      ['/v1/federations', { id: 'fz-fed', name: 'Fuzz federation', form: 'federation', members: ['0580', '0581'], serviceAreas: ['payroll', 'procurement'], decidedOn: '2018-06-01', effectiveFrom: '2019-01-01' }],
      ['/v1/agreements', { id: 'fz-agr', kind: 'service', title: 'Fuzz agreement', parties: ['0580', '0581'], provider: { kind: 'municipality', code: '0581' }, buyers: ['0580'], serviceAreas: ['payroll'], validFrom: '2020-01-01', validUntil: '2022-12-31', councilApprovalRequired: false }],
      ['/v1/studies', { id: 'fz-study', kind: 'feasibility', title: 'Fuzz study', parties: ['0580'], serviceAreas: ['payroll'], startedOn: '2019-01-01', plannedEnd: '2019-12-31' }],
      ['/v1/studies/fz-study/milestones', { id: 'fz-ms', title: 'Fuzz milestone', due: '2019-06-30' }],
    ];
    for (const [path, body] of fixtures) expect((await api.post(path, body)).status).toBe(201);

    const document = (await api.get('/docs-json')).body as { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };
    endpoints = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      const post = operations.post;
      const schema = post?.requestBody?.content?.['application/json']?.schema;
      if (!schema || !(post.tags ?? []).includes('commands')) continue;
      const shape = shapeOf(schema, document.components.schemas);
      if (shape.type !== 'object') throw new Error(`${template} takes a ${shape.type}, not an object`);
      endpoints.push({ template, params: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]), shape, base: baseValue(shape) as Record<string, unknown> });
    }
    head = await running.store.headPosition();
  });

  afterAll(async () => {
    await running?.close();
  });

  it('finds every command endpoint in the OpenAPI document: one per @Post in libs/commands', () => {
    const root = join(__dirname, '..', 'libs', 'commands', 'src');
    const controllers = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.controller.ts'));
    const posts = controllers.reduce((n, f) => n + (readFileSync(join(root, f), 'utf8').match(/@Post\(/g) ?? []).length, 0);
    expect(posts).toBeGreaterThanOrEqual(17);
    expect(endpoints.map((e) => e.template)).toContain('/v1/municipalities/{code}/transfers');
    expect(endpoints).toHaveLength(posts);
  });

  it(`refuses ${RUNS_PER_ENDPOINT} generated malformed requests on each endpoint with a 4xx problem, and records nothing (seed ${SEED})`, async () => {
    for (const [index, endpoint] of endpoints.entries()) {
      const seed = SEED + index;
      try {
        await fc.assert(
          fc.asyncProperty(httpCases(endpoint), async (c) => {
            const answer = await send(running.url, c);
            expectProblem(answer, `POST ${c.path} (${c.label})`);
            await expectHeadUnmoved(c.label);
            seen.set(endpoint.template, (seen.get(endpoint.template) ?? 0) + 1);
          }),
          fcOptions(seed, RUNS_PER_ENDPOINT),
        );
      } catch (error) {
        throw new Error(`Fuzzing POST ${endpoint.template} failed (seed ${seed}; rerun with FC_SEED=${SEED}):\n${(error as Error).message}`);
      }
    }
    expect([...seen.keys()].sort()).toEqual(endpoints.map((e) => e.template).sort());
  }, 240_000);

  it(`refuses ${RAW_RUNS} malformed raw HTTP requests (invalid UTF-8, broken framing, oversized headers) with a 4xx problem, and records nothing (seed ${SEED})`, async () => {
    try {
      await fc.assert(
        fc.asyncProperty(rawCases(endpoints), async (c) => {
          const answer = await sendRaw(running.url, c);
          expectProblem(answer, c.label);
          await expectHeadUnmoved(c.label);
        }),
        fcOptions(SEED, RAW_RUNS),
      );
    } catch (error) {
      throw new Error(`Raw fuzzing failed (seed ${SEED}; rerun with FC_SEED=${SEED}):\n${(error as Error).message}`);
    }
  }, 120_000);

  it('regressions: each defect the fuzzer found is refused with a 4xx problem and records nothing', async () => {
    const transfer = { serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' };
    const json = (path: string, body: string, label: string): HttpCase => ({ label, path, headers: JSON_HEADERS, body });
    const withKey = (key: string, nested: boolean) => {
      const text = JSON.stringify(transfer);
      return nested ? text.replace('{"kind"', `{"${key}":"x","kind"`) : text.replace('{', `{"${key}":1,`);
    };
    const cases: { c: HttpCase; status: number }[] = [
      // Accepted with 201 before the fix: class-validator took them for known fields, or Nest deleted them silently.
      ...['constructor', 'toString', 'prototype', 'hasOwnProperty'].flatMap((key) => [
        { c: json('/v1/municipalities/0580/transfers', withKey(key, false), `${key} at the top`), status: 400 },
        { c: json('/v1/municipalities/0580/transfers', withKey(key, true), `${key} in basis`), status: 400 },
      ]),
      // 500 before the fix: the validation pipe's recursive walk overflowed the stack.
      { c: json('/v1/municipalities/0580/transfers', JSON.stringify(transfer).replace('"payroll"', '['.repeat(200_000) + ']'.repeat(200_000)), 'nested 200,000 deep'), status: 400 },
      // Plain application/json from Fastify's router before the fix.
      { c: json('/v1/municipalities/%E0%A4%A/transfers', JSON.stringify(transfer), 'malformed percent-encoding'), status: 400 },
      { c: json(`/v1/federations/${'a'.repeat(150)}/members`, JSON.stringify({ municipality: '0562', decidedOn: '2020-01-01', effectiveFrom: '2020-01-01' }), 'path parameter of 150 characters'), status: 400 },
    ];
    for (const { c, status } of cases) {
      const answer = await send(running.url, c);
      expectProblem(answer, c.label);
      expect({ label: c.label, status: answer.status }).toEqual({ label: c.label, status });
      await expectHeadUnmoved(c.label);
    }

    const raw = (label: string, head: string, body: Buffer, end = false): RawCase => ({ label, bytes: Buffer.concat([Buffer.from(head.replace(/\n/g, '\r\n') + '\r\n\r\n', 'latin1'), body]), end });
    // A valid definition but for one byte of its Swedish name: recorded with U+FFFD (201) before the fix.
    const area = Buffer.concat([Buffer.from('{"slug":"fuzz-regression","nameSv":"Sk'), Buffer.from([0xff]), Buffer.from('lm\u00e5ltider","nameEn":"School meals"}')]);
    const rawCases: { c: RawCase; status: number }[] = [
      { c: raw('invalid UTF-8 in a free-text field', `POST /v1/service-areas HTTP/1.1\nHost: fuzz\nConnection: close\nContent-Type: application/json\nContent-Length: ${area.length}`, area), status: 400 },
      // Node's parser errors: plain application/json from Fastify's default client-error handler before the fix.
      { c: raw('a chunk size that is not hex', 'POST /v1/service-areas HTTP/1.1\nHost: fuzz\nContent-Type: application/json\nTransfer-Encoding: chunked', Buffer.from('zz\r\n{}\r\n0\r\n\r\n'), true), status: 400 },
      { c: raw('headers over 16 KiB', `POST /v1/service-areas HTTP/1.1\nHost: fuzz\nX-Pad: ${'a'.repeat(20_000)}\nContent-Type: application/json\nContent-Length: 2`, Buffer.from('{}')), status: 431 },
    ];
    for (const { c, status } of rawCases) {
      const answer = await sendRaw(running.url, c);
      expectProblem(answer, c.label);
      expect({ label: c.label, status: answer.status }).toEqual({ label: c.label, status });
      await expectHeadUnmoved(c.label);
    }
  });

  it('regressions: with an Idempotency-Key (hashed before validation), a body nested 6,000 deep or holding 1e99999 is a 400 validation-failed on every command endpoint, and records nothing', async () => {
    const deep = `{"x":${'['.repeat(6000)}${']'.repeat(6000)}}`;
    const huge = '{"x":1e99999}';
    let key = 0;
    for (const endpoint of endpoints) {
      for (const [label, body] of [['nested 6,000 deep', deep], ['1e99999', huge]]) {
        const c: HttpCase = { label: `POST ${endpoint.template} ${label} with an Idempotency-Key`, path: validPath(endpoint), headers: { ...JSON_HEADERS, 'idempotency-key': `hostile-${key++}` }, body };
        const answer = await send(running.url, c);
        expectProblem(answer, c.label);
        expect({ label: c.label, status: answer.status, code: (JSON.parse(answer.text) as { code?: string }).code }).toEqual({ label: c.label, status: 400, code: 'validation-failed' });
        await expectHeadUnmoved(c.label);
      }
    }
    expect(key).toBe(endpoints.length * 2);
  });

  it('is still healthy after the fuzzing, and its read model is at the unmoved head', async () => {
    const health = await client(running.url).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.projection.position).toBe(head);
    expect(await running.store.headPosition()).toBe(head);
  });

  it('control: the same harness sees an accepted command move the head (so "nothing recorded" above can fail)', async () => {
    const accepted = await client(running.url).post('/v1/municipalities/0580/transfers', { serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2020-01-01', effectiveFrom: '2020-01-01' });
    expect(accepted.status).toBe(201);
    await expect(expectHeadUnmoved('an accepted transfer')).rejects.toThrow(/log head moved/);
  });
});
