/**
 * A small in-memory "world" for the property tests: event streams, one global log, and a router
 * that sends each step to its decider the way libs/commands does. It folds the aggregate's own
 * stream, loads the arrangements a basis or successor names (with the federation that provides
 * under an agreement), gathers the facts the deciders refuse on (what the catalogue does not know:
 * registered municipalities, defined service areas, formed federations; what holds an id in the
 * shared id space of arrangements), and, after a dissolution, departure or termination,
 * records each named successor as a transfer on the municipality's own stream (rule 5).
 *
 * Every state handed to a decider, and every command, is deep-frozen: a decider that edited what
 * it was given would throw (rule 8, nothing is edited).
 */
import { AgreementCommand } from '../../agreement/agreement.commands';
import { agreementDecider } from '../../agreement/agreement.decider';
import { AgreementState } from '../../agreement/agreement.state';
import { FederationCommand } from '../../federation/federation.commands';
import { federationDecider } from '../../federation/federation.decider';
import { FederationState } from '../../federation/federation.state';
import { MunicipalityCommand } from '../../municipality/municipality.commands';
import { municipalityDecider } from '../../municipality/municipality.decider';
import { ResolvedBases } from '../../provisions/coverage';
import { serviceAreaDecider } from '../../service-area/service-area';
import { Decider, DomainEvent, fold } from '../../shared/decider';
import { DomainError } from '../../shared/domain-error';
import { reviewedAs, Unknowns } from '../../shared/facts';
import { ARRANGEMENT_CATEGORIES, ArrangementCategory } from '../../streams';
import { Basis, ProviderRef, Successor } from '../../shared/provider-basis';
import { StudyCommand } from '../../study/study.commands';
import { studyDecider } from '../../study/study.decider';
import { LoggedEvent } from './naive-register';

/** What a sender asks for: the command without the facts the router loads (bases, ids it derives). */
export type Step =
  | { type: 'FormFederation'; id: string; form: 'federation' | 'joint-committee'; host?: string; members: string[]; serviceAreas: string[]; decidedOn: string; effectiveFrom: string }
  | { type: 'JoinFederation'; id: string; municipality: string; decidedOn: string; effectiveFrom: string }
  | { type: 'LeaveFederation'; id: string; municipality: string; decidedOn: string; effectiveFrom: string; successors: Successor[] }
  | { type: 'DissolveFederation'; id: string; decidedOn: string; effectiveFrom: string; successors: Successor[] }
  | { type: 'RecordReview'; id: string; reviewedOn: string; outcome: 'continue' | 'revise' | 'end' }
  | {
      type: 'ProposeAgreement';
      id: string;
      kind: 'service' | 'intent' | 'cooperation';
      parties: string[];
      otherParties: string[];
      provider?: ProviderRef;
      buyers: string[];
      serviceAreas: string[];
      validFrom: string;
      validUntil?: string;
      councilApprovalRequired: boolean;
      decidedOn?: string;
    }
  | { type: 'SignAgreement'; id: string; party: string; signedOn: string }
  | { type: 'RecordCouncilDecision'; id: string; municipality: string; decidedOn: string; outcome: 'approved' | 'rejected' }
  | { type: 'ExtendAgreement'; id: string; validUntil: string; decidedOn: string }
  | { type: 'TerminateAgreement'; id: string; decidedOn: string; effectiveFrom: string; successors: Successor[] }
  | { type: 'TransferService'; municipality: string; serviceArea: string; basis: Basis; decidedOn: string; effectiveFrom: string }
  /** `pick` chooses one of the municipality's recorded transfers or replacements, corrected or not (one time in four, or when there is none, a transfer that does not exist). */
  | { type: 'CorrectTransfer'; municipality: string; pick: number; replacement?: { serviceArea: string; basis: Basis; decidedOn: string; effectiveFrom: string } }
  | { type: 'StartStudy'; id: string; parties: string[]; owner?: string; serviceAreas: string[]; startedOn: string; plannedEnd: string }
  | { type: 'ScheduleMilestone'; id: string; milestoneId: string; due: string }
  | { type: 'ReachMilestone'; id: string; milestoneId: string; reachedOn: string }
  | { type: 'ConcludeStudy'; id: string; concludedOn: string };

/** One decision: the command the router built, what it appended, or why it was refused. */
export interface Outcome {
  step: Step;
  /** The stream the decision was for (undefined when refused before a stream was chosen). */
  stream?: string;
  appended: LoggedEvent[];
  refusal?: DomainError;
  /** The same domain command decided again on the stream as it is now (rule 9). Undefined when refused. */
  repeat?: () => DomainEvent[];
  /** Successor transfers recorded for this decision (rule 5), each its own decision. */
  successors: Outcome[];
}

