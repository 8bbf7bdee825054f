/**
 * Canonical JSON in the spirit of RFC 8785 (JCS): object keys sorted by UTF-16 code
 * units, no insignificant white space, numbers and strings as JSON.stringify writes them
 * (ECMAScript number serialisation is the one JCS prescribes). What JSON.stringify leaves
 * out (undefined, functions, symbols as object members) is left out here too, and `toJSON`
 * is honoured, so the canonical form of a value is the canonical form of its JSON.
 *
 * Used to hash requests (Idempotency-Key) and events (the audit chain): an event read back
 * from any store (JSON text in SQLite, JSON in EventStoreDB, a line of an export) has the
 * same canonical form as the object that was appended.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('Non-finite numbers have no JSON form');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('BigInt has no JSON form');
    case 'object':
      return value === null ? 'null' : canonicalObject(value);
    default:
      // undefined, functions and symbols at the top level (JSON.stringify gives undefined).
      return 'null';
  }
}

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Object keys repeat endlessly across events (type, data, metadata…): their JSON form is kept. */
const quotedKeys = new Map<string, string>();
function quote(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** The canonical form of an object, leaving out one key (the audit chain hashes metadata without its `chain`). */
export function canonicalJsonWithout(value: Record<string, unknown>, left: string): string {
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    if (key === left) continue;
    const item = value[key];
    if (omitted(item)) continue;
    if (!first) out += ',';
    first = false;
    out += `${quote(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/**
 * An object's canonical form with and without one key, in one pass: the verifier needs an
 * event's metadata without its `chain` (for the chain hash) and with it (for the tree's leaf).
 */
export function canonicalJsonWithAndWithout(value: Record<string, unknown>, left: string): { with: string; without: string } {
  const keys = Object.keys(value).sort();
  let without = '{';
  let all = '{';
  for (const key of keys) {
    const item = value[key];
    if (omitted(item)) continue;
    const member = `${quote(key)}:${canonicalJson(item)}`;
    all += all.length > 1 ? `,${member}` : member;
    if (key !== left) without += without.length > 1 ? `,${member}` : member;
  }
  return { with: `${all}}`, without: `${without}}` };
}

function canonicalObject(value: object): string {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return canonicalJson(toJSON.call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += omitted(item) ? 'null' : canonicalJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (omitted(item)) continue;
    if (!first) out += ',';
    first = false;
    out += `${quote(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}
