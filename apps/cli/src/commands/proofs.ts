import { CheckpointNote, SignedNoteError, cosignatureVerifier, ed25519Verifier, eventLeafHash, parseCheckpointNote, parseNote, parseVerifierKey, verifyCheckpointNote, verifyConsistency, verifyInclusion } from '@samverkan/audit';
import type { RecordedEvent } from '@samverkan/event-store';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { CliContext, count, json, out, rate } from '../context';
import { CliError } from '../options';

/**
 * `verify-inclusion` and `verify-consistency`: an auditor's checks of single events and of
 * two tree heads, offline, from files they saved from the API (or an export). Nothing here
 * trusts the service: the note is checked with the verifier key the auditor gives, the leaf
 * hash is computed from the event itself, and the proof is folded as RFC 9162 §2.1.3.2 and
 * §2.1.4.2 say.
 */

interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  hashes: string[];
}

interface ConsistencyProof {
  from: number;
  to: number;
  hashes: string[];
}

type ServedEvent = Pick<RecordedEvent, 'position' | 'stream' | 'revision' | 'type' | 'id' | 'data' | 'metadata'> & { leafIndex?: number };

interface CheckedNote {
  file: string;
  checkpoint: CheckpointNote;
  /** Who signed it, among the keys given; empty when no key was given. */
  signedBy: string[];
}

