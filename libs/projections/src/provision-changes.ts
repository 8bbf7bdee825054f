import { Basis, BasisEnd, CalendarDate, IN_HOUSE, ProviderRef, ProvisionInterval, SamverkanEvent, addDays, basisKey, upcast } from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';
import { BasisView, ProviderView, RegisterReadModel, cellKey } from './register-read-model';

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

/** The step function of one municipality and service area, as spans (the read model's intervals, with the provider filled in). */
export function spansOf(municipality: string, timeline: readonly ProvisionInterval[]): ProvisionSpan[] {
  return timeline.map((interval) => ({
    from: interval.from ?? null,
    until: interval.to === undefined ? null : addDays(interval.to, -1),
    provider: interval.provider ?? { kind: 'municipality', code: municipality },
    basis: interval.basis.kind === 'in-house' ? IN_HOUSE : interval.basis,
    lapsed: interval.lapsed,
    ...(interval.lapsed && interval.end ? { reason: interval.end.reason } : {}),
  }));
}

/** A cell that nothing was ever recorded for: in-house, always. */
export function defaultSpans(municipality: string): ProvisionSpan[] {
  return [{ from: null, until: null, provider: { kind: 'municipality', code: municipality }, basis: IN_HOUSE, lapsed: false }];
}

function providerKey(p: ProviderRef): string {
  return p.kind === 'federation' ? `federation:${p.id}` : `${p.kind}:${p.code}`;
}

/** Same days, same provider, same basis, same lapse (and reason). */
export function sameSpan(a: ProvisionSpan, b: ProvisionSpan): boolean {
  return (
    a.from === b.from &&
    a.until === b.until &&
    a.lapsed === b.lapsed &&
    (a.reason ?? null) === (b.reason ?? null) &&
    basisKey(a.basis) === basisKey(b.basis) &&
    providerKey(a.provider) === providerKey(b.provider)
  );
}

/**
 * What changed between two versions of a cell's step function: every span of `after` that is
 * not, exactly, a span of `before`. `before` undefined means the cell did not exist, so every
 * span is new. Writing the returned spans over `before` with `overwriteSpan` gives `after`
 * exactly (the spans of `after` that are left out already are spans of `before`, whole).
 */
