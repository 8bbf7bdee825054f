import { CommandContext, derivedId } from '@samverkan/commands';
import {
  AgreementCommand,
  AgreementEvent,
  AgreementState,
  Basis,
  CalendarDate,
  Decider,
  DomainError,
  DomainEvent,
  SamverkanEvent,
  FederationCommand,
  FederationEvent,
  FederationState,
  NO_RESOLVED_BASES,
  ProviderRef,
  ResolvedBases,
  StudyCommand,
  StudyEvent,
  StudyState,
  TransferFacts,
  addDays,
  agreementDecider,
  agreementEndsOn,
  assertBasisCovers,
  federationDecider,
  minDate,
  municipalityDecider,
  serviceAreaDecider,
  signatories,
  streams,
  studyDecider,
} from '@samverkan/domain';
import { MunicipalityRecord, loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { Random } from '../support/random';
import { RecordingClock, StoreSink, commandContext, seederContext, toAppend } from './recording';

/**
 * A synthetic but valid history of the register, appended through the store:
 *
 * 1. the reference data, exactly as the service's seeder records it (290 municipalities,
 *    the service-area vocabulary);
 * 2. a few hundred federations and joint committees, service agreements, letters of intent
 *    and cooperation agreements (with their signatures, council decisions, conclusions and
 *    rejections), and a few studies, each decided by the domain's own deciders, so every
 *    event is one the service would have recorded;
 * 3. the rest: ServiceTransferred on bases that cover them on their effective date (checked
 *    with the domain's rule-3 check, `assertBasisCovers`), a few corrections, and, spread over
 *    the transfers, the later life of the arrangements (departures, dissolutions, extensions,
 *    terminations, reviews), after which transfers respect the new state.
 *
 * Metadata is what the command path writes (command ids, actor, source, recordedAt in commit
 * order, schema version, and for 40 % of commands an Idempotency-Key with the request hash).
 * Transfers are appended in batches per municipality stream (the generator's only shortcut).
 */
export interface HistoryOptions {
  events: number;
  seed: number;
  onProgress?: (appended: number) => void;
}

export interface HistoryStats {
  events: number;
  appendCalls: number;
  byType: Record<string, number>;
  federations: number;
  agreements: number;
  studies: number;
  /** Commands the deciders or the rule-3 check refused (skipped, not recorded). */
  refused: number;
  seconds: number;
}

const HISTORY_FROM = '2008-01-01T07:00:00.000Z';
const HISTORY_TO = '2025-06-30T15:00:00.000Z';
/** Open-ended bases get transfers effective up to this day. */
const LAST_DAY = '2030-12-31';
/** Transfers buffered per municipality stream before one batch append. */
const FLUSH_AT = 256;
/** The transfer phase is cut in this many epochs; the arrangements' later events fall between them. */
const EPOCHS = 10;

interface County {
  code: string;
  slug: string;
  short: string;
  members: string[];
}

/** A cell a transfer may move to a basis, and the days on which the basis covers it. */
interface TransferOption {
  code: string;
  area: string;
  basis: Basis;
  from: CalendarDate;
  to: CalendarDate;
  bases: ResolvedBases;
}

interface RecentTransfer {
  transferId: string;
  area: string;
  option?: TransferOption;
}

interface Step {
  events: SamverkanEvent[];
  context: CommandContext;
}

/** One arrangement's stream, decided by its decider. */
class Aggregate<C, E extends DomainEvent, S> {
  state: S;

  constructor(
    readonly id: string,
    readonly stream: string,
    private readonly decider: Decider<C, E, S>,
  ) {
    this.state = decider.initialState;
  }

  /** The events the decider decides (the state moves on), or undefined when it refuses. */
  decide(command: C): E[] | undefined {
    try {
      const events = this.decider.decide(command, this.state);
      for (const event of events) this.state = this.decider.evolve(this.state, event);
      return events;
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
  }
}

type Federation = Aggregate<FederationCommand, FederationEvent, FederationState>;
type Agreement = Aggregate<AgreementCommand, AgreementEvent, AgreementState>;
type Study = Aggregate<StudyCommand, StudyEvent, StudyState>;

function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function addYears(date: CalendarDate, years: number): CalendarDate {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

class HistoryGenerator {
  private readonly random: Random;
  private readonly clock: RecordingClock;
  private readonly municipalities: MunicipalityRecord[] = loadMunicipalities();
  private readonly areaNames = new Map(loadServiceAreas().map((a) => [a.slug, a.nameSv]));
  private readonly areas = [...this.areaNames.keys()];
  private readonly counties: County[];
  private readonly federations = new Map<string, Federation>();
  private readonly agreements = new Map<string, Agreement>();
  private readonly studies = new Map<string, Study>();
  /** The arrangements' later life, decided between the transfer epochs against the state of the day. */
  private readonly later: (() => { aggregate: Federation | Agreement; step: Step } | undefined)[] = [];
  private readonly pending = new Map<string, Step[]>();
  private pendingEvents = 0;
  private readonly recent = new Map<string, RecentTransfer[]>();
  private readonly corrected = new Set<string>();
  private readonly byType: Record<string, number> = {};
  private refused = 0;

  constructor(
    private readonly sink: StoreSink,
    private readonly options: HistoryOptions,
  ) {
    this.random = new Random(options.seed);
    this.clock = new RecordingClock(HISTORY_FROM, HISTORY_TO, options.events);
    const byCounty = new Map<string, County>();
    for (const m of this.municipalities) {
      let county = byCounty.get(m.countyCode);
      if (!county) {
        county = { code: m.countyCode, slug: slugify(m.countyName.replace(/ län$/, '')), short: m.countyName.replace(/s? län$/, ''), members: [] };
        byCounty.set(m.countyCode, county);
      }
      county.members.push(m.code);
    }
    this.counties = [...byCounty.values()].filter((c) => c.members.length >= 2);
  }

  private get total(): number {
    return this.sink.appended + this.pendingEvents;
  }

  async run(): Promise<HistoryStats> {
    const started = process.hrtime.bigint();
    // Arrangements scale down for small smoke runs so that transfers stay the bulk of the log.
    const scale = Math.max(0.02, Math.min(1, this.options.events / 100_000));
    await this.referenceData();
    const federations = Math.round(220 * scale);
    const agreements = Math.round(320 * scale);
    const studies = Math.round(30 * scale);
    for (let i = 0; i < federations; i++) await this.formFederation(i);
    for (let i = 0; i < agreements; i++) await this.agreement(i);
    for (let i = 0; i < studies; i++) await this.study(i);
    await this.transfers();
    return {
      events: this.sink.appended,
      appendCalls: this.sink.appendCalls,
      byType: this.byType,
      federations: this.federations.size,
      agreements: this.agreements.size,
      studies: this.studies.size,
      refused: this.refused,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  }

  // ---------------------------------------------------------------- appending

  private async write(stream: string, steps: Step[]): Promise<void> {
    const events = steps.flatMap((s) => toAppend(s.events, stream, s.context, this.clock.tick()));
    for (const e of events) this.byType[e.type] = (this.byType[e.type] ?? 0) + 1;
    await this.sink.append(stream, events);
    this.options.onProgress?.(this.sink.appended);
  }

  private context(path: string, body: unknown): CommandContext {
    return commandContext(this.random, { method: 'POST', path, body });
  }

  /** Decides on an aggregate; a refusal is counted and skipped. */
  private step<C>(aggregate: { decide(command: C): SamverkanEvent[] | undefined }, command: C, path: string, body: unknown): Step | undefined {
    const events = aggregate.decide(command);
    if (!events) {
      this.refused++;
      return undefined;
    }
    return { events, context: this.context(path, body) };
  }

  // ---------------------------------------------------------------- reference data

  private async referenceData(): Promise<void> {
    for (const m of this.municipalities) {
      const events = municipalityDecider.decide({ type: 'RegisterMunicipality', ...m }, municipalityDecider.initialState);
      await this.write(streams.municipality(m.code), [{ events, context: seederContext(`register-municipality/${m.code}`) }]);
    }
    for (const area of loadServiceAreas()) {
      const events = serviceAreaDecider.decide({ type: 'DefineServiceArea', ...area }, serviceAreaDecider.initialState);
      await this.write(streams.serviceArea(area.slug), [{ events, context: seederContext(`define-service-area/${area.slug}`) }]);
    }
  }

  // ---------------------------------------------------------------- arrangements

  private firstOfMonth(fromYear: number, toYear: number): CalendarDate {
    return `${this.random.int(fromYear, toYear)}-${String(this.random.int(1, 12)).padStart(2, '0')}-01`;
  }

  private dateBetween(from: CalendarDate, to: CalendarDate): CalendarDate {
    return addDays(from, this.random.int(0, Math.max(0, daysBetween(from, to))));
  }

  private async formFederation(i: number): Promise<void> {
    const county = this.random.pick(this.counties);
    const members = this.random.sample(county.members, this.random.int(2, Math.min(8, county.members.length)));
    const form = this.random.chance(0.3) ? ('joint-committee' as const) : ('federation' as const);
    const serviceAreas = this.random.sample(this.areas, this.random.int(1, 5));
    const effectiveFrom = this.firstOfMonth(2000, 2023);
    const decidedOn = addDays(effectiveFrom, -this.random.int(30, 240));
    const id = `${county.slug}-${form === 'federation' ? 'forbund' : 'namnd'}-${i + 1}`;
    const name =
      form === 'federation'
        ? `Kommunalförbundet ${county.short} ${i + 1}`
        : `Gemensamma nämnden för ${(this.areaNames.get(serviceAreas[0]) ?? serviceAreas[0]).toLowerCase()} i ${county.short} (${i + 1})`;
    const federation: Federation = new Aggregate(id, streams.federation(id), federationDecider);
    this.federations.set(id, federation);
    const steps: (Step | undefined)[] = [];
    const formBody = { id, name, form, ...(form === 'joint-committee' ? { host: members[0] } : {}), members, serviceAreas, decidedOn, effectiveFrom };
    steps.push(this.step(federation, { type: 'FormFederation', ...formBody }, '/v1/federations', formBody));
    if (this.random.chance(0.3)) {
      for (const municipality of this.random.sample(county.members.filter((c) => !members.includes(c)), this.random.int(1, 2))) {
        const joinOn = addDays(effectiveFrom, this.random.int(180, 2500));
        const body = { municipality, decidedOn: addDays(joinOn, -this.random.int(30, 120)), effectiveFrom: joinOn };
        steps.push(this.step(federation, { type: 'JoinFederation', ...body }, `/v1/federations/${id}/members`, body));
      }
    }
    if (this.random.chance(0.4)) steps.push(this.review(federation, addDays(effectiveFrom, this.random.int(200, 3000)), `/v1/federations/${id}/reviews`));
    await this.write(federation.stream, steps.filter((s): s is Step => s !== undefined));

    if (this.random.chance(0.12))
      this.later.push(() => {
        const s = federation.state;
        const open = s.memberships.filter((m) => m.until === undefined && m.municipality !== s.host);
        if (open.length === 0) return undefined;
        const membership = this.random.pick(open);
        const leaveOn = addDays(membership.from, this.random.int(200, 3000));
        const body = { municipality: membership.municipality, decidedOn: addDays(leaveOn, -this.random.int(60, 200)), effectiveFrom: leaveOn, successors: [] };
        const step = this.step(federation, { type: 'LeaveFederation', ...body, successorBases: NO_RESOLVED_BASES }, `/v1/federations/${id}/departures`, body);
        return step && { aggregate: federation, step };
      });
    if (this.random.chance(0.08))
      this.later.push(() => {
        const dissolveOn = addDays(federation.state.effectiveFrom, this.random.int(365, 6000));
        const body = { decidedOn: addDays(dissolveOn, -this.random.int(90, 300)), effectiveFrom: dissolveOn, successors: [] };
        const step = this.step(federation, { type: 'DissolveFederation', ...body, successorBases: NO_RESOLVED_BASES }, `/v1/federations/${id}/dissolution`, body);
        return step && { aggregate: federation, step };
      });
    if (this.random.chance(0.5))
      this.later.push(() => {
        const step = this.review(federation, addDays(federation.state.effectiveFrom, this.random.int(400, 6000)), `/v1/federations/${id}/reviews`);
        return step && { aggregate: federation, step };
      });
  }

  private review(aggregate: Federation | Agreement, reviewedOn: CalendarDate, path: string): Step | undefined {
    const body = { reviewedOn, outcome: this.random.pick(['continue', 'continue', 'continue', 'revise', 'end'] as const) };
    return this.step(aggregate as Federation, { type: 'RecordReview', ...body }, path, body);
  }

  private async agreement(i: number): Promise<void> {
    const county = this.random.pick(this.counties);
    const parties = this.random.sample(county.members, this.random.int(2, Math.min(6, county.members.length)));
    const r = this.random.next();
    const kind = r < 0.8 ? ('service' as const) : r < 0.9 ? ('intent' as const) : ('cooperation' as const);
    let provider: ProviderRef | undefined;
    let buyers: string[] = [];
    if (kind === 'service') {
      const p = this.random.next();
      const providers = [...this.federations.values()].filter((f) => f.state.status === 'active' && f.state.form === 'federation');
      if (p < 0.55) {
        provider = { kind: 'municipality', code: parties[0] };
        buyers = parties.slice(1);
      } else if (p < 0.85 || providers.length === 0) {
        provider = { kind: 'region', code: county.code };
        buyers = [...parties];
      } else {
        provider = { kind: 'federation', id: this.random.pick(providers).id };
        buyers = [...parties];
      }
    }
    const serviceAreas = this.random.sample(this.areas, this.random.int(1, 3));
    const validFrom = this.firstOfMonth(2005, 2024);
    const validUntil = this.random.chance(0.6) ? addDays(addYears(validFrom, this.random.int(2, 6)), -1) : undefined;
    const decidedOn = addDays(validFrom, -this.random.int(20, 150));
    const councilApprovalRequired = this.random.chance(0.5);
    const id = `${county.slug}-avtal-${i + 1}`;
    const what = kind === 'service' ? 'Avtal om' : kind === 'intent' ? 'Avsiktsförklaring om' : 'Samverkansavtal om';
    const title = `${what} ${(this.areaNames.get(serviceAreas[0]) ?? serviceAreas[0]).toLowerCase()} i ${county.short} (${i + 1})`;
    const otherParties = this.random.chance(0.1) ? [this.random.pick(['Inera AB', 'Adda Inköpscentral AB', 'Sveriges Kommuner och Regioner'])] : [];
    const agreement: Agreement = new Aggregate(id, streams.agreement(id), agreementDecider);
    this.agreements.set(id, agreement);

    const proposal = {
      id,
      kind,
      title,
      parties,
      otherParties,
      ...(provider ? { provider } : {}),
      buyers,
      serviceAreas,
      validFrom,
      ...(validUntil ? { validUntil } : {}),
      councilApprovalRequired,
      decidedOn,
    };
    const steps: (Step | undefined)[] = [this.step(agreement, { type: 'ProposeAgreement', ...proposal }, '/v1/agreements', proposal)];
    // Signatures and council decisions in some order; the one that completes them concludes it (rule 6).
    const decisions = councilApprovalRequired ? parties : this.random.chance(0.2) ? this.random.sample(parties, this.random.int(1, parties.length)) : [];
    const todo = this.random.shuffle([...signatories(agreement.state).map((party) => ({ sign: party })), ...decisions.map((municipality) => ({ decide: municipality }))]);
    if (this.random.chance(0.08)) todo.pop(); // still awaiting one signature or decision
    let day = decidedOn;
    for (const item of todo) {
      day = addDays(day, this.random.int(0, 20));
      if ('sign' in item) {
        const body = { party: item.sign, signedOn: day };
        steps.push(this.step(agreement, { type: 'SignAgreement', ...body }, `/v1/agreements/${id}/signatures`, body));
      } else {
        const body = { municipality: item.decide, decidedOn: day, outcome: this.random.chance(0.04) ? ('rejected' as const) : ('approved' as const), reference: `KS ${day.slice(0, 4)}/${this.random.int(10, 999)}` };
        steps.push(this.step(agreement, { type: 'RecordCouncilDecision', ...body }, `/v1/agreements/${id}/council-decisions`, body));
      }
    }
    await this.write(agreement.stream, steps.filter((s): s is Step => s !== undefined));

    if (this.random.chance(0.15))
      this.later.push(() => {
        const until = agreement.state.validUntil;
        if (until === undefined) return undefined;
        const body = { validUntil: addYears(until, this.random.int(1, 3)), decidedOn: addDays(until, -this.random.int(30, 120)) };
        const step = this.step(agreement, { type: 'ExtendAgreement', ...body }, `/v1/agreements/${id}/extensions`, body);
        return step && { aggregate: agreement, step };
      });
    if (this.random.chance(0.08))
      this.later.push(() => {
        const endOn = addDays(agreement.state.validFrom, this.random.int(180, 2500));
        const body = { decidedOn: addDays(endOn, -this.random.int(60, 180)), effectiveFrom: endOn, reason: 'Uppsagt av part enligt avtalets villkor', successors: [] };
        const step = this.step(agreement, { type: 'TerminateAgreement', ...body, successorBases: NO_RESOLVED_BASES }, `/v1/agreements/${id}/termination`, body);
        return step && { aggregate: agreement, step };
      });
    if (this.random.chance(0.4))
      this.later.push(() => {
        const step = this.review(agreement, addDays(agreement.state.validFrom, this.random.int(100, 3000)), `/v1/agreements/${id}/reviews`);
        return step && { aggregate: agreement, step };
      });
  }

  private async study(i: number): Promise<void> {
    const county = this.random.pick(this.counties);
    const parties = this.random.sample(county.members, this.random.int(2, Math.min(5, county.members.length)));
    const startedOn = this.firstOfMonth(2012, 2024);
    const plannedEnd = addDays(startedOn, this.random.int(180, 900));
    const id = `${county.slug}-forstudie-${i + 1}`;
    const study: Study = new Aggregate(id, streams.study(id), studyDecider);
    this.studies.set(id, study);
    const serviceAreas = this.random.sample(this.areas, this.random.int(1, 3));
    const start = {
      id,
      kind: this.random.pick(['feasibility', 'development-project', 'organisational-review'] as const),
      title: `Förstudie om gemensam ${(this.areaNames.get(serviceAreas[0]) ?? serviceAreas[0]).toLowerCase()} i ${county.short}`,
      parties,
      otherParties: [],
      owner: parties[0],
      ...(this.random.chance(0.3) ? { funder: 'Tillväxtverket' } : {}),
      serviceAreas,
      startedOn,
      plannedEnd,
    };
    const steps: (Step | undefined)[] = [this.step(study, { type: 'StartStudy', ...start }, '/v1/studies', start)];
    const milestones = this.random.int(1, 3);
    for (let k = 1; k <= milestones; k++) {
      const body = { milestoneId: `m${k}`, title: `Delrapport ${k}`, due: this.dateBetween(startedOn, plannedEnd) };
      steps.push(this.step(study, { type: 'ScheduleMilestone', ...body }, `/v1/studies/${id}/milestones`, body));
      if (this.random.chance(0.6)) {
        const reached = { milestoneId: body.milestoneId, reachedOn: addDays(body.due, this.random.int(-20, 40)) };
        steps.push(this.step(study, { type: 'ReachMilestone', ...reached }, `/v1/studies/${id}/milestones/${body.milestoneId}/reached`, reached));
      }
    }
    if (this.random.chance(0.5)) {
      const body = { concludedOn: addDays(plannedEnd, this.random.int(-30, 90)), recommendation: this.random.pick(['proceed', 'partly', 'do-not-proceed'] as const), summary: 'Slutrapport överlämnad till kommunstyrelserna.' };
      steps.push(this.step(study, { type: 'ConcludeStudy', ...body }, `/v1/studies/${id}/conclusion`, body));
    }
    await this.write(study.stream, steps.filter((s): s is Step => s !== undefined));
  }

  // ---------------------------------------------------------------- transfers

  private async transfers(): Promise<void> {
    const later = this.random.shuffle([...this.later]);
    const perEpoch = Math.max(0, Math.floor((this.options.events - this.total - later.length) / EPOCHS));
    const laterPerGap = Math.ceil(later.length / (EPOCHS - 1));
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const options = this.transferOptions();
      const until = epoch === EPOCHS - 1 ? this.options.events : Math.min(this.options.events, this.total + perEpoch);
      while (this.total < until) {
        const stream = this.nextTransfer(options);
        const buffered = stream ? this.pending.get(stream) : undefined;
        if (stream && buffered && buffered.length >= FLUSH_AT) await this.flush(stream);
      }
      await this.flushAll();
      if (epoch === EPOCHS - 1) break;
      // The arrangements move on; the next epoch's transfers are checked against their new state.
      for (const decideLater of later.slice(epoch * laterPerGap, (epoch + 1) * laterPerGap)) {
        if (this.total >= this.options.events) break;
        const decided = decideLater();
        if (decided) await this.write(decided.aggregate.stream, [decided.step]);
      }
    }
  }

  private async flush(stream: string): Promise<void> {
    const steps = this.pending.get(stream);
    if (!steps || steps.length === 0) return;
    this.pending.delete(stream);
    this.pendingEvents -= steps.reduce((n, s) => n + s.events.length, 0);
    await this.write(stream, steps);
  }

  private async flushAll(): Promise<void> {
    for (const stream of [...this.pending.keys()]) await this.flush(stream);
  }

  /** Every (municipality, area, basis) a transfer may name today, with the days the basis covers it. */
  private transferOptions(): TransferOption[] {
    const options: TransferOption[] = [];
    for (const { state: f } of this.federations.values()) {
      if (f.status === 'none') continue;
      const bases: ResolvedBases = { federations: { [f.id]: f }, agreements: {} };
      for (const m of f.memberships) {
        const from = m.from > f.effectiveFrom ? m.from : f.effectiveFrom;
        const end = minDate(m.until, f.dissolution?.effectiveFrom);
        const to = end ? addDays(end, -1) : LAST_DAY;
        if (to < from) continue;
        for (const area of f.serviceAreas) options.push({ code: m.municipality, area, basis: { kind: f.form, id: f.id }, from, to, bases });
      }
    }
    for (const { state: a } of this.agreements.values()) {
      if (a.kind !== 'service' || a.concludedOn === undefined || a.status === 'rejected') continue;
      const providerFederation = a.provider?.kind === 'federation' ? this.federations.get(a.provider.id)?.state : undefined;
      const bases: ResolvedBases = { federations: providerFederation ? { [providerFederation.id]: providerFederation } : {}, agreements: { [a.id]: a } };
      const end = minDate(agreementEndsOn(a), providerFederation?.dissolution?.effectiveFrom);
      const to = end ? minDate(addDays(end, -1), LAST_DAY)! : LAST_DAY;
      if (to < a.validFrom) continue;
      for (const code of a.buyers) for (const area of a.serviceAreas) options.push({ code, area, basis: { kind: 'agreement', id: a.id }, from: a.validFrom, to, bases });
    }
    return options;
  }

  /** Decides one transfer (or, rarely, a correction); returns the stream it was buffered for. */
  private nextTransfer(options: TransferOption[]): string | undefined {
    if (this.random.chance(0.004)) {
      const stream = this.correction();
      if (stream) return stream;
    }
    let option: TransferOption | undefined;
    let code: string;
    let area: string;
    let basis: Basis;
    let effectiveFrom: CalendarDate;
    let provider: ProviderRef;
    if (options.length === 0 || this.random.chance(0.12)) {
      // Taken back in-house: always valid.
      code = this.random.pick(this.municipalities).code;
      area = this.random.pick(this.areas);
      basis = { kind: 'in-house' };
      effectiveFrom = this.dateBetween('2000-01-01', LAST_DAY);
      provider = { kind: 'municipality', code };
    } else {
      option = this.random.pick(options);
      ({ code, area, basis } = option);
      effectiveFrom = this.dateBetween(option.from, option.to);
      try {
        provider = assertBasisCovers(basis, code, area, effectiveFrom, option.bases);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        this.refused++;
        return undefined;
      }
    }
    const decidedOn = addDays(effectiveFrom, -this.random.int(0, 120));
    const body = { serviceArea: area, basis, decidedOn, effectiveFrom };
    const context = this.context(`/v1/municipalities/${code}/transfers`, body);
    const facts: TransferFacts = { transferId: derivedId(context, 'transfer'), municipality: code, serviceArea: area, basis, provider, decidedOn, effectiveFrom };
    this.remember(code, { transferId: facts.transferId, area, option });
    return this.buffer(streams.municipality(code), { events: [{ type: 'ServiceTransferred', data: facts }], context });
  }

  /** Rule 8: a recorded transfer is withdrawn, or replaced by one with another effective date. */
  private correction(): string | undefined {
    const codes = [...this.recent.keys()];
    if (codes.length === 0) return undefined;
    const code = this.random.pick(codes);
    const candidates = (this.recent.get(code) ?? []).filter((t) => !this.corrected.has(t.transferId));
    if (candidates.length === 0) return undefined;
    const target = this.random.pick(candidates);
    let replacement: Omit<TransferFacts, 'transferId'> | undefined;
    if (this.random.chance(0.3)) {
      const option = target.option;
      const effectiveFrom = option ? this.dateBetween(option.from, option.to) : this.dateBetween('2000-01-01', LAST_DAY);
      const basis: Basis = option ? option.basis : { kind: 'in-house' };
      try {
        const provider = option ? assertBasisCovers(basis, code, target.area, effectiveFrom, option.bases) : ({ kind: 'municipality', code } as const);
        replacement = { municipality: code, serviceArea: target.area, basis, provider, decidedOn: addDays(effectiveFrom, -this.random.int(0, 60)), effectiveFrom };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    const reason = replacement ? 'Fel ikraftträdandedatum i ursprunglig registrering' : 'Registrerad på fel kommun';
    const body = { transferId: target.transferId, reason, ...(replacement ? { replacement } : {}) };
    const context = this.context(`/v1/municipalities/${code}/corrections`, body);
    const replacementFacts = replacement ? { transferId: derivedId(context, 'replacement-transfer'), ...replacement } : undefined;
    this.corrected.add(target.transferId);
    if (replacementFacts) this.remember(code, { transferId: replacementFacts.transferId, area: target.area, option: target.option });
    const data = { municipality: code, corrects: { transferId: target.transferId, type: 'ServiceTransferred' as const }, reason, ...(replacementFacts ? { replacement: replacementFacts } : {}) };
    return this.buffer(streams.municipality(code), { events: [{ type: 'CorrectionRecorded', data }], context });
  }

  private remember(code: string, transfer: RecentTransfer): void {
    const list = this.recent.get(code);
    if (!list) this.recent.set(code, [transfer]);
    else {
      list.push(transfer);
      if (list.length > 32) list.shift();
    }
  }

  private buffer(stream: string, step: Step): string {
    const list = this.pending.get(stream);
    if (list) list.push(step);
    else this.pending.set(stream, [step]);
    this.pendingEvents += step.events.length;
    return stream;
  }
}

/** Generates `events` events into the store (see HistoryGenerator). */
export async function generateHistory(sink: StoreSink, options: HistoryOptions): Promise<HistoryStats> {
  return new HistoryGenerator(sink, options).run();
}