type AnyDecider = Decider<unknown, DomainEvent, unknown>;

export class World {
  readonly log: LoggedEvent[] = [];
  private readonly streams = new Map<string, LoggedEvent[]>();
  private clock = Date.parse('2025-01-01T08:00:00.000Z');
  private commandCount = 0;

  constructor(
    readonly municipalities: readonly string[],
    readonly serviceAreas: readonly string[],
  ) {
    for (const code of municipalities) {
      this.decideOn(municipalityDecider, `municipality-${code}`, { type: 'RegisterMunicipality', code, name: `Kommun ${code}`, countyCode: code.slice(0, 2), countyName: `Län ${code.slice(0, 2)}` });
    }
    for (const slug of serviceAreas) this.decideOn(serviceAreaDecider, `servicearea-${slug}`, { type: 'DefineServiceArea', slug, nameSv: slug, nameEn: slug });
  }

  stream(name: string): readonly LoggedEvent[] {
    return this.streams.get(name) ?? [];
  }

  federation(id: string): FederationState {
    return fold(federationDecider, this.stream(`federation-${id}`).map(asDomainEvent) as never);
  }

  agreement(id: string): AgreementState {
    return fold(agreementDecider, this.stream(`agreement-${id}`).map(asDomainEvent) as never);
  }

  /** Runs one step. Refusals are returned; any other error (a decider crashing) is thrown. */
  run(step: Step): Outcome {
    try {
      return this.route(step);
    } catch (error) {
      if (error instanceof DomainError) return { step, appended: [], refusal: error, successors: [] };
      throw error;
    }
  }

