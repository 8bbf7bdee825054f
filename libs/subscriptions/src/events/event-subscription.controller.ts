import { Controller, Get, Headers, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestValidationError } from '@samverkan/shared';
import { EVENT_SCHEMA_VERSIONS, EVENT_TYPES } from '@samverkan/domain';
import { AllFilter, EVENT_STORE, EventStore, RecordedEvent } from '@samverkan/event-store';
import { AppliedEvent, ProjectionRunner, REGISTER_STREAM_PREFIXES, decoded } from '@samverkan/projections';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { filter } from 'rxjs';
import { OptionalFilter, resumeIdOf } from '../provisions/provision-subscription.controller';
import { SseConnection } from '../sse/sse-connection';
import { parseEventPosition, sseFrame } from '../sse/sse-frame';
import { SseReply, SubscriberRegistry } from '../sse/subscriber-registry';

export class EventSubscriptionQuery {
  @ApiPropertyOptional({ description: `Only these event types (comma-separated; empty: all): ${EVENT_TYPES.join(', ')}`, example: 'ServiceTransferred,FederationDissolved' })
  @OptionalFilter()
  @MaxLength(1000)
  @Matches(/^[A-Za-z]+(,[A-Za-z]+)*$/, { message: 'types must be event type names, comma-separated' })
  types?: string;

  @ApiPropertyOptional({ description: 'Only streams whose name starts with one of these (comma-separated; empty: all), e.g. municipality-0580,agreement-', example: 'municipality-0580,agreement-' })
  @OptionalFilter()
  @MaxLength(2000)
  @Matches(/^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$/, { message: 'streams must be stream-name prefixes, comma-separated' })
  streams?: string;

  // No example: Try-it-out would resume after a position a fresh register has not reached, and miss what comes before it.
  @ApiPropertyOptional({ description: 'Resume after this position, for clients that cannot send the Last-Event-ID header (the header wins)' })
  @IsOptional()
  @MaxLength(40)
  lastEventId?: string;
}

/** The store filter for a query: the types asked for, and the register's streams narrowed to the prefixes asked for. */
export function eventFilterOf(query: EventSubscriptionQuery): AllFilter {
  const errors: { field: string; message: string }[] = [];
  let eventTypes: string[] | undefined;
  if (query.types) {
    eventTypes = [...new Set(query.types.split(','))];
    const unknown = eventTypes.filter((t) => !(EVENT_TYPES as string[]).includes(t));
    if (unknown.length > 0) errors.push({ field: 'types', message: `unknown event types: ${unknown.join(', ')}` });
  }
  let streamPrefixes = REGISTER_STREAM_PREFIXES;
  if (query.streams) {
    const prefixes = new Set<string>();
    for (const asked of query.streams.split(',')) {
      if (REGISTER_STREAM_PREFIXES.some((category) => asked.startsWith(category))) prefixes.add(asked);
      else {
        const categories = REGISTER_STREAM_PREFIXES.filter((category) => category.startsWith(asked));
        if (categories.length === 0) errors.push({ field: 'streams', message: `'${asked}' is not a prefix of the register's streams (${REGISTER_STREAM_PREFIXES.join(', ')})` });
        for (const category of categories) prefixes.add(category);
      }
    }
    streamPrefixes = [...prefixes];
  }
  if (errors.length > 0) throw new RequestValidationError(errors);
  return { streamPrefixes, ...(eventTypes ? { eventTypes } : {}) };
}

function keeps(eventFilter: AllFilter, event: RecordedEvent): boolean {
  return (!eventFilter.eventTypes || eventFilter.eventTypes.includes(event.type)) && (eventFilter.streamPrefixes ?? []).some((p) => event.stream.startsWith(p));
}

/**
 * A `domain-event` payload: the event in today's schema (an event this version does not know:
 * as stored), with where it is in the log. Actor and source stay in the audit log.
 */
