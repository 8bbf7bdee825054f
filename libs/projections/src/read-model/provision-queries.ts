import { Basis, CalendarDate, KnownArrangements, ProviderRef, ProvisionInterval, addDays, intervalOn } from '@samverkan/domain';
import { regionName } from '@samverkan/reference-data';
import type { ArrangementsView } from './arrangements-view';
import type { CellsView } from './cells-view';
import { providerKey } from './interner';
import type { ReferenceView } from './reference-view';
import type { BasisView, HistoryEntry, MunicipalityView, ProviderView, Provision, TransferEntry } from './types';

export function basisViewOf(basis: Basis): BasisView {
  return basis.kind === 'in-house' ? { kind: 'in-house' } : { kind: basis.kind, id: basis.id };
}

/** The questions about provisions: one cell on a date, its history, the matrix, a provider's recipients. Keeps only serialised parts. */
export class ProvisionQueries {
  /** The JSON of each provider and basis a matrix has shown, checked against the current name on use (bounded by the providers and arrangements there are). */
  private readonly providerJson = new Map<string, { name: string; json: string }>();
  private readonly basisJson = new Map<string, string>();
  /** Matrix cells' JSON by interval (see cellJsonOf); weak, so dropped timelines take theirs along. */
  private readonly cellJson = new WeakMap<ProvisionInterval, { provider: string; json: string }>();

  constructor(
    private readonly reference: ReferenceView,
    private readonly arrangements: ArrangementsView,
    private readonly cells: CellsView,
  ) {}

  providerView(provider: ProviderRef): ProviderView {
    const name = this.providerName(provider);
    return provider.kind === 'federation' ? { kind: 'federation', id: provider.id, name } : { kind: provider.kind, code: provider.code, name };
  }

  private providerName(provider: ProviderRef): string {
    switch (provider.kind) {
      case 'municipality':
        return this.reference.municipalityView(provider.code).name;
      case 'federation':
        return this.arrangements.federationName(provider.id) ?? provider.id;
      case 'region':
        return regionName(provider.code) ?? `Region ${provider.code}`;
    }
  }

  /** The arrangements as known at `knownAtMs`, once for a question that asks about many cells (undefined: known now). */
  private knownAt(knownAtMs: number | undefined): KnownArrangements | undefined {
    return knownAtMs === undefined ? undefined : this.arrangements.knownArrangements(knownAtMs);
  }

  provision(code: string, area: string, on: CalendarDate, knownAtMs?: number, known?: KnownArrangements): Provision {
    const interval = intervalOn(this.cells.timelineOf(code, area, knownAtMs, known), on);
    return this.toProvision(code, area, interval);
  }

  provisions(code: string, on: CalendarDate, knownAtMs?: number): Provision[] {
    const known = this.knownAt(knownAtMs);
    return this.reference.listServiceAreas().map((area) => this.provision(code, area.slug, on, knownAtMs, known));
  }

  /**
   * The provisions of a cell in order of their first day. Decision "corrections stay visible in
   * the history": an interval resting on a correction's replacement carries `corrects` (the
   * transfer that correction named), and the intervals a transfer held before a correction
   * withdrew it stay listed, with `correctedBy`, just before the intervals that now hold from the
   * same day. As known before a correction, the history is the one without it.
   */
  history(code: string, area: string, knownAtMs?: number): HistoryEntry[] {
    const known = this.knownAt(knownAtMs);
    const current = this.cells.timelineOf(code, area, knownAtMs, known).map((interval) => this.historyEntry(code, interval));
    const withdrawn = this.cells.withdrawnIntervals(code, area, knownAtMs, known);
    if (withdrawn.length === 0) return current;
    const corrected = withdrawn.flatMap(({ entry, intervals }) => intervals.map((interval) => ({ ...this.historyEntry(code, interval), ...(entry.withdrawnBy ? { correctedBy: { ...entry.withdrawnBy } } : {}) })));
    // Stable: at the same first day, what was corrected comes before what holds now.
    return [...corrected, ...current].sort((a, b) => compareFrom(a.from, b.from));
  }

  private historyEntry(code: string, interval: ProvisionInterval): HistoryEntry {
    const corrects = interval.transfer && 'corrects' in interval.transfer ? (interval.transfer as TransferEntry).corrects : undefined;
    return {
      provider: this.providerView(interval.provider ?? { kind: 'municipality', code }),
      basis: basisViewOf(interval.basis),
      from: interval.from ?? null,
      to: interval.to ? addDays(interval.to, -1) : null,
      lapsed: interval.lapsed,
      decidedOn: (interval.lapsed ? interval.end?.decidedOn : interval.transfer?.decidedOn) ?? null,
      recordedAt: interval.transfer?.recordedAt ?? null,
      ...(interval.lapsed && interval.end ? { reason: interval.end.reason } : {}),
      ...(interval.transfer ? { transferId: interval.transfer.transferId } : {}),
      ...(corrects ? { corrects: { ...corrects } } : {}),
    };
  }

  /** The service areas' columns: all, or only those in `only`, always in the register's order. */
  private matrixAreas(only: readonly string[] | undefined): string[] {
    const all = this.reference.listServiceAreas().map((a) => a.slug);
    return only === undefined ? all : all.filter((slug) => only.includes(slug));
  }