  private route(step: Step): Outcome {
    const commandNo = ++this.commandCount;
    switch (step.type) {
      case 'FormFederation': {
        const { type: _, ...rest } = step;
        const unknown = this.unknown([...step.members, ...(step.host ? [step.host] : [])], step.serviceAreas);
        return this.decide(federationDecider, `federation-${step.id}`, step, { type: 'FormFederation', name: `Förbund ${step.id}`, ...rest, unknown, idTakenBy: this.heldBy(step.id) } satisfies FederationCommand);
      }
      case 'JoinFederation': {
        const unknown = this.unknown([step.municipality], []);
        return this.decide(federationDecider, `federation-${step.id}`, step, { type: 'JoinFederation', municipality: step.municipality, decidedOn: step.decidedOn, effectiveFrom: step.effectiveFrom, unknown } satisfies FederationCommand);
      }
      case 'LeaveFederation': {
        const unknown = this.unknown([step.municipality, ...step.successors.map((s) => s.municipality)], step.successors.map((s) => s.serviceArea));
        const command: FederationCommand = { type: 'LeaveFederation', municipality: step.municipality, decidedOn: step.decidedOn, effectiveFrom: step.effectiveFrom, successors: step.successors, successorBases: this.resolve(step.successors.map((s) => s.basis)), unknown };
        return this.withSuccessors(this.decide(federationDecider, `federation-${step.id}`, step, command), step);
      }
      case 'DissolveFederation': {
        const unknown = this.unknown(step.successors.map((s) => s.municipality), step.successors.map((s) => s.serviceArea));
        const command: FederationCommand = { type: 'DissolveFederation', decidedOn: step.decidedOn, effectiveFrom: step.effectiveFrom, successors: step.successors, successorBases: this.resolve(step.successors.map((s) => s.basis)), unknown };
        return this.withSuccessors(this.decide(federationDecider, `federation-${step.id}`, step, command), step);
      }
      case 'RecordReview': {
        const command = { type: 'RecordReview' as const, reviewedOn: step.reviewedOn, outcome: step.outcome };
        if (reviewedAs(step.id, this.heldBy(step.id)) === 'federation') return this.decide(federationDecider, `federation-${step.id}`, step, command);
        return this.decide(agreementDecider, `agreement-${step.id}`, step, command);
      }
      case 'ProposeAgreement': {
        const { type: _, ...rest } = step;
        const { provider } = step;
        const unknown = {
          ...this.unknown([...step.parties, ...step.buyers, ...(provider?.kind === 'municipality' ? [provider.code] : [])], step.serviceAreas),
          federations: provider?.kind === 'federation' && !(this.federation(provider.id).status !== 'none' && this.federation(provider.id).form === 'federation') ? [provider.id] : [],
        };
        return this.decide(agreementDecider, `agreement-${step.id}`, step, { type: 'ProposeAgreement', title: `Avtal ${step.id}`, ...rest, unknown, idTakenBy: this.heldBy(step.id) } satisfies AgreementCommand);
      }
      case 'SignAgreement':
        return this.decide(agreementDecider, `agreement-${step.id}`, step, { type: 'SignAgreement', party: step.party, signedOn: step.signedOn } satisfies AgreementCommand);
      case 'RecordCouncilDecision':
        return this.decide(agreementDecider, `agreement-${step.id}`, step, { type: 'RecordCouncilDecision', municipality: step.municipality, decidedOn: step.decidedOn, outcome: step.outcome } satisfies AgreementCommand);
      case 'ExtendAgreement':
        return this.decide(agreementDecider, `agreement-${step.id}`, step, { type: 'ExtendAgreement', validUntil: step.validUntil, decidedOn: step.decidedOn } satisfies AgreementCommand);
      case 'TerminateAgreement': {
        const unknown = this.unknown(step.successors.map((s) => s.municipality), step.successors.map((s) => s.serviceArea));
        const command: AgreementCommand = { type: 'TerminateAgreement', decidedOn: step.decidedOn, effectiveFrom: step.effectiveFrom, reason: 'property test', successors: step.successors, successorBases: this.resolve(step.successors.map((s) => s.basis)), unknown };
        return this.withSuccessors(this.decide(agreementDecider, `agreement-${step.id}`, step, command), step);
      }
      case 'TransferService':
        return this.transfer(step, `t-${commandNo}`);
      case 'CorrectTransfer': {
        // Any transfer recorded, or recorded as a replacement: corrected or not (a correction may itself be corrected).
        const recorded = this.stream(`municipality-${step.municipality}`).flatMap((e) => (e.type === 'ServiceTransferred' ? [e.data.transferId] : e.type === 'CorrectionRecorded' && e.data.replacement ? [e.data.replacement.transferId] : []));
        // Every other time, one a correction already named or recorded as a replacement, when there is one (a correction of a correction).
        const corrected = this.stream(`municipality-${step.municipality}`).flatMap((e) => (e.type === 'CorrectionRecorded' ? [e.data.corrects.transferId, ...(e.data.replacement ? [e.data.replacement.transferId] : [])] : []));
        const candidates = corrected.length > 0 && step.pick % 2 === 0 ? corrected : recorded;
        const transferId = candidates.length > 0 && step.pick % 4 !== 3 ? candidates[(step.pick >> 1) % candidates.length] : `no-such-transfer-${step.pick}`;
        const r = step.replacement;
        const command: MunicipalityCommand = {
          type: 'CorrectTransfer',
          transferId,
          reason: 'property test',
          ...(r ? { replacement: { transferId: `r-${commandNo}`, ...r } } : {}),
          bases: r ? this.resolve([r.basis]) : { federations: {}, agreements: {} },
          unknown: this.unknown([], r ? [r.serviceArea] : []),
        };
        return this.decide(municipalityDecider, `municipality-${step.municipality}`, step, command);
      }
      case 'StartStudy': {
        const { type: _, ...rest } = step;
        const unknown = this.unknown([...step.parties, ...(step.owner !== undefined ? [step.owner] : [])], step.serviceAreas);
        return this.decide(studyDecider, `study-${step.id}`, step, { type: 'StartStudy', kind: 'feasibility', title: `Studie ${step.id}`, otherParties: [], ...rest, unknown, idTakenBy: this.heldBy(step.id) } satisfies StudyCommand);
      }
      case 'ScheduleMilestone':
        return this.decide(studyDecider, `study-${step.id}`, step, { type: 'ScheduleMilestone', milestoneId: step.milestoneId, title: step.milestoneId, due: step.due } satisfies StudyCommand);
      case 'ReachMilestone':
        return this.decide(studyDecider, `study-${step.id}`, step, { type: 'ReachMilestone', milestoneId: step.milestoneId, reachedOn: step.reachedOn } satisfies StudyCommand);
      case 'ConcludeStudy':
        return this.decide(studyDecider, `study-${step.id}`, step, { type: 'ConcludeStudy', concludedOn: step.concludedOn, recommendation: 'proceed', summary: 'property test' } satisfies StudyCommand);
    }
  }

