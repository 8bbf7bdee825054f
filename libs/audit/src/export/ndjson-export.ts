import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventStore, RecordedEvent } from '@samverkan/event-store';
import { canonicalJson } from '../chain/canonical-json';
import { ProgressListener, readPages } from '../log/store-log';
import { PublicKeyInfo, PublicKeyRing, SigningKey, parsePublicKey, verifyMessage } from '../signing/signing-key';
import { CHECKPOINT_STREAM } from '../verification/checkpoint';
import { BrokenPlace, LogVerifier, VerifyReport } from '../verification/log-verifier';

/**
 * The export: the whole log as NDJSON, verifiable offline with nothing but the file.
 *
 *   line 1      {"kind":"header","format":"samverkan-audit-export/1","exportedAt",…,"publicKeys":[…],"chain":{…}}
 *   lines 2…n   {"kind":"event","leafIndex","position","stream","revision","type","id","data","metadata","recordedAt","created"}
 *               in commit order; each event's metadata carries its chain, the checkpoints
 *               are events of the stream `audit-checkpoints`, and `leafIndex` is the event's
 *               leaf in the log's Merkle tree (its place in the file, from 0)
 *   last line   {"kind":"footer","events","head","linesDigest","keyId","signature"}
 *
 * `linesDigest` is the SHA-256 of every line before the footer (newlines included), and the
 * footer is signed with the service's key, so a file cut short, or edited after the export
 * (header included), is told apart from a log that was altered in the store.
 */
export const EXPORT_FORMAT = 'samverkan-audit-export/1';

export interface ExportHeader {
  kind: 'header';
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  store: string;
  /** The log's head when the export began; the export holds every event up to it. */
  head: number;
  publicKeys: PublicKeyInfo[];
  chain: { hash: 'SHA-256'; canonicalization: 'RFC 8785 (JCS)'; version: 1; checkpointStream: string };
  /** How the Merkle tree's leaves are made (absent in exports made before the tree). */
  tree?: { hash: 'RFC 9162 (SHA-256)'; leaf: 'JCS of { position, stream, revision, type, id, data, metadata }'; leaves: 'every event line, in order, from leafIndex 0' };
}

export interface ExportEventLine {
  kind: 'event';
  leafIndex?: number;
  position: number;
  stream: string;
  revision: number;
  type: string;
  id: string;
  data: Record<string, unknown>;
  metadata: RecordedEvent['metadata'];
  recordedAt: string;
  created: string;
}

export interface ExportFooter {
  kind: 'footer';
  events: number;
  head: number;
  linesDigest: string;
  keyId?: string;
  signature?: string;
}

export function toEventLine(event: RecordedEvent, leafIndex?: number): ExportEventLine {
  return {
    kind: 'event',
    ...(leafIndex !== undefined ? { leafIndex } : {}),
    position: event.position,
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    id: event.id,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.metadata.recordedAt ?? event.created,
    created: event.created,
  };
}

export function fromEventLine(line: ExportEventLine): RecordedEvent {
  return { id: line.id, stream: line.stream, revision: line.revision, position: line.position, type: line.type, data: line.data, metadata: line.metadata, created: line.created };
}

export interface ExportOptions {
  /** Signs the footer; its public key goes in the header. */
  key?: SigningKey;
  /** Further trusted public keys to name in the header (other instances sharing the log). */
  publicKeys?: PublicKeyInfo[];
  exportedAt: string;
  onProgress?: ProgressListener;
}

