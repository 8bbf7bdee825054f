import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CalendarDate } from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';
import { ProjectionRunner, ProvisionChange, ProvisionChangeTracker, ProvisionSpan, basisViewOf } from '@samverkan/projections';
import { Observable, Subject, Subscription } from 'rxjs';
import { ProvisionCursor, isAfter, provisionEventId } from '../sse/sse-frame';

/** The event a change came from; one per event, shared by its changes. */
interface Cause {
  type: string;
  stream: string;
  recordedAt: string;
}

/**
 * One derived change, kept for resuming subscribers. It is kept small: the span is the
 * tracker's own object (shared with its cache, and one in-house span per municipality for
 * all the untouched cells), the cause is shared by the changes of one event, and the payload
 * is serialized only when it is sent.
 */
export interface StoredChange {
  readonly position: number;
  readonly index: number;
  readonly of: number;
  readonly municipality: string;
  readonly serviceArea: string;
  readonly countyCode: string;
  readonly span: ProvisionSpan;
  readonly cause: Cause;
}

/** The SSE `id:` of a kept change (see provisionEventId). */
export function storedChangeId(change: StoredChange): string {
  return provisionEventId(change.position, change.index, change.of);
}

/** A change as it is published live: its frame is serialized once, for all the subscribers that want it. */
export class LiveChange {
  private serialized?: string;
  constructor(
    readonly change: StoredChange,
    private readonly serialize: (change: StoredChange) => string,
  ) {}
  get frame(): string {
    this.serialized ??= this.serialize(this.change);
    return this.serialized;
  }
}

/** What a provisions subscriber asked for; an absent set lets everything through. */
export interface ProvisionFilter {
  municipalities?: ReadonlySet<string>;
  counties?: ReadonlySet<string>;
  serviceAreas?: ReadonlySet<string>;
}

export function matchesProvisionFilter(filter: ProvisionFilter, municipality: string, countyCode: string, serviceArea: string): boolean {
  return (
    (!filter.municipalities || filter.municipalities.has(municipality)) &&
    (!filter.counties || filter.counties.has(countyCode)) &&
    (!filter.serviceAreas || filter.serviceAreas.has(serviceArea))
  );
}

/** The `provision-changed` payload (contract: Subscriptions; the fields after `position` are extra). */
export function provisionChangedPayload(change: Pick<ProvisionChange, 'municipality' | 'serviceArea' | 'provider' | 'basis' | 'effectiveFrom' | 'position' | 'until' | 'lapsed' | 'reason' | 'recordedAt' | 'cause'>): Record<string, unknown> {
  return {
    municipality: change.municipality,
    serviceArea: change.serviceArea,
    provider: change.provider,
    basis: change.basis,
    effectiveFrom: change.effectiveFrom,
    position: change.position,
    until: change.until,
    lapsed: change.lapsed,
    ...(change.reason ? { reason: change.reason } : {}),
    recordedAt: change.recordedAt,
    cause: change.cause,
  };
}

export interface ProvisionSnapshot {
  /** The log position the snapshot is taken at; the changes after it follow. */
  position: number;
  /** The current and future spans of every cell the filter lets through, as `provision-snapshot` payloads. */
  payloads(): Generator<Record<string, unknown>>;
}

/**
 * The provision change stream: derived from the read model's `applied$` by the
 * ProvisionChangeTracker as each event is applied, kept in memory in log order (for
 * subscribers that resume from any position), and published live as `changes$`.
 *
 * Memory: every change is kept, compactly (see StoredChange; about 0.1 KB each, measured in
 * docs/subscriptions.md). The register's whole history is small (the seeding of 290
 * municipalities × the service areas is most of it), and the read model already holds every
 * event in memory, so keeping the changes too is the simplest design that lets any subscriber
 * resume from any position without a replay. A restart derives the same changes again from the
 * log, at the same positions.
 */
@Injectable()
export class ProvisionChangeFeed implements OnApplicationShutdown {
  private readonly logger = new Logger('ProvisionChangeFeed');
  private readonly tracker: ProvisionChangeTracker;
  private readonly log: StoredChange[] = [];
  private readonly live = new Subject<LiveChange>();
  private readonly serialize = (change: StoredChange) => this.frameOf(change);
  private readonly subscription: Subscription;
  private failures = 0;

  constructor(private readonly runner: ProjectionRunner) {
    this.tracker = new ProvisionChangeTracker(runner.model);
    // Subscribed before the runner starts (Startup runs on bootstrap), so no event is missed.
    this.subscription = runner.applied$.subscribe((event) => this.observe(event));
  }

