import { Controller, Get, Headers, Logger, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Clock, RequestValidationError } from '@samverkan/shared';
import { stockholmDateOf } from '@samverkan/domain';
import { IsIn, IsOptional, Matches, MaxLength, ValidateIf } from 'class-validator';
import { filter } from 'rxjs';
import { SseConnection } from '../sse/sse-connection';
import { ProvisionCursor, formatProvisionCursor, isAfter, parseProvisionCursor, sseFrame } from '../sse/sse-frame';
import { SseReply, SubscriberRegistry } from '../sse/subscriber-registry';
import { ProvisionChangeFeed } from './provision-change-feed';
import { ProvisionFilter, matchesProvisionFilter, storedChangeId } from './stored-changes';

const LIST_OF = (item: string) => new RegExp(`^${item}(,${item})*$`);

/** An optional filter of the feeds: absent or empty (`?types=&streams=`) means no filter; anything else is validated. */
export const OptionalFilter = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined && value !== null && value !== '');

export class ProvisionSubscriptionQuery {
  @ApiPropertyOptional({ description: 'First send the current matrix (every cell\'s current and already known future spans), then the changes after its position. Ignored when resuming with Last-Event-ID.', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'snapshot must be true or false' })
  snapshot?: string;

  @ApiPropertyOptional({ description: 'Only these municipalities (SCB codes, comma-separated; an unknown one is 404)', example: '0580,0581' })
  @OptionalFilter()
  @MaxLength(1500)
  @Matches(LIST_OF('\\d{4}'), { message: 'municipality must be 4-digit SCB codes, comma-separated' })
  municipality?: string;

  @ApiPropertyOptional({ description: 'Only these counties (2-digit codes, comma-separated; an unknown one is 404)', example: '05' })
  @OptionalFilter()
  @MaxLength(100)
  @Matches(LIST_OF('\\d{2}'), { message: 'county must be 2-digit county codes, comma-separated' })
  county?: string;

  @ApiPropertyOptional({ description: 'Only these service areas (slugs, comma-separated; an unknown one is 404)', example: 'payroll' })
  @OptionalFilter()
  @MaxLength(2000)
  @Matches(LIST_OF('[a-z0-9][a-z0-9-]{1,62}'), { message: 'serviceArea must be service-area slugs, comma-separated' })
  serviceArea?: string;

  // No example: Try-it-out would resume after an id a fresh register has not reached, and miss what comes before it.
  @ApiPropertyOptional({ description: 'Resume after this id, for clients that cannot send the Last-Event-ID header (the header wins)' })
  @IsOptional()
  @MaxLength(40)
  lastEventId?: string;
}

const setOf = (list: string | undefined): ReadonlySet<string> | undefined => (list ? new Set(list.split(',')) : undefined);

export function provisionFilterOf(query: ProvisionSubscriptionQuery): ProvisionFilter {
  return { municipalities: setOf(query.municipality), counties: setOf(query.county), serviceAreas: setOf(query.serviceArea) };
}

/** The `id:` a client sent back, from the header or the query; undefined for a fresh subscription. */
export function resumeIdOf(header: string | undefined, query: string | undefined): string | undefined {
  const value = header?.trim() || query?.trim();
  return value ? value : undefined;
}

@ApiTags('subscriptions')
@Controller('v1/subscriptions')
export class ProvisionSubscriptionController {
  private readonly logger = new Logger('ProvisionSubscriptions');

  constructor(
    private readonly feed: ProvisionChangeFeed,
    private readonly registry: SubscriberRegistry,
    private readonly clock: Clock,
  ) {}

