import {
  AgreementEvent,
  AgreementState,
  Basis,
  CalendarDate,
  FederationEvent,
  FederationState,
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
import { effectiveDateOf, summarize } from './summaries';

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

interface TransferEntry extends TimelineTransfer {
  eventId: string;
  recordedAtMs: number;
  /** When a correction withdrew or replaced it (ms), if ever. */
  withdrawnAtMs?: number;
}

interface LoggedEvent {
  position: number;
  recordedAt: string;
  recordedAtMs: number;
  stream: string;
  type: string;
  event: SamverkanEvent;
}

interface ArrangementRecord {
  kind: 'federation' | 'agreement' | 'study';
  id: string;
  stream: string;
  events: LoggedEvent[];
  federation?: FederationState;
  agreement?: AgreementState;
  study?: StudyState;
}

/** The attention list's horizon for agreements about to end. */
export const ENDING_HORIZON_DAYS = 180;

/**
 * Every read model of the register, in memory, fed one recorded event at a time in log
 * order. It stores facts with their recording time and answers on demand, so every
 * question can be asked for any effective date (`on`) and as known at any time (`knownAt`).
 * It is plain TypeScript: the service, the replay tool and the tests use the same class.
 */
export class RegisterReadModel {
  private readonly municipalities = new Map<string, MunicipalityView>();
  private readonly serviceAreas = new Map<string, ServiceAreaView>();
  private readonly transfers = new Map<string, TransferEntry[]>();
  private readonly transfersById = new Map<string, TransferEntry>();
  private readonly arrangements = new Map<string, ArrangementRecord>();
  private readonly timelines = new Map<string, LoggedEvent[]>();
  /** The current state of every federation and agreement, kept as events apply (the common, "known now" case). */
  private readonly current: { federations: Map<string, FederationState>; agreements: Map<string, AgreementState> } = { federations: new Map(), agreements: new Map() };
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
    let event: SamverkanEvent;
    try {
      event = upcast(recorded.type, recorded.metadata.schemaVersion ?? 1, recorded.data);
    } catch {
      return false;
    }
    this.count++;
    const recordedAt = recorded.metadata.recordedAt ?? recorded.created;
    const logged: LoggedEvent = { position: recorded.position, recordedAt, recordedAtMs: Date.parse(recordedAt), stream: recorded.stream, type: recorded.type, event };
    switch (event.type) {
      case 'MunicipalityRegistered':
        this.municipalities.set(event.data.code, { ...event.data });
        this.addToTimeline(event.data.code, logged);
        break;
      case 'ServiceAreaDefined':
        this.serviceAreas.set(event.data.slug, { ...event.data });
        break;
      case 'ServiceTransferred':
        this.addTransfer(event.data, recorded.id, logged);
        this.addToTimeline(event.data.municipality, logged);
        break;
      case 'CorrectionRecorded': {
        const corrected = this.transfersById.get(event.data.corrects.transferId);
        if (corrected) corrected.withdrawnAtMs = logged.recordedAtMs;
        if (event.data.replacement) this.addTransfer(event.data.replacement, recorded.id, logged);
        this.addToTimeline(event.data.municipality, logged);
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
        this.applyArrangementEvent(event, logged);
        break;
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
    return true;
  }

  private addTransfer(facts: TransferFacts, eventId: string, logged: LoggedEvent): void {
    const entry: TransferEntry = {
      transferId: facts.transferId,
      basis: facts.basis,
      provider: facts.provider,
      decidedOn: facts.decidedOn,
      effectiveFrom: facts.effectiveFrom,
      order: logged.position,
      recordedAt: logged.recordedAt,
      recordedAtMs: logged.recordedAtMs,
      eventId,
    };
    const key = cellKey(facts.municipality, facts.serviceArea);
    const list = this.transfers.get(key);
    if (list) list.push(entry);
    else this.transfers.set(key, [entry]);
    this.transfersById.set(facts.transferId, entry);
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
    if (kind === 'federation') {
      record.federation = federationDecider.evolve(record.federation ?? federationDecider.initialState, event as FederationEvent);
      this.current.federations.set(id, record.federation);
    } else if (kind === 'agreement') {
      record.agreement = agreementDecider.evolve(record.agreement ?? agreementDecider.initialState, event as AgreementEvent);
      this.current.agreements.set(id, record.agreement);
    }
    else record.study = studyDecider.evolve(record.study ?? studyDecider.initialState, event as StudyEvent);
    for (const code of this.involved(record, event)) this.addToTimeline(code, logged);
  }

  /** The municipalities an arrangement event concerns: its members or parties, and the one it names. */
  private involved(record: ArrangementRecord, event: SamverkanEvent): Set<string> {
    const codes = new Set<string>(partiesOf(record));
    if (event.type === 'MemberJoined' || event.type === 'MemberLeft') codes.add(event.data.municipality);
    if (record.agreement?.provider?.kind === 'municipality') codes.add(record.agreement.provider.code);
    return codes;
  }

  private addToTimeline(code: string, logged: LoggedEvent): void {
    const list = this.timelines.get(code);
    if (list) list.push(logged);
    else this.timelines.set(code, [logged]);
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

  /** The step function of one municipality and service area, as known at `knownAtMs`. */
  timelineOf(code: string, area: string, knownAtMs?: number, known: KnownArrangements = this.knownArrangements(knownAtMs)): ProvisionInterval[] {
    const entries = this.transfers.get(cellKey(code, area)) ?? [];
    const visible =
      knownAtMs === undefined
        ? entries.filter((t) => t.withdrawnAtMs === undefined)
        : entries.filter((t) => t.recordedAtMs <= knownAtMs && (t.withdrawnAtMs === undefined || t.withdrawnAtMs > knownAtMs));
    return provisionTimeline(code, visible, known);
  }

  provision(code: string, area: string, on: CalendarDate, knownAtMs?: number, known?: KnownArrangements): Provision {
    const interval = intervalOn(this.timelineOf(code, area, knownAtMs, known), on);
    return this.toProvision(code, area, interval);
  }

  provisions(code: string, on: CalendarDate, knownAtMs?: number): Provision[] {
    const known = this.knownArrangements(knownAtMs);
    return this.listServiceAreas().map((area) => this.provision(code, area.slug, on, knownAtMs, known));
  }

  history(code: string, area: string, knownAtMs?: number): HistoryEntry[] {
    const known = this.knownArrangements(knownAtMs);
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
    const known = this.knownArrangements(knownAtMs);
    const areas = this.listServiceAreas().map((a) => a.slug);
    const rows = this.listMunicipalities(county).map((m) => ({
      municipality: m,
      cells: Object.fromEntries(areas.map((area) => [area, this.provision(m.code, area, on, knownAtMs, known)])),
    }));
    return { on, serviceAreas: areas, rows };
  }

  /** Who gets what from a provider on a date (in-house provision to oneself is not listed). */
  recipients(provider: { kind: 'municipality'; code: string } | { kind: 'federation'; id: string }, on: CalendarDate, knownAtMs?: number): { municipality: MunicipalityView; serviceArea: string; basis: BasisView }[] {
    const known = this.knownArrangements(knownAtMs);
    const result: { municipality: MunicipalityView; serviceArea: string; basis: BasisView }[] = [];
    for (const key of [...this.transfers.keys()].sort()) {
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
    return (this.timelines.get(code) ?? []).map(toTimelineEntry);
  }

  arrangementTimeline(id: string): TimelineEntry[] {
    return (this.arrangements.get(id)?.events ?? []).map(toTimelineEntry);
  }

  // ---------------------------------------------------------------- attention

  /** Rule 4 and the follow-up duties: what needs someone's attention on `on`. */
  attention(on: CalendarDate, knownAtMs?: number): AttentionItem[] {
    const items: AttentionItem[] = [];
    const known = this.knownArrangements(knownAtMs);
    for (const record of this.arrangements.values()) {
      const events = knownAtMs === undefined ? record.events : record.events.filter((e) => e.recordedAtMs <= knownAtMs);
      if (events.length === 0) continue;
      if (record.kind === 'agreement') items.push(...agreementAttention(known.agreements.get(record.id) as AgreementState, events, on));
      if (record.kind === 'federation') items.push(...reviewAttention(known.federations.get(record.id) as FederationState, on));
      if (record.kind === 'study') {
        const study = events.reduce((s, e) => studyDecider.evolve(s, e.event as StudyEvent), studyDecider.initialState);
        items.push(...studyAttention(study, on));
      }
    }
    for (const [key, entries] of this.transfers) {
      if (entries.length === 0) continue;
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
    const order: AttentionKind[] = ['awaiting-signature', 'awaiting-council-decision', 'agreement-ending', 'provision-lapsed', 'review-overdue', 'study-overdue', 'milestone-overdue'];
    return items.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.due ?? '').localeCompare(b.due ?? '') || a.subject.localeCompare(b.subject));
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
