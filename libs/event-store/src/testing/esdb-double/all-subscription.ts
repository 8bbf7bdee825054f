import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { InMemoryLog, LoggedEvent } from './in-memory-log';
import { READ_BATCH_SIZE, type ServerFilter } from './server-filter';
import { ResponseWriter } from './response-writer';
import { checkpointResp, compareTfPositions, positionOf, toReadResp, type TfPosition } from './wire';

/** Where a subscription to `$all` starts. A position is exclusive: the event there is not sent again. */
export type AllSubscriptionStart = { kind: 'start' } | { kind: 'end' } | { kind: 'after'; position: TfPosition };

/**
 * A catch-up subscription to `$all` (a `Streams/Read` with the `subscription` count
 * option), modelled on the server's Enumerator.AllSubscription(Filtered):
 *
 * 1. `confirmation` with a subscription id, first.
 * 2. Catch-up in pages, each examining up to the search window (32 by default). A filtered
 *    subscription sends a `checkpoint` after a page once `checkpointInterval` events were
 *    examined, and always one at the end of catch-up. A checkpoint is the last position
 *    sent or the current page's start, whichever is later; page starts after the first are
 *    "between records" positions (commit = the next record's position, prepare = 0), as
 *    the server's read index reports them.
 * 3. `caught_up`, then live events as they are appended; a filtered subscription sends a
 *    `checkpoint` at the examined event every `checkpointInterval` events.
 *
 * The double never falls behind, so it never sends `fell_behind`.
 */
export class AllSubscription {
  private readonly writer: ResponseWriter<ReadResp>;
  private wake: (() => void) | undefined;

  constructor(
    private readonly log: InMemoryLog,
    call: ServerWritableStream<ReadReq, ReadResp>,
    private readonly start: AllSubscriptionStart,
    private readonly filter: ServerFilter | undefined,
  ) {
    this.writer = new ResponseWriter(call, () => this.wake?.());
  }

  /** Stops the subscription, as when the client cancels the call or the server goes down. */
  cancel(): void {
    this.writer.cancel();
  }

  /** Runs until the call is cancelled. */
  async run(): Promise<void> {
    const removeListener = this.log.onAppend(() => this.wake?.());
    try {
      const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
      if (!(await this.writer.write(new ReadResp().setConfirmation(confirmation)))) return;

      const cursor = this.start.kind === 'end' ? this.log.length : await this.catchUp(this.start.kind === 'after' ? this.start.position : undefined);
      if (cursor === undefined) return;
      if (!(await this.writer.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) return;
      await this.live(cursor);
    } finally {
      removeListener();
    }
  }

  private matches(event: LoggedEvent): boolean {
    return this.filter?.matches(event) ?? true;
  }

  /** Returns the index of the first record not yet examined, or undefined when cancelled. */
  private async catchUp(after: TfPosition | undefined): Promise<number | undefined> {
    const window = this.filter?.searchWindow ?? READ_BATCH_SIZE;
    // The last position sent on; undefined stands for the server's "head of the log" (-1, -1).
    let sent = after;
    // Page reads are inclusive, so the first page starts at the start position itself.
    let pageStart: TfPosition = after ?? { commit: 0n, prepare: 0n };
    let cursor = this.firstIndexAtOrAfter(pageStart);
    let examinedSinceCheckpoint = 0;

    for (;;) {
      let examined = 0;
      let kept = 0;
      let endOfLog = false;
      while (examined < window && kept < READ_BATCH_SIZE) {
        if (cursor >= this.log.length) {
          endOfLog = true;
          break;
        }
        const event = this.log.at(cursor++);
        examined++;
        if (!this.matches(event)) continue;
        kept++;
        if (sent !== undefined && compareTfPositions(positionOf(event), sent) <= 0) continue;
        if (!(await this.writer.write(toReadResp(event)))) return undefined;
        sent = positionOf(event);
      }

      examinedSinceCheckpoint += examined;
      if (this.filter && (endOfLog || examinedSinceCheckpoint >= this.filter.checkpointInterval)) {
        examinedSinceCheckpoint %= this.filter.checkpointInterval;
        if (sent === undefined || compareTfPositions(sent, pageStart) < 0) sent = pageStart;
        if (!(await this.writer.write(checkpointResp(sent)))) return undefined;
      }
      if (endOfLog) return cursor;
      if (examined > 0) pageStart = { commit: this.log.at(cursor - 1).nextPosition, prepare: 0n };
    }
  }

  private async live(from: number): Promise<void> {
    let cursor = from;
    let examinedSinceCheckpoint = 0;
    while (!this.writer.cancelled) {
      if (cursor >= this.log.length) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const event = this.log.at(cursor++);
      if (this.matches(event) && !(await this.writer.write(toReadResp(event)))) return;
      if (this.filter && ++examinedSinceCheckpoint >= this.filter.checkpointInterval) {
        examinedSinceCheckpoint = 0;
        if (!(await this.writer.write(checkpointResp(positionOf(event))))) return;
      }
    }
  }

  private firstIndexAtOrAfter(position: TfPosition): number {
    const index = this.log.indexAtOrAfter(position.commit);
    const atIndex = index < this.log.length ? this.log.at(index) : undefined;
    return atIndex && compareTfPositions(positionOf(atIndex), position) < 0 ? index + 1 : index;
  }
}

/** The start of a subscription to `$all` from its request options. */
export function subscriptionStart(all: ReadReq.Options.AllOptions): AllSubscriptionStart {
  switch (all.getAllOptionCase()) {
    case ReadReq.Options.AllOptions.AllOptionCase.POSITION: {
      const position = all.getPosition() ?? new ReadReq.Options.Position();
      return { kind: 'after', position: { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) } };
    }
    case ReadReq.Options.AllOptions.AllOptionCase.END:
      return { kind: 'end' };
    default:
      return { kind: 'start' };
  }
}
