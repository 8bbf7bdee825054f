import { Logger } from '@nestjs/common';
import { EventStore } from '@samverkan/event-store';
import { rename } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import { ProjectionRunner } from '../projection-runner';
import { SnapshotHeader, SnapshotRefusedError, decodeSnapshot, encodeHead, readSnapshotBytes, removeLeftovers, sha256Hex, writeFileAtomically } from './snapshot-file';
import { ReadModelState, SnapshotParticipant } from './snapshot-participant';

/** What a snapshot is checked against: the participants' names and versions, in a stable order. */
export function snapshotSchema(participants: readonly SnapshotParticipant[]): string {
  return participants
    .map((p) => `${p.name}@${p.version}`)
    .sort()
    .join(',');
}

export type SnapshotLoad =
  | { kind: 'none' }
  | { kind: 'loaded'; position: number; events: number; bytes: number; ms: number }
  /** The file was checked and refused (and set aside as `<file>.refused`). */
  | { kind: 'refused'; reason: string }
  /** The log could not be asked (the store is down): the file is kept for the next start. */
  | { kind: 'unchecked'; reason: string };

export interface SnapshotWrite {
  position: number;
  events: number;
  bytes: number;
  /** From taking the states to having the serialised bytes: the time the event loop was blocked. */
  blockedMs: number;
  ms: number;
}

/**
 * Loads and writes the read-model snapshot of one runner, in one file. A snapshot is a cache:
 * anything wrong with it (see `load`) means a rebuild from the log, never a failed start.
 */