function domainEventPayload(applied: AppliedEvent): Record<string, unknown> {
  const known = applied.event;
  return {
    position: applied.position,
    stream: applied.stream,
    revision: applied.revision,
    type: applied.type,
    id: applied.id,
    data: known ? known.data : applied.data,
    schemaVersion: known ? EVENT_SCHEMA_VERSIONS[known.type] : (applied.metadata.schemaVersion ?? 1),
    recordedAt: applied.recordedAt,
    correlationId: applied.metadata.correlationId,
    causationId: applied.metadata.causationId,
  };
}

/** Live events reach every subscriber as the same object, decoded once by the runner: serialize each once. */
const frames = new WeakMap<RecordedEvent, string>();
function eventFrame(event: RecordedEvent | AppliedEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = sseFrame('domain-event', domainEventPayload(decoded(event)), String(event.position));
    frames.set(event, frame);
  }
  return frame;
}

/** Catch-up reads from the store go this many events at a time. */
const PAGE = 500;

@ApiTags('subscriptions')
@Controller('v1/subscriptions')
export class EventSubscriptionController {
  private readonly logger = new Logger('EventSubscriptions');

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly registry: SubscriberRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('events')
  @ApiOperation({
    summary: 'Server-Sent Events: the domain events, in log order (docs/asyncapi.json, /asyncapi.json)',
    description:
      '`id:` is the log position; reconnect with `Last-Event-ID` to resume with no gap and no duplicate (`0`: from the start). Without it the stream starts at the current position. ' +
      '`types` keeps only those event types; `streams` only streams starting with one of the prefixes.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this log position' })
  @ApiOkResponse({ description: 'An event stream: domain-event, caught-up, error' })
  @ApiResponse({ status: 400, description: 'An unknown type, a prefix outside the register or a bad Last-Event-ID' })
  @ApiResponse({ status: 503, description: 'Too many subscribers on this instance (Retry-After)' })
  events(@Query() query: EventSubscriptionQuery, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: SseReply): void {
    const eventFilter = eventFilterOf(query);
    const resumeId = resumeIdOf(lastEventId, query.lastEventId);
    let after: number | undefined;
    if (resumeId !== undefined) {
      after = parseEventPosition(resumeId);
      if (after === undefined) throw new RequestValidationError([{ field: 'Last-Event-ID', message: 'must be a log position this stream sent' }]);
    }
    const connection = this.registry.start(reply, 'events', after !== undefined ? String(after) : null);
    this.stream(connection, after, eventFilter).catch((error: unknown) => {
      this.logger.error(`Events stream failed: ${String(error)}`);
      connection.end('internal-error', 'The stream failed on our side; reconnect with Last-Event-ID.');
    });
  }

  /**
   * Catch-up reads the store page by page at the client's pace; it is complete up to the
   * position the read models had reached before the read. Once nothing new was applied since,
   * the live part starts in the same step, from the projection's `applied$`.
   */
  private async stream(connection: SseConnection, after: number | undefined, eventFilter: AllFilter): Promise<void> {
    let cursor = after ?? this.runner.position;
    let complete = cursor;
    if (after !== undefined) {
      for (;;) {
        const examined = this.runner.position;
        let page: RecordedEvent[];
        try {
          page = await this.store.readAll({ after: cursor, maxCount: PAGE, filter: eventFilter });
        } catch {
          connection.end('store-unavailable', 'The event store cannot be reached; reconnect with Last-Event-ID shortly.');
          return;
        }
        for (const event of page) {
          if (event.position <= cursor) continue;
          if (!(await connection.send(eventFrame(event), String(event.position)))) return;
          cursor = event.position;
        }
        if (connection.closed) return;
        if (page.length < PAGE) {
          complete = Math.max(cursor, examined);
          if (this.runner.position <= complete) break;
        }
      }
    }
    const skipUpTo = Math.max(cursor, complete);
    const subscription = this.runner.applied$.pipe(filter((event) => event.position > skipUpTo && keeps(eventFilter, event))).subscribe((event) => connection.push(eventFrame(event), String(event.position)));
    connection.onClose(() => subscription.unsubscribe());
    connection.push(sseFrame('caught-up', { position: skipUpTo }, String(skipUpTo)), String(skipUpTo));
  }
}
