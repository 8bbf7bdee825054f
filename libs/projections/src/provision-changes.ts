import { Basis, BasisEnd, CalendarDate, IN_HOUSE, ProviderRef, ProvisionInterval, addDays, assertNever, basisKey } from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';
import { AppliedEvent, decoded } from './decoded-event';
import { providerKey } from './read-model/interner';
import { basisViewOf } from './read-model/provision-queries';
import { BasisView, ProviderView, cellKey } from './read-model/types';
import { RegisterReadModel } from './register-read-model';

/**
 * One step of a provision's step function as consumers see it: from `from` to `until`, both
 * inclusive days. `from: null` is "since the register began", `until: null` is "open-ended".
 */
export interface ProvisionSpan {
  from: CalendarDate | null;
  until: CalendarDate | null;
  provider: ProviderRef;
  basis: Basis;
  /** In-house because the basis ended with no successor (rule 4). */
  lapsed: boolean;
  /** For a lapse: why the basis ended. */
  reason?: BasisEnd['reason'];
}

/**
 * The spans of each timeline the read model handed out, with their keys. Its timelines are
 * immutable and shared (a cell keeps its timeline until an event drops it), so the "before" of
 * one event is the "after" of the previous one and is not converted again. Keyed weakly: a
 * timeline the read model has dropped and nobody holds is collected with its spans. The shared
 * "nothing recorded" timeline serves every municipality, so the code is part of the entry.
 */
interface MemoisedSpans {
  code: string;
  spans: readonly ProvisionSpan[];
  /** `spanKey` of each span, in order (a step function's spans start on distinct days, so they differ). */
  keys: readonly string[];
  keySet: ReadonlySet<string>;
}
const SPANS = new WeakMap<readonly ProvisionInterval[], MemoisedSpans>();

/** The step function of one municipality and service area, as spans (the read model's intervals, with the provider filled in). */
export function spansOf(municipality: string, timeline: readonly ProvisionInterval[]): readonly ProvisionSpan[] {
  return spansWithKeys(municipality, timeline).spans;
}

function spansWithKeys(municipality: string, timeline: readonly ProvisionInterval[]): MemoisedSpans {
  const cached = SPANS.get(timeline);
  if (cached && cached.code === municipality) return cached;
  const spans = Object.freeze(
    timeline.map((interval): ProvisionSpan => ({
      from: interval.from ?? null,
      until: interval.to === undefined ? null : addDays(interval.to, -1),
      provider: interval.provider ?? { kind: 'municipality', code: municipality },
      basis: interval.basis.kind === 'in-house' ? IN_HOUSE : interval.basis,
      lapsed: interval.lapsed,
      ...(interval.lapsed && interval.end ? { reason: interval.end.reason } : {}),
    })),
  );
  const keys = spans.map(spanKey);
  const entry = { code: municipality, spans, keys, keySet: new Set(keys) };
  SPANS.set(timeline, entry);
  return entry;
}

/** A cell that nothing was ever recorded for: in-house, always. */
export function defaultSpans(municipality: string): ProvisionSpan[] {
  return [{ from: null, until: null, provider: { kind: 'municipality', code: municipality }, basis: IN_HOUSE, lapsed: false }];
}

/** Same days, same provider, same basis, same lapse (and reason). */
export function sameSpan(a: ProvisionSpan, b: ProvisionSpan): boolean {
  return spanKey(a) === spanKey(b);
}

/** What `sameSpan` compares, as one string (dates, slugs and ids hold no NUL). */
function spanKey(span: ProvisionSpan): string {
  return `${span.from ?? ''}\0${span.until ?? ''}\0${span.lapsed ? 1 : 0}\0${span.reason ?? ''}\0${basisKey(span.basis)}\0${providerKey(span.provider)}`;
}

/**
 * What changed between two versions of a cell's step function: every span of `after` that is
 * not, exactly, a span of `before`. `before` undefined means the cell did not exist, so every
 * span is new. Writing the returned spans over `before` with `overwriteSpan` gives `after`
 * exactly (the spans of `after` that are left out already are spans of `before`, whole).
 * Linear in the spans: a cell's history grows for decades, and this runs for every event.
 */
export function changedSpans(before: readonly ProvisionSpan[] | undefined, after: readonly ProvisionSpan[]): ProvisionSpan[] {
  if (!before) return [...after];
  const old = new Set(before.map(spanKey));
  return after.filter((span) => !old.has(spanKey(span)));
}

