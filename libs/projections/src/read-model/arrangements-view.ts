import {
  AgreementEvent,
  AgreementState,
  CalendarDate,
  FederationEvent,
  FederationState,
  KnownArrangements,
  StudyEvent,
  StudyState,
  agreementDecider,
  agreementInForceOn,
  agreementStatusView,
  assertNever,
  federationDecider,
  federationInForceOn,
  membersOn,
  membershipLastDay,
  providerDissolution,
  providingFederationId,
  studyDecider,
} from '@samverkan/domain';
import { keptJsonArray } from './kept-json';
import type { ArrangementKind, ArrangementRecord, ArrangementSummary, LoggedEvent, Step } from './types';

/** What a summary is made of: an arrangement's state, as it is now or as known at a time. */
export type ArrangementStates = Pick<ArrangementRecord, 'federation' | 'agreement' | 'study'>;

/**
 * The arrangement list's filter. `party` matches anyone who was ever a party (a former member
 * of a federation too); with `on`, only arrangements of which it was a party on that day.
 */
export interface ArrangementFilter {
  kind?: string;
  status?: string;
  party?: string;
  /** Narrows `party` to parties on this day (ignored without `party`; the query refuses that combination). */
  on?: CalendarDate;
  serviceArea?: string;
}

/** A record as a snapshot keeps it: its events (the states are folded again on import). */
export type ArrangementFacts = Pick<ArrangementRecord, 'kind' | 'id' | 'stream' | 'events'>;

/**
 * The federations, joint committees, agreements and studies: each one's events and its state,
 * folded by the domain's own deciders as the events apply, and the current state of every
 * federation and agreement (what provision timelines read when known now).
 */
export class ArrangementsView {
  readonly records = new Map<string, ArrangementRecord>();
  readonly current: { federations: Map<string, FederationState>; agreements: Map<string, AgreementState> } = { federations: new Map(), agreements: new Map() };
  /** The agreements each federation provides under (an index over the states, rebuilt on import). */
  readonly agreementsByFederation = new Map<string, Set<string>>();

  apply(step: Step): void {
    const event = step.recorded.event;
    switch (event.type) {
      case 'FederationFormed': case 'MemberJoined': case 'MemberLeft': case 'FederationDissolved': case 'ReviewRecorded':
      case 'AgreementProposed': case 'AgreementSigned': case 'CouncilDecisionRecorded': case 'AgreementConcluded': case 'AgreementRejected': case 'AgreementExtended': case 'AgreementTerminated':
      case 'StudyStarted': case 'MilestoneScheduled': case 'MilestoneReached': case 'StudyConcluded':
        return this.applyToRecord(step, event);
      // Reference data and provisions are no arrangement's events.
      case 'MunicipalityRegistered': case 'ServiceAreaDefined':
      case 'ServiceTransferred': case 'CorrectionRecorded':
        return;
      default:
        return assertNever(event);
    }
  }

  private applyToRecord(step: Step, event: FederationEvent | AgreementEvent | StudyEvent): void {
    const logged = step.logged();
    const id = event.data.id;
    let record = this.records.get(id);
    if (!record) {
      const kind = logged.stream.startsWith('federation-') ? 'federation' : logged.stream.startsWith('agreement-') ? 'agreement' : 'study';
      record = { kind, id, stream: logged.stream, events: [] };
      this.records.set(id, record);
      this.insertSorted(record);
    }
    record.events.push(logged);
    record.attention = undefined;
    record.summary = undefined;
    // An agreement's status and attention read its providing federation (a dissolved provider ends its agreements).
    if (record.kind === 'federation') {
      for (const agreement of this.agreementsByFederation.get(id) ?? []) {
        const provided = this.records.get(agreement);
        if (provided) {
          provided.attention = undefined;
          provided.summary = undefined;
        }
      }
    }
    if (record.kind !== 'study') step.last.arrangement = { kind: record.kind, id, before: record.kind === 'federation' ? record.federation : record.agreement };
    this.evolve(record, event);
  }

