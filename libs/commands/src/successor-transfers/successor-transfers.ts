import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainError, StreamCategory, Successor } from '@samverkan/domain';
import { EVENT_STORE, EventStore, RecordedEvent } from '@samverkan/event-store';
import { Subscription, concatMap, defer, retry, timer } from 'rxjs';
import { v5 as uuidv5 } from 'uuid';
import { basisStream } from '../arrangements/arrangement-loader';
import { CommandContext, SAMVERKAN_NAMESPACE } from '../command-path/command-context';
import { CommandPath, CommandSpec } from '../command-path/command-path';
import { CommandResult } from '../command-path/command-result';
import { TransferServiceCommand, TransferServiceHandler } from '../transfer-service/transfer-service.controller';

/** The decisions that may name successors for the provisions they end (rule 5). */
export const DECIDING_EVENT_TYPES = ['FederationDissolved', 'MemberLeft', 'AgreementTerminated'] as const;

const SOURCE = 'samverkan:successor-transfers';

interface DecidingData {
  decidedOn: string;
  effectiveFrom: string;
  successors?: Successor[];
}

/**
 * The process manager of rule 5: each successor named by a dissolution, termination or
 * departure becomes a ServiceTransferred on the municipality's own stream, effective the
 * same day. Never a multi-stream transaction: each transfer is its own command (the transfer
 * use case, called directly), whose id is derived from the deciding event's id and the
 * successor's index, so running it twice (a retry, a restart, two instances) records it once.
 * Its causation id is the deciding event; its correlation id is the original command's.
 *
 * It runs in two ways: the deciding command awaits it (so the command answers only once
 * the transfers are recorded), and a subscription to the deciding events from the start of
 * the log finishes anything a crash interrupted.
 */
@Injectable()
export class SuccessorTransfers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SuccessorTransfers.name);
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly path: CommandPath,
    private readonly transfers: TransferServiceHandler,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = defer(() => this.store.subscribeToAll({ filter: { eventTypes: [...DECIDING_EVENT_TYPES] } }))
      .pipe(
        concatMap(async (message) => {
          if (message.kind === 'event') await this.process(message.event);
        }),
        retry({ delay: (error: unknown) => (this.logger.warn(`Successor subscription interrupted (${String(error)}); resuming`), timer(1000)) }),
      )
      .subscribe();
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  /**
   * Decides a dissolution, departure or termination with the bases of its successors locked, and
   * answers once the successors are recorded. A replay of the command (its Idempotency-Key, its
   * command id) finds them recorded, so its answer covers them too.
   */
  async decide<C, K extends StreamCategory, S>(successors: Successor[], spec: Omit<CommandSpec<C, K, S>, 'locks'>): Promise<CommandResult> {
    const result = await this.path.run({ ...spec, locks: successors.map((s) => basisStream(s.basis)).filter((s): s is string => s !== undefined) });
    return this.complete(result);
  }

  /** Records the successors of the deciding events in `result` and widens its position to cover them. */
  async complete(result: CommandResult): Promise<CommandResult> {
    if (result.events.length === 0) return result;
    const ids = new Set(result.events.map((e) => e.id));
    const recorded = await this.store.readStream(result.stream, { fromRevision: result.revision - result.events.length + 1, maxCount: result.events.length });
    const deciding = recorded.filter((e) => ids.has(e.id) && (DECIDING_EVENT_TYPES as readonly string[]).includes(e.type));
    let position = result.position;
    for (const event of deciding) position = Math.max(position, await this.process(event));
    return { ...result, position };
  }

  /** Idempotent. Returns the highest position of the transfers it recorded or found. */
  async process(event: RecordedEvent): Promise<number> {
    const data = event.data as unknown as DecidingData;
    let position = event.position;
    for (const [index, successor] of (data.successors ?? []).entries()) {
      const context: CommandContext = {
        commandId: uuidv5(`${event.id}/successor/${index}`, SAMVERKAN_NAMESPACE),
        correlationId: event.metadata.correlationId,
        causationId: event.id,
        actor: event.metadata.actor,
        source: SOURCE,
      };
      const { municipality, serviceArea, basis } = successor;
      const successorOf = { stream: event.stream, eventId: event.id, type: event.type };
      try {
        const transferred = await this.transfers.execute(new TransferServiceCommand(municipality, { serviceArea, basis, decidedOn: data.decidedOn, effectiveFrom: data.effectiveFrom, successorOf }, context));
        position = Math.max(position, transferred.position);
      } catch (error) {
        // The deciding command checked every successor before it was appended, so this only
        // happens when a successor's basis changed in between. The provision then lapses to
        // in-house, which the attention list shows; nothing is silently lost.
        if (!(error instanceof DomainError)) throw error;
        this.logger.warn(`Successor ${municipality}/${serviceArea} of ${event.type} ${event.id} was refused: ${error.code}: ${error.detail}`);
      }
    }
    return position;
  }
}
