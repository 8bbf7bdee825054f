import { SamverkanEvent, assertNever } from '@samverkan/domain';

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