  private transfer(step: Extract<Step, { type: 'TransferService' }>, transferId: string, successorOf?: { stream: string; eventId: string; type: string }): Outcome {
    const command: MunicipalityCommand = {
      type: 'TransferService',
      transferId,
      serviceArea: step.serviceArea,
      basis: step.basis,
      decidedOn: step.decidedOn,
      effectiveFrom: step.effectiveFrom,
      bases: this.resolve([step.basis]),
      ...(successorOf ? { successorOf } : {}),
      unknown: this.unknown([], [step.serviceArea]),
    };
    return this.decide(municipalityDecider, `municipality-${step.municipality}`, step, command);
  }

  /** Rule 5, as the process manager does it: each successor becomes a transfer effective the same day. */
  private withSuccessors(outcome: Outcome, step: Extract<Step, { successors: Successor[] }>): Outcome {
    const deciding = outcome.appended.find((e) => e.type === 'FederationDissolved' || e.type === 'MemberLeft' || e.type === 'AgreementTerminated');
    if (!deciding) return outcome;
    step.successors.forEach((successor, index) => {
      const transferStep: Step = { type: 'TransferService', municipality: successor.municipality, serviceArea: successor.serviceArea, basis: successor.basis, decidedOn: step.decidedOn, effectiveFrom: step.effectiveFrom };
      outcome.successors.push(this.run0(() => this.transfer(transferStep, `s-${deciding.id}-${index}`, { stream: deciding.stream, eventId: deciding.id, type: deciding.type }), transferStep));
    });
    return outcome;
  }

  private run0(action: () => Outcome, step: Step): Outcome {
    try {
      return action();
    } catch (error) {
      if (error instanceof DomainError) return { step, appended: [], refusal: error, successors: [] };
      throw error;
    }
  }

  /** The arrangements the bases name, as they are now, with an agreement's providing federation (ArrangementLoader.resolve). */
  private resolve(bases: Basis[]): ResolvedBases {
    const resolved: ResolvedBases = { federations: {}, agreements: {} };
    for (const basis of bases) {
      if (basis.kind === 'federation' || basis.kind === 'joint-committee') resolved.federations[basis.id] ??= this.federation(basis.id);
      else if (basis.kind === 'agreement') {
        const agreement = (resolved.agreements[basis.id] ??= this.agreement(basis.id));
        if (agreement.provider?.kind === 'federation') resolved.federations[agreement.provider.id] ??= this.federation(agreement.provider.id);
      }
    }
    return deepFreeze(resolved);
  }

  /** What the catalogue does not know of these, as the handlers gather it for the decider (Catalog.unknown). */
  private unknown(municipalities: string[], areas: string[]): Unknowns {
    return { municipalities: municipalities.filter((code) => this.stream(`municipality-${code}`).length === 0), serviceAreas: areas.filter((slug) => this.stream(`servicearea-${slug}`).length === 0) };
  }

  /** Which kind of arrangement holds `id`: they share one id space (ArrangementLoader.kindOf). */
  private heldBy(id: string): ArrangementCategory | undefined {
    return ARRANGEMENT_CATEGORIES.find((category) => this.stream(`${category}-${id}`).length > 0);
  }

  private decide(decider: AnyDecider, stream: string, step: Step, command: unknown): Outcome {
    const frozen = deepFreeze(structuredClone(command));
    const appended = this.decideOn(decider, stream, frozen);
    return { step, stream, appended, successors: [], repeat: () => decider.decide(frozen, deepFreeze(this.fold(decider, stream))) };
  }

  private fold(decider: AnyDecider, stream: string): unknown {
    return fold(decider, this.stream(stream).map(asDomainEvent));
  }

  private decideOn(decider: AnyDecider, stream: string, command: unknown): LoggedEvent[] {
    const decided = decider.decide(command, deepFreeze(this.fold(decider, stream)));
    const list = this.streams.get(stream) ?? [];
    this.clock += 1000;
    const appended = decided.map(
      (event, index) =>
        // The deciders decide the register's events, so each is one of LoggedEvent's.
        ({
          position: this.log.length + 1 + index,
          stream,
          revision: list.length + index,
          id: `${stream}@${list.length + index}`,
          type: event.type,
          // Stored as JSON, as the stores do: nothing the decider keeps can reach into the log.
          data: deepFreeze(JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>),
          recordedAt: new Date(this.clock).toISOString(),
        }) as LoggedEvent,
    );
    this.streams.set(stream, [...list, ...appended]);
    this.log.push(...appended);
    return appended;
  }
}

function asDomainEvent(e: LoggedEvent): DomainEvent {
  return { type: e.type, data: e.data };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
