import { maxDate } from '../shared/calendar-date';
import { Decider } from '../shared/decider';
import { assertNever, FieldError, refuse, refuseFields } from '../shared/domain-error';
import { assertFederationsKnown, assertKnown, assertNew } from '../shared/facts';
import { regionCodeOfName } from '../shared/parties';
import { assertDistinctSuccessors } from '../shared/provider-basis';
import { assertBasisCovers, ResolvedBases } from '../provisions/coverage';
import { AgreementCommand, ProposeAgreement } from './agreement.commands';
import { AgreementEvent } from './agreement.events';
import { reviewRecorded, withReview } from '../federation/review';
import { AgreementState, initialAgreementState, missingCouncilDecisions, missingSignatures, signatories } from './agreement.state';

function decide(command: AgreementCommand, state: AgreementState): AgreementEvent[] {
  if (command.type === 'ProposeAgreement') assertProposalFields(command);
  if ('successors' in command) assertDistinctSuccessors(command.successors);
  if ('unknown' in command) assertKnown(command.unknown);
  if (command.type !== 'ProposeAgreement' && state.status === 'none') refuse('not-found', 'There is no such agreement.');
  switch (command.type) {
    case 'ProposeAgreement':
      assertNew(state.status !== 'none', command);
      assertFederationsKnown(command.unknown);
      assertWellFormed(command);
      return [
        {
          type: 'AgreementProposed',
          data: {
            id: command.id,
            kind: command.kind,
            title: command.title,
            parties: [...new Set(command.parties)],
            otherParties: [...new Set(command.otherParties)],
            ...(command.provider ? { provider: command.provider } : {}),
            buyers: [...new Set(command.buyers)],
            serviceAreas: [...new Set(command.serviceAreas)],
            validFrom: command.validFrom,
            ...(command.validUntil !== undefined ? { validUntil: command.validUntil } : {}),
            councilApprovalRequired: command.councilApprovalRequired,
            ...(command.decidedOn !== undefined ? { decidedOn: command.decidedOn } : {}),
          },
        },
      ];
    // What the party itself did is checked before the agreement's status: both stay true once
    // true, so a refused command sent again (refusals are not stored) gets the same refusal, on
    // any instance, even after another council has rejected the agreement meanwhile.
    case 'SignAgreement': {
      const hasSigned = state.signatures.some((s) => s.party === command.party);
      if (!hasSigned && !signatories(state).includes(command.party) && !closesRecordedTwice(state, command.party)) refuse('not-a-party', `${command.party} is not a party to '${state.id}'; only parties sign.`);
      if (hasSigned) refuse('already-signed', `${command.party} has already signed '${state.id}'.`);
      assertOpenForDecisions(state);
      const signed: AgreementEvent = { type: 'AgreementSigned', data: { id: state.id, party: command.party, signedOn: command.signedOn } };
      return withConclusion(state, signed);
    }
    case 'RecordCouncilDecision': {
      if (!state.parties.includes(command.municipality)) refuse('not-a-party', `${command.municipality} is not a party municipality of '${state.id}'; only their councils decide.`);
      if (state.councilDecisions.some((d) => d.municipality === command.municipality)) refuse('already-decided', `The council of ${command.municipality} has already decided on '${state.id}'.`);
      assertOpenForDecisions(state);
      const decision: AgreementEvent = {
        type: 'CouncilDecisionRecorded',
        data: { id: state.id, municipality: command.municipality, decidedOn: command.decidedOn, outcome: command.outcome, ...(command.reference !== undefined ? { reference: command.reference } : {}) },
      };
      if (command.outcome === 'rejected' && state.councilApprovalRequired) {
        return [decision, { type: 'AgreementRejected', data: { id: state.id, rejectedOn: command.decidedOn, municipality: command.municipality } }];
      }
      return withConclusion(state, decision);
    }
    case 'ExtendAgreement':
      assertNotEnded(state);
      if (state.validUntil === undefined) refuse('dates-out-of-order', `'${state.id}' is open-ended; there is no term to extend.`);
      if (command.validUntil <= state.validUntil) refuse('dates-out-of-order', `The new end ${command.validUntil} must be after the current end ${state.validUntil}.`);
      return [{ type: 'AgreementExtended', data: { id: state.id, validUntil: command.validUntil, previousValidUntil: state.validUntil, decidedOn: command.decidedOn } }];
    case 'TerminateAgreement': {
      assertNotEnded(state);
      if (command.effectiveFrom < state.validFrom) refuse('dates-out-of-order', `'${state.id}' starts on ${state.validFrom}; it cannot end before that.`);
      assertSuccessors(state, command.successors, command.effectiveFrom, command.successorBases);
      return [
        {
          type: 'AgreementTerminated',
          data: { id: state.id, decidedOn: command.decidedOn, effectiveFrom: command.effectiveFrom, reason: command.reason, successors: command.successors },
        },
      ];
    }
    case 'RecordReview':
      return [reviewRecorded(state.id, command)];
    default:
      return assertNever(command);
  }
}