export function changedSpans(before: readonly ProvisionSpan[] | undefined, after: readonly ProvisionSpan[]): ProvisionSpan[] {
  if (!before) return [...after];
  return after.filter((span) => !before.some((old) => sameSpan(old, span)));
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

export function basisViewOf(basis: Basis): BasisView {
  return basis.kind === 'in-house' ? { kind: 'in-house' } : { kind: basis.kind, id: basis.id };
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

const FEDERATION_EVENTS = new Set(['FederationFormed', 'MemberJoined', 'MemberLeft', 'FederationDissolved']);
const AGREEMENT_EVENTS = new Set(['AgreementProposed', 'AgreementSigned', 'CouncilDecisionRecorded', 'AgreementConcluded', 'AgreementRejected', 'AgreementExtended', 'AgreementTerminated']);

/**
 * Derives the provision changes from the log, one event at a time, right after the read model
 * applied it. It keeps the current spans of every cell that has a transfer, so for the cells an
 * event touches it compares the step function before and after and reports the spans that are
 * new. The cells an event touches:
 * - a transfer or a correction: its own cell;
 * - an event of a federation, joint committee or agreement (which can move the day its basis
 *   ends, rule 4): every cell with a transfer on that basis, and for a federation also the cells
 *   on agreements it provides under;
 * - a new municipality or service area: its new cells, in-house.
 * Everything depends only on the log, so replaying it from the start gives the same changes at
 * the same positions, in the same order.
 */
export class ProvisionChangeTracker {
  private readonly spans = new Map<string, readonly ProvisionSpan[]>();
  private readonly cellsByBasis = new Map<string, Set<string>>();
  private readonly cellOfTransfer = new Map<string, string>();
  private readonly agreementsByFederation = new Map<string, Set<string>>();
  private readonly municipalities = new Map<string, string>();
  private readonly areas: string[] = [];
  private readonly areaSet = new Set<string>();
  /** One in-house span per municipality, shared by all its untouched cells (and the changes that announce them). */
  private readonly defaults = new Map<string, readonly ProvisionSpan[]>();
  private lastPosition = 0;

  constructor(private readonly model: RegisterReadModel) {}

  /** The position of the last event observed. */
  get position(): number {
    return this.lastPosition;
  }

  /** Cells with a transfer (the others are in-house throughout). */
  get trackedCells(): number {
    return this.spans.size;
  }

  /** Call once the read model has applied `recorded`, in log order. */
  observe(recorded: RecordedEvent): ProvisionChange[] {
    if (recorded.position <= this.lastPosition) return [];
    this.lastPosition = recorded.position;
    let event: SamverkanEvent;
    try {
      event = upcast(recorded.type, recorded.metadata.schemaVersion ?? 1, recorded.data);
    } catch {
      return [];
    }
    const spans: { code: string; area: string; spans: readonly ProvisionSpan[] }[] = [];
    const known = this.model.knownArrangements();
    const reevaluate = (key: string) => {
      const [code, area] = key.split('/');
      const before = this.spans.get(key) ?? this.defaultOf(code);
      const after = spansOf(code, this.model.timelineOf(code, area, undefined, known));
      const isDefault = after.length === 1 && sameSpan(after[0], defaultSpans(code)[0]);
      if (isDefault) this.spans.delete(key);
      else this.spans.set(key, after);
      const changed = changedSpans(before, after);
      if (changed.length > 0) spans.push({ code, area, spans: changed });
    };

    switch (event.type) {
      case 'MunicipalityRegistered':
        if (!this.municipalities.has(event.data.code)) {
          this.municipalities.set(event.data.code, event.data.countyCode);
          for (const area of this.areas) spans.push({ code: event.data.code, area, spans: this.defaultOf(event.data.code) });
        }
        break;
      case 'ServiceAreaDefined':
        if (!this.areaSet.has(event.data.slug)) {
          this.areaSet.add(event.data.slug);
          this.areas.push(event.data.slug);
          for (const code of this.municipalities.keys()) spans.push({ code, area: event.data.slug, spans: this.defaultOf(code) });
        }
        break;
      case 'ServiceTransferred':
        reevaluate(this.index(event.data));
        break;
      case 'CorrectionRecorded': {
        const keys = new Set<string>();
        const corrected = this.cellOfTransfer.get(event.data.corrects.transferId);
        if (corrected) keys.add(corrected);
        if (event.data.replacement) keys.add(this.index(event.data.replacement));
        for (const key of keys) reevaluate(key);
        break;
      }
      default:
        if (FEDERATION_EVENTS.has(event.type) || AGREEMENT_EVENTS.has(event.type)) {
          const id = (event.data as { id: string }).id;
          if (event.type === 'AgreementProposed' && event.data.provider?.kind === 'federation') {
            const set = this.agreementsByFederation.get(event.data.provider.id) ?? new Set<string>();
            set.add(id);
            this.agreementsByFederation.set(event.data.provider.id, set);
          }
          const keys = new Set<string>(this.cellsByBasis.get(id) ?? []);
          if (FEDERATION_EVENTS.has(event.type)) {
            for (const agreement of this.agreementsByFederation.get(id) ?? []) for (const key of this.cellsByBasis.get(agreement) ?? []) keys.add(key);
          }
          for (const key of [...keys].sort()) reevaluate(key);
        }
    }

    const total = spans.reduce((n, cell) => n + cell.spans.length, 0);
    const changes: ProvisionChange[] = [];
    const recordedAt = recorded.metadata.recordedAt ?? recorded.created;
    for (const cell of spans) {
      for (const span of cell.spans) {
        changes.push({
          municipality: cell.code,
          serviceArea: cell.area,
          countyCode: this.municipalities.get(cell.code) ?? this.model.municipalityView(cell.code).countyCode,
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

  /** Every cell as of now. Cheap (the spans are immutable and shared), so it can be taken in one step between two events. */
  cells(): ProvisionCells {
    const spans = new Map(this.spans);
    const defaults = this.defaults;
    return {
      position: this.lastPosition,
      municipalities: [...this.municipalities.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([code, countyCode]) => ({ code, countyCode })),
      serviceAreas: [...this.areas],
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

  /** Remembers which cell a transfer is on and which bases it rests on; returns its cell. */
  private index(facts: { transferId: string; municipality: string; serviceArea: string; basis: Basis }): string {
    const key = cellKey(facts.municipality, facts.serviceArea);
    this.cellOfTransfer.set(facts.transferId, key);
    if (facts.basis.kind !== 'in-house') {
      const set = this.cellsByBasis.get(facts.basis.id) ?? new Set<string>();
      set.add(key);
      this.cellsByBasis.set(facts.basis.id, set);
    }
    return key;
  }
}