/** `verify-inclusion --checkpoint <note> --proof <proof.json|ndjson> (--event <event.json> | --file <export>) [--note-key <vkey>]` */
export async function verifyInclusionCommand(ctx: CliContext): Promise<number> {
  const { options } = ctx;
  const [checkpointFile, ...more] = options.checkpoint ?? [];
  if (!checkpointFile || more.length > 0) throw new CliError('verify-inclusion needs one --checkpoint <file> (a signed note from GET /v1/audit/checkpoint or /v1/audit/checkpoints/{treeSize})', 2);
  if (!options.proof) throw new CliError('verify-inclusion needs --proof <file> (the answer of GET /v1/audit/proofs/inclusion, or several as a JSON array or NDJSON)', 2);
  if (!options.event && !options.file) throw new CliError('verify-inclusion needs the event: --event <file> (an event as GET /v1/audit/events serves it, or an array of them) or --file <export>', 2);

  const note = checkNote(ctx, checkpointFile);
  const proofs = readJsonItems(options.proof).map((p, i) => inclusionProofOf(p, `${options.proof} item ${i + 1}`));
  const events = options.event ? eventsFromFile(options.event) : await eventsFromExport(options.file!, new Set(proofs.map((p) => p.leafIndex)));
  const root = note.checkpoint.rootHash;

  const started = process.hrtime.bigint();
  const results = proofs.map((proof) => {
    const event = events.get(proof.leafIndex) ?? (events.size === 1 && proofs.length === 1 ? [...events.values()][0] : undefined);
    if (proof.treeSize !== note.checkpoint.treeSize) return { proof, ok: false, reason: `the proof is for a tree of ${proof.treeSize} events; the checkpoint signs ${note.checkpoint.treeSize}` };
    if (!event) return { proof, ok: false, reason: `no event with leafIndex ${proof.leafIndex} was given` };
    if (event.leafIndex !== undefined && event.leafIndex !== proof.leafIndex) return { proof, event, ok: false, reason: `the event says leafIndex ${event.leafIndex}, the proof ${proof.leafIndex}` };
    const ok = verifyInclusion(eventLeafHash(event), proof.leafIndex, proof.treeSize, proof.hashes.map(fromBase64), root);
    return { proof, event, ok, reason: ok ? undefined : 'the proof does not lead from this event to the signed root: the event was changed, it is not at this leaf, or the proof is wrong' };
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failed = results.filter((r) => !r.ok);

  if (options.json) {
    json(ctx, {
      ok: failed.length === 0 && note.signedBy.length > 0,
      checkpoint: { origin: note.checkpoint.origin, treeSize: note.checkpoint.treeSize, rootHash: root.toString('base64'), signedBy: note.signedBy },
      verified: results.length - failed.length,
      failed: failed.map((r) => ({ leafIndex: r.proof.leafIndex, reason: r.reason })),
      seconds,
      verificationsPerSecond: rate(results.length, seconds),
    });
  } else {
    const lines = [signatureLine(note)];
    for (const r of results.slice(0, 20)) {
      const what = r.event ? `${r.event.type} ${r.event.stream} revision ${r.event.revision} (leaf ${r.proof.leafIndex})` : `leaf ${r.proof.leafIndex}`;
      lines.push(r.ok ? `Included: ${what} is in the tree of ${count(r.proof.treeSize)} events.` : `NOT PROVEN: ${what}: ${r.reason}.`);
    }
    if (results.length > 20) lines.push(`… ${count(results.length - 20)} more.`);
    lines.push(`${count(results.length - failed.length)} of ${count(results.length)} proofs verified in ${seconds.toFixed(3)} s (${count(rate(results.length, seconds))} a second).`);
    out(ctx, lines.join('\n'));
  }
  return failed.length === 0 && note.signedBy.length > 0 ? 0 : 1;
}

/** `verify-consistency --checkpoint <older note> --checkpoint <newer note> --proof <proof.json> [--note-key <vkey>]` */
export async function verifyConsistencyCommand(ctx: CliContext): Promise<number> {
  const { options } = ctx;
  const files = options.checkpoint ?? [];
  if (files.length !== 2) throw new CliError('verify-consistency needs two --checkpoint <file>: the older tree head, then the newer', 2);
  if (!options.proof) throw new CliError('verify-consistency needs --proof <file> (the answer of GET /v1/audit/proofs/consistency?from=…&to=…)', 2);
  const [older, newer] = files.map((file) => checkNote(ctx, file));
  const [raw] = readJsonItems(options.proof);
  const proof = consistencyProofOf(raw, options.proof);
  const problems: string[] = [];
  if (older.checkpoint.origin !== newer.checkpoint.origin) problems.push(`the checkpoints are of two logs (${older.checkpoint.origin} and ${newer.checkpoint.origin})`);
  if (proof.from !== older.checkpoint.treeSize || proof.to !== newer.checkpoint.treeSize) problems.push(`the proof is from ${proof.from} to ${proof.to}; the checkpoints sign ${older.checkpoint.treeSize} and ${newer.checkpoint.treeSize}`);
  if (problems.length === 0 && !verifyConsistency(proof.from, proof.to, older.checkpoint.rootHash, newer.checkpoint.rootHash, proof.hashes.map(fromBase64))) {
    problems.push(`the tree of ${count(proof.to)} events does not extend the tree of ${count(proof.from)}: the log was rewritten between the two checkpoints, one of them is forged or stale, or the proof is wrong`);
  }
  const signed = older.signedBy.length > 0 && newer.signedBy.length > 0;
  if (options.json) {
    json(ctx, { ok: problems.length === 0 && signed, from: proof.from, to: proof.to, origin: newer.checkpoint.origin, signedBy: { older: older.signedBy, newer: newer.signedBy }, problems });
  } else {
    const lines = [signatureLine(older), signatureLine(newer)];
    lines.push(problems.length === 0 ? `Consistent: the log of ${count(proof.from)} events is a prefix of the log of ${count(proof.to)} events (${newer.checkpoint.origin}).` : `NOT CONSISTENT: ${problems.join('; ')}.`);
    out(ctx, lines.join('\n'));
  }
  return problems.length === 0 && signed ? 0 : 1;
}

function checkNote(ctx: CliContext, file: string): CheckedNote {
  const text = readText(file);
  const keys = ctx.options.noteKey ?? [];
  try {
    if (keys.length === 0) return { file, checkpoint: parseCheckpointNote(parseNote(text).text), signedBy: [] };
    // The log's key (type 0x01) and any witness keys (type 0x04, cosignature/v1) the auditor trusts.
    const verified = verifyCheckpointNote(text, keys.map((k) => (parseVerifierKey(k).type === 0x04 ? cosignatureVerifier(k) : ed25519Verifier(k))));
    return { file, checkpoint: verified.checkpoint, signedBy: verified.verified.map((s) => s.name) };
  } catch (error) {
    if (error instanceof SignedNoteError) throw new CliError(`${file}: ${error.message}`, 1);
    throw error;
  }
}

function signatureLine(note: CheckedNote): string {
  const head = `tree of ${count(note.checkpoint.treeSize)} events, root ${note.checkpoint.rootHash.toString('base64')}`;
  return note.signedBy.length > 0
    ? `Checkpoint ${note.file}: ${head}, signed by ${note.signedBy.join(', ')}.`
    : `Checkpoint ${note.file}: ${head}; its signature is NOT checked (give --note-key, the noteVerifierKey of GET /v1/audit/public-key), so nothing is proven.`;
}

function readText(file: string): string {
  try {
    return readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, 3);
  }
}

/** A JSON value, a JSON array of values, or NDJSON: the items. */
function readJsonItems(file: string): unknown[] {
  const text = readText(file).trim();
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [value];
  } catch {
    try {
      return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
    } catch {
      throw new CliError(`${file} is not JSON (one value, an array, or one value per line)`, 2);
    }
  }
}