/**
 * Checked before anything else: an agreement has two parties at least, and its kind decides its fields
 * (a 400 naming each): a service agreement moves a service, so it has a provider, buyers (not the
 * provider) and service areas; a letter of intent or a cooperation agreement has no provider and no buyers.
 */
function assertProposalFields(command: ProposeAgreement): void {
  refuseFields(partiesNamedTwice(command));
  if (signatories(command).length < 2) refuse('too-few-members', 'An agreement needs at least two parties (a providing federation or region is one).');
  const service = command.kind === 'service';
  const errors: FieldError[] = [];
  if (service !== (command.provider !== undefined)) errors.push({ field: 'provider', message: 'provider is required for a service agreement, and only a service agreement has one' });
  if (service !== command.buyers.length > 0) errors.push({ field: 'buyers', message: 'buyers (at least one) are required for a service agreement, and only a service agreement has any' });
  if (command.provider?.kind === 'municipality' && command.buyers.includes(command.provider.code)) errors.push({ field: 'buyers', message: 'buyers must not include the providing municipality' });
  if (service && command.serviceAreas.length === 0) errors.push({ field: 'serviceAreas', message: 'a service agreement covers at least one service area' });
  refuseFields(errors);
}

/**
 * A party is one party (domain.md, Decisions): a municipality or region is named by its code, once, and
 * `otherParties` holds only parties without a code. An entry that names a municipality (by the catalog's
 * names, gathered by the caller) belongs among `parties`; one that names the providing region names it twice;
 * two entries that name one region name it twice. A region named only there takes part and signs by its code.
 */
function partiesNamedTwice(command: ProposeAgreement): FieldError[] {
  const errors: FieldError[] = [];
  const parties = new Set(command.parties);
  const municipalities = new Map((command.municipalitiesNamed ?? []).map((m) => [m.name, m.code]));
  const regionsNamed = new Set<string>();
  command.otherParties.forEach((name, i) => {
    const field = `otherParties[${i}]`;
    const municipality = municipalities.get(name);
    if (municipality !== undefined) {
      errors.push({
        field,
        message: parties.has(municipality)
          ? `'${name}' is the party municipality ${municipality}, already named by its code in parties; a party is named once`
          : `'${name}' is the municipality ${municipality}: name it by its code in parties, not in otherParties`,
      });
      return;
    }
    const region = regionCodeOfName(name);
    if (region === undefined) return;
    if (command.provider?.kind === 'region' && command.provider.code === region) {
      errors.push({ field, message: `'${name}' is the providing region ${region}, already named by its code in provider; a party is named once` });
    } else if (regionsNamed.has(region)) {
      errors.push({ field, message: `'${name}' names the region ${region} a second time; a party is named once` });
    }
    regionsNamed.add(region);
  });
  return errors;
}

function assertWellFormed(command: ProposeAgreement): void {
  const parties = new Set(command.parties);
  if (command.validUntil !== undefined && command.validUntil < command.validFrom) refuse('dates-out-of-order', `validUntil ${command.validUntil} is before validFrom ${command.validFrom}.`);
  for (const buyer of command.buyers) if (!parties.has(buyer)) refuse('not-a-party', `The buyer ${buyer} is not among the parties.`);
  if (command.provider?.kind === 'municipality' && !parties.has(command.provider.code)) refuse('not-a-party', `The provider ${command.provider.code} is not among the parties.`);
}

/**
 * An agreement recorded before "a party is one party" with its providing region named also in otherParties
 * signs once, by the region's code (derived on read, `signatories`). One such agreement may have had the
 * code's signature, and every other, but not the name's that the old rule also waited for: complete by the
 * rule of today, yet never concluded. The name may still sign it then, and that signature concludes it.
 */
function closesRecordedTwice(state: AgreementState, party: string): boolean {
  if (state.status !== 'proposed' || state.provider?.kind !== 'region' || !state.otherParties.includes(party)) return false;
  if (regionCodeOfName(party) !== state.provider.code || state.signatures.some((s) => s.party === party)) return false;
  return missingSignatures(state).length === 0 && missingCouncilDecisions(state).length === 0;
}