/** The export, line by line (each ends with a newline). */
export async function* exportLines(store: EventStore, options: ExportOptions): AsyncGenerator<string> {
  const digest = createHash('sha256');
  const head = await store.headPosition();
  const keys = [...(options.key ? [options.key.info()] : []), ...(options.publicKeys ?? [])];
  const header: ExportHeader = {
    kind: 'header',
    format: EXPORT_FORMAT,
    exportedAt: options.exportedAt,
    store: store.kind,
    head,
    publicKeys: keys.filter((k, i) => keys.findIndex((o) => o.keyId === k.keyId) === i),
    chain: { hash: 'SHA-256', canonicalization: 'RFC 8785 (JCS)', version: 1, checkpointStream: CHECKPOINT_STREAM },
    tree: { hash: 'RFC 9162 (SHA-256)', leaf: 'JCS of { position, stream, revision, type, id, data, metadata }', leaves: 'every event line, in order, from leafIndex 0' },
  };
  const first = `${JSON.stringify(header)}\n`;
  digest.update(first);
  yield first;
  let events = 0;
  for await (const page of readPages(store, { upTo: head })) {
    let chunk = '';
    // The export holds the whole log from its start, so an event's leaf index is its place in it.
    for (let i = 0; i < page.length; i++) chunk += `${JSON.stringify(toEventLine(page[i], events + i))}\n`;
    digest.update(chunk);
    events += page.length;
    options.onProgress?.({ events, position: page[page.length - 1].position, head });
    yield chunk;
  }
  const footer: ExportFooter = { kind: 'footer', events, head, linesDigest: digest.digest('hex') };
  if (options.key) {
    footer.keyId = options.key.keyId;
    footer.signature = options.key.sign(canonicalJson(footer));
  }
  yield `${JSON.stringify(footer)}\n`;
}

export interface ExportVerifyReport extends VerifyReport {
  export: {
    format?: string;
    exportedAt?: string;
    store?: string;
    /** The footer is there and its counts agree with the lines. */
    complete: boolean;
    /** The footer's signature over the lines. */
    signature: 'valid' | 'invalid' | 'missing' | 'unknown-key' | 'not-checked';
    /** Where the trusted keys came from: given by the verifier (`pinned`), or taken from the file itself (`export`). */
    keySource: 'pinned' | 'export' | 'none';
  };
}

export interface VerifyExportOptions {
  /** Trusted keys. Without them the keys in the export's header are used, which proves the file consistent, not who made it. */
  publicKeys?: PublicKeyRing;
  expectCheckpoint?: { revision: number; hash?: string };
  onProgress?: (progress: { events: number; bytes: number; totalBytes: number }) => void;
  maxProblems?: number;
}

async function* lines(file: string): AsyncGenerator<{ line: string; bytes: number }> {
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const reader = createInterface({ input, crlfDelay: Infinity });
  let bytes = 0;
  for await (const line of reader) {
    bytes += Buffer.byteLength(line, 'utf8') + 1;
    yield { line, bytes };
  }
}

/**
 * Verifies an export file offline, in two passes over the file: the header and the
 * checkpoints first, then every event, the lines digest and the footer's signature.
 */
