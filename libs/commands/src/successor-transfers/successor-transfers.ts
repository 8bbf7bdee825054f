import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DomainError, ResolvedBases, StreamCategory, Successor, Unknowns } from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';
import { Subscription, concatMap, defer, retry, timer } from 'rxjs';
import { v5 as uuidv5 } from 'uuid';
import { basisStream } from '../arrangements/arrangement-loader';
import { SAMVERKAN_NAMESPACE } from '../command-path/command-context';
import { CommandSpec } from '../command-path/command-path';
import { CommandResult } from '../command-path/command-result';
import { SuccessorDto, toSuccessors } from '../http/shared.dto';
import { TransferServiceCommand, transferService } from '../transfer-service/transfer-service.controller';
import { UseCaseTools } from '../use-case';

/**
 * Rule 5: each successor named by a dissolution, termination or departure becomes a
 * ServiceTransferred on the municipality's own stream, effective the same day. Never a
 * multi-stream transaction: each is its own command (the transfer use case, run directly), whose
 * id is derived from the deciding event's id and the successor's index, so running it twice (a
 * retry, a restart, two instances) records it once. Its causation id is the deciding event; its
 * correlation id is the original command's.
 *
 * It runs in two ways: the deciding command awaits it (so the command answers only once the
 * transfers are recorded), and a subscription to the deciding events in the log (from its
 * checkpoint) finishes anything a crash interrupted.
 */
const DECIDING_EVENT_TYPES = ['FederationDissolved', 'MemberLeft', 'AgreementTerminated'] as const;

const SOURCE = 'samverkan:successor-transfers';
const logger = new Logger('SuccessorTransfers');

/** What a dissolution, departure or termination carries about its successors: their bases as they are now, and what the catalog does not know of them. */
interface Ending {
  successors: Successor[];
  successorBases: ResolvedBases;
  unknown: Unknowns;
}

/**
 * Decides a dissolution, departure or termination (`command` builds it from its successors' facts;
 * `municipalities` are the others it names) with the successors' bases locked, and answers once the
 * successors are recorded. A replay (its Idempotency-Key, its command id) finds them recorded, so its
 * answer covers them too.
 */
export async function decideEnding<C, K extends StreamCategory, S>(
  tools: UseCaseTools,
  named: SuccessorDto[] | undefined,
  spec: Omit<CommandSpec<C, K, S>, 'command' | 'reads'>,
  command: (ending: Ending) => C,
  municipalities: string[] = [],
): Promise<CommandResult> {
  const successors = toSuccessors(named);
  const unknown = await tools.catalog.unknown({ municipalities: [...municipalities, ...successors.map((s) => s.municipality)], serviceAreas: successors.map((s) => s.serviceArea) });
  const result = await tools.path.run({
    ...spec,
    reads: successors.map((s) => basisStream(s.basis)).filter((s): s is string => s !== undefined),
    command: async () => command({ successors, successorBases: await tools.arrangements.resolve(successors.map((s) => s.basis)), unknown }),
  });
  if (result.events.length === 0) return result;
  const ids = new Set(result.events.map((e) => e.id));
  const recorded = await tools.store.readStream(result.stream, { fromRevision: result.revision - result.events.length + 1, maxCount: result.events.length });
  let position = result.position;
  for (const event of recorded) if (ids.has(event.id)) position = Math.max(position, await recordSuccessors(tools, event));
  return { ...result, position };
}

/** Idempotent. Returns the highest position of the transfers it recorded or found (the event's own if there are none). */
async function recordSuccessors(tools: UseCaseTools, event: RecordedEvent): Promise<number> {
  if (!(DECIDING_EVENT_TYPES as readonly string[]).includes(event.type)) return event.position;
  const { decidedOn, effectiveFrom, successors = [] } = event.data as { decidedOn: string; effectiveFrom: string; successors?: Successor[] };
  let position = event.position;
  for (const [index, { municipality, serviceArea, basis }] of successors.entries()) {
    const commandId = uuidv5(`${event.id}/successor/${index}`, SAMVERKAN_NAMESPACE);
    const context = { commandId, correlationId: event.metadata.correlationId, causationId: event.id, actor: event.metadata.actor, source: SOURCE };
    const successorOf = { stream: event.stream, eventId: event.id, type: event.type };
    try {
      position = Math.max(position, (await transferService(new TransferServiceCommand(municipality, { serviceArea, basis, decidedOn, effectiveFrom, successorOf }, context), tools)).position);
    } catch (error) {
      // The deciding command checked every successor before it was appended, so this only
      // happens when a successor's basis changed in between. The provision then lapses to
      // in-house, which the attention list shows; nothing is silently lost.
      if (!(error instanceof DomainError)) throw error;
      logger.warn(`Successor ${municipality}/${serviceArea} of ${event.type} ${event.id} was refused: ${error.code}: ${error.detail}`);
    }
  }
  return position;
}

/**
 * Finishes the successor transfers a crash interrupted, at whichever instance: it follows the
 * deciding events in the log (not anything one process remembers) and runs their successors,
 * which are idempotent. Its checkpoint is the last deciding event it finished; kept in the
 * instance's read-model snapshot, it lets a restart resume from there rather than the log's start.
 */
@Injectable()
export class SuccessorTransfers implements OnApplicationShutdown {
  private subscription?: Subscription;
  private finished?: number;

  constructor(private readonly tools: UseCaseTools) {}

  /** The position of the last deciding event whose successors are recorded (or were refused), if any. */
  get checkpoint(): number | undefined {
    return this.finished;
  }

  /** Before start(): resume after this position (from a snapshot). */
  resumeAfter(position: number | null | undefined): void {
    this.finished = position ?? undefined;
  }

  /** Follows the log from the checkpoint (the start without one), and on, live. */
  start(): void {
    this.subscription ??= defer(() => this.tools.store.subscribeToAll({ after: this.finished, filter: { eventTypes: [...DECIDING_EVENT_TYPES] } }))
      .pipe(
        concatMap(async (message) => {
          if (message.kind !== 'event') return;
          await recordSuccessors(this.tools, message.event);
          this.finished = message.event.position;
        }),
        retry({ delay: (error: unknown) => (logger.warn(`Successor subscription interrupted (${String(error)}); resuming`), timer(1000)) }),
      )
      .subscribe();
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
