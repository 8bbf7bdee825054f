import { Inject, Injectable, Optional } from '@nestjs/common';
import { sealBatch } from '@samverkan/audit';
import { Decider, EVENT_SCHEMA_VERSIONS, SamverkanEvent, StreamCategory, StreamEvents, StreamName } from '@samverkan/domain';
import { ConsistencyCheck, EVENT_STORE, EventStore, EventStoreUnavailableError, EventToAppend, RecordedEvent, WrongExpectedRevisionError } from '@samverkan/event-store';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { ActsFor, assertActsFor } from './acting-for';
import { Clock } from '@samverkan/shared';
import { CommandContext, SAMVERKAN_NAMESPACE } from './command-context';
import { ConcurrencyConflictError, IdempotencyKeyReusedError } from './command-errors';
import { CommandResult } from './command-result';
import { IdempotencyIndex } from './idempotency-index';
import { StreamQueue } from './stream-queue';
import { StreamStateCache } from './stream-state-cache';


/** A decision on one stream: the stream's category ties its decider to the events it holds. */
export interface CommandSpec<C, K extends StreamCategory, S> {
  decider: Decider<C, StreamEvents[K], S>;
  stream: StreamName<K>;
  /** The id the answer names (the arrangement id, the municipality code). */
  id: string;
  /** Builds the command from the current state; called again on every retry, so it may load other streams. */
  command: (state: S) => C | Promise<C>;
  context: CommandContext;
  /**
   * Other streams this decision depends on (a transfer's basis, the other arrangements' streams
   * of a create's id). Their revisions are read before deciding and checked in the same atomic
   * append, so a change to any of them in between, by this instance or another, is a conflict
   * and the command is decided again on what is there now.
   */
  reads?: readonly string[];
  /** Whom the command acts for, given the current state: a writer key must hold them, all requirements if several (403 otherwise). */
  actsFor?: (state: S) => ActsFor | readonly ActsFor[];
}

/** How many times a command is re-decided when another command wins the race to its stream or to a stream it read. */
const MAX_ATTEMPTS = 10;

/** The app may provide this: resolves once the idempotency index has seen the whole log as it is now (another instance's answers too). */
export const IDEMPOTENCY_CAUGHT_UP = Symbol('IDEMPOTENCY_CAUGHT_UP');
export type CaughtUp = () => Promise<void>;

/** A short random pause before deciding again, growing with the attempts, so racing instances drift apart. */
const backoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

/**
 * The one command path: load (the cached fold, and the stream's tail unless the append's checks
 * cover it) → decide → seal (the audit chain) → append with the expected revision → extend the
 * cache with what was appended.
 * Handlers stay a few lines: they name the decider, the stream and the command.
 *
 * - Idempotency: a command whose id is already in the stream returns its first answer; an
 *   Idempotency-Key seen before returns its first answer (another body: 422).
 * - Concurrency: with If-Match a mismatch is 412; without, a conflict re-reads the tail and re-decides.
 * - A refusal throws before anything is appended, and only on the store's state (one decided on
 *   cached state is decided again after reading the tails).
 */
