import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@samverkan/shared';
import { EVENT_STORE, EventStore, RecordedEvent, WrongExpectedRevisionError } from '@samverkan/event-store';
import { randomUUID } from 'node:crypto';
import { chainHeadOf, chainOf, sealBatch } from '../chain/event-chain';
import { readPages } from '../log/store-log';
import { CHECKPOINT_STREAM, checkSignature, checkpointEvent, parseCheckpoint, signCheckpoint } from '../verification/checkpoint';
import { BrokenPlace, CheckpointSummary, LogState, LogVerifier } from '../verification/log-verifier';
import { AUDIT_OPTIONS, AuditModuleOptions, resolveAuditOptions } from './audit-options';
import { AuditKeys } from './audit-keys';
import { formatCheckpoint } from '../note/checkpoint-note';
import { signNote } from '../note/signed-note';
import { LogTree } from '../tree/log-tree';

/** The log is broken where a checkpoint was to be written: nothing is signed over it. */
export class LogBrokenError extends Error {
  constructor(readonly firstBroken: BrokenPlace) {
    super(`The log is broken, so no checkpoint was written: ${firstBroken.detail}`);
    this.name = 'LogBrokenError';
  }
}

export interface CheckpointOutcome {
  /** False when the log had not moved since the last checkpoint (nothing was appended). */
  written: boolean;
  checkpoint?: CheckpointSummary;
}

const SOURCE = 'samverkan:audit';
const MAX_ATTEMPTS = 5;

/**
 * Appends signed checkpoints to `audit-checkpoints`: on a timer and on demand. Each one
 * starts from the previous (its state is in the signed data), verifies the chains of the
 * events since, and records the new state; it refuses to sign over a broken log. Several
 * instances may run it: the stream's expected revision lets one win and the other retry.
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditCheckpoints');
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();
  /** The state as of the last checkpoint this process wrote or read, keyed by that checkpoint's chain hash. */
  private cache?: { hash: string; state: LogState };
  /** The last checkpoint this process wrote: verification expects it to still be there. */
  private written?: { revision: number; hash: string };

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly keys: AuditKeys,
    @Inject(AUDIT_OPTIONS) options: AuditModuleOptions,
    private readonly tree: LogTree,
  ) {
    this.intervalMs = resolveAuditOptions(options).checkpointIntervalMs;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get lastWritten(): { revision: number; hash: string } | undefined {
    return this.written;
  }

  /** Appends a checkpoint unless the log has not moved since the last one. Serialised within the process. */
  checkpoint(actor: string): Promise<CheckpointOutcome> {
    const run = this.queue.then(() => this.attempt(actor));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async tick(): Promise<void> {
    try {
      const outcome = await this.checkpoint('samverkan');
      if (outcome.written) this.logger.log(`Checkpoint ${outcome.checkpoint?.revision} covers ${outcome.checkpoint?.events} events up to position ${outcome.checkpoint?.covers}`);
    } catch (error) {
      if (error instanceof LogBrokenError) this.logger.error(error.message);
      else this.logger.warn(`No checkpoint this time: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async attempt(actor: string): Promise<CheckpointOutcome> {
    for (let attempt = 1; ; attempt++) {
      const [last] = await this.store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 });
      const resume = this.startingState(last);
      const verifier = new LogVerifier(resume ? { resume, tree: false } : { tree: false });
      let moved = false;
      for await (const page of readPages(this.store, { after: resume?.position ?? 0 })) {
        for (const event of page) {
          verifier.add(event);
          if (event.stream !== CHECKPOINT_STREAM) moved = true;
        }
      }
      if (!verifier.ok) throw new LogBrokenError(verifier.firstBroken as BrokenPlace);
      const state = verifier.state();
      if (!moved) return { written: false, ...(last ? { checkpoint: this.summary(last) } : {}) };

      const signedAt = this.clock.now().toISOString();
      // The tree head over the same events: the tree follows the log, so it holds them or reads them now.
      await this.tree.upTo(state.position);
      const size = this.tree.sizeAt(state.position);
      if (size !== state.events) throw new Error(`The audit tree holds ${size} events up to position ${state.position} where the log holds ${state.events}; no checkpoint is signed over the difference`);
      const root = this.tree.root(size);
      const note = signNote(formatCheckpoint({ origin: this.keys.origin, treeSize: size, rootHash: root }), [this.keys.noteSigner]);
      const data = signCheckpoint({ ...state, signedAt, tree: { size, root: root.toString('base64') }, note }, this.keys.signing);
      const [event] = sealBatch(CHECKPOINT_STREAM, chainHeadOf(last ? [last] : []), [checkpointEvent(data, { id: randomUUID(), actor, source: SOURCE, recordedAt: signedAt })]);
      try {
        const appended = await this.store.appendToStream(CHECKPOINT_STREAM, [event], { expectedRevision: last ? last.revision : 'no-stream' });
        const hash = chainOf(event.metadata)?.hash as string;
        this.cache = { hash, state };
        this.written = { revision: appended.nextRevision, hash };
        return {
          written: true,
          checkpoint: {
            revision: appended.nextRevision,
            position: appended.position,
            covers: state.position,
            events: state.events,
            streams: Object.keys(state.streams).length,
            signedAt,
            keyId: this.keys.signing.keyId,
            hash,
            signature: 'valid',
            treeSize: size,
            rootHash: root.toString('base64'),
          },
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Where to start: the last checkpoint's state if this process trusts it, else the start of the log. */
  private startingState(last: RecordedEvent | undefined): LogState | undefined {
    if (!last) return undefined;
    const hash = chainOf(last.metadata)?.hash;
    if (this.cache && hash === this.cache.hash) return this.cache.state;
    const data = parseCheckpoint(last.data);
    if (!data || checkSignature(data, this.keys.trusted) !== 'valid') {
      this.logger.warn(`Checkpoint ${last.revision} does not verify with a trusted key; the next one starts from the beginning of the log`);
      return undefined;
    }
    const { position, events, digest, streams } = data;
    return { position, events, digest, streams };
  }

  summary(event: RecordedEvent): CheckpointSummary | undefined {
    const data = parseCheckpoint(event.data);
    if (!data) return undefined;
    const signature = checkSignature(data, this.keys.trusted);
    return {
      revision: event.revision,
      position: event.position,
      covers: data.position,
      events: data.events,
      streams: Object.keys(data.streams).length,
      signedAt: data.signedAt,
      keyId: data.key.keyId,
      hash: chainOf(event.metadata)?.hash ?? '',
      signature,
      ...(data.tree ? { treeSize: data.tree.size, rootHash: data.tree.root } : {}),
    };
  }
}
