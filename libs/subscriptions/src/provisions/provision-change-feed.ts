import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { CalendarDate, DomainError } from '@samverkan/domain';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { AppliedEvent, ProjectionRunner, ProvisionChange, ProvisionChangeTracker, REGISTER_STREAM_PREFIXES, RegisterReadModel, basisViewOf, decoded } from '@samverkan/projections';
import { Observable, Subject, Subscription } from 'rxjs';
import { ProvisionCursor, isAfter } from '../sse/sse-frame';
import { LiveChange, ProvisionFilter, StoredChange, matchesProvisionFilter, provisionChangedPayload, snapshotPayload, storedChangeId, storedChanges, unknownInProvisionFilter } from './stored-changes';

export interface ProvisionSnapshot {
  /** The log position the snapshot is taken at; the changes after it follow. */
  position: number;
  /** The current and future spans of every cell the filter lets through, as `provision-snapshot` payloads. */
  payloads(): Generator<Record<string, unknown>>;
}

/**
 * The provision change stream: derived from the read model's `applied$` by the
 * ProvisionChangeTracker as each live event is applied, kept in memory in log order (for
 * subscribers that resume), and published live as `changes$`.
 *
 * Start-up derives nothing: while the runner catches up with the log (`isLive` false) the
 * tracker only moves past each event, so start-up costs what the read model costs. The changes
 * of those events (positions up to `liveFrom`) are derived again from the log only when a
 * subscriber resumes from before them (`history`): a fresh read model applies the log up to the
 * subscriber's id without deriving, then derives from there to `liveFrom`. They are the same
 * changes at the same ids as a process that derived everything (the derivation depends only on
 * the log), so a subscriber resumes across a restart with no gap and no duplicate. One such
 * replay runs at a time, and it keeps nothing afterwards.
 *
 * Memory: every live change is kept, compactly (see StoredChange; about 0.1 KB each, measured in
 * docs/subscriptions.md).
 */
@Injectable()
export class ProvisionChangeFeed implements OnApplicationShutdown {
  private readonly logger = new Logger('ProvisionChangeFeed');
  private readonly tracker: ProvisionChangeTracker;
  private readonly log: StoredChange[] = [];
  private readonly live = new Subject<LiveChange>();
  private readonly serialize = (change: StoredChange) => this.frameOf(change);
  private readonly subscription: Subscription;
  /** The last event followed without deriving its changes (catching up); 0: none. */
  private underived = 0;
  /** Replays of the log for resuming subscribers run one after another (each holds a read model while it runs). */
  private replays: Promise<unknown> = Promise.resolve();
  private failures = 0;

  constructor(
    private readonly runner: ProjectionRunner,
    @Optional() @Inject(EVENT_STORE) private readonly store?: EventStore,
  ) {
    this.tracker = new ProvisionChangeTracker(runner.model);
    // Subscribed before the runner starts (Startup runs on bootstrap), so no event is missed.
    this.subscription = runner.applied$.subscribe((event) => this.observe(event));
  }

  /**
   * The position up to which changes were not derived live (the runner was catching up); the
   * kept changes are those after it. Requests are served only once the runner is live, so it
   * no longer moves by then.
   */
  get liveFrom(): number {
    return this.underived;
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

  /**
   * Refuses a filter that names a municipality, county or service area the register does not
   * know, with the not-found the queries give (a typo would otherwise be a silent, empty stream).
   */
  assertKnown(filter: ProvisionFilter): void {
    const model = this.runner.model;
    const counties = new Set(model.listMunicipalities().map((m) => m.countyCode));
    const unknown = unknownInProvisionFilter(filter, { hasMunicipality: (code) => model.hasMunicipality(code), hasCounty: (code) => counties.has(code), hasServiceArea: (slug) => model.hasServiceArea(slug) });
    if (unknown.length > 0) throw new DomainError('not-found', `There is no ${unknown.join(', no ')}.`);
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

  /**
   * The changes after `cursor` of the events up to `liveFrom` that pass `filter`, derived again
   * from the log, in pages; nothing when the cursor is not before `liveFrom`.
   */
  async *history(cursor: ProvisionCursor, filter: ProvisionFilter, pageSize = 1000): AsyncGenerator<StoredChange[]> {
    const until = this.underived;
    if (!isAfter(until, Infinity, cursor)) return;
    const store = this.store;
    if (!store) throw new Error('The feed has no event store to derive the changes before its start from');
    let release!: () => void;
    const turn = this.replays;
    this.replays = new Promise<void>((resolve) => (release = resolve));
    await turn;
    try {
      const model = new RegisterReadModel();
      const tracker = new ProvisionChangeTracker(model);
      let after: number | undefined;
      for (;;) {
        const page = await store.readAll({ after, maxCount: pageSize, filter: { streamPrefixes: REGISTER_STREAM_PREFIXES } });
        const items: StoredChange[] = [];
        let done = page.length === 0;
        for (const recorded of page) {
          if (recorded.position > until) {
            done = true;
            break;
          }
          const event = decoded(recorded);
          model.apply(event);
          // Events wholly before the cursor are only applied: their changes are not asked for.
          if (event.position < cursor.position) tracker.skip(event);
          else for (const change of storedChanges(event, tracker.observe(event))) if (isAfter(change.position, change.index, cursor) && matchesProvisionFilter(filter, change.municipality, change.countyCode, change.serviceArea)) items.push(change);
        }
        if (items.length > 0) yield items;
        if (done) return;
        after = page[page.length - 1].position;
        // Let other work in between pages: the replay can be long.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      release();
    }
  }

  private observe(event: AppliedEvent): void {
    // Catching up: follow the event, derive nothing (see the class comment). A runner without
    // `isLive` (a bare test double) is taken as live.
    if (this.runner.isLive === false) {
      this.tracker.skip(event);
      this.underived = event.position;
      return;
    }
    let changes: ProvisionChange[];
    try {
      changes = this.tracker.observe(event);
    } catch (error) {
      this.failures++;
      this.logger.error(`Could not derive the provision changes of ${event.type} at ${event.position}: ${String(error)}`);
      return;
    }
    for (const stored of storedChanges(event, changes)) {
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