@Injectable()
export class CommandPath {
  private readonly queue = new StreamQueue();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
    readonly idempotency: IdempotencyIndex,
    private readonly states: StreamStateCache,
    @Optional() @Inject(IDEMPOTENCY_CAUGHT_UP) private readonly caughtUp?: CaughtUp,
  ) {}

  async run<C, K extends StreamCategory, S>(spec: CommandSpec<C, K, S>): Promise<CommandResult> {
    const { context } = spec;
    const key = context.idempotencyKey;
    if (key === undefined) return this.queue.run(spec.stream, () => this.decideAndAppend(spec));
    // A replay is answered only to a sender who may send the command itself (Idempotency-Keys are not secrets).
    await this.authorize(spec);
    // The key may have been used at another instance: look it up once the index has seen the log
    // as it is now. A resend of the same request that races its original is answered by the stream
    // itself (its command id is in it), so two instances never answer one key differently.
    await this.caughtUp?.();
    const earlier = this.idempotency.lookup(key, context.requestHash);
    if (earlier) return earlier;
    const result = await this.queue.run(spec.stream, () => this.decideAndAppend(spec));
    this.idempotency.remember(key, context.commandId, context.requestHash, result);
    return result;
  }

  /** Checks a writer's scope against the stream's current state (a no-op for admins and process managers). */
  private async authorize<C, K extends StreamCategory, S>(spec: CommandSpec<C, K, S>): Promise<void> {
    if (!spec.actsFor || spec.context.actingFor === undefined) return;
    const { state } = await this.states.load(spec.stream, spec.decider);
    assertActsFor(spec.context, spec.actsFor(state));
  }

  /**
   * Decides and appends, first on the cached state of the command's stream and of the streams it
   * reads (no store read when they are cached: the append checks their revisions, so a stale
   * entry ends in a conflict), then, after a conflict or a refusal on cached state, on what the
   * store holds.
   */
  private async decideAndAppend<C, K extends StreamCategory, S>(spec: CommandSpec<C, K, S>): Promise<CommandResult> {
    const { context, stream } = spec;
    let trust = true;
    for (let attempt = 1; ; attempt++) {
      const { outcome, trusted } = await this.states.trusting(trust ? [stream, ...(spec.reads ?? [])] : [], () => this.attempt(spec));
      if (outcome.status === 'fulfilled') {
        const { answer, appended } = outcome.value;
        // Nothing to append, decided on cached state: another instance may have changed what there is to do.
        if (appended || !trusted) return answer;
        trust = false;
        continue;
      }
      const error: unknown = outcome.reason;
      if (!(error instanceof WrongExpectedRevisionError)) {
        // A refusal decided on cached state may rest on another instance's writes not seen yet: it stands only on the store's state.
        if (trusted && !(error instanceof EventStoreUnavailableError)) {
          trust = false;
          continue;
        }
        throw error;
      }
      trust = false;
      // If-Match names this stream's revision; a stream the decision read moving is decided again.
      if (context.expectedRevision !== undefined && error.stream === stream) throw new ConcurrencyConflictError(stream, context.expectedRevision, error.actual, true);
      if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflictError(error.stream, undefined, error.actual, false);
      await backoff(attempt);
    }
  }

  /** One decision: load → decide → seal → append with the expected revision, and the cache extended with what was appended. */
  private async attempt<C, K extends StreamCategory, S>(spec: CommandSpec<C, K, S>): Promise<{ answer: CommandResult; appended: boolean }> {
    const { context, decider, stream } = spec;
    const loaded = await this.states.load(stream, decider, context.commandId);
    const { state, revision } = loaded;
    if (spec.actsFor) assertActsFor(context, spec.actsFor(state));

    if (loaded.already) return { answer: this.answerFrom(spec.id, stream, await this.states.commandEvents(stream, context.commandId, loaded.already), context), appended: true };

    if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
      throw new ConcurrencyConflictError(stream, context.expectedRevision, revision, true);
    }

    // Read before the command gathers its facts: a change after this is caught by the checks.
    const checks = await this.revisionsOf(spec.reads ?? []);
    const command = await spec.command(state);
    const decided = decider.decide(command, state);
    if (decided.length === 0) {
      const position = loaded.position ?? (await this.store.headPosition());
      return { answer: { id: spec.id, stream, revision, position, events: [] }, appended: false };
    }

    const recordedAt = this.clock.now().toISOString();
    // Event ids unique to this attempt: an append that succeeds has stored these very events
    // (at most a retry of this same call found them there), never another instance's copy of
    // the same command, which would differ in recordedAt and chain hash. A command sent twice
    // is still recorded once: its second sending finds its command id in the stream, or
    // conflicts on the expected revision and then finds it.
    const unsealed = toEventsToAppend(decided, stream, context, recordedAt, randomUUID());
    // The audit chain: each event's metadata links to the hash of the stream's previous event.
    const events = sealBatch(stream, loaded.chainHead, unsealed);
    const result = await this.store.appendToStream(stream, events, { expectedRevision: revision === -1 ? 'no-stream' : revision, checks });
    this.states.extend(stream, decider, revision, decided.map((event, index) => ({ event, commandId: context.commandId, metadata: events[index].metadata })), result);
    return { answer: { id: spec.id, stream, revision: result.nextRevision, position: result.position, events: events.map((e) => ({ type: e.type, id: e.id })) }, appended: true };
  }

  /** The current revision of each stream, as the check the append makes ('no-stream' for one that does not exist): the cached one where the attempt trusts the cache. */
  private async revisionsOf(streams: readonly string[]): Promise<ConsistencyCheck[]> {
    return Promise.all(
      [...new Set(streams)].map(async (stream): Promise<ConsistencyCheck> => {
        const cached = this.states.revisionOf(stream);
        const revision = cached ?? (await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 }))[0]?.revision ?? -1;
        return { stream, expectedRevision: revision === -1 ? 'no-stream' : revision };
      }),
    );
  }

  private answerFrom(id: string, stream: string, events: RecordedEvent[], context: CommandContext): CommandResult {
    const first = events[0].metadata;
    if (context.requestHash !== undefined && first.requestHash !== undefined && first.requestHash !== context.requestHash) throw new IdempotencyKeyReusedError();
    const last = events[events.length - 1];
    return { id, stream, revision: last.revision, position: last.position, events: events.map((e) => ({ type: e.type, id: e.id })) };
  }
}

/**
 * Decided events as they are appended, with full metadata. Their ids derive from the command
 * (a writer that re-sends the same batch cannot append it twice) and, when given, from one
 * attempt at it (the command path's: see `CommandPath.attempt`).
 */
export function toEventsToAppend(decided: readonly SamverkanEvent[], stream: string, context: CommandContext, recordedAt: string, attempt?: string): EventToAppend[] {
  const scope = attempt === undefined ? `${context.commandId}/${stream}` : `${context.commandId}/${attempt}/${stream}`;
  return decided.map((event, index) => ({
    id: uuidv5(`${scope}/${index}`, SAMVERKAN_NAMESPACE),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      commandId: context.commandId,
      correlationId: context.correlationId,
      causationId: context.causationId,
      actor: context.actor,
      source: context.source,
      recordedAt,
      schemaVersion: EVENT_SCHEMA_VERSIONS[event.type],
      ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey } : {}),
      ...(context.requestHash ? { requestHash: context.requestHash } : {}),
    },
  }));
}
