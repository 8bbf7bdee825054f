import { Basis, SamverkanEvent, assertNever } from '@samverkan/domain';
import type { ArrangementKind, BasisView, TimelineFacts } from './read-model/types';

function basisText(basis: { kind: string; id?: string }): string {
  return basis.kind === 'in-house' ? 'in-house' : `${basis.kind} ${basis.id}`;
}

/** The line of a ServiceTransferred (the read model keeps transfers without their events). */
export function summarizeTransfer(municipality: string, serviceArea: string, basis: { kind: string; id?: string }, effectiveFrom: string, successorType: string | undefined): string {
  return `${municipality} gets ${serviceArea} on ${basisText(basis)} from ${effectiveFrom}${successorType ? ` (successor named by ${successorType})` : ''}`;
}

/** One line in plain English for a timeline entry. */
export function summarize(event: SamverkanEvent): string {
  switch (event.type) {
    case 'MunicipalityRegistered':
      return `${event.data.name} (${event.data.code}) registered in ${event.data.countyName}`;
    case 'ServiceAreaDefined':
      return `Service area ${event.data.slug} (${event.data.nameEn}) defined`;
    case 'ServiceTransferred':
      return summarizeTransfer(event.data.municipality, event.data.serviceArea, event.data.basis, event.data.effectiveFrom, event.data.successorOf?.type);
    case 'CorrectionRecorded':
      return event.data.replacement
        ? `Transfer ${event.data.corrects.transferId} corrected: ${event.data.replacement.serviceArea} on ${basisText(event.data.replacement.basis)} from ${event.data.replacement.effectiveFrom} (${event.data.reason})`
        : `Transfer ${event.data.corrects.transferId} withdrawn (${event.data.reason})`;
    case 'FederationFormed':
      return `${event.data.form === 'joint-committee' ? 'Joint committee' : 'Federation'} ${event.data.name} formed by ${event.data.members.join(', ')} from ${event.data.effectiveFrom}`;
    case 'MemberJoined':
      return `${event.data.municipality} joins ${event.data.id} from ${event.data.effectiveFrom}`;
    case 'MemberLeft':
      return `${event.data.municipality} leaves ${event.data.id} from ${event.data.effectiveFrom}`;
    case 'FederationDissolved':
      return `${event.data.id} dissolved from ${event.data.effectiveFrom}`;
    case 'ReviewRecorded':
      return `${event.data.id} reviewed on ${event.data.reviewedOn}: ${event.data.outcome}`;
    case 'AgreementProposed':
      return `${event.data.kind === 'service' ? 'Service agreement' : event.data.kind === 'intent' ? 'Letter of intent' : 'Cooperation agreement'} '${event.data.title}' proposed between ${[...event.data.parties, ...event.data.otherParties].join(', ')}`;
    case 'AgreementSigned':
      return `${event.data.party} signs ${event.data.id} on ${event.data.signedOn}`;
    case 'CouncilDecisionRecorded':
      return `The council of ${event.data.municipality} ${event.data.outcome} ${event.data.id} on ${event.data.decidedOn}${event.data.reference ? ` (${event.data.reference})` : ''}`;
    case 'AgreementConcluded':
      return `${event.data.id} concluded on ${event.data.concludedOn}`;
    case 'AgreementRejected':
      return `${event.data.id} rejected by the council of ${event.data.municipality} on ${event.data.rejectedOn}`;
    case 'AgreementExtended':
      return `${event.data.id} extended to ${event.data.validUntil}`;
    case 'AgreementTerminated':
      return `${event.data.id} terminated from ${event.data.effectiveFrom}: ${event.data.reason}`;
    case 'StudyStarted':
      return `Study '${event.data.title}' started by ${event.data.parties.join(', ')} on ${event.data.startedOn}, planned to end ${event.data.plannedEnd}`;
    case 'MilestoneScheduled':
      return `Milestone '${event.data.title}' of ${event.data.id} due ${event.data.due}`;
    case 'MilestoneReached':
      return `Milestone ${event.data.milestoneId} of ${event.data.id} reached on ${event.data.reachedOn}`;
    case 'StudyConcluded':
      return `${event.data.id} concluded on ${event.data.concludedOn}: ${event.data.recommendation}`;
    default:
      return assertNever(event);
  }
}

function basisView(basis: Basis): BasisView {
  return basis.kind === 'in-house' ? { kind: 'in-house' } : { kind: basis.kind, id: basis.id };
}

/** The facts of a ServiceTransferred's line (what `summarizeTransfer` says, as data). */
export function transferFacts(municipality: string, serviceArea: string, basis: Basis, successorType: string | undefined): TimelineFacts {
  return { municipality, serviceArea, basis: basisView(basis), ...(successorType ? { successorOf: successorType } : {}) };
}

/**
 * What `summarize` says of an event, as data (TimelineFacts): the same facts, nothing more.
 * `kindOf` tells an arrangement's kind by its id (a federation's events do not all say its form);
 * `regionName` the name an agreement gives a region that signs by its county code, if it does;
 * `milestoneTitle` the title a study scheduled a milestone with.
 */
