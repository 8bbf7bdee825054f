import { CalendarDate, ProviderRef, ProvisionInterval } from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';
import { AppliedEvent, decoded, isDecoded } from './decoded-event';
import { ArrangementFilter, ArrangementsView } from './read-model/arrangements-view';
import { AttentionView } from './read-model/attention-view';
import { CellsView } from './read-model/cells-view';
import { ProvisionQueries } from './read-model/provision-queries';
import { ReadModelViews, RegisterReadModelState, checkedState, exportViews, importViews } from './read-model/read-model-state';
import { ReferenceView } from './read-model/reference-view';
import { TimelinesView } from './read-model/timelines-view';
import type { ArrangementKind, ArrangementSummary, AttentionItem, BasisView, HistoryEntry, LastApplied, LoggedEvent, MunicipalityView, ProviderView, Provision, ServiceAreaView, Step, TimelineEntry } from './read-model/types';

export type { ArrangementFilter } from './read-model/arrangements-view';
export type { ArrangementSummary, AttentionItem, HistoryEntry, MunicipalityView, Provision, ServiceAreaView, TimelineEntry } from './read-model/types';
export { READ_MODEL_STATE_VERSION } from './read-model/read-model-state';

/**
 * Every read model of the register, in memory, fed one recorded event at a time in log
 * order. It stores facts with their recording time and answers on demand, so every
 * question can be asked for any effective date (`on`) and as known at any time (`knownAt`).
 * It is plain TypeScript: the service, the replay tool and the tests use the same class.
 *
 * It is a facade over one view per concern (read-model/): the reference data, the
 * arrangements, the provisions cell by cell (with the cache of each cell's step function), the
 * municipalities' timelines and the attention list. Each event is decoded once and handed to
 * every view, which says for each event type what it does with it.
 */
export class RegisterReadModel {
  private readonly reference = new ReferenceView();
  private readonly arrangements = new ArrangementsView();
  private readonly cells = new CellsView(this.arrangements);
  private readonly timelines = new TimelinesView(this.arrangements, this.cells);
  private readonly attentionView = new AttentionView(this.reference, this.arrangements, this.cells);
  private readonly queries = new ProvisionQueries(this.reference, this.arrangements, this.cells);
  /** In the order they apply an event: the timelines list what the arrangements and cells recorded. */
  private readonly views: ReadModelViews = { reference: this.reference, arrangements: this.arrangements, cells: this.cells, timelines: this.timelines };
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

  /**
   * Applies one event (decoded here unless the runner already did). Never throws for a
   * well-formed log; an event of an unknown type is skipped (returns false).
   */
  apply(event: RecordedEvent | AppliedEvent): boolean {
    if (event.position <= this.lastPosition) return false; // idempotent: already applied
    this.lastPosition = event.position;
    const last: LastApplied = { position: event.position, touched: [], before: new Map() };
    this.last = last;
    const recorded = decoded(event);
    if (!isDecoded(recorded)) return false;
    this.count++;
    const interner = this.cells.interner;
    let logged: LoggedEvent | undefined;
    const step: Step = {
      recorded,
      last,
      logged: () => (logged ??= { position: recorded.position, recordedAt: recorded.recordedAt, recordedAtMs: Date.parse(recorded.recordedAt), stream: interner.string(recorded.stream), type: interner.string(recorded.type), event: recorded.event }),
    };
    this.reference.apply(step);
    this.arrangements.apply(step);
    this.cells.apply(step);
    this.timelines.apply(step);
    return true;
  }

  // ---------------------------------------------------------------- change feed support

