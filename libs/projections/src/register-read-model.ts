import {
  AgreementEvent,
  AgreementState,
  Basis,
  CalendarDate,
  FederationEvent,
  FederationState,
  IN_HOUSE,
  KnownArrangements,
  ProviderRef,
  ProvisionInterval,
  SamverkanEvent,
  StudyEvent,
  StudyState,
  TimelineTransfer,
  TransferFacts,
  addDays,
  agreementDecider,
  federationDecider,
  intervalOn,
  lastEndedTerm,
  provisionTimeline,
  studyDecider,
  upcast,
} from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';
import { regionName } from '@samverkan/reference-data';
import { effectiveDateOf, summarize, summarizeTransfer } from './summaries';

/** How a provider is shown: who, by name. */
export type ProviderView =
  | { kind: 'municipality'; code: string; name: string }
  | { kind: 'federation'; id: string; name: string }
  | { kind: 'region'; code: string; name: string };

export type BasisView = { kind: 'in-house' } | { kind: Exclude<Basis['kind'], 'in-house'>; id: string };

export interface Provision {
  serviceArea: string;
  provider: ProviderView;
  basis: BasisView;
  /** The first day of this provision; null when nothing was ever recorded (in-house by default). */
  since: CalendarDate | null;
  /** The last day, if its basis or a later transfer ends it; null when open-ended. */
  until: CalendarDate | null;
  lapsed: boolean;
}

export interface HistoryEntry {
  provider: ProviderView;
  basis: BasisView;
  from: CalendarDate | null;
  /** The last day (inclusive); null when open-ended. */
  to: CalendarDate | null;
  lapsed: boolean;
  decidedOn: CalendarDate | null;
  recordedAt: string | null;
  /** For a lapse: why the basis ended. */
  reason?: string;
  transferId?: string;
}

export interface MunicipalityView {
  code: string;
  name: string;
  countyCode: string;
  countyName: string;
}

export interface ServiceAreaView {
  slug: string;
  nameSv: string;
  nameEn: string;
  scbActivityCode?: string;
}

export type ArrangementKind = 'federation' | 'joint-committee' | 'agreement' | 'study';

export interface ArrangementSummary {
  kind: ArrangementKind;
  id: string;
  title: string;
  parties: string[];
  status: string;
  serviceAreas: string[];
}

export interface TimelineEntry {
  position: number;
  recordedAt: string;
  type: string;
  stream: string;
  effectiveFrom?: CalendarDate;
  summary: string;
}

export type AttentionKind =
  | 'awaiting-signature'
  | 'awaiting-council-decision'
  | 'agreement-ending'
  | 'provision-lapsed'
  | 'review-overdue'
  | 'study-overdue'
  | 'milestone-overdue';

export interface AttentionItem {
  kind: AttentionKind;
  subject: string;
  detail: string;
  due?: CalendarDate;
}

/**
 * A transfer as the read model keeps it: the only record of a ServiceTransferred (the event
 * itself is not kept), also standing in the municipality's timeline. Dates, service areas,
 * streams, bases and providers are shared between transfers (see Interner).
 */
interface TransferEntry extends TimelineTransfer {
  readonly municipality: string;
  readonly serviceArea: string;
  readonly stream: string;
  readonly recordedAtMs: number;
  /** The type of the successor clause that named it (rule 5), if any. */
  readonly successorType: string | undefined;
  /** When a correction withdrew or replaced it (ms), and that correction's position, if ever. */
  withdrawnAtMs: number | undefined;
  withdrawnAt: number | undefined;
}

interface LoggedEvent {
  position: number;
  recordedAt: string;
  recordedAtMs: number;
  stream: string;
  type: string;
  event: SamverkanEvent;
}

/** What a municipality's timeline lists: every event that concerns it (a transfer by its entry). */
type TimelineRef = LoggedEvent | TransferEntry;

interface ArrangementRecord {
  kind: 'federation' | 'agreement' | 'study';
  id: string;
  stream: string;
  events: LoggedEvent[];
  federation?: FederationState;
  agreement?: AgreementState;
  study?: StudyState;
  /** The attention items of the last `on` asked about, as known now (dropped when the arrangement changes). */
  attention?: { on: CalendarDate; items: AttentionItem[] };
}

/** What the last applied event changed, so the change feed can compare a cell before and after it. */
interface LastApplied {
  position: number;
  /** The cells whose provision timeline the event can have changed, in the order the change feed reports them. */
  touched: string[];
  /** The cached timelines of those cells from before the event, where there were any. */
  before: Map<string, readonly ProvisionInterval[]>;
  /** Whether it registered a municipality or defined a service area not known before. */
  added?: 'municipality' | 'service-area';
  /** The arrangement the event changed, with its state before (undefined: it did not exist). */
  arrangement?: { kind: 'federation' | 'agreement'; id: string; before: FederationState | AgreementState | undefined };
}

/** The version of `exportState`'s format; `importState` refuses any other. */
export const READ_MODEL_STATE_VERSION = 1;

