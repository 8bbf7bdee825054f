/**
 * The double's storage: one append-only transaction log, indexed by stream, that
 * outlives the gRPC server so that a restart on the same port keeps the data.
 *
 * Positions imitate EventStoreDB's log: a record's position is the byte offset where it
 * starts and the next record starts where it ends, so positions grow by each record's
 * size and are far from contiguous. gRPC appends are implicit transactions, which the
 * server reports with commit position = prepare position = the record's own position
 * (AllReader: `new CommitEventRecord(eventRecord, eventRecord.LogPosition)`).
 */

/** Bytes of record framing and headers around the variable parts of a prepare record. */
const RECORD_OVERHEAD = 147n;
/** .NET ticks (100 ns) per millisecond; `created` travels as ticks since the Unix epoch. */
const TICKS_PER_MILLISECOND = 10_000n;

export type ExpectedState =
  | { kind: 'any' }
  | { kind: 'no-stream' }
  | { kind: 'stream-exists' }
  | { kind: 'revision'; revision: bigint };

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export interface LoggedEvent extends ProposedEvent {
  stream: string;
  revision: bigint;
  /** Where the record starts: its commit and prepare position. */
  position: bigint;
  /** Where the record ends, i.e. where the next record starts. */
  nextPosition: bigint;
  /** .NET ticks since the Unix epoch. */
  created: bigint;
}

export type AppendOutcome =
  /** An empty append writes nothing: no position, and `lastRevision` is the stream's (-1 when it does not exist). */
  | { kind: 'written'; lastRevision: bigint; position: bigint | undefined }
  /** Every proposed id is already in the stream at the expected place: nothing is written. */
  | { kind: 'idempotent'; lastRevision: bigint; position: bigint }
  | { kind: 'wrong-expected-version'; currentRevision: bigint | undefined };

const utf8Length = (text: string): bigint => BigInt(Buffer.byteLength(text, 'utf8'));

/** `plan`'s answer for an append that writes its events. */
export const WRITE = Symbol('write');

export class InMemoryLog {
  private readonly records: LoggedEvent[] = [];
  private readonly streams = new Map<string, LoggedEvent[]>();
  private end = 0n;
  private readonly appendListeners = new Set<(written: readonly LoggedEvent[]) => void>();

  get length(): number {
    return this.records.length;
  }

  /** The position the next record will get. */
  get endPosition(): bigint {
    return this.end;
  }

  at(index: number): LoggedEvent {
    return this.records[index];
  }

  /** Index of the first record at or after `position` (the log length when there is none). */
  indexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.records[middle].position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  stream(name: string): readonly LoggedEvent[] | undefined {
    return this.streams.get(name);
  }

  /**
   * Whether reads may start at `commit`: the server repositions its log reader there, so it
   * must be where a record starts (or at or past the end, which reads nothing). Anywhere
   * else the reader parses the middle of a record and the read fails.
   */
  isReadablePosition(commit: bigint): boolean {
    if (commit >= this.end) return true;
    const index = this.indexAtOrAfter(commit);
    return index < this.records.length && this.records[index].position === commit;
  }

  /** Calls `listener` with the events of every write; returns the function that removes it. */
  onAppend(listener: (written: readonly LoggedEvent[]) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /**
   * Appends with EventStoreDB's optimistic concurrency and idempotency rules
   * (IndexWriter.CheckCommit): a batch whose ids are already in the stream where the
   * expectation puts them is acknowledged again without being written; a batch that
   * only partly matches is a wrong expected version.
   */
  append(stream: string, expected: ExpectedState, proposed: readonly ProposedEvent[]): AppendOutcome {
    const plan = this.plan(stream, expected, proposed);
    return plan === WRITE ? this.write(proposed.map((event) => ({ stream, event })), stream) : plan;
  }

  /** What `append` would do, without doing it: WRITE, or the outcome of an append that writes nothing. */
  plan(stream: string, expected: ExpectedState, proposed: readonly ProposedEvent[]): typeof WRITE | AppendOutcome {
    const existing = this.streams.get(stream) ?? [];
    const current = BigInt(existing.length) - 1n;
    const wrongExpectedVersion: AppendOutcome = {
      kind: 'wrong-expected-version',
      currentRevision: existing.length === 0 ? undefined : current,
    };

    switch (expected.kind) {
      case 'revision':
        if (expected.revision === current) return WRITE;
        if (expected.revision > current) return wrongExpectedVersion;
        return this.alreadyAppendedFrom(existing, Number(expected.revision) + 1, proposed) ?? wrongExpectedVersion;
      case 'no-stream':
        if (existing.length === 0) return WRITE;
        return this.alreadyAppendedFrom(existing, 0, proposed) ?? wrongExpectedVersion;
      case 'stream-exists':
        if (existing.length === 0) return wrongExpectedVersion;
        return this.appendAnywhere(existing, proposed) ?? wrongExpectedVersion;
      case 'any':
        return this.appendAnywhere(existing, proposed) ?? wrongExpectedVersion;
    }
  }

  /**
   * Writes events to one or more streams as one transaction, in the order given: each gets
   * the next revision of its stream and the next position of the log; listeners hear of
   * them once, together. `stream` names the stream whose outcome is answered.
   */
  write(entries: ReadonlyArray<{ stream: string; event: ProposedEvent }>, stream: string): AppendOutcome {
    const created = BigInt(Date.now()) * TICKS_PER_MILLISECOND;
    const written: LoggedEvent[] = [];
    for (const { stream: target, event } of entries) {
      const existing = this.streams.get(target) ?? [];
      const size =
        RECORD_OVERHEAD +
        utf8Length(target) +
        utf8Length(event.type) +
        BigInt(event.data.byteLength) +
        BigInt(event.customMetadata.byteLength);
      const record: LoggedEvent = {
        ...event,
        stream: target,
        revision: BigInt(existing.length),
        position: this.end,
        nextPosition: this.end + size,
        created,
      };
      this.end = record.nextPosition;
      existing.push(record);
      this.streams.set(target, existing);
      this.records.push(record);
      written.push(record);
    }
    const last = this.streams.get(stream)?.at(-1);
    if (written.length === 0 || last === undefined) {
      // An empty append only checks the expectation: nothing is written, there is no position.
      return { kind: 'written', lastRevision: last?.revision ?? -1n, position: undefined };
    }
    for (const listener of [...this.appendListeners]) listener(written);
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }

  /**
   * With no exact expectation the server looks the first id up: unknown means a new
   * write, known means every id must follow it in the stream (else corrupted idempotency,
   * reported as a wrong expected version: undefined here).
   */
  private appendAnywhere(existing: LoggedEvent[], proposed: readonly ProposedEvent[]): typeof WRITE | AppendOutcome | undefined {
    const first = proposed.length === 0 ? -1 : existing.findIndex((event) => event.id === proposed[0].id);
    if (first === -1) return WRITE;
    return this.alreadyAppendedFrom(existing, first, proposed);
  }

  private alreadyAppendedFrom(existing: LoggedEvent[], from: number, proposed: readonly ProposedEvent[]): AppendOutcome | undefined {
    if (proposed.length === 0) return undefined;
    const matches = proposed.every((event, offset) => existing[from + offset]?.id === event.id);
    if (!matches) return undefined;
    const last = existing[from + proposed.length - 1];
    return { kind: 'idempotent', lastRevision: last.revision, position: last.position };
  }
}