  /** The position of the last event the changes are derived up to. */
  get position(): number {
    return this.tracker.position;
  }

  /** How many changes are kept. */
  get size(): number {
    return this.log.length;
  }

  get derivationFailures(): number {
    return this.failures;
  }

  /** Every change as it is derived. Subscribing and reading `position` in one step leaves no gap. */
  get changes$(): Observable<LiveChange> {
    return this.live.asObservable();
  }

  /** The `provision-changed` message of a change, ready to write. */
  frameOf(change: StoredChange): string {
    const payload = provisionChangedPayload({
      municipality: change.municipality,
      serviceArea: change.serviceArea,
      provider: this.runner.model.providerView(change.span.provider),
      basis: basisViewOf(change.span.basis),
      effectiveFrom: change.span.from,
      position: change.position,
      until: change.span.until,
      lapsed: change.span.lapsed,
      ...(change.span.reason ? { reason: change.span.reason } : {}),
      recordedAt: change.cause.recordedAt,
      cause: { type: change.cause.type, stream: change.cause.stream },
    });
    return `id: ${storedChangeId(change)}\nevent: provision-changed\ndata: ${JSON.stringify(payload)}\n\n`;
  }

  /**
   * The changes strictly after `cursor` that pass `filter`, looking at no more than `examine`
   * changes. `next` is where the next read starts; `atEnd` is true once every change kept has
   * been looked at.
   */
  read(cursor: ProvisionCursor, filter: ProvisionFilter, examine = 2000): { items: StoredChange[]; next: ProvisionCursor; atEnd: boolean } {
    let i = this.firstAfter(cursor);
    const items: StoredChange[] = [];
    let next = cursor;
    const stop = Math.min(this.log.length, i + examine);
    for (; i < stop; i++) {
      const change = this.log[i];
      next = { position: change.position, index: change.index };
      if (matchesProvisionFilter(filter, change.municipality, change.countyCode, change.serviceArea)) items.push(change);
    }
    return { items, next, atEnd: i >= this.log.length };
  }

  /** The current matrix with what is already known to come: every cell's spans from `today` on. Taken in one step. */
  snapshot(filter: ProvisionFilter, today: CalendarDate): ProvisionSnapshot {
    const cells = this.tracker.cells();
    const model = this.runner.model;
    return {
      position: cells.position,
      *payloads() {
        for (const { code, countyCode } of cells.municipalities) {
          if (filter.municipalities && !filter.municipalities.has(code)) continue;
          if (filter.counties && !filter.counties.has(countyCode)) continue;
          for (const area of cells.serviceAreas) {
            if (filter.serviceAreas && !filter.serviceAreas.has(area)) continue;
            for (const span of cells.spansOf(code, area)) {
              if (span.until !== null && span.until < today) continue;
              yield snapshotPayload(code, area, span, cells.position, model.providerView(span.provider));
            }
          }
        }
      },
    };
  }

  private observe(event: RecordedEvent): void {
    let changes: ProvisionChange[];
    try {
      changes = this.tracker.observe(event);
    } catch (error) {
      this.failures++;
      this.logger.error(`Could not derive the provision changes of ${event.type} at ${event.position}: ${String(error)}`);
      return;
    }
    if (changes.length === 0) return;
    const cause: Cause = { type: event.type, stream: event.stream, recordedAt: changes[0].recordedAt };
    for (const change of changes) {
      const stored: StoredChange = {
        position: change.position,
        index: change.index,
        of: change.of,
        municipality: change.municipality,
        serviceArea: change.serviceArea,
        countyCode: change.countyCode,
        span: change.span,
        cause,
      };
      this.log.push(stored);
      this.live.next(new LiveChange(stored, this.serialize));
    }
  }

  /** Binary search: the first change strictly after the cursor. */
  private firstAfter(cursor: ProvisionCursor): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isAfter(this.log[mid].position, this.log[mid].index, cursor)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  onApplicationShutdown(): void {
    this.subscription.unsubscribe();
    this.live.complete();
  }
}

function snapshotPayload(code: string, area: string, span: ProvisionSpan, position: number, provider: unknown): Record<string, unknown> {
  return {
    municipality: code,
    serviceArea: area,
    provider,
    basis: basisViewOf(span.basis),
    effectiveFrom: span.from,
    position,
    until: span.until,
    lapsed: span.lapsed,
    ...(span.reason ? { reason: span.reason } : {}),
  };
}