/** The read model's source facts as plain data (Maps, arrays, plain objects) for `v8.serialize`. */
export interface RegisterReadModelState {
  version: typeof READ_MODEL_STATE_VERSION;
  position: number;
  count: number;
  municipalities: Map<string, MunicipalityView>;
  serviceAreas: Map<string, ServiceAreaView>;
  transfers: Map<string, TransferEntry[]>;
  arrangements: { kind: ArrangementRecord['kind']; id: string; stream: string; events: LoggedEvent[] }[];
  timelines: Map<string, TimelineRef[]>;
}

/** The attention list's horizon for agreements about to end. */
export const ENDING_HORIZON_DAYS = 180;

const FEDERATION_EVENTS = new Set(['FederationFormed', 'MemberJoined', 'MemberLeft', 'FederationDissolved']);
const AGREEMENT_EVENTS = new Set(['AgreementProposed', 'AgreementSigned', 'CouncilDecisionRecorded', 'AgreementConcluded', 'AgreementRejected', 'AgreementExtended', 'AgreementTerminated']);
/** A cell nothing was recorded for: in-house throughout (provisionTimeline of no transfers). */
const NOTHING_RECORDED: readonly ProvisionInterval[] = Object.freeze([Object.freeze({ basis: IN_HOUSE, lapsed: false })]);

/**
 * Every read model of the register, in memory, fed one recorded event at a time in log
 * order. It stores facts with their recording time and answers on demand, so every
 * question can be asked for any effective date (`on`) and as known at any time (`knownAt`).
 * It is plain TypeScript: the service, the replay tool and the tests use the same class.
 *
 * The "known now" step function of each cell is cached once computed, and an event drops
 * exactly the cells it can change (`touchedBy`): a transfer or correction its cells; an event
 * of a federation, joint committee or agreement the cells with a transfer on it, and for a
 * federation also those on agreements it provides (what `basisEnd` reads). Questions as known
 * at an earlier time are computed on demand.
 */
export class RegisterReadModel {
  private readonly municipalities = new Map<string, MunicipalityView>();
  private readonly serviceAreas = new Map<string, ServiceAreaView>();
  private readonly transfers = new Map<string, TransferEntry[]>();
  private readonly transfersById = new Map<string, TransferEntry>();
  private readonly arrangements = new Map<string, ArrangementRecord>();
  private readonly timelines = new Map<string, TimelineRef[]>();
  /** The current state of every federation and agreement, kept as events apply (the common, "known now" case). */
  private readonly current: { federations: Map<string, FederationState>; agreements: Map<string, AgreementState> } = { federations: new Map(), agreements: new Map() };
  // Indexes over the facts above (rebuilt on import).
  private readonly cellsByArrangement = new Map<string, Set<string>>();
  private readonly agreementsByFederation = new Map<string, Set<string>>();
  private readonly cellsByProvider = new Map<string, Set<string>>();
  private readonly interner = new Interner();
  // Caches (never exported).
  private readonly cachedTimelines = new Map<string, readonly ProvisionInterval[]>();
  private last: LastApplied = { position: 0, touched: [], before: new Map() };
  private lastPosition = 0;
  private count = 0;

  /** The position of the last event applied. */
  get position(): number {
    return this.lastPosition;
  }

  get eventCount(): number {
    return this.count;
  }