  private evolve(record: ArrangementRecord, event: LoggedEvent['event']): void {
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

  /** Replaces everything with a snapshot's facts, folding each record's events again. */
  restore(arrangements: Iterable<ArrangementFacts>): void {
    for (const map of [this.records, this.current.federations, this.current.agreements, this.agreementsByFederation]) map.clear();
    for (const { kind, id, stream, events } of arrangements) {
      const record: ArrangementRecord = { kind, id, stream, events };
      this.records.set(id, record);
      for (const e of events) this.evolve(record, e.event);
    }
    this.sorted = [...this.records.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The records in the arrangement list's order (by id), kept as records are added. */
  private sorted: ArrangementRecord[] = [];

  private insertSorted(record: ArrangementRecord): void {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sorted[middle].id.localeCompare(record.id) <= 0) low = middle + 1;
      else high = middle;
    }
    this.sorted.splice(low, 0, record);
  }

  /** Arrangement states as known at `knownAtMs` (all of them when undefined). */
  knownArrangements(knownAtMs?: number): KnownArrangements {
    if (knownAtMs === undefined) return this.current;
    const federations = new Map<string, FederationState>();
    const agreements = new Map<string, AgreementState>();
    for (const record of this.records.values()) {
      if (record.kind === 'study') continue;
      const known = this.knownRecord(record, knownAtMs);
      if (known?.federation) federations.set(record.id, known.federation);
      if (known?.agreement) agreements.set(record.id, known.agreement);
    }
    return { federations, agreements };
  }

  federationName(id: string): string | undefined {
    return this.records.get(id)?.federation?.name;
  }

  /** Whether there is an arrangement `id`, as known at `knownAtMs` (now when undefined). */
  hasArrangement(id: string, knownAtMs?: number): boolean {
    const record = this.records.get(id);
    return record !== undefined && (knownAtMs === undefined || record.events.some((e) => e.recordedAtMs <= knownAtMs));
  }

  /** An arrangement's kind, as known at `knownAtMs` (now when undefined); undefined when there is none. */
  arrangementKind(id: string, knownAtMs?: number): ArrangementKind | undefined {
    const record = this.records.get(id);
    const known = record && this.knownRecord(record, knownAtMs);
    return known ? summaryOf(known, '9999-12-31', new Map()).kind : undefined;
  }

  /**
   * A record's states as known at `knownAtMs`: folded from the events recorded by then
   * (undefined when none was); the record itself when undefined.
   */
  knownRecord(record: ArrangementRecord, knownAtMs?: number): ArrangementStates | undefined {
    if (knownAtMs === undefined) return record;
    const known = record.events.filter((e) => e.recordedAtMs <= knownAtMs);
    if (known.length === 0) return undefined;
    if (record.kind === 'federation') return { federation: known.reduce((s, e) => federationDecider.evolve(s, e.event as FederationEvent), federationDecider.initialState) };
    if (record.kind === 'agreement') return { agreement: known.reduce((s, e) => agreementDecider.evolve(s, e.event as AgreementEvent), agreementDecider.initialState) };
    return { study: foldStudy(known) };
  }

  /** The records' states as known at `knownAtMs` (all of them, as they are now, when undefined). */
  private knownRecords(knownAtMs?: number): ArrangementStates[] {
    const states: ArrangementStates[] = [];
    for (const record of this.records.values()) {
      const known = this.knownRecord(record, knownAtMs);
      if (known) states.push(known);
    }
    return states;
  }

  /** `JSON.stringify(listArrangements(…))`, written from each kept summary's JSON. */
  listArrangementsJson(filter: ArrangementFilter, today: CalendarDate, knownAtMs?: number): string {
    const list = this.listArrangements(filter, today, knownAtMs);
    return knownAtMs === undefined ? keptJsonArray(list, this.summaryJson) : JSON.stringify(list);
  }

  /** Each kept summary's JSON (dropped with the summary). */
  private readonly summaryJson = new WeakMap<ArrangementSummary, string>();

  /** The arrangements' summaries, filtered, as known at `knownAtMs` (now when undefined). */
  listArrangements(filter: ArrangementFilter, today: CalendarDate, knownAtMs?: number): ArrangementSummary[] {
    const { party } = filter;
    if (knownAtMs === undefined) {
      // Known now: the records in order, each one's summary for `today` kept until it or its provider changes.
      const federations = this.current.federations;
      const list: ArrangementSummary[] = [];
      for (const record of this.sorted) {
        if (party && !wasParty(record, party, filter.on, federations)) continue;
        if (record.summary?.today !== today) record.summary = { today, summary: summaryOf(record, today, federations) };
        const s = record.summary.summary;
        if ((!filter.kind || s.kind === filter.kind) && (!filter.status || s.status === filter.status) && (!filter.serviceArea || s.serviceAreas.includes(filter.serviceArea))) list.push(s);
      }
      return list;
    }
    const known = this.knownRecords(knownAtMs);
    const federations = federationsOf(known);
    return known
      .filter((states) => !party || wasParty(states, party, filter.on, federations))
      .map((states) => summaryOf(states, today, federations))
      .filter(
        (s) =>
          (!filter.kind || s.kind === filter.kind) &&
          (!filter.status || s.status === filter.status) &&
          (!filter.serviceArea || s.serviceAreas.includes(filter.serviceArea)),
      )
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Memberships of a municipality in federations and joint committees, with their dates, as known at `knownAtMs` (now when undefined). */
  membershipsOf(code: string, knownAtMs?: number): { id: string; name: string; form: string; from: CalendarDate; until: CalendarDate | null; status: string }[] {
    const result = [];
    for (const record of this.knownRecords(knownAtMs)) {
      const f = record.federation;
      if (!f) continue;
      for (const m of f.memberships.filter((x) => x.municipality === code)) {
        result.push({ id: f.id, name: f.name, form: f.form, from: m.from, until: membershipLastDay(m, f), status: f.status });
      }
    }
    return result.sort((a, b) => a.from.localeCompare(b.from));
  }
}

/** A study's state from some of its events (those known at a moment asked about). */
export function foldStudy(events: readonly LoggedEvent[]): StudyState {
  return events.reduce((s, e) => studyDecider.evolve(s, e.event as StudyEvent), studyDecider.initialState);
}

export function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

/** The municipalities an arrangement has (or had) as members or parties. */
export function partiesOf(record: ArrangementRecord): string[] {
  if (record.federation) return [...new Set(record.federation.memberships.map((m) => m.municipality))];
  if (record.agreement) return record.agreement.parties;
  if (record.study) return record.study.parties;
  return [];
}

/**
 * Decision: "party" in the arrangement filter means ever a party. Without `on`: a member of the
 * federation or joint committee at any time (a departure does not remove it), or a party of the
 * agreement or study. With `on`, a party on that day: a member on `on` of a federation or joint
 * committee in force on `on` (formed, not yet dissolved; the day before a departure or dissolution
 * still counts); a party of an agreement in force on `on` (concluded, within its term, not
 * terminated: a proposal or a rejected agreement binds no one); a party of a study running on
 * `on` (from its start to its conclusion, both days included). Derived from the states on read.
 */
export function wasParty(states: ArrangementStates, code: string, on?: CalendarDate, federations: ReadonlyMap<string, FederationState> = new Map()): boolean {
  if (states.federation) {
    const f = states.federation;
    if (on === undefined) return f.memberships.some((m) => m.municipality === code);
    return federationInForceOn(f, on) && membersOn(f, on).includes(code);
  }
  if (states.agreement) {
    const a = states.agreement;
    return a.parties.includes(code) && (on === undefined || (agreementInForceOn(a, on) && !endedByProviderOn(a, federations, on)));
  }
  if (states.study) {
    const s = states.study;
    if (!s.parties.includes(code)) return false;
    return on === undefined || (s.status !== 'none' && s.startedOn <= on && (s.conclusion === undefined || on <= s.conclusion.concludedOn));
  }
  return false;
}

/** The federations among some arrangements' states, by id (the providers their agreements read). */
function federationsOf(states: readonly ArrangementStates[]): Map<string, FederationState> {
  const federations = new Map<string, FederationState>();
  for (const s of states) if (s.federation) federations.set(s.federation.id, s.federation);
  return federations;
}

/** The providing federation of an agreement, among `federations` (the ones known at the moment asked about). */
export function providerOf(a: AgreementState, federations: ReadonlyMap<string, FederationState>): FederationState | undefined {
  const id = providingFederationId(a);
  return id === undefined ? undefined : federations.get(id);
}

/** Decision: a dissolved provider ends its agreements. Whether that has happened by `on`. */
export function endedByProviderOn(a: AgreementState, federations: ReadonlyMap<string, FederationState>, on: CalendarDate): boolean {
  const endedBy = providerDissolution(a, providerOf(a, federations));
  return endedBy !== undefined && endedBy.effectiveFrom <= on;
}

function summaryOf(record: ArrangementStates, today: CalendarDate, federations: ReadonlyMap<string, FederationState>): ArrangementSummary {
  if (record.federation) {
    const f = record.federation;
    const current = f.memberships.filter((m) => m.until === undefined).map((m) => m.municipality);
    return { kind: f.form, id: f.id, title: f.name, parties: [...new Set(current)], status: f.status === 'dissolved' ? 'dissolved' : 'active', serviceAreas: f.serviceAreas };
  }
  if (record.agreement) {
    const a = record.agreement;
    const { status, endedBy } = agreementStatusView(a, today, providerOf(a, federations));
    return { kind: 'agreement', id: a.id, title: a.title, parties: a.parties, status, ...(endedBy ? { endedBy } : {}), serviceAreas: a.serviceAreas };
  }
  const s = record.study as StudyState;
  return { kind: 'study', id: s.id, title: s.title, parties: s.parties, status: s.status === 'concluded' ? 'concluded' : 'running', serviceAreas: s.serviceAreas };
}