/** `changedSpans` of two of the read model's timelines, from their memoised spans and keys. */
function changedBetween(code: string, before: readonly ProvisionInterval[], after: readonly ProvisionInterval[]): ProvisionSpan[] {
  if (before === after) return [];
  const old = spansWithKeys(code, before).keySet;
  const now = spansWithKeys(code, after);
  return now.spans.filter((_, index) => !old.has(now.keys[index]));
}

const startsBefore = (a: CalendarDate | null, b: CalendarDate | null): boolean => b !== null && (a === null || a < b);
const endsAfter = (a: CalendarDate | null, b: CalendarDate | null): boolean => b !== null && (a === null || a > b);

/**
 * The consumer's rule, for the tests and the documentation: a change says "over these days the
 * provision is now this". The spans it overlaps are cut back; the result is sorted by `from`.
 */
export function overwriteSpan(spans: readonly ProvisionSpan[], change: ProvisionSpan): ProvisionSpan[] {
  const result: ProvisionSpan[] = [];
  for (const span of spans) {
    if (startsBefore(span.from, change.from)) {
      const cut = addDays(change.from as CalendarDate, -1);
      result.push({ ...span, until: span.until !== null && span.until < cut ? span.until : cut });
    }
    if (endsAfter(span.until, change.until)) {
      const next = addDays(change.until as CalendarDate, 1);
      result.push({ ...span, from: span.from !== null && span.from > next ? span.from : next });
    }
  }
  result.push(change);
  return result.sort((a, b) => (a.from === b.from ? 0 : a.from === null ? -1 : b.from === null ? 1 : a.from < b.from ? -1 : 1));
}

/** One `provision-changed`: over `effectiveFrom`…`until` the provision of `serviceArea` to `municipality` is now this. */
export interface ProvisionChange {
  municipality: string;
  serviceArea: string;
  /** The municipality's county (for filtering; not part of the published payload). */
  countyCode: string;
  provider: ProviderView;
  basis: BasisView;
  /** The first day; null: since the register began. */
  effectiveFrom: CalendarDate | null;
  /** The last day; null: open-ended as far as the register knows. */
  until: CalendarDate | null;
  lapsed: boolean;
  reason?: BasisEnd['reason'];
  /** The log position of the event that caused it. */
  position: number;
  /** 1-based place among the changes this event caused, and how many it caused. */
  index: number;
  of: number;
  /** When the causing event was recorded. */
  recordedAt: string;
  cause: { type: string; stream: string };
  /** The span itself (shared with the tracker: keep this rather than the views, it costs nothing more). */
  span: ProvisionSpan;
}

/** Every cell (municipality × service area) with its spans, as of one position. */
export interface ProvisionCells {
  position: number;
  /** Registered municipalities, by code, with their county. */
  municipalities: readonly { code: string; countyCode: string }[];
  /** Defined service areas, in the order they were defined. */
  serviceAreas: readonly string[];
  /** The spans of `code`/`area` (a cell nothing was recorded for is in-house throughout). */
  spansOf(code: string, area: string): readonly ProvisionSpan[];
}

/**
 * Derives the provision changes from the log, one event at a time, right after the read model
 * applied it: for the cells the event touches (`RegisterReadModel.lastTouched`) it compares the
 * step function before and after and reports the spans that are new. The cells an event touches:
 * - a transfer: its own cell; a correction: the cells of what it withdraws (the transfer it names,
 *   or the replacement standing for it) and of its replacement;
 * - an event of a federation, joint committee or agreement (which can move the day its basis
 *   ends, rule 4): every cell with a transfer on that basis, and for a federation also the cells
 *   on agreements it provides under;
 * - a new municipality or service area: its new cells, in-house.
 * Everything depends only on the log, so replaying it from the start gives the same changes at
 * the same positions, in the same order.
 *
 * The step functions are the read model's cached ones (the "before" is the one the event
 * dropped from the cache) and the municipalities and areas are the read model's, so the tracker
 * keeps nothing of the log but its position: a read model restored from a snapshot needs no
 * tracker state, and catching up (`skip`) derives nothing.
 */
export class ProvisionChangeTracker {
  /** One in-house span per municipality, shared by all its untouched cells (and the changes that announce them). */
  private readonly defaults = new Map<string, readonly ProvisionSpan[]>();
  private lastPosition = 0;

  constructor(private readonly model: RegisterReadModel) {}

  /** The position of the last event observed. */
  get position(): number {
    return this.lastPosition;
  }

  /** Cells whose step function is not in-house throughout. */
  get trackedCells(): number {
    let n = 0;
    for (const key of this.model.cellsWithTransfers()) {
      const [code, area] = key.split('/');
      if (!isDefault(code, spansOf(code, this.model.timelineOf(code, area)))) n++;
    }
    return n;
  }