const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function inclusionProofOf(value: unknown, where: string): InclusionProof {
  const p = value as Partial<InclusionProof>;
  if (typeof p !== 'object' || p === null || !whole(p.leafIndex) || !whole(p.treeSize) || !Array.isArray(p.hashes) || !p.hashes.every((h) => typeof h === 'string' && BASE64_HASH.test(h))) {
    throw new CliError(`${where} is not an inclusion proof ({ leafIndex, treeSize, hashes: [base64 SHA-256…] })`, 2);
  }
  return p as InclusionProof;
}

function consistencyProofOf(value: unknown, where: string): ConsistencyProof {
  const p = value as Partial<ConsistencyProof>;
  if (typeof p !== 'object' || p === null || !whole(p.from) || !whole(p.to) || !Array.isArray(p.hashes) || !p.hashes.every((h) => typeof h === 'string' && BASE64_HASH.test(h))) {
    throw new CliError(`${where} is not a consistency proof ({ from, to, hashes: [base64 SHA-256…] })`, 2);
  }
  return p as ConsistencyProof;
}

function fromBase64(hash: string): Buffer {
  return Buffer.from(hash, 'base64');
}

function servedEventOf(value: unknown, where: string): ServedEvent {
  const e = value as Partial<ServedEvent>;
  if (typeof e !== 'object' || e === null || !whole(e.position) || typeof e.stream !== 'string' || !whole(e.revision) || typeof e.type !== 'string' || typeof e.id !== 'string' || typeof e.data !== 'object' || typeof e.metadata !== 'object') {
    throw new CliError(`${where} is not an event as GET /v1/audit/events serves it ({ position, stream, revision, type, id, data, metadata, … })`, 2);
  }
  return e as ServedEvent;
}

/** Events given in a file, by leaf index (an event without one is keyed -1: it is used for a single proof). */
function eventsFromFile(file: string): Map<number, ServedEvent> {
  const events = new Map<number, ServedEvent>();
  readJsonItems(file).forEach((item, i) => {
    const event = servedEventOf(item, `${file} item ${i + 1}`);
    events.set(event.leafIndex ?? -1 - i, event);
  });
  return events;
}

/** The export's events at these leaf indexes (an export holds the log from its start: line n is leaf n). */
async function eventsFromExport(file: string, wanted: Set<number>): Promise<Map<number, ServedEvent>> {
  const events = new Map<number, ServedEvent>();
  const reader = createInterface({ input: createReadStream(resolve(file), { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let index = 0;
  for await (const line of reader) {
    if (!line.startsWith('{"kind":"event"')) continue;
    if (wanted.has(index)) events.set(index, { ...servedEventOf(JSON.parse(line), `${file} leaf ${index}`), leafIndex: index });
    index++;
    if (events.size === wanted.size) break;
  }
  reader.close();
  return events;
}