  /** The cells the last applied event can have changed (see CellsView), in the order changes are reported. */
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
    return this.cells.timelineBeforeLast(code, area, this.last);
  }

  /** The codes of the municipalities, in the order they were first registered. */
  municipalityCodes(): IterableIterator<string> {
    return this.reference.municipalities.keys();
  }

  /** Cells with at least one transfer (the others are in-house throughout). */
  cellsWithTransfers(): IterableIterator<string> {
    return this.cells.cellsWithTransfers();
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * The source facts as plain data for `v8.serialize` (caches are left out and rebuilt lazily).
   * It shares the model's objects: serialize it before the next event is applied.
   */
  exportState(): RegisterReadModelState {
    return exportViews(this.views, this.lastPosition, this.count);
  }

  /**
   * Replaces everything with `state` (from `exportState`, after any structured-clone round
   * trip), before any further event is applied. Throws on another format version, leaving the
   * model as it was.
   */
  importState(state: unknown): void {
    const s = checkedState(state);
    this.lastPosition = s.position;
    this.count = s.count;
    this.last = { position: s.position, touched: [], before: new Map() };
    importViews(this.views, s);
  }

  // ---------------------------------------------------------------- reference data

  // Reference data, arrangements and timelines take `knownAtMs` (rule 7): as the register knew them then (now when undefined).

  hasMunicipality(code: string, knownAtMs?: number): boolean {
    return this.reference.hasMunicipality(code, knownAtMs);
  }

  hasServiceArea(slug: string, knownAtMs?: number): boolean {
    return this.reference.hasServiceArea(slug, knownAtMs);
  }

  listMunicipalities(county?: string, knownAtMs?: number): MunicipalityView[] {
    return this.reference.listMunicipalities(county, knownAtMs);
  }

  getMunicipality(code: string): MunicipalityView | undefined {
    return this.reference.municipalities.get(code);
  }

  listServiceAreas(knownAtMs?: number): ServiceAreaView[] {
    return this.reference.listServiceAreas(knownAtMs);
  }

  municipalityView(code: string): MunicipalityView {
    return this.reference.municipalityView(code);
  }

  // ---------------------------------------------------------------- provisions

  /** The step function of one municipality and service area, known now (cached). */
  timelineOf(code: string, area: string): readonly ProvisionInterval[] {
    return this.cells.timelineOf(code, area);
  }

  provision(code: string, area: string, on: CalendarDate, knownAtMs?: number): Provision {
    return this.queries.provision(code, area, on, knownAtMs);
  }

  provisions(code: string, on: CalendarDate, knownAtMs?: number): Provision[] {
    return this.queries.provisions(code, on, knownAtMs);
  }

  history(code: string, area: string, knownAtMs?: number): HistoryEntry[] {
    return this.queries.history(code, area, knownAtMs);
  }

  /** `areas`: only these service areas' columns, in the register's order (default: all). */
  matrix(on: CalendarDate, county?: string, knownAtMs?: number, areas?: readonly string[]): { on: CalendarDate; serviceAreas: string[]; rows: { municipality: MunicipalityView; cells: Record<string, Provision> }[] } {
    return this.queries.matrix(on, county, knownAtMs, areas);
  }

  /** `JSON.stringify(matrix(on, county, knownAtMs, areas))`, written directly (the whole-country answer is 2 MB). */
  matrixJson(on: CalendarDate, county?: string, knownAtMs?: number, areas?: readonly string[]): string {
    return this.queries.matrixJson(on, county, knownAtMs, areas);
  }

  /** Who gets what from a provider on a date (in-house provision to oneself is not listed). */
  recipients(provider: { kind: 'municipality'; code: string } | { kind: 'federation'; id: string }, on: CalendarDate, knownAtMs?: number): { municipality: MunicipalityView; serviceArea: string; basis: BasisView }[] {
    return this.queries.recipients(provider, on, knownAtMs);
  }

  providerView(provider: ProviderRef): ProviderView {
    return this.queries.providerView(provider);
  }

  // ---------------------------------------------------------------- arrangements and timelines

  hasArrangement(id: string, knownAtMs?: number): boolean {
    return this.arrangements.hasArrangement(id, knownAtMs);
  }

  arrangementKind(id: string): ArrangementKind | undefined {
    return this.arrangements.arrangementKind(id);
  }

  listArrangements(filter: ArrangementFilter, today: CalendarDate, knownAtMs?: number): ArrangementSummary[] {
    return this.arrangements.listArrangements(filter, today, knownAtMs);
  }

  /** `JSON.stringify(listArrangements(…))`, written from the kept summaries' JSON. */
  listArrangementsJson(filter: ArrangementFilter, today: CalendarDate, knownAtMs?: number): string {
    return this.arrangements.listArrangementsJson(filter, today, knownAtMs);
  }

  /** Memberships of a municipality in federations and joint committees, with their dates. */
  membershipsOf(code: string, knownAtMs?: number): ReturnType<ArrangementsView['membershipsOf']> {
    return this.arrangements.membershipsOf(code, knownAtMs);
  }

  timeline(code: string, knownAtMs?: number): TimelineEntry[] {
    return this.timelines.timeline(code, knownAtMs);
  }

  arrangementTimeline(id: string, knownAtMs?: number): TimelineEntry[] {
    return this.timelines.arrangementTimeline(id, knownAtMs);
  }

  /** Rule 4 and the follow-up duties: what needs someone's attention on `on`. */
  attention(on: CalendarDate, knownAtMs?: number): AttentionItem[] {
    return this.attentionView.attention(on, knownAtMs);
  }

  /** `JSON.stringify(attention(on, knownAtMs))`, written from the items' kept JSON. */
  attentionJson(on: CalendarDate, knownAtMs?: number): string {
    return this.attentionView.attentionJson(on, knownAtMs);
  }
}