  /** Applies one event. Never throws for a well-formed log; an event of an unknown type is skipped (returns false). */
  apply(recorded: RecordedEvent): boolean {
    if (recorded.position <= this.lastPosition) return false; // idempotent: already applied
    this.lastPosition = recorded.position;
    this.last = { position: recorded.position, touched: [], before: new Map() };
    let event: SamverkanEvent;
    try {
      event = upcast(recorded.type, recorded.metadata.schemaVersion ?? 1, recorded.data);
    } catch {
      return false;
    }
    this.count++;
    const recordedAt = recorded.metadata.recordedAt ?? recorded.created;
    const logged = (): LoggedEvent => ({ position: recorded.position, recordedAt, recordedAtMs: Date.parse(recordedAt), stream: this.interner.string(recorded.stream), type: this.interner.string(recorded.type), event });
    switch (event.type) {
      case 'MunicipalityRegistered':
        if (!this.municipalities.has(event.data.code)) this.last.added = 'municipality';
        this.municipalities.set(event.data.code, { ...event.data });
        this.addToTimeline(event.data.code, logged());
        break;
      case 'ServiceAreaDefined':
        if (!this.serviceAreas.has(event.data.slug)) this.last.added = 'service-area';
        this.serviceAreas.set(event.data.slug, { ...event.data });
        break;
      case 'ServiceTransferred': {
        const entry = this.addTransfer(event.data, recorded, recordedAt);
        this.touch([cellKey(event.data.municipality, event.data.serviceArea)]);
        this.addToTimeline(event.data.municipality, entry);
        break;
      }
      case 'CorrectionRecorded': {
        const entry = logged();
        const cells = new Set<string>();
        const corrected = this.transfersById.get(event.data.corrects.transferId);
        if (corrected) {
          corrected.withdrawnAtMs = entry.recordedAtMs;
          corrected.withdrawnAt = recorded.position;
          cells.add(cellKey(corrected.municipality, corrected.serviceArea));
        }
        if (event.data.replacement) {
          this.addTransfer(event.data.replacement, recorded, recordedAt);
          cells.add(cellKey(event.data.replacement.municipality, event.data.replacement.serviceArea));
        }
        this.touch([...cells]);
        this.addToTimeline(event.data.municipality, entry);
        break;
      }
      case 'FederationFormed':
      case 'MemberJoined':
      case 'MemberLeft':
      case 'FederationDissolved':
      case 'AgreementProposed':
      case 'AgreementSigned':
      case 'CouncilDecisionRecorded':
      case 'AgreementConcluded':
      case 'AgreementRejected':
      case 'AgreementExtended':
      case 'AgreementTerminated':
      case 'ReviewRecorded':
      case 'StudyStarted':
      case 'MilestoneScheduled':
      case 'MilestoneReached':
      case 'StudyConcluded':
        this.applyArrangementEvent(event, logged());
        break;
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
    return true;
  }

  private addTransfer(facts: TransferFacts, recorded: RecordedEvent, recordedAt: string): TransferEntry {
    const intern = this.interner;
    const entry: TransferEntry = {
      transferId: facts.transferId,
      basis: intern.basis(facts.basis),
      provider: intern.provider(facts.provider),
      decidedOn: intern.string(facts.decidedOn),
      effectiveFrom: intern.string(facts.effectiveFrom),
      order: recorded.position,
      recordedAt,
      municipality: intern.string(facts.municipality),
      serviceArea: intern.string(facts.serviceArea),
      stream: intern.string(recorded.stream),
      recordedAtMs: Date.parse(recordedAt),
      successorType: facts.successorOf ? intern.string(facts.successorOf.type) : undefined,
      withdrawnAtMs: undefined,
      withdrawnAt: undefined,
    };
    const key = cellKey(facts.municipality, facts.serviceArea);
    const list = this.transfers.get(key);
    if (list) list.push(entry);
    else this.transfers.set(key, [entry]);
    this.transfersById.set(facts.transferId, entry);
    this.index(key, entry);
    return entry;
  }

  /** Which cells rest on which arrangement, and which cells a provider serves (any transfer, withdrawn or not). */
  private index(key: string, entry: TransferEntry): void {
    if (entry.basis.kind !== 'in-house') addTo(this.cellsByArrangement, entry.basis.id, key);
    addTo(this.cellsByProvider, providerKey(entry.provider), key);
  }

  private applyArrangementEvent(event: FederationEvent | AgreementEvent | StudyEvent, logged: LoggedEvent): void {
    const id = event.data.id;
    const kind = logged.stream.startsWith('federation-') ? 'federation' : logged.stream.startsWith('agreement-') ? 'agreement' : 'study';
    let record = this.arrangements.get(id);
    if (!record) {
      record = { kind, id, stream: logged.stream, events: [] };
      this.arrangements.set(id, record);
    }
    record.events.push(logged);
    record.attention = undefined;
    if (record.kind !== 'study') this.last.arrangement = { kind: record.kind, id, before: record.kind === 'federation' ? record.federation : record.agreement };
    this.evolveRecord(record, event);
    if (FEDERATION_EVENTS.has(event.type) || AGREEMENT_EVENTS.has(event.type)) this.touch(this.cellsOnArrangement(id, record.kind === 'federation'));
    for (const code of this.involved(record, event)) this.addToTimeline(code, logged);
  }

  private evolveRecord(record: ArrangementRecord, event: SamverkanEvent): void {
    const id = record.id;
    if (record.kind === 'federation') {
      record.federation = federationDecider.evolve(record.federation ?? federationDecider.initialState, event as FederationEvent);
      this.current.federations.set(id, record.federation);
    } else if (record.kind === 'agreement') {
      record.agreement = agreementDecider.evolve(record.agreement ?? agreementDecider.initialState, event as AgreementEvent);
      this.current.agreements.set(id, record.agreement);
      if (record.agreement.provider?.kind === 'federation') addTo(this.agreementsByFederation, record.agreement.provider.id, id);
    } else record.study = studyDecider.evolve(record.study ?? studyDecider.initialState, event as StudyEvent);
  }

  /** The cells resting on arrangement `id` (and, for a federation, on the agreements it provides), sorted. */
  private cellsOnArrangement(id: string, federation: boolean): string[] {
    const cells = new Set<string>(this.cellsByArrangement.get(id) ?? []);
    if (federation) for (const agreement of this.agreementsByFederation.get(id) ?? []) for (const key of this.cellsByArrangement.get(agreement) ?? []) cells.add(key);
    return [...cells].sort();
  }

  /** Drops the cached timelines of `cells`, keeping them as "before" for the change feed. */
  private touch(cells: string[]): void {
    this.last.touched = cells;
    for (const key of cells) {
      const cached = this.cachedTimelines.get(key);
      if (cached) {
        this.last.before.set(key, cached);
        this.cachedTimelines.delete(key);
      }
    }
  }

  /** The municipalities an arrangement event concerns: its members or parties, and the one it names. */
  private involved(record: ArrangementRecord, event: SamverkanEvent): Set<string> {
    const codes = new Set<string>(partiesOf(record));
    if (event.type === 'MemberJoined' || event.type === 'MemberLeft') codes.add(event.data.municipality);
    if (record.agreement?.provider?.kind === 'municipality') codes.add(record.agreement.provider.code);
    return codes;
  }

  private addToTimeline(code: string, ref: TimelineRef): void {
    const list = this.timelines.get(code);
    if (list) list.push(ref);
    else this.timelines.set(code, [ref]);
  }

  // ---------------------------------------------------------------- change feed support

  /** The cells the last applied event can have changed (see the class comment), in the order changes are reported. */
  get lastTouched(): readonly string[] {
    return this.last.touched;
  }

  /** Whether the last applied event registered a new municipality or defined a new service area (its cells are new). */
  get lastAdded(): 'municipality' | 'service-area' | undefined {
    return this.last.added;
  }

  /**
   * The known-now timeline of a cell just before the last applied event: the cached one the
   * event dropped, or else computed from the facts without that event.
   */
  timelineBeforeLast(code: string, area: string): readonly ProvisionInterval[] {
    const key = cellKey(code, area);
    const cached = this.last.before.get(key);
    if (cached) return cached;
    if (!this.last.touched.includes(key)) return this.timelineOf(code, area);
    const position = this.last.position;
    const visible = (this.transfers.get(key) ?? []).filter((t) => t.order < position && (t.withdrawnAt === undefined || t.withdrawnAt >= position));
    let known: KnownArrangements = this.current;
    const changed = this.last.arrangement;
    if (changed) {
      const federations = changed.kind === 'federation' ? withEntry(this.current.federations, changed.id, changed.before as FederationState | undefined) : this.current.federations;
      const agreements = changed.kind === 'agreement' ? withEntry(this.current.agreements, changed.id, changed.before as AgreementState | undefined) : this.current.agreements;
      known = { federations, agreements };
    }
    return visible.length === 0 ? NOTHING_RECORDED : provisionTimeline(code, visible, known);
  }

  /** The codes of the municipalities, in the order they were first registered. */
  municipalityCodes(): IterableIterator<string> {
    return this.municipalities.keys();
  }

  /** Cells with at least one transfer (the others are in-house throughout). */
  cellsWithTransfers(): IterableIterator<string> {
    return this.transfers.keys();
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * The source facts as plain data for `v8.serialize` (caches are left out and rebuilt lazily).
   * It shares the model's objects: serialize it before the next event is applied.
   */
  exportState(): RegisterReadModelState {
    return {
      version: READ_MODEL_STATE_VERSION,
      position: this.lastPosition,
      count: this.count,
      municipalities: this.municipalities,
      serviceAreas: this.serviceAreas,
      transfers: this.transfers,
      arrangements: [...this.arrangements.values()].map(({ kind, id, stream, events }) => ({ kind, id, stream, events })),
      timelines: this.timelines,
    };
  }

  /**
   * Replaces everything with `state` (from `exportState`, after any structured-clone round
   * trip), before any further event is applied. Throws on another format version, leaving the
   * model as it was.
   */
  importState(state: unknown): void {
    const s = state as RegisterReadModelState;
    if (s === null || typeof s !== 'object' || s.version !== READ_MODEL_STATE_VERSION) throw new Error(`Not a read model state of version ${READ_MODEL_STATE_VERSION}`);
    for (const map of [this.municipalities, this.serviceAreas, this.transfers, this.transfersById, this.arrangements, this.timelines, this.current.federations, this.current.agreements, this.cellsByArrangement, this.agreementsByFederation, this.cellsByProvider, this.cachedTimelines]) map.clear();
    this.lastPosition = s.position;
    this.count = s.count;
    this.last = { position: s.position, touched: [], before: new Map() };
    for (const [code, view] of s.municipalities) this.municipalities.set(code, view);
    for (const [slug, view] of s.serviceAreas) this.serviceAreas.set(slug, view);
    for (const [key, entries] of s.transfers) {
      this.transfers.set(key, entries);
      for (const entry of entries) {
        this.interner.reintern(entry);
        this.transfersById.set(entry.transferId, entry);
        this.index(key, entry);
      }
    }
    for (const { kind, id, stream, events } of s.arrangements) {
      const record: ArrangementRecord = { kind, id, stream, events };
      this.arrangements.set(id, record);
      for (const e of events) this.evolveRecord(record, e.event);
    }
    for (const [code, refs] of s.timelines) this.timelines.set(code, refs);
  }

  // ---------------------------------------------------------------- reference data

  hasMunicipality(code: string): boolean {
    return this.municipalities.has(code);
  }

  hasServiceArea(slug: string): boolean {
    return this.serviceAreas.has(slug);
  }

  listMunicipalities(county?: string): MunicipalityView[] {
    const all = [...this.municipalities.values()].sort((a, b) => a.code.localeCompare(b.code));
    return county ? all.filter((m) => m.countyCode === county) : all;
  }

  getMunicipality(code: string): MunicipalityView | undefined {
    return this.municipalities.get(code);
  }

  listServiceAreas(): ServiceAreaView[] {
    return [...this.serviceAreas.values()];
  }

  // ---------------------------------------------------------------- provisions

  /** Arrangement states as known at `knownAtMs` (all of them when undefined). */
  knownArrangements(knownAtMs?: number): KnownArrangements {
    if (knownAtMs === undefined) return this.current;
    const federations = new Map<string, FederationState>();
    const agreements = new Map<string, AgreementState>();
    for (const record of this.arrangements.values()) {
      if (record.kind === 'study') continue;
      const known = record.events.filter((e) => e.recordedAtMs <= knownAtMs);
      if (known.length === 0) continue;
      if (record.kind === 'federation') federations.set(record.id, known.reduce((s, e) => federationDecider.evolve(s, e.event as FederationEvent), federationDecider.initialState));
      else agreements.set(record.id, known.reduce((s, e) => agreementDecider.evolve(s, e.event as AgreementEvent), agreementDecider.initialState));
    }
    return { federations, agreements };
  }

  /** The step function of one municipality and service area, as known at `knownAtMs` (known now: cached). */
  timelineOf(code: string, area: string, knownAtMs?: number, known?: KnownArrangements): readonly ProvisionInterval[] {
    const key = cellKey(code, area);
    if (knownAtMs === undefined) {
      let timeline = this.cachedTimelines.get(key);
      if (!timeline) {
        timeline = this.computeTimeline(code, area);
        if (timeline !== NOTHING_RECORDED) this.cachedTimelines.set(key, timeline);
      }
      return timeline;
    }
    const visible = (this.transfers.get(key) ?? []).filter((t) => t.recordedAtMs <= knownAtMs && (t.withdrawnAtMs === undefined || t.withdrawnAtMs > knownAtMs));
    return provisionTimeline(code, visible, known ?? this.knownArrangements(knownAtMs));
  }

  /** The known-now step function computed from the facts, bypassing the cache (the cache's reference). */
  computeTimeline(code: string, area: string): readonly ProvisionInterval[] {
    const entries = this.transfers.get(cellKey(code, area));
    if (!entries) return NOTHING_RECORDED;
    return provisionTimeline(code, entries.filter((t) => t.withdrawnAtMs === undefined), this.current);
  }

  provision(code: string, area: string, on: CalendarDate, knownAtMs?: number, known?: KnownArrangements): Provision {
    const interval = intervalOn(this.timelineOf(code, area, knownAtMs, known), on);
    return this.toProvision(code, area, interval);
  }

  provisions(code: string, on: CalendarDate, knownAtMs?: number): Provision[] {
    const known = knownAtMs === undefined ? undefined : this.knownArrangements(knownAtMs);
    return this.listServiceAreas().map((area) => this.provision(code, area.slug, on, knownAtMs, known));
  }

  history(code: string, area: string, knownAtMs?: number): HistoryEntry[] {
    const known = knownAtMs === undefined ? undefined : this.knownArrangements(knownAtMs);
    return this.timelineOf(code, area, knownAtMs, known).map((interval) => ({
      provider: this.providerView(interval.provider ?? { kind: 'municipality', code }),
      basis: basisView(interval.basis),
      from: interval.from ?? null,
      to: interval.to ? addDays(interval.to, -1) : null,
      lapsed: interval.lapsed,
      decidedOn: (interval.lapsed ? interval.end?.decidedOn : interval.transfer?.decidedOn) ?? null,
      recordedAt: interval.transfer?.recordedAt ?? null,
      ...(interval.lapsed && interval.end ? { reason: interval.end.reason } : {}),
      ...(interval.transfer ? { transferId: interval.transfer.transferId } : {}),
    }));
  }

  matrix(on: CalendarDate, county?: string, knownAtMs?: number): { on: CalendarDate; serviceAreas: string[]; rows: { municipality: MunicipalityView; cells: Record<string, Provision> }[] } {
    const known = knownAtMs === undefined ? undefined : this.knownArrangements(knownAtMs);
    const areas = this.listServiceAreas().map((a) => a.slug);
    const rows = this.listMunicipalities(county).map((m) => ({
      municipality: m,
      cells: Object.fromEntries(areas.map((area) => [area, this.provision(m.code, area, on, knownAtMs, known)])),
    }));
    return { on, serviceAreas: areas, rows };
  }

  /** Who gets what from a provider on a date (in-house provision to oneself is not listed). */
  recipients(provider: { kind: 'municipality'; code: string } | { kind: 'federation'; id: string }, on: CalendarDate, knownAtMs?: number): { municipality: MunicipalityView; serviceArea: string; basis: BasisView }[] {
    const known = knownAtMs === undefined ? undefined : this.knownArrangements(knownAtMs);
    const result: { municipality: MunicipalityView; serviceArea: string; basis: BasisView }[] = [];
    // Only cells with a transfer from this provider can have it as provider on any day.
    for (const key of [...(this.cellsByProvider.get(providerKey(provider)) ?? [])].sort()) {
      const [code, area] = key.split('/');
      const interval = intervalOn(this.timelineOf(code, area, knownAtMs, known), on);
      if (interval.basis.kind === 'in-house' || !interval.provider) continue;
      const p = interval.provider;
      const matches = provider.kind === 'federation' ? p.kind === 'federation' && p.id === provider.id : p.kind === 'municipality' && p.code === provider.code;
      if (matches) result.push({ municipality: this.municipalityView(code), serviceArea: area, basis: basisView(interval.basis) });
    }
    return result;
  }

  // ---------------------------------------------------------------- arrangements

  hasArrangement(id: string): boolean {
    return this.arrangements.has(id);
  }

  arrangementKind(id: string): ArrangementKind | undefined {
    const record = this.arrangements.get(id);
    return record ? summaryOf(record, '9999-12-31').kind : undefined;
  }

  listArrangements(filter: { kind?: string; status?: string; party?: string; serviceArea?: string }, today: CalendarDate): ArrangementSummary[] {
    return [...this.arrangements.values()]
      .map((record) => summaryOf(record, today))
      .filter(
        (s) =>
          (!filter.kind || s.kind === filter.kind) &&
          (!filter.status || s.status === filter.status) &&
          (!filter.party || s.parties.includes(filter.party)) &&
          (!filter.serviceArea || s.serviceAreas.includes(filter.serviceArea)),
      )
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Memberships of a municipality in federations and joint committees, with their dates. */
  membershipsOf(code: string): { id: string; name: string; form: string; from: CalendarDate; until: CalendarDate | null; status: string }[] {
    const result = [];
    for (const record of this.arrangements.values()) {
      const f = record.federation;
      if (!f) continue;
      for (const m of f.memberships.filter((x) => x.municipality === code)) {
        const until = m.until ?? f.dissolution?.effectiveFrom;
        result.push({ id: f.id, name: f.name, form: f.form, from: m.from, until: until ? addDays(until, -1) : null, status: f.status });
      }
    }
    return result.sort((a, b) => a.from.localeCompare(b.from));
  }

  timeline(code: string): TimelineEntry[] {
    return (this.timelines.get(code) ?? []).map((ref) => ('event' in ref ? toTimelineEntry(ref) : transferTimelineEntry(ref)));
  }

  arrangementTimeline(id: string): TimelineEntry[] {
    return (this.arrangements.get(id)?.events ?? []).map(toTimelineEntry);
  }

  // ---------------------------------------------------------------- attention

  /** Rule 4 and the follow-up duties: what needs someone's attention on `on`. */
  attention(on: CalendarDate, knownAtMs?: number): AttentionItem[] {
    const items: AttentionItem[] = [];
    const known = knownAtMs === undefined ? undefined : this.knownArrangements(knownAtMs);
    for (const record of this.arrangements.values()) {
      if (!known) {
        // Known now: the items depend only on the record and `on`, so the last answer is kept.
        if (record.attention?.on !== on) record.attention = { on, items: arrangementAttention(record, record.events, record.federation, record.agreement, record.study, on) };
        items.push(...record.attention.items);
        continue;
      }
      const events = record.events.filter((e) => e.recordedAtMs <= (knownAtMs as number));
      if (events.length === 0) continue;
      const study = record.kind === 'study' ? events.reduce((s, e) => studyDecider.evolve(s, e.event as StudyEvent), studyDecider.initialState) : undefined;
      items.push(...arrangementAttention(record, events, known.federations.get(record.id), known.agreements.get(record.id), study, on));
    }
    for (const key of this.transfers.keys()) {
      const [code, area] = key.split('/');
      const interval = intervalOn(this.timelineOf(code, area, knownAtMs, known), on);
      if (interval.lapsed) {
        items.push({
          kind: 'provision-lapsed',
          subject: `${code}/${area}`,
          detail: `${this.municipalityView(code).name}'s ${area} lapsed to in-house on ${interval.from}: ${describeEnd(interval)}; no successor is recorded.`,
          ...(interval.from ? { due: interval.from } : {}),
        });
      }
    }
    return items.sort((a, b) => ATTENTION_ORDER[a.kind] - ATTENTION_ORDER[b.kind] || (a.due ?? '').localeCompare(b.due ?? '') || a.subject.localeCompare(b.subject));
  }

  // ---------------------------------------------------------------- views

  municipalityView(code: string): MunicipalityView {
    return this.municipalities.get(code) ?? { code, name: code, countyCode: code.slice(0, 2), countyName: '' };
  }

  providerView(provider: ProviderRef): ProviderView {
    switch (provider.kind) {
      case 'municipality':
        return { kind: 'municipality', code: provider.code, name: this.municipalityView(provider.code).name };
      case 'federation':
        return { kind: 'federation', id: provider.id, name: this.arrangements.get(provider.id)?.federation?.name ?? provider.id };
      case 'region':
        return { kind: 'region', code: provider.code, name: regionName(provider.code) ?? `Region ${provider.code}` };
    }
  }

  private toProvision(code: string, area: string, interval: ProvisionInterval): Provision {
    return {
      serviceArea: area,
      provider: this.providerView(interval.provider ?? { kind: 'municipality', code }),
      basis: basisView(interval.basis),
      since: interval.from ?? null,
      until: interval.to ? addDays(interval.to, -1) : null,
      lapsed: interval.lapsed,
    };
  }
}

export function cellKey(code: string, area: string): string {
  return `${code}/${area}`;
}

function basisView(basis: Basis): BasisView {
  return basis.kind === 'in-house' ? { kind: 'in-house' } : { kind: basis.kind, id: basis.id };
}

function transferTimelineEntry(t: TransferEntry): TimelineEntry {
  return { position: t.order, recordedAt: t.recordedAt, type: 'ServiceTransferred', stream: t.stream, effectiveFrom: t.effectiveFrom, summary: summarizeTransfer(t.municipality, t.serviceArea, t.basis, t.effectiveFrom, t.successorType) };
}

const ATTENTION_ORDER: Record<AttentionKind, number> = {
  'awaiting-signature': 0,
  'awaiting-council-decision': 1,
  'agreement-ending': 2,
  'provision-lapsed': 3,
  'review-overdue': 4,
  'study-overdue': 5,
  'milestone-overdue': 6,
};

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

function providerKey(p: ProviderRef | { kind: 'municipality'; code: string } | { kind: 'federation'; id: string }): string {
  return p.kind === 'federation' ? `federation:${p.id}` : `${p.kind}:${p.code}`;
}

/** `map` with `id` set to `value` (or left out when undefined), as a copy. */
function withEntry<T>(map: ReadonlyMap<string, T>, id: string, value: T | undefined): Map<string, T> {
  const copy = new Map(map);
  if (value === undefined) copy.delete(id);
  else copy.set(id, value);
  return copy;
}

/**
 * One shared copy of the values transfers repeat: dates, service areas, streams, bases and
 * providers (each event brings its own copies; a million transfers name a few thousand).
 */
class Interner {
  private readonly strings = new Map<string, string>();
  private readonly bases = new Map<string, Basis>();
  private readonly providers = new Map<string, ProviderRef>();

  string(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  basis(basis: Basis): Basis {
    if (basis.kind === 'in-house') return IN_HOUSE;
    const key = `${basis.kind}:${basis.id}`;
    const known = this.bases.get(key);
    if (known) return known;
    const shared = { kind: basis.kind, id: this.string(basis.id) } as Basis;
    this.bases.set(key, shared);
    return shared;
  }

  provider(provider: ProviderRef): ProviderRef {
    const key = providerKey(provider);
    const known = this.providers.get(key);
    if (known) return known;
    const shared: ProviderRef = provider.kind === 'federation' ? { kind: 'federation', id: this.string(provider.id) } : { kind: provider.kind, code: this.string(provider.code) };
    this.providers.set(key, shared);
    return shared;
  }

  /** Shares the values of an entry that came from elsewhere (a snapshot). */
  reintern(entry: TransferEntry): void {
    const e = entry as { -readonly [K in keyof TransferEntry]: TransferEntry[K] };
    e.basis = this.basis(e.basis);
    e.provider = this.provider(e.provider);
    e.decidedOn = this.string(e.decidedOn);
    e.effectiveFrom = this.string(e.effectiveFrom);
    e.municipality = this.string(e.municipality);
    e.serviceArea = this.string(e.serviceArea);
    e.stream = this.string(e.stream);
  }
}

function toTimelineEntry(e: LoggedEvent): TimelineEntry {
  const effectiveFrom = effectiveDateOf(e.event);
  return { position: e.position, recordedAt: e.recordedAt, type: e.type, stream: e.stream, ...(effectiveFrom ? { effectiveFrom } : {}), summary: summarize(e.event) };
}

function partiesOf(record: ArrangementRecord): string[] {
  if (record.federation) return [...new Set(record.federation.memberships.map((m) => m.municipality))];
  if (record.agreement) return record.agreement.parties;
  if (record.study) return record.study.parties;
  return [];
}

function summaryOf(record: ArrangementRecord, today: CalendarDate): ArrangementSummary {
  if (record.federation) {
    const f = record.federation;
    const current = f.memberships.filter((m) => m.until === undefined).map((m) => m.municipality);
    return { kind: f.form, id: f.id, title: f.name, parties: [...new Set(current)], status: f.status === 'dissolved' ? 'dissolved' : 'active', serviceAreas: f.serviceAreas };
  }
  if (record.agreement) {
    const a = record.agreement;
    return { kind: 'agreement', id: a.id, title: a.title, parties: a.parties, status: agreementStatus(a, today), serviceAreas: a.serviceAreas };
  }
  const s = record.study as StudyState;
  return { kind: 'study', id: s.id, title: s.title, parties: s.parties, status: s.status === 'concluded' ? 'concluded' : 'running', serviceAreas: s.serviceAreas };
}

/** `expired` is a concluded agreement whose term ended before `today`. */
export function agreementStatus(a: AgreementState, today: CalendarDate): string {
  if (a.status === 'concluded' && a.validUntil !== undefined && a.validUntil < today) return 'expired';
  return a.status === 'none' ? 'proposed' : a.status;
}

function describeEnd(interval: ProvisionInterval): string {
  const basis = interval.transfer?.basis;
  const name = basis && basis.kind !== 'in-house' ? `${basis.kind} ${basis.id}` : 'its basis';
  switch (interval.end?.reason) {
    case 'dissolved':
      return `${name} was dissolved`;
    case 'left':
      return `the municipality left ${name}`;
    case 'terminated':
      return `${name} was terminated`;
    case 'expired':
      return `the term of ${name} ended`;
    case 'provider-dissolved':
      return `the federation providing under ${name} was dissolved`;
    case 'not-a-member':
      return `the municipality was not a member of ${name}`;
    default:
      return `${name} ended`;
  }
}

/** The items one arrangement contributes on `on`, from its state (and events) as known at the moment asked about. */
function arrangementAttention(record: ArrangementRecord, events: LoggedEvent[], federation: FederationState | undefined, agreement: AgreementState | undefined, study: StudyState | undefined, on: CalendarDate): AttentionItem[] {
  switch (record.kind) {
    case 'agreement':
      return agreementAttention(agreement as AgreementState, events, on);
    case 'federation':
      return reviewAttention(federation as FederationState, on);
    case 'study':
      return studyAttention(study as StudyState, on);
    default: {
      const unhandled: never = record.kind;
      return unhandled;
    }
  }
}

function agreementAttention(a: AgreementState, events: LoggedEvent[], on: CalendarDate): AttentionItem[] {
  const items: AttentionItem[] = [];
  const proposedOn = a.decidedOn ?? events[0].recordedAt.slice(0, 10);
  const ended = (a.concludedOn !== undefined && a.concludedOn <= on) || (a.rejectedOn !== undefined && a.rejectedOn <= on) || (a.termination !== undefined && a.termination.effectiveFrom <= on);
  if (a.status !== 'none' && proposedOn <= on && !ended && a.status !== 'rejected' && a.status !== 'terminated') {
    const signed = new Set(a.signatures.filter((s) => s.signedOn <= on).map((s) => s.party));
    const signatories = [...new Set([...a.parties, ...a.otherParties, ...(a.provider?.kind === 'federation' ? [a.provider.id] : []), ...(a.provider?.kind === 'region' ? [a.provider.code] : [])])];
    const missing = signatories.filter((p) => !signed.has(p));
    if (missing.length > 0) items.push({ kind: 'awaiting-signature', subject: `agreement:${a.id}`, detail: `'${a.title}' awaits signatures from ${missing.join(', ')}.`, due: a.validFrom });
    if (a.councilApprovalRequired) {
      const decided = new Set(a.councilDecisions.filter((d) => d.decidedOn <= on).map((d) => d.municipality));
      const pending = a.parties.filter((p) => !decided.has(p));
      if (pending.length > 0) items.push({ kind: 'awaiting-council-decision', subject: `agreement:${a.id}`, detail: `'${a.title}' awaits council decisions from ${pending.join(', ')}.`, due: a.validFrom });
    }
  }
  if (a.concludedOn !== undefined && a.concludedOn <= on) {
    const horizon = addDays(on, ENDING_HORIZON_DAYS);
    const terminatedFrom = a.termination?.effectiveFrom;
    if (terminatedFrom !== undefined && terminatedFrom > on && terminatedFrom <= horizon) {
      items.push({ kind: 'agreement-ending', subject: `agreement:${a.id}`, detail: `'${a.title}' is terminated from ${terminatedFrom}.`, due: addDays(terminatedFrom, -1) });
    } else if (terminatedFrom === undefined && a.validUntil !== undefined && a.validUntil >= on && a.validUntil <= horizon) {
      items.push({ kind: 'agreement-ending', subject: `agreement:${a.id}`, detail: `'${a.title}' ends on ${a.validUntil}.`, due: a.validUntil });
    }
  }
  if (a.kind !== 'intent') items.push(...reviewAttention(a, on));
  return items;
}

/** Rule: every arrangement in force is reviewed once per term of office (aktualitetsprövning). */
function reviewAttention(state: FederationState | AgreementState, on: CalendarDate): AttentionItem[] {
  const term = lastEndedTerm(on);
  const inForceAt = (date: CalendarDate): boolean => {
    if ('memberships' in state) return state.status !== 'none' && state.effectiveFrom <= date && (!state.dissolution || date < state.dissolution.effectiveFrom);
    const a = state;
    return a.concludedOn !== undefined && a.concludedOn <= date && a.validFrom <= date && (a.validUntil === undefined || date <= a.validUntil) && (!a.termination || date < a.termination.effectiveFrom);
  };
  if (!inForceAt(term.end) || !inForceAt(on)) return [];
  if (state.reviews.some((r) => r.reviewedOn >= term.start && r.reviewedOn <= term.end)) return [];
  const title = 'memberships' in state ? state.name : state.title;
  const kind = 'memberships' in state ? state.form : 'agreement';
  return [{ kind: 'review-overdue', subject: `${kind}:${state.id}`, detail: `'${title}' was not reviewed during the term of office ${term.start} to ${term.end}.`, due: term.end }];
}

function studyAttention(study: StudyState, on: CalendarDate): AttentionItem[] {
  const items: AttentionItem[] = [];
  if (study.status === 'none' || study.startedOn > on) return items;
  const concluded = study.conclusion !== undefined && study.conclusion.concludedOn <= on;
  if (!concluded && study.plannedEnd < on) {
    items.push({ kind: 'study-overdue', subject: `study:${study.id}`, detail: `'${study.title}' was planned to end ${study.plannedEnd} and has no conclusion.`, due: study.plannedEnd });
  }
  for (const m of study.milestones) {
    if (m.due < on && (m.reachedOn === undefined || m.reachedOn > on)) {
      items.push({ kind: 'milestone-overdue', subject: `study:${study.id}/${m.milestoneId}`, detail: `Milestone '${m.title}' of '${study.title}' was due ${m.due} and is not reached.`, due: m.due });
    }
  }
  return items;
}
