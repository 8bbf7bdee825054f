import { webcrypto } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EventFingerprint } from './snapshot-participant';

/**
 * The snapshot file:
 *
 *   magic (8 bytes) | format (uint32 BE) | header length (uint32 BE) | header (JSON, UTF-8)
 *   | SHA-256 of everything before it (32 bytes) | payload (v8.serialize of the participants' states)
 *
 * The header names the payload's length and SHA-256, so a truncated or edited file is refused
 * before a byte of the payload is deserialised. Both digests are computed with WebCrypto, which
 * hashes on libuv's thread pool: hashing a large payload does not block the event loop.
 */
export const SNAPSHOT_MAGIC = Buffer.from('SVKSNAP\n', 'latin1');
/** The layout above; bumped when it changes. */
export const SNAPSHOT_FORMAT = 1;
const PREAMBLE_BYTES = SNAPSHOT_MAGIC.length + 8;
const DIGEST_BYTES = 32;
/** A header is a few hundred bytes; anything larger is not a header of ours. */
const MAX_HEADER_BYTES = 64 * 1024;

export interface SnapshotHeader {
  /** The participants' names and versions (see snapshotSchema); a snapshot of another schema is refused. */
  schema: string;
  /** The position of the last register event the states cover. */
  position: number;
  /** That event, to recognise the log the snapshot was taken from. */
  last: EventFingerprint;
  /** Register events folded in. */
  events: number;
  createdAt: string;
  payloadBytes: number;
  /** SHA-256 of the payload, hex. */
  payloadSha256: string;
}

/** Why a snapshot file cannot be used; the message completes "Snapshot <file> refused: …". */
export class SnapshotRefusedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SnapshotRefusedError';
  }
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', data)).toString('hex');
}

/** The bytes before the payload: preamble, header and the header's digest. */
export async function encodeHead(header: SnapshotHeader): Promise<Buffer> {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  SNAPSHOT_MAGIC.copy(preamble, 0);
  preamble.writeUInt32BE(SNAPSHOT_FORMAT, SNAPSHOT_MAGIC.length);
  preamble.writeUInt32BE(json.length, SNAPSHOT_MAGIC.length + 4);
  const covered = Buffer.concat([preamble, json]);
  return Buffer.concat([covered, Buffer.from(await webcrypto.subtle.digest('SHA-256', covered))]);
}

/**
 * Checks a whole file's bytes: magic, format, header digest, schema, payload length and digest.
 * Returns the header and the payload (a view into `bytes`); throws SnapshotRefusedError.
 */
export async function decodeSnapshot(bytes: Buffer, expectedSchema: string): Promise<{ header: SnapshotHeader; payload: Buffer }> {
  if (bytes.length < PREAMBLE_BYTES || !bytes.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) {
    throw new SnapshotRefusedError(bytes.length < PREAMBLE_BYTES ? `truncated (${bytes.length} bytes)` : 'not a snapshot file (wrong magic)');
  }
  const format = bytes.readUInt32BE(SNAPSHOT_MAGIC.length);
  if (format !== SNAPSHOT_FORMAT) throw new SnapshotRefusedError(`file format ${format}, this version reads format ${SNAPSHOT_FORMAT}`);
  const headerBytes = bytes.readUInt32BE(SNAPSHOT_MAGIC.length + 4);
  if (headerBytes > MAX_HEADER_BYTES) throw new SnapshotRefusedError('digest mismatch (header length out of range)');
  const headEnd = PREAMBLE_BYTES + headerBytes;
  if (bytes.length < headEnd + DIGEST_BYTES) throw new SnapshotRefusedError(`truncated (${bytes.length} bytes, the header alone needs ${headEnd + DIGEST_BYTES})`);
  const headDigest = Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes.subarray(0, headEnd)));
  if (!headDigest.equals(bytes.subarray(headEnd, headEnd + DIGEST_BYTES))) throw new SnapshotRefusedError('digest mismatch (header)');
  const header = parseHeader(bytes.subarray(PREAMBLE_BYTES, headEnd));
  if (header.schema !== expectedSchema) throw new SnapshotRefusedError(`schema '${header.schema}', this version needs '${expectedSchema}'`);
  const payload = bytes.subarray(headEnd + DIGEST_BYTES);
  if (payload.length !== header.payloadBytes) {
    throw new SnapshotRefusedError(payload.length < header.payloadBytes ? `truncated (payload of ${payload.length} bytes, the header says ${header.payloadBytes})` : `digest mismatch (payload of ${payload.length} bytes, the header says ${header.payloadBytes})`);
  }
  if ((await sha256Hex(payload)) !== header.payloadSha256) throw new SnapshotRefusedError('digest mismatch (payload)');
  return { header, payload };
}

/** The header is covered by its digest, so a bad shape here is our own bug or another writer's, not damage. */
function parseHeader(json: Buffer): SnapshotHeader {
  let header: SnapshotHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as SnapshotHeader;
  } catch {
    throw new SnapshotRefusedError('header is not JSON');
  }
  const last = header?.last;
  const whole = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (
    typeof header?.schema !== 'string' ||
    !whole(header.position) ||
    !whole(header.events) ||
    !whole(header.payloadBytes) ||
    typeof header.payloadSha256 !== 'string' ||
    typeof last?.id !== 'string' ||
    typeof last.stream !== 'string' ||
    !whole(last.revision) ||
    last.position !== header.position
  ) {
    throw new SnapshotRefusedError('header is incomplete');
  }
  return header;
}

/** Reads the file; undefined when there is none. */
export async function readSnapshotBytes(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** `<file>.<pid>.<random>.tmp`: the writer's pid tells a kill's leftover from a write in progress. */
const TEMP = /^(.+)\.(\d+)\.[0-9a-z]+\.tmp$/;

/**
 * Writes `chunks` to `file` so that a crash at any moment leaves either the previous file or the
 * new one: a temporary file in the same directory, fsync, rename over the old one, fsync the
 * directory (so the rename itself survives a power loss).
 */
export async function writeFileAtomically(file: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<number> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  let bytes = 0;
  const handle = await open(temp, 'wx', 0o600);
  try {
    for await (const chunk of chunks) {
      // Large payloads are written in slices: one write(2) is capped at about 2 GB.
      for (let offset = 0; offset < chunk.length; offset += 64 * 1024 * 1024) {
        const slice = chunk.subarray(offset, Math.min(chunk.length, offset + 64 * 1024 * 1024));
        let written = 0;
        while (written < slice.length) written += (await handle.write(slice, written)).bytesWritten;
      }
      bytes += chunk.length;
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
  return bytes;
}

/**
 * Removes temporary files of `file` left by a writer that is gone (killed mid-write). A temporary
 * file with this process's pid is a leftover too (a restarted container often gets the same pid),
 * since this is called before this process writes. Returns the names removed.
 */
export async function removeLeftovers(file: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP.exec(name);
    if (!match || match[1] !== basename(file)) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && isAlive(pid)) continue;
    await unlink(join(dirname(file), name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