export class ReadModelSnapshots {
  private readonly logger = new Logger('Snapshots');
  private writing?: Promise<SnapshotWrite | undefined>;
  /** runner.appliedCount when the last snapshot was taken or loaded. */
  private appliedAtLastSnapshot = 0;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly store: EventStore,
    readonly file: string,
  ) {}

  /** Register events applied since the last snapshot was taken (or since start). */
  get appliedSinceSnapshot(): number {
    return this.runner.appliedCount - this.appliedAtLastSnapshot;
  }

  get isWriting(): boolean {
    return this.writing !== undefined;
  }

  /**
   * Before the runner starts: restores its participants from the file if the file is whole
   * (magic, format, digests), of this schema, and of this log (its position is within the log
   * and the log holds the fingerprinted event there). Otherwise logs one line and leaves the
   * participants empty, so the runner rebuilds from the log.
   */
  async load(): Promise<SnapshotLoad> {
    const started = performance.now();
    const removed = await removeLeftovers(this.file).catch(() => []);
    if (removed.length > 0) this.logger.log(`Removed ${removed.length} temporary snapshot file(s) left by an interrupted write: ${removed.join(', ')}`);
    let state: ReadModelState;
    let bytes: number;
    try {
      const file = await readSnapshotBytes(this.file);
      if (!file) return { kind: 'none' };
      bytes = file.length;
      const { header, payload } = await decodeSnapshot(file, snapshotSchema(this.runner.snapshotParticipants));
      const unchecked = await this.checkAgainstLog(header);
      if (unchecked) {
        this.logger.warn(`Snapshot ${this.file} not used: ${unchecked}; rebuilding from the log`);
        return { kind: 'unchecked', reason: unchecked };
      }
      state = this.deserialize(payload, header);
    } catch (error) {
      return this.refuse(error);
    }
    const blanks = this.blankStates();
    try {
      this.runner.restoreState(state);
    } catch (error) {
      for (const [participant, blank] of blanks) participant.importState(blank);
      return this.refuse(new SnapshotRefusedError(`a state could not be restored (${(error as Error).message})`));
    }
    const ms = Math.round(performance.now() - started);
    this.appliedAtLastSnapshot = this.runner.appliedCount;
    return { kind: 'loaded', position: state.position, events: state.events, bytes, ms };
  }

  /**
   * Takes every participant's state now and writes it in the background; one write at a time
   * (a call while one runs returns that one). Never throws: a failed write is logged.
   */
  write(): Promise<SnapshotWrite | undefined> {
    this.writing ??= this.writeNow().finally(() => (this.writing = undefined));
    return this.writing;
  }

  private async writeNow(): Promise<SnapshotWrite | undefined> {
    const started = performance.now();
    const applied = this.runner.appliedCount;
    let payload: Buffer;
    let state: ReadModelState | undefined;
    try {
      // Synchronous from here to the serialised bytes: the states may share objects with the live models.
      state = this.runner.captureState();
      if (!state) return undefined;
      payload = serialize(state);
    } catch (error) {
      this.logger.error(`Snapshot not written: the states could not be serialised (${String(error)})`);
      return undefined;
    }
    const blockedMs = Math.round(performance.now() - started);
    try {
      const header: SnapshotHeader = {
        schema: snapshotSchema(this.runner.snapshotParticipants),
        position: state.position,
        last: state.last,
        events: state.events,
        createdAt: new Date().toISOString(),
        payloadBytes: payload.length,
        payloadSha256: await sha256Hex(payload),
      };
      const bytes = await writeFileAtomically(this.file, [await encodeHead(header), payload]);
      this.appliedAtLastSnapshot = Math.max(this.appliedAtLastSnapshot, applied);
      const written = { position: state.position, events: state.events, bytes, blockedMs, ms: Math.round(performance.now() - started) };
      this.logger.log(`Snapshot written at position ${written.position} (${written.events} events, ${megabytes(bytes)}) in ${written.ms} ms, ${blockedMs} ms of it blocking`);
      return written;
    } catch (error) {
      this.logger.warn(`Snapshot not written to ${this.file}: ${String(error)}`);
      return undefined;
    }
  }

  /** Undefined when the snapshot belongs to this log; a reason when the store could not be asked. Throws when it does not belong. */
  private async checkAgainstLog(header: SnapshotHeader): Promise<string | undefined> {
    let head: number;
    let found: Awaited<ReturnType<EventStore['readStream']>>;
    try {
      head = await this.store.headPosition();
      found = await this.store.readStream(header.last.stream, { fromRevision: header.last.revision, maxCount: 1 });
    } catch (error) {
      return `the log could not be read to check it (${String(error)})`;
    }
    if (header.position > head) throw new SnapshotRefusedError(`ahead of the log (it covers position ${header.position}, the log ends at ${head})`);
    const [event] = found;
    const last = header.last;
    if (!event || event.id !== last.id || event.position !== last.position || event.type !== last.type || event.created !== last.created) {
      throw new SnapshotRefusedError(`from another log (${last.stream} revision ${last.revision} at position ${last.position} is not event ${last.id} here)`);
    }
    return undefined;
  }

  private deserialize(payload: Buffer, header: SnapshotHeader): ReadModelState {
    let state: ReadModelState;
    try {
      state = deserialize(payload) as ReadModelState;
    } catch (error) {
      throw new SnapshotRefusedError(`the payload cannot be deserialised (${(error as Error).message})`);
    }
    if (state?.position !== header.position || state.events !== header.events || typeof state.states !== 'object' || state.states === null) {
      throw new SnapshotRefusedError('the payload does not match its header');
    }
    return state;
  }

  /** Copies of the participants' empty states, to put back if a restore fails half-way. */
  private blankStates(): [SnapshotParticipant, unknown][] {
    return this.runner.snapshotParticipants.map((p) => [p, deserialize(serialize(p.exportState()))]);
  }

  private async refuse(error: unknown): Promise<SnapshotLoad> {
    const reason = error instanceof SnapshotRefusedError ? error.message : `it cannot be read (${String(error)})`;
    this.logger.warn(`Snapshot ${this.file} refused: ${reason}; rebuilding from the log`);
    // Set aside, not deleted: it can be looked at, and it is not refused again at every start.
    await rename(this.file, `${this.file}.refused`).catch(() => undefined);
    return { kind: 'refused', reason };
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
