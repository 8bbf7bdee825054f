import { Inject, Injectable } from '@nestjs/common';
import { sealBatch } from '@samverkan/audit';
import { Decider, EVENT_SCHEMA_VERSIONS, SamverkanEvent, StreamCategory, StreamEvents, StreamName } from '@samverkan/domain';
import { EVENT_STORE, EventStore, EventToAppend, RecordedEvent, WrongExpectedRevisionError } from '@samverkan/event-store';
import { v5 as uuidv5 } from 'uuid';
import { ActsFor, assertActsFor } from './acting-for';
import { Clock } from '@samverkan/shared';
import { CommandContext, SAMVERKAN_NAMESPACE } from './command-context';
import { ConcurrencyConflictError, IdempotencyKeyReusedError } from './command-errors';
import { CommandResult } from './command-result';
import { IdempotencyIndex } from './idempotency-index';
import { KeyedMutex } from './keyed-mutex';
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
  /** Other streams this decision reads (a transfer's basis), serialised with it in this process. */
  locks?: string[];
  /** Whom the command acts for, given the current state: a writer key must hold them, all requirements if several (403 otherwise). */
  actsFor?: (state: S) => ActsFor | readonly ActsFor[];
}

/** How many times a command is re-decided when another command wins the race to its stream. */
const MAX_ATTEMPTS = 8;

/**
 * The one command path: load (the cached fold and the stream's tail) → decide → seal (the audit
 * chain) → append with the expected revision.
 * Handlers stay a few lines: they name the decider, the stream and the command.
 *
 * - Idempotency: a command whose id is already in the stream returns its first answer; an
 *   Idempotency-Key seen before returns its first answer (another body: 422).
 * - Concurrency: with If-Match a mismatch is 412; without, a conflict re-reads the tail and re-decides.
 * - A refusal throws before anything is appended.
 */
@Injectable()
export class CommandPath {
  private readonly mutex = new KeyedMutex();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
    readonly idempotency: IdempotencyIndex,
    private readonly states: StreamStateCache,
  ) {}

  async run<C, K extends StreamCategory, S>(spec: CommandSpec<C, K, S>): Promise<CommandResult> {
    const { context } = spec;
    const key = context.idempotencyKey;
    if (key === undefined) return this.mutex.run([spec.stream, ...(spec.locks ?? [])], () => this.decideAndAppend(spec));
    // The key's lock is taken alone first, so a duplicate waits for the original's answer.
    return this.mutex.run([`idempotency:${key}`], async () => {
      // A replay is answered only to a sender who may send the command itself (Idempotency-Keys are not secrets).
      await this.authorize(spec);
      const earlier = this.idempotency.lookup(key, context.requestHash);
      if (earlier) return earlier;
      const result = await this.mutex.run([spec.stream, ...(spec.locks ?? [])], () => this.decideAndAppend(spec));
      this.idempotency.remember(key, context.commandId, context.requestHash, result);
      return result;
    });
  }

  /** Checks a writer's scope against the stream's current state (a no-op for admins and process managers). */
  private async authorize<C, K extends StreamCategory, S>(spec: CommandSpec<C, K, S>): Promise<void> {
    if (!spec.actsFor || spec.context.actingFor === undefined) return;
    const { state } = await this.states.load(spec.stream, spec.decider);
    assertActsFor(spec.context, spec.actsFor(state));
  }

  private async decideAndAppend<C, K extends StreamCategory, S>(spec: CommandSpec<C, K, S>): Promise<CommandResult> {
    const { context, decider, stream } = spec;
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.states.load(stream, decider, context.commandId);
      const { state, revision } = loaded;
      if (spec.actsFor) assertActsFor(context, spec.actsFor(state));

      if (loaded.already) return this.answerFrom(spec.id, stream, await this.states.commandEvents(stream, context.commandId, loaded.already), context);

      if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
        throw new ConcurrencyConflictError(stream, context.expectedRevision, revision, true);
      }

      const command = await spec.command(state);
      const decided = decider.decide(command, state);
      if (decided.length === 0) {
        const position = loaded.position ?? (await this.store.headPosition());
        return { id: spec.id, stream, revision, position, events: [] };
      }

      const recordedAt = this.clock.now().toISOString();
      const unsealed = toEventsToAppend(decided, stream, context, recordedAt);
      // The audit chain: each event's metadata links to the hash of the stream's previous event.
      const events = sealBatch(stream, loaded.chainHead, unsealed);

      try {
        const appended = await this.store.appendToStream(stream, events, { expectedRevision: revision === -1 ? 'no-stream' : revision });
        this.states.appended(stream, revision, decided, events, appended);
        return { id: spec.id, stream, revision: appended.nextRevision, position: appended.position, events: events.map((e) => ({ type: e.type, id: e.id })) };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (context.expectedRevision !== undefined) throw new ConcurrencyConflictError(stream, context.expectedRevision, error.actual, true);
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflictError(stream, undefined, error.actual, false);
      }
    }
  }

  private answerFrom(id: string, stream: string, events: RecordedEvent[], context: CommandContext): CommandResult {
    const first = events[0].metadata;
    if (context.requestHash !== undefined && first.requestHash !== undefined && first.requestHash !== context.requestHash) throw new IdempotencyKeyReusedError();
    const last = events[events.length - 1];
    return { id, stream, revision: last.revision, position: last.position, events: events.map((e) => ({ type: e.type, id: e.id })) };
  }
}

/** Decided events as the command path appends them: ids derived from the command (so a retry cannot append twice), full metadata. */
export function toEventsToAppend(decided: readonly SamverkanEvent[], stream: string, context: CommandContext, recordedAt: string): EventToAppend[] {
  return decided.map((event, index) => ({
    id: uuidv5(`${context.commandId}/${stream}/${index}`, SAMVERKAN_NAMESPACE),
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