function assertOpenForDecisions(state: AgreementState): void {
  if (state.status === 'rejected') refuse('agreement-rejected', `'${state.id}' was rejected by a council; it can never be concluded.`);
  if (state.status === 'terminated') refuse('basis-not-in-force', `'${state.id}' is terminated.`);
}

function assertNotEnded(state: AgreementState): void {
  if (state.status === 'rejected') refuse('agreement-rejected', `'${state.id}' was rejected by a council.`);
  if (state.status === 'terminated') refuse('basis-not-in-force', `'${state.id}' is already terminated from ${state.termination?.effectiveFrom}.`);
}

/** Rule 6: the decision that completes every signature and every required approval also concludes the agreement. */
function withConclusion(state: AgreementState, event: AgreementEvent): AgreementEvent[] {
  if (state.status !== 'proposed') return [event];
  const after = evolve(state, event);
  if (missingSignatures(after).length > 0 || missingCouncilDecisions(after).length > 0) return [event];
  const dates = [...after.signatures.map((s) => s.signedOn), ...(after.councilApprovalRequired ? after.councilDecisions.map((d) => d.decidedOn) : [])];
  return [event, { type: 'AgreementConcluded', data: { id: state.id, concludedOn: dates.reduce(maxDate) } }];
}

/** Rule 5 for a termination: successors replace provisions resting on this agreement. */
function assertSuccessors(state: AgreementState, successors: TerminateSuccessors, date: string, bases: ResolvedBases): void {
  for (const successor of successors) {
    if (!state.buyers.includes(successor.municipality)) refuse('not-a-party', `${successor.municipality} buys nothing under '${state.id}', so there is nothing to succeed.`);
    if (!state.serviceAreas.includes(successor.serviceArea)) refuse('area-not-covered', `'${state.id}' does not cover '${successor.serviceArea}'.`);
    if (successor.basis.kind === 'agreement' && successor.basis.id === state.id) refuse('basis-not-in-force', `'${state.id}' cannot succeed itself.`);
    assertBasisCovers(successor.basis, successor.municipality, successor.serviceArea, date, bases);
  }
}

type TerminateSuccessors = Extract<AgreementCommand, { type: 'TerminateAgreement' }>['successors'];

function evolve(state: AgreementState, event: AgreementEvent): AgreementState {
  switch (event.type) {
    case 'AgreementProposed': {
      const d = event.data;
      return {
        ...initialAgreementState,
        status: 'proposed',
        id: d.id,
        kind: d.kind,
        title: d.title,
        parties: d.parties,
        otherParties: d.otherParties,
        ...(d.provider ? { provider: d.provider } : {}),
        buyers: d.buyers,
        serviceAreas: d.serviceAreas,
        validFrom: d.validFrom,
        ...(d.validUntil !== undefined ? { validUntil: d.validUntil } : {}),
        councilApprovalRequired: d.councilApprovalRequired,
        ...(d.decidedOn !== undefined ? { decidedOn: d.decidedOn } : {}),
      };
    }
    case 'AgreementSigned':
      return { ...state, signatures: [...state.signatures, { party: event.data.party, signedOn: event.data.signedOn }] };
    case 'CouncilDecisionRecorded': {
      const { municipality, decidedOn, outcome, reference } = event.data;
      return { ...state, councilDecisions: [...state.councilDecisions, { municipality, decidedOn, outcome, ...(reference !== undefined ? { reference } : {}) }] };
    }
    case 'AgreementConcluded':
      return { ...state, status: 'concluded', concludedOn: event.data.concludedOn };
    case 'AgreementRejected':
      return { ...state, status: 'rejected', rejectedOn: event.data.rejectedOn };
    case 'AgreementExtended':
      return { ...state, validUntil: event.data.validUntil, extensions: [...state.extensions, { validUntil: event.data.validUntil, decidedOn: event.data.decidedOn }] };
    case 'AgreementTerminated': {
      const { decidedOn, effectiveFrom, reason, successors } = event.data;
      return { ...state, status: 'terminated', termination: { decidedOn, effectiveFrom, reason, successors } };
    }
    case 'ReviewRecorded':
      return withReview(state, event.data);
    default:
      return assertNever(event);
  }
}

export const agreementDecider: Decider<AgreementCommand, AgreementEvent, AgreementState> = { decide, evolve, initialState: initialAgreementState };