export async function verifyExportFile(file: string, options: VerifyExportOptions = {}): Promise<ExportVerifyReport & { seconds: number }> {
  const started = process.hrtime.bigint();
  const totalBytes = statSync(file).size;
  let header: ExportHeader | undefined;
  const checkpoints: RecordedEvent[] = [];
  const exportProblems: BrokenPlace[] = [];
  for await (const { line } of lines(file)) {
    if (header === undefined) {
      header = parseLine(line) as ExportHeader | undefined;
      if (header?.kind !== 'header' || header.format !== EXPORT_FORMAT) throw new Error(`${file} is not a Samverkan audit export (${EXPORT_FORMAT})`);
      continue;
    }
    if (line.includes(`"${CHECKPOINT_STREAM}"`)) {
      const parsed = parseLine(line) as ExportEventLine | undefined;
      if (parsed?.kind === 'event' && parsed.stream === CHECKPOINT_STREAM) checkpoints.push(fromEventLine(parsed));
    }
  }
  if (!header) throw new Error(`${file} is empty`);

  let keySource: ExportVerifyReport['export']['keySource'] = 'pinned';
  let keys = options.publicKeys;
  if (!keys || keys.size === 0) {
    keys = new PublicKeyRing(header.publicKeys.map((k) => parsePublicKey(k.pem)));
    keySource = keys.size > 0 ? 'export' : 'none';
  }

  const verifier = new LogVerifier({ checkpoints, publicKeys: keys, expectCheckpoint: options.expectCheckpoint, maxProblems: options.maxProblems });
  const digest = createHash('sha256');
  let footer: ExportFooter | undefined;
  let events = 0;
  let lineNo = 0;
  for await (const { line, bytes } of lines(file)) {
    lineNo++;
    if (footer) {
      if (line.trim() !== '') exportProblems.push({ kind: 'export-altered', detail: `Line ${lineNo} follows the footer.` });
      continue;
    }
    const parsed = lineNo === 1 ? header : (parseLine(line) as ExportEventLine | ExportFooter | undefined);
    if (parsed?.kind === 'footer') {
      footer = parsed;
      continue;
    }
    digest.update(`${line}\n`);
    if (lineNo === 1) continue;
    if (parsed?.kind !== 'event') {
      exportProblems.push({ kind: 'export-altered', detail: `Line ${lineNo} is neither an event nor the footer.` });
      continue;
    }
    if (parsed.leafIndex !== undefined && parsed.leafIndex !== events) {
      exportProblems.push({ kind: 'export-altered', position: parsed.position, stream: parsed.stream, revision: parsed.revision, detail: `Line ${lineNo} says leafIndex ${parsed.leafIndex} but is event ${events} of the file: lines were removed, added or moved.` });
    }
    verifier.add(fromEventLine(parsed));
    events++;
    if ((events & 0x3fff) === 0) options.onProgress?.({ events, bytes, totalBytes });
  }
  options.onProgress?.({ events, bytes: totalBytes, totalBytes });

  let complete = false;
  let signature: ExportVerifyReport['export']['signature'] = 'missing';
  if (!footer) {
    exportProblems.push({ kind: 'export-incomplete', detail: `The export has no footer: it was cut short after ${events} events.` });
  } else {
    complete = footer.events === events && footer.head === header.head;
    if (!complete) exportProblems.push({ kind: 'export-incomplete', detail: `The footer counts ${footer.events} events up to position ${footer.head}; the file holds ${events}.` });
    if (footer.linesDigest !== digest.digest('hex')) exportProblems.push({ kind: 'export-altered', detail: 'The lines do not match the digest in the footer: the file was changed after it was exported.' });
    if (footer.signature && footer.keyId) {
      const key = keys.get(footer.keyId);
      const { signature: value, ...signed } = footer;
      signature = !key ? 'unknown-key' : verifyMessage(key, canonicalJson(signed), value) ? 'valid' : 'invalid';
      if (signature !== 'valid') exportProblems.push({ kind: 'export-altered', detail: signature === 'invalid' ? "The footer's signature does not verify." : `The footer is signed with key ${footer.keyId}, which is not trusted.` });
    } else if (keySource === 'pinned') {
      exportProblems.push({ kind: 'export-altered', detail: 'The footer is not signed.' });
    }
  }

  const report = verifier.finish();
  const problems = [...report.problems, ...exportProblems].slice(0, options.maxProblems ?? 100);
  const problemCount = report.problemCount + exportProblems.length;
  return {
    ...report,
    ok: problemCount === 0,
    problems,
    problemCount,
    ...(problems.length > 0 ? { firstBroken: problems[0] } : {}),
    export: { format: header.format, exportedAt: header.exportedAt, store: header.store, complete, signature, keySource },
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** The header of an export file (its first line). */
export async function readExportHeader(file: string): Promise<ExportHeader> {
  for await (const { line } of lines(file)) {
    const header = parseLine(line) as ExportHeader | undefined;
    if (header?.kind !== 'header' || header.format !== EXPORT_FORMAT) break;
    return header;
  }
  throw new Error(`${file} is not a Samverkan audit export (${EXPORT_FORMAT})`);
}

/** The events of an export file, in its order, in pages (for replay and history from a file). */
export async function* exportEventPages(file: string, options: { pageSize?: number; onProgress?: (p: { events: number; bytes: number; totalBytes: number }) => void } = {}): AsyncGenerator<RecordedEvent[]> {
  const totalBytes = statSync(file).size;
  const pageSize = options.pageSize ?? 5000;
  let page: RecordedEvent[] = [];
  let events = 0;
  let lastBytes = 0;
  for await (const { line, bytes } of lines(file)) {
    lastBytes = bytes;
    if (!line.startsWith('{"kind":"event"')) continue;
    const parsed = parseLine(line) as ExportEventLine | undefined;
    if (parsed?.kind !== 'event') continue;
    page.push(fromEventLine(parsed));
    if (page.length >= pageSize) {
      events += page.length;
      yield page;
      page = [];
      options.onProgress?.({ events, bytes, totalBytes });
    }
  }
  if (page.length > 0) {
    events += page.length;
    yield page;
  }
  options.onProgress?.({ events, bytes: lastBytes, totalBytes });
}
