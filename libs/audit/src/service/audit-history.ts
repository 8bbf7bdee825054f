import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '@samverkan/event-store';

/** An event as auditors read it (contract: Audit). */
export interface AuditEventView {
  position: number;
  stream: string;
  revision: number;
  type: string;
  id: string;
  data: Record<string, unknown>;
  metadata: RecordedEvent['metadata'];
  recordedAt: string;
}

export interface HistoryFilter {
  /** Exclusive. */
  after: number;
  limit: number;
  stream?: string;
  types?: string[];
  /** recordedAt ≥ from (ms). */
  fromMs?: number;
  /** recordedAt ≤ to (ms). */
  toMs?: number;
  actor?: string;
}

export interface HistoryPage {
  events: AuditEventView[];
  /** Where the next page starts (`after`), when there may be more. */
  next?: number;
}

export const MAX_PAGE = 1000;
/** A page with a selective filter stops scanning after this many events once it has found something. */
const SCAN_BUDGET = 100_000;
const SCAN_PAGE = 2000;

export function toView(event: RecordedEvent): AuditEventView {
  return {
    position: event.position,
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    id: event.id,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.metadata.recordedAt ?? event.created,
  };
}

/** The log read by auditors: in commit order, a page at a time, filtered. */
@Injectable()
export class AuditHistory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async page(filter: HistoryFilter): Promise<HistoryPage> {
    const keep = matcher(filter);
    if (filter.stream !== undefined) {
      const events = (await this.store.readStream(filter.stream)).filter((e) => e.position > filter.after && keep(e));
      const page = events.slice(0, filter.limit);
      return { events: page.map(toView), ...(events.length > filter.limit ? { next: page[page.length - 1].position } : {}) };
    }

    const found: AuditEventView[] = [];
    let cursor = filter.after;
    let scanned = 0;
    const types = filter.types && filter.types.length > 0 ? { eventTypes: filter.types } : undefined;
    const narrow = filter.fromMs !== undefined || filter.toMs !== undefined || filter.actor !== undefined;
    const batch = narrow ? SCAN_PAGE : filter.limit + 1;
    for (;;) {
      const page = await this.store.readAll({ after: cursor, maxCount: batch, ...(types ? { filter: types } : {}) });
      for (const event of page) {
        if (found.length === filter.limit) return { events: found, next: found[found.length - 1].position };
        cursor = event.position;
        scanned++;
        if (keep(event)) found.push(toView(event));
      }
      if (page.length < batch) return { events: found };
      if (narrow && found.length > 0 && scanned >= SCAN_BUDGET) return { events: found, next: cursor };
    }
  }

  /** One stream, in revision order. */
  stream(stream: string): Promise<RecordedEvent[]> {
    return this.store.readStream(stream);
  }
}

function matcher(filter: HistoryFilter): (event: RecordedEvent) => boolean {
  const types = filter.types && filter.types.length > 0 ? new Set(filter.types) : undefined;
  return (event) => {
    if (types && !types.has(event.type)) return false;
    if (filter.actor !== undefined && event.metadata.actor !== filter.actor) return false;
    if (filter.fromMs !== undefined || filter.toMs !== undefined) {
      const at = Date.parse(event.metadata.recordedAt ?? event.created);
      if (filter.fromMs !== undefined && at < filter.fromMs) return false;
      if (filter.toMs !== undefined && at > filter.toMs) return false;
    }
    return true;
  };
}