  @Get('provisions')
  @ApiOperation({
    summary: 'Server-Sent Events: provision-changed for every change of any provision (docs/asyncapi.json, /asyncapi.json)',
    description:
      'Each `provision-changed` says: over effectiveFrom…until the provision is now this (future-dated changes and lapses included). ' +
      '`id:` is the log position (`position:n` for all but the last change of an event that changed several); reconnect with `Last-Event-ID` to resume with no gap and no duplicate. ' +
      'Without Last-Event-ID and without snapshot the stream starts at the current position. Heartbeats are comment lines. ' +
      'A subscriber that does not keep up is disconnected with a final `error` event naming its last id.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this id (as sent by the stream); `0` replays every change from the start' })
  @ApiOkResponse({ description: 'An event stream: provision-snapshot…, snapshot-complete (with snapshot=true), provision-changed, caught-up, error' })
  @ApiResponse({ status: 400, description: 'A bad filter or Last-Event-ID' })
  @ApiResponse({ status: 404, description: 'The filter names a municipality, county or service area the register does not know' })
  @ApiResponse({ status: 503, description: 'Too many subscribers on this instance (Retry-After)' })
  provisions(@Query() query: ProvisionSubscriptionQuery, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: SseReply): void {
    const resumeId = resumeIdOf(lastEventId, query.lastEventId);
    let cursor: ProvisionCursor | undefined;
    if (resumeId !== undefined) {
      cursor = parseProvisionCursor(resumeId);
      if (!cursor) throw new RequestValidationError([{ field: 'Last-Event-ID', message: 'must be an id this stream sent: a log position, or position:n' }]);
    }
    const provisionFilter = provisionFilterOf(query);
    this.feed.assertKnown(provisionFilter);
    const connection = this.registry.start(reply, 'provisions', cursor ? formatProvisionCursor(cursor) : null);
    this.stream(connection, cursor, query.snapshot === 'true', provisionFilter).catch((error: unknown) => {
      this.logger.error(`Provisions stream failed: ${String(error)}`);
      connection.end('internal-error', 'The stream failed on our side; reconnect with Last-Event-ID.');
    });
  }

  private async stream(connection: SseConnection, resumeFrom: ProvisionCursor | undefined, snapshot: boolean, filter: ProvisionFilter): Promise<void> {
    let cursor: ProvisionCursor;
    if (resumeFrom) {
      cursor = resumeFrom;
    } else if (snapshot) {
      const today = stockholmDateOf(this.clock.now());
      const taken = this.feed.snapshot(filter, today);
      let spans = 0;
      for (const payload of taken.payloads()) {
        if (!(await connection.send(sseFrame('provision-snapshot', payload)))) return;
        spans++;
      }
      if (!(await connection.send(sseFrame('snapshot-complete', { position: taken.position, on: today, spans }, String(taken.position)), String(taken.position)))) return;
      cursor = { position: taken.position, index: Infinity };
    } else {
      cursor = { position: this.feed.position, index: Infinity };
    }
    await this.catchUpAndGoLive(connection, cursor, filter);
  }

  /**
   * Sends the changes after the cursor at the client's pace: those from before the feed went
   * live derived again from the log, then the kept ones; then, in the same step as seeing the
   * end, goes live.
   */
  private async catchUpAndGoLive(connection: SseConnection, from: ProvisionCursor, provisionFilter: ProvisionFilter): Promise<void> {
    let cursor = from;
    for await (const page of this.feed.history(cursor, provisionFilter)) {
      for (const change of page) if (!(await connection.send(this.feed.frameOf(change), storedChangeId(change)))) return;
      if (connection.closed) return;
    }
    for (;;) {
      const page = this.feed.read(cursor, provisionFilter);
      if (page.items.length === 0 && page.atEnd) break;
      for (const change of page.items) if (!(await connection.send(this.feed.frameOf(change), storedChangeId(change)))) return;
      cursor = page.next;
      if (page.items.length === 0) await new Promise((resolve) => setImmediate(resolve));
      if (connection.closed) return;
    }
    // No await from here on: the end of the log seen above is still the end when the live subscription starts.
    const after = cursor;
    const subscription = this.feed.changes$
      .pipe(filter(({ change }) => isAfter(change.position, change.index, after) && matchesProvisionFilter(provisionFilter, change.municipality, change.countyCode, change.serviceArea)))
      .subscribe((live) => connection.push(live.frame, storedChangeId(live.change)));
    connection.onClose(() => subscription.unsubscribe());
    const head = this.feed.position;
    const caughtUp: ProvisionCursor = cursor.position <= head ? { position: head, index: Infinity } : cursor;
    connection.push(sseFrame('caught-up', { position: caughtUp.position }, formatProvisionCursor(caughtUp)), formatProvisionCursor(caughtUp));
  }
}
