import { AgreementState, Basis, FederationState, IN_HOUSE, KnownArrangements, ProviderRef, ProvisionInterval, TransferFacts, assertNever, provisionTimeline } from '@samverkan/domain';
import type { DecodedEvent } from '../decoded-event';
import { ArrangementsView, addTo } from './arrangements-view';
import { Interner, providerKey } from './interner';
import { CorrectedRef, LastApplied, Step, TransferEntry, cellKey } from './types';

/** Whether a timeline has a lapsed interval, by the (immutable) timeline. */
const LAPSES = new WeakMap<readonly ProvisionInterval[], boolean>();

/** A cell nothing was recorded for: in-house throughout (provisionTimeline of no transfers). */
const NOTHING_RECORDED: readonly ProvisionInterval[] = Object.freeze([Object.freeze({ basis: IN_HOUSE, lapsed: false })]);

/**
 * The provisions, cell by cell (municipality × service area): every transfer with when it was
 * recorded and withdrawn, and each cell's step function. The "known now" step function of a
 * cell is cached once computed, and an event drops exactly the cells it can change: a transfer
 * its cell; a correction the cells of what it withdraws and of its replacement; an event of a
 * federation, joint committee or agreement the cells with a transfer on it, and for a federation
 * also those on agreements it provides (what `basisEnd` reads). Questions as known at an earlier
 * time are computed on demand.
 */
export class CellsView {
  readonly transfers = new Map<string, TransferEntry[]>();
  private readonly transfersById = new Map<string, TransferEntry>();
  /** The lines of corrections: for each transfer a correction named (or whose replacement one named), it and its replacements in log order (rebuilt on import). */
  private readonly lines = new Map<string, TransferEntry[]>();
  // Indexes over the transfers (rebuilt on import).
  private readonly cellsByArrangement = new Map<string, Set<string>>();
  private readonly cellsByProvider = new Map<string, Set<string>>();
  // The cache (never exported).
  private readonly cachedTimelines = new Map<string, readonly ProvisionInterval[]>();
  /** Shares the values transfers repeat (the model's log entries share its strings too). */
  readonly interner = new Interner();

  constructor(private readonly arrangements: ArrangementsView) {}

  apply(step: Step): void {
    const event = step.recorded.event;
    switch (event.type) {
      case 'ServiceTransferred':
        this.addTransfer(event.data, step.recorded);
        return this.touch(step.last, [cellKey(event.data.municipality, event.data.serviceArea)]);
      case 'CorrectionRecorded': {
        // A correction may itself be corrected: of a transfer and everything that corrected it
        // (its line), the latest recorded correction wins. So a correction withdraws whatever of
        // the line still stands (the named transfer, or the replacement that stands for it) and
        // adds its own replacement to the line. Its cells: the withdrawn one's and the replacement's.
        const cells = new Set<string>();
        const named = this.transfersById.get(event.data.corrects.transferId);
        const root = named ? (named.root ?? named.transferId) : event.data.corrects.transferId;
        const line = this.lines.get(root) ?? (named ? [this.transfersById.get(root) ?? named] : []);
        const withdrawnBy = { type: 'CorrectionRecorded' as const, eventId: step.recorded.id, recordedAt: step.recorded.recordedAt };
        for (const standing of line) {
          if (standing.withdrawnAt !== undefined) continue;
          standing.withdrawnAtMs = step.logged().recordedAtMs;
          standing.withdrawnAt = step.recorded.position;
          standing.withdrawnBy = withdrawnBy;
          cells.add(cellKey(standing.municipality, standing.serviceArea));
        }
        if (event.data.replacement) {
          const corrects = named ? { transferId: named.transferId, type: named.root === undefined ? ('ServiceTransferred' as const) : ('CorrectionRecorded' as const), eventId: named.eventId, recordedAt: named.recordedAt } : undefined;
          const replacement = this.addTransfer(event.data.replacement, step.recorded, root, corrects);
          if (line.length > 0) this.lines.set(root, [...line, replacement]);
          cells.add(cellKey(event.data.replacement.municipality, event.data.replacement.serviceArea));
        }
        return this.touch(step.last, [...cells]);
      }
      // They can move the day a basis ends (rule 4), for the cells on it.
      case 'FederationFormed': case 'MemberJoined': case 'MemberLeft': case 'FederationDissolved':
        return this.touch(step.last, this.cellsOnArrangement(event.data.id, true));
      case 'AgreementProposed': case 'AgreementSigned': case 'CouncilDecisionRecorded': case 'AgreementConcluded': case 'AgreementRejected': case 'AgreementExtended': case 'AgreementTerminated':
        return this.touch(step.last, this.cellsOnArrangement(event.data.id, false));
      // A review, a study or reference data ends no basis.
      case 'ReviewRecorded':
      case 'StudyStarted': case 'MilestoneScheduled': case 'MilestoneReached': case 'StudyConcluded':
      case 'MunicipalityRegistered': case 'ServiceAreaDefined':
        return;
      default:
        return assertNever(event);
    }
  }