  /** Call once the read model has applied the event, in log order: the changes it caused. */
  observe(applied: RecordedEvent | AppliedEvent): ProvisionChange[] {
    if (applied.position <= this.lastPosition) return [];
    this.lastPosition = applied.position;
    const recorded = decoded(applied);
    const event = recorded.event;
    if (event === undefined) return [];
    if (this.model.position !== recorded.position) throw new Error(`The read model is at ${this.model.position}, not at the observed event's ${recorded.position}`);
    const spans: { code: string; area: string; spans: readonly ProvisionSpan[] }[] = [];
    switch (event.type) {
      case 'MunicipalityRegistered':
        if (this.model.lastAdded === 'municipality') for (const area of this.model.listServiceAreas()) spans.push({ code: event.data.code, area: area.slug, spans: this.defaultOf(event.data.code) });
        break;
      case 'ServiceAreaDefined':
        if (this.model.lastAdded === 'service-area') for (const code of this.model.municipalityCodes()) spans.push({ code, area: event.data.slug, spans: this.defaultOf(code) });
        break;
      // The cells the read model says the event can have changed (none for a review or a study).
      case 'ServiceTransferred': case 'CorrectionRecorded':
      case 'FederationFormed': case 'MemberJoined': case 'MemberLeft': case 'FederationDissolved': case 'ReviewRecorded':
      case 'AgreementProposed': case 'AgreementSigned': case 'CouncilDecisionRecorded': case 'AgreementConcluded': case 'AgreementRejected': case 'AgreementExtended': case 'AgreementTerminated':
      case 'StudyStarted': case 'MilestoneScheduled': case 'MilestoneReached': case 'StudyConcluded':
        for (const key of this.model.lastTouched) {
          const [code, area] = key.split('/');
          const changed = changedBetween(code, this.model.timelineBeforeLast(code, area), this.model.timelineOf(code, area));
          if (changed.length > 0) spans.push({ code, area, spans: changed });
        }
        break;
      default:
        return assertNever(event);
    }

    const total = spans.reduce((n, cell) => n + cell.spans.length, 0);
    const changes: ProvisionChange[] = [];
    const recordedAt = recorded.recordedAt;
    for (const cell of spans) {
      for (const span of cell.spans) {
        changes.push({
          municipality: cell.code,
          serviceArea: cell.area,
          countyCode: this.model.municipalityView(cell.code).countyCode,
          provider: this.model.providerView(span.provider),
          basis: basisViewOf(span.basis),
          effectiveFrom: span.from,
          until: span.until,
          lapsed: span.lapsed,
          ...(span.reason ? { reason: span.reason } : {}),
          position: recorded.position,
          index: changes.length + 1,
          of: total,
          recordedAt,
          cause: { type: recorded.type, stream: recorded.stream },
          span,
        });
      }
    }
    return changes;
  }

  /** Moves past `recorded` without deriving its changes (catching up): `observe` works again from the next event on. */
  skip(recorded: RecordedEvent): void {
    if (recorded.position > this.lastPosition) this.lastPosition = recorded.position;
  }

  /**
   * Every cell as of now. The read model's timelines are immutable and shared, so the cells are
   * taken in one step between two events (computing the ones not cached yet).
   */
  cells(): ProvisionCells {
    const spans = new Map<string, readonly ProvisionSpan[]>();
    for (const key of this.model.cellsWithTransfers()) {
      const [code, area] = key.split('/');
      const cell = spansOf(code, this.model.timelineOf(code, area));
      if (!isDefault(code, cell)) spans.set(key, cell);
    }
    const defaults = this.defaults;
    return {
      position: this.lastPosition,
      municipalities: this.model.listMunicipalities().map((m) => ({ code: m.code, countyCode: m.countyCode })),
      serviceAreas: this.model.listServiceAreas().map((a) => a.slug),
      spansOf: (code, area) => spans.get(cellKey(code, area)) ?? defaults.get(code) ?? defaultSpans(code),
    };
  }

  private defaultOf(code: string): readonly ProvisionSpan[] {
    let spans = this.defaults.get(code);
    if (!spans) {
      spans = Object.freeze(defaultSpans(code).map((s) => Object.freeze(s)));
      this.defaults.set(code, spans);
    }
    return spans;
  }
}

/** In-house throughout, as a cell nothing was recorded for. */
function isDefault(code: string, spans: readonly ProvisionSpan[]): boolean {
  return spans.length === 1 && sameSpan(spans[0], defaultSpans(code)[0]);
}