export function factsOf(
  event: SamverkanEvent,
  kindOf: (id: string) => ArrangementKind,
  regionName: (agreementId: string, code: string) => string | undefined = () => undefined,
  milestoneTitle: (studyId: string, milestoneId: string) => string | undefined = () => undefined,
): TimelineFacts {
  switch (event.type) {
    case 'MunicipalityRegistered':
      return { municipality: event.data.code, countyName: event.data.countyName };
    case 'ServiceAreaDefined':
      return { serviceArea: event.data.slug };
    case 'ServiceTransferred':
      return transferFacts(event.data.municipality, event.data.serviceArea, event.data.basis, event.data.successorOf?.type);
    case 'CorrectionRecorded': {
      const { replacement } = event.data;
      const correction = { kind: replacement ? ('replaced' as const) : ('withdrawn' as const), transferId: event.data.corrects.transferId };
      return { municipality: event.data.municipality, correction, reason: event.data.reason, ...(replacement ? { serviceArea: replacement.serviceArea, basis: basisView(replacement.basis) } : {}) };
    }
    case 'FederationFormed':
      return { arrangement: { kind: event.data.form, id: event.data.id }, parties: [...event.data.members] };
    case 'MemberJoined':
    case 'MemberLeft':
      return { arrangement: { kind: kindOf(event.data.id), id: event.data.id }, municipality: event.data.municipality };
    case 'FederationDissolved':
    case 'AgreementTerminated': {
      const facts: TimelineFacts = { arrangement: { kind: kindOf(event.data.id), id: event.data.id } };
      return event.type === 'AgreementTerminated' ? { ...facts, reason: event.data.reason } : facts;
    }
    case 'ReviewRecorded':
      return { arrangement: { kind: kindOf(event.data.id), id: event.data.id }, on: event.data.reviewedOn, outcome: event.data.outcome };
    case 'AgreementProposed':
      return { arrangement: { kind: 'agreement', id: event.data.id }, agreementKind: event.data.kind, parties: [...event.data.parties], otherParties: [...event.data.otherParties] };
    case 'AgreementSigned': {
      const party = event.data.party;
      const name = /^\d{2}$/.test(party) ? regionName(event.data.id, party) : undefined;
      const region = name === undefined ? { kind: 'region' as const, code: party } : { kind: 'region' as const, code: party, name };
      const ref = /^\d{4}$/.test(party) ? { kind: 'municipality' as const, code: party } : /^\d{2}$/.test(party) ? region : kindOf(party) === 'federation' ? { kind: 'federation' as const, id: party } : { kind: 'other' as const, name: party };
      return { arrangement: { kind: 'agreement', id: event.data.id }, party: ref, on: event.data.signedOn };
    }
    case 'CouncilDecisionRecorded':
      return { arrangement: { kind: 'agreement', id: event.data.id }, municipality: event.data.municipality, outcome: event.data.outcome, on: event.data.decidedOn, ...(event.data.reference ? { reference: event.data.reference } : {}) };
    case 'AgreementConcluded':
      return { arrangement: { kind: 'agreement', id: event.data.id }, on: event.data.concludedOn };
    case 'AgreementRejected':
      return { arrangement: { kind: 'agreement', id: event.data.id }, municipality: event.data.municipality, on: event.data.rejectedOn };
    case 'AgreementExtended':
      return { arrangement: { kind: 'agreement', id: event.data.id }, until: event.data.validUntil };
    case 'StudyStarted':
      return { arrangement: { kind: 'study', id: event.data.id }, parties: [...event.data.parties], on: event.data.startedOn, until: event.data.plannedEnd };
    case 'MilestoneScheduled':
      return { arrangement: { kind: 'study', id: event.data.id }, milestone: { id: event.data.milestoneId, title: event.data.title }, due: event.data.due };
    case 'MilestoneReached':
    {
      // The event names the milestone by id; its title is the one the study scheduled it with.
      const title = milestoneTitle(event.data.id, event.data.milestoneId);
      return { arrangement: { kind: 'study', id: event.data.id }, milestone: { id: event.data.milestoneId, ...(title !== undefined ? { title } : {}) }, on: event.data.reachedOn };
    }
    case 'StudyConcluded':
      return { arrangement: { kind: 'study', id: event.data.id }, on: event.data.concludedOn, outcome: event.data.recommendation };
    default:
      return assertNever(event);
  }
}

/** The date a decision takes effect, for timelines. */
export function effectiveDateOf(event: SamverkanEvent): string | undefined {
  switch (event.type) {
    case 'ServiceTransferred':
    case 'FederationFormed':
    case 'MemberJoined':
    case 'MemberLeft':
    case 'FederationDissolved':
    case 'AgreementTerminated':
      return event.data.effectiveFrom;
    case 'AgreementProposed':
      return event.data.validFrom;
    case 'CorrectionRecorded':
      return event.data.replacement?.effectiveFrom;
    case 'StudyStarted':
      return event.data.startedOn;
    default:
      return undefined;
  }
}