  private addTransfer(facts: TransferFacts, recorded: DecodedEvent, root?: string, corrects?: CorrectedRef): TransferEntry {
    const intern = this.interner;
    const entry: TransferEntry = {
      transferId: facts.transferId,
      basis: intern.basis(facts.basis),
      provider: intern.provider(facts.provider),
      decidedOn: intern.string(facts.decidedOn),
      effectiveFrom: intern.string(facts.effectiveFrom),
      order: recorded.position,
      recordedAt: recorded.recordedAt,
      municipality: intern.string(facts.municipality),
      serviceArea: intern.string(facts.serviceArea),
      stream: intern.string(recorded.stream),
      recordedAtMs: Date.parse(recorded.recordedAt),
      successorType: facts.successorOf ? intern.string(facts.successorOf.type) : undefined,
      eventId: recorded.id,
      root,
      corrects,
      withdrawnAtMs: undefined,
      withdrawnAt: undefined,
      withdrawnBy: undefined,
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

  /** The cells resting on arrangement `id` (and, for a federation, on the agreements it provides), sorted. */
  private cellsOnArrangement(id: string, federation: boolean): string[] {
    const cells = new Set<string>(this.cellsByArrangement.get(id) ?? []);
    if (federation) for (const agreement of this.arrangements.agreementsByFederation.get(id) ?? []) for (const key of this.cellsByArrangement.get(agreement) ?? []) cells.add(key);
    return [...cells].sort();
  }

  /** Drops the cached timelines of `cells`, keeping them as "before" for the change feed. */
  private touch(last: LastApplied, cells: string[]): void {
    last.touched = cells;
    for (const key of cells) {
      const cached = this.cachedTimelines.get(key);
      if (cached) {
        last.before.set(key, cached);
        this.cachedTimelines.delete(key);
      }
    }
  }

  /**
   * Replaces everything with a snapshot's transfers (rebuilding the indexes). Their shared values
   * are `shared`'s (decoded from columns), which the interner adopts; without it each entry's
   * values are shared again one by one.
   */
  restore(transfers: Iterable<[string, TransferEntry[]]>, shared?: { strings: readonly string[]; bases: readonly Basis[]; providers: readonly ProviderRef[] }): void {
    for (const map of [this.transfers, this.transfersById, this.lines, this.cellsByArrangement, this.cellsByProvider, this.cachedTimelines]) map.clear();
    if (shared) this.interner.adopt(shared.strings, shared.bases, shared.providers);
    const replacements: TransferEntry[] = [];
    for (const [key, entries] of transfers) {
      this.transfers.set(key, entries);
      for (const entry of entries) {
        if (!shared) this.interner.reintern(entry);
        this.transfersById.set(entry.transferId, entry);
        this.index(key, entry);
        if (entry.root !== undefined) replacements.push(entry);
      }
    }
    for (const entry of replacements.sort((a, b) => a.order - b.order)) {
      const root = entry.root as string;
      const rootEntry = this.transfersById.get(root);
      const line = this.lines.get(root) ?? (rootEntry ? [rootEntry] : []);
      if (line.length > 0) this.lines.set(root, [...line, entry]);
    }
  }

  /** The entry of a transfer (the last one recorded under this id). */
  transfer(transferId: string): TransferEntry | undefined {
    return this.transfersById.get(transferId);
  }

  /** Cells with at least one transfer (the others are in-house throughout). */
  cellsWithTransfers(): IterableIterator<string> {
    return this.transfers.keys();
  }

  /** The cells with a transfer from `provider` (only they can have it as provider on any day), sorted. */
  cellsServedBy(provider: ProviderRef): string[] {
    return [...(this.cellsByProvider.get(providerKey(provider)) ?? [])].sort();
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
    return provisionTimeline(code, visible, known ?? this.arrangements.knownArrangements(knownAtMs));
  }

  /**
   * Whether the cell's step function (known now) has a lapse on any day: asked of every cell by
   * the attention list, so it is a lookup by the cell's key, remembered with the cached timeline
   * it was read from (a new event drops both).
   */
  hasLapse(key: string): boolean {
    let timeline = this.cachedTimelines.get(key);
    if (!timeline) {
      const [code, area] = key.split('/');
      timeline = this.timelineOf(code, area);
    }
    let lapses = LAPSES.get(timeline);
    if (lapses === undefined) {
      lapses = timeline.some((interval) => interval.lapsed);
      LAPSES.set(timeline, lapses);
    }
    return lapses;
  }

  /**
   * The transfers of a cell a correction withdrew, as known at `knownAtMs` (known now when
   * undefined), each with the intervals it held just before that correction (in log order of the
   * corrections). Asked as known before a correction, the transfer it withdrew is not among them.
   */
  withdrawnIntervals(code: string, area: string, knownAtMs?: number, known?: KnownArrangements): { entry: TransferEntry; intervals: ProvisionInterval[] }[] {
    const entries = this.transfers.get(cellKey(code, area)) ?? [];
    const seen = (t: TransferEntry) => knownAtMs === undefined || t.recordedAtMs <= knownAtMs;
    const withdrawn = entries.filter((t) => t.withdrawnAt !== undefined && seen(t) && (knownAtMs === undefined || (t.withdrawnAtMs as number) <= knownAtMs));
    if (withdrawn.length === 0) return [];
    const arrangements = known ?? (knownAtMs === undefined ? this.arrangements.current : this.arrangements.knownArrangements(knownAtMs));
    const before = new Map<number, ProvisionInterval[]>();
    return withdrawn
      .sort((a, b) => (a.withdrawnAt as number) - (b.withdrawnAt as number) || a.order - b.order)
      .map((entry) => {
        const position = entry.withdrawnAt as number;
        let timeline = before.get(position);
        if (!timeline) {
          timeline = provisionTimeline(code, entries.filter((t) => t.order < position && seen(t) && (t.withdrawnAt === undefined || t.withdrawnAt >= position)), arrangements);
          before.set(position, timeline);
        }
        return { entry, intervals: timeline.filter((interval) => interval.transfer === entry) };
      });
  }

  /** The known-now step function computed from the facts, bypassing the cache (the cache's reference). */
  private computeTimeline(code: string, area: string): readonly ProvisionInterval[] {
    const entries = this.transfers.get(cellKey(code, area));
    if (!entries) return NOTHING_RECORDED;
    return provisionTimeline(code, entries.filter((t) => t.withdrawnAtMs === undefined), this.arrangements.current);
  }

  /**
   * The known-now timeline of a cell just before the `last` event applied: the cached one the
   * event dropped, or else computed from the facts without that event.
   */
  timelineBeforeLast(code: string, area: string, last: LastApplied): readonly ProvisionInterval[] {
    const key = cellKey(code, area);
    const cached = last.before.get(key);
    if (cached) return cached;
    if (!last.touched.includes(key)) return this.timelineOf(code, area);
    const position = last.position;
    const visible = (this.transfers.get(key) ?? []).filter((t) => t.order < position && (t.withdrawnAt === undefined || t.withdrawnAt >= position));
    const current = this.arrangements.current;
    let known: KnownArrangements = current;
    const changed = last.arrangement;
    if (changed) {
      const federations = changed.kind === 'federation' ? withEntry(current.federations, changed.id, changed.before as FederationState | undefined) : current.federations;
      const agreements = changed.kind === 'agreement' ? withEntry(current.agreements, changed.id, changed.before as AgreementState | undefined) : current.agreements;
      known = { federations, agreements };
    }
    return visible.length === 0 ? NOTHING_RECORDED : provisionTimeline(code, visible, known);
  }
}

/** `map` with `id` set to `value` (or left out when undefined), as a copy. */
function withEntry<T>(map: ReadonlyMap<string, T>, id: string, value: T | undefined): Map<string, T> {
  const copy = new Map(map);
  if (value === undefined) copy.delete(id);
  else copy.set(id, value);
  return copy;
}