  matrix(on: CalendarDate, county?: string, knownAtMs?: number, only?: readonly string[]): { on: CalendarDate; serviceAreas: string[]; rows: { municipality: MunicipalityView; cells: Record<string, Provision> }[] } {
    const known = this.knownAt(knownAtMs);
    const areas = this.matrixAreas(only);
    const rows = this.reference.listMunicipalities(county).map((m) => ({
      municipality: m,
      cells: Object.fromEntries(areas.map((area) => [area, this.provision(m.code, area, on, knownAtMs, known)])),
    }));
    return { on, serviceAreas: areas, rows };
  }

  /**
   * The matrix as the exact JSON text of `JSON.stringify(matrix(…))`, built without the 9,570 cell
   * objects: a profile of the whole-country matrix put 12 % of the service's time in Fastify's
   * serialisation, 5 % in the garbage collector and 3 % in building the cells, against 0.3 ms per
   * answer of timeline lookups. Each cell is written from its interval with the provider's and the
   * basis's JSON cached (a few hundred providers, one entry an arrangement).
   */
  matrixJson(on: CalendarDate, county?: string, knownAtMs?: number, only?: readonly string[]): string {
    const known = this.knownAt(knownAtMs);
    const areas = this.matrixAreas(only);
    const cellPrefixes = areas.map((area) => `${JSON.stringify(area)}:{"serviceArea":${JSON.stringify(area)},"provider":`);
    const rows: string[] = [];
    for (const m of this.reference.listMunicipalities(county)) {
      const cells: string[] = [];
      for (let i = 0; i < areas.length; i += 1) {
        const interval = intervalOn(this.cells.timelineOf(m.code, areas[i], knownAtMs, known), on);
        cells.push(cellPrefixes[i] + this.cellJsonOf(interval, m.code, knownAtMs === undefined));
      }
      rows.push(`{"municipality":${JSON.stringify(m)},"cells":{${cells.join(',')}}}`);
    }
    return `{"on":${JSON.stringify(on)},"serviceAreas":${JSON.stringify(areas)},"rows":[${rows.join(',')}]}`;
  }

  /**
   * A matrix cell's JSON after its service area. An interval of a cached timeline (known now)
   * is immutable and answers every date inside it the same, so its JSON is kept with it, and
   * checked against the provider's JSON of now (a federation may be renamed). Not for the
   * shared in-house interval of cells nothing was recorded for (its provider is each cell's
   * own municipality), nor for timelines made for one question as known at an earlier time.
   */
  private cellJsonOf(interval: ProvisionInterval, code: string, keep: boolean): string {
    const provider = this.providerJsonOf(interval.provider ?? { kind: 'municipality', code });
    const cacheable = keep && interval.provider !== undefined;
    const cached = cacheable ? this.cellJson.get(interval) : undefined;
    if (cached && cached.provider === provider) return cached.json;
    const until = interval.to ? JSON.stringify(addDays(interval.to, -1)) : 'null';
    const since = interval.from ? JSON.stringify(interval.from) : 'null';
    const json = `${provider},"basis":${this.basisJsonOf(interval.basis)},"since":${since},"until":${until},"lapsed":${interval.lapsed}}`;
    if (cacheable) this.cellJson.set(interval, { provider, json });
    return json;
  }

  private providerJsonOf(provider: ProviderRef): string {
    const name = this.providerName(provider);
    const key = providerKey(provider);
    const cached = this.providerJson.get(key);
    if (cached && cached.name === name) return cached.json;
    const json = JSON.stringify(this.providerView(provider));
    this.providerJson.set(key, { name, json });
    return json;
  }

  private basisJsonOf(basis: Basis): string {
    if (basis.kind === 'in-house') return '{"kind":"in-house"}';
    const key = `${basis.kind}:${basis.id}`;
    let json = this.basisJson.get(key);
    if (json === undefined) {
      json = JSON.stringify(basisViewOf(basis));
      this.basisJson.set(key, json);
    }
    return json;
  }

  /** Who gets what from a provider on a date (in-house provision to oneself is not listed). */
  recipients(provider: { kind: 'municipality'; code: string } | { kind: 'federation'; id: string }, on: CalendarDate, knownAtMs?: number): { municipality: MunicipalityView; serviceArea: string; basis: BasisView }[] {
    const known = this.knownAt(knownAtMs);
    const result: { municipality: MunicipalityView; serviceArea: string; basis: BasisView }[] = [];
    // Only cells with a transfer from this provider can have it as provider on any day.
    for (const key of this.cells.cellsServedBy(provider)) {
      const [code, area] = key.split('/');
      const interval = intervalOn(this.cells.timelineOf(code, area, knownAtMs, known), on);
      if (interval.basis.kind === 'in-house' || !interval.provider) continue;
      const p = interval.provider;
      const matches = provider.kind === 'federation' ? p.kind === 'federation' && p.id === provider.id : p.kind === 'municipality' && p.code === provider.code;
      if (matches) result.push({ municipality: this.reference.municipalityView(code), serviceArea: area, basis: basisViewOf(interval.basis) });
    }
    return result;
  }

  private toProvision(code: string, area: string, interval: ProvisionInterval): Provision {
    return {
      serviceArea: area,
      provider: this.providerView(interval.provider ?? { kind: 'municipality', code }),
      basis: basisViewOf(interval.basis),
      since: interval.from ?? null,
      until: interval.to ? addDays(interval.to, -1) : null,
      lapsed: interval.lapsed,
    };
  }
}

/** Orders first days, the beginning (null) first. */
function compareFrom(a: CalendarDate | null, b: CalendarDate | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
