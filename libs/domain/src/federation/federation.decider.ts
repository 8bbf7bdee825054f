import { addDays } from '../shared/calendar-date';
import { Decider } from '../shared/decider';
import { assertNever, refuse } from '../shared/domain-error';
import { assertKnown, assertNew } from '../shared/facts';
import { assertDistinctSuccessors, Successor } from '../shared/provider-basis';
import { assertBasisCovers, ResolvedBases } from '../provisions/coverage';
import { FederationCommand } from './federation.commands';
import { FederationEvent } from './federation.events';
import { reviewRecorded, withReview } from './review';
import { FederationState, initialFederationState, isMemberOn, membersOn, openMembership } from './federation.state';

/** Rule 10: a federation needs at least two member municipalities. */
const MINIMUM_MEMBERS = 2;

function decide(command: FederationCommand, state: FederationState): FederationEvent[] {
  if ('successors' in command) assertDistinctSuccessors(command.successors);
  if ('unknown' in command) assertKnown(command.unknown);
  if (command.type !== 'FormFederation' && state.status === 'none') refuse('not-found', 'There is no such federation or joint committee.');
  switch (command.type) {
    case 'FormFederation': {
      assertNew(state.status !== 'none', command);
      const members = [...new Set(command.members)];
      if (members.length < MINIMUM_MEMBERS) refuse('too-few-members', `A ${noun(command.form)} needs at least ${MINIMUM_MEMBERS} member municipalities.`);
      if (command.form === 'joint-committee') {
        if (!command.host) refuse('host-not-member', 'A joint committee needs a host municipality among its members.');
        if (!members.includes(command.host)) refuse('host-not-member', `The host ${command.host} is not among the members.`);
      } else if (command.host !== undefined) {
        refuse('host-not-member', 'Only a joint committee has a host; a federation is its own legal person.');
      }
      return [
        {
          type: 'FederationFormed',
          data: {
            id: command.id,
            name: command.name,
            form: command.form,
            ...(command.host !== undefined ? { host: command.host } : {}),
            members,
            serviceAreas: [...new Set(command.serviceAreas)],
            decidedOn: command.decidedOn,
            effectiveFrom: command.effectiveFrom,
          },
        },
      ];
    }
    case 'JoinFederation': {
      assertNotDissolvedBy(state, command.effectiveFrom);
      if (command.effectiveFrom < state.effectiveFrom) refuse('dates-out-of-order', `A member cannot join before the ${noun(state.form)} is formed (${state.effectiveFrom}).`);
      if (openMembership(state, command.municipality)) refuse('already-exists', `${command.municipality} is already a member of '${state.id}'.`);
      const lastLeft = state.memberships.filter((m) => m.municipality === command.municipality && m.until !== undefined).map((m) => m.until as string).sort().pop();
      if (lastLeft !== undefined && command.effectiveFrom < lastLeft) refuse('dates-out-of-order', `${command.municipality} left on ${lastLeft}; it cannot rejoin before that.`);
      return [{ type: 'MemberJoined', data: { id: state.id, municipality: command.municipality, decidedOn: command.decidedOn, effectiveFrom: command.effectiveFrom } }];
    }
    case 'LeaveFederation': {
      assertNotDissolvedBy(state, command.effectiveFrom);
      const membership = openMembership(state, command.municipality);
      if (!membership) refuse('not-a-member', `${command.municipality} is not a member of '${state.id}'.`);
      if (command.effectiveFrom <= membership.from) refuse('dates-out-of-order', `${command.municipality} joined on ${membership.from}; it cannot leave on or before that.`);
      if (state.form === 'joint-committee' && command.municipality === state.host)
        refuse('host-not-member', `${command.municipality} hosts the joint committee and cannot leave it; dissolve it instead.`);
      // Rule 10 on the day and after every departure already recorded for a later day (before any dissolution).
      const laterDepartures = state.memberships.map((m) => m.until).filter((d): d is string => d !== undefined && d > command.effectiveFrom && !(state.dissolution && d >= state.dissolution.effectiveFrom));
      for (const day of [command.effectiveFrom, ...laterDepartures]) {
        const remaining = membersOn(state, day).filter((m) => m !== command.municipality);
        if (remaining.length < MINIMUM_MEMBERS) refuse('too-few-members', `Without ${command.municipality}, '${state.id}' would have fewer than ${MINIMUM_MEMBERS} members from ${day}; dissolve it instead.`);
      }
      const event: FederationEvent = {
        type: 'MemberLeft',
        data: { id: state.id, municipality: command.municipality, decidedOn: command.decidedOn, effectiveFrom: command.effectiveFrom, successors: command.successors },
      };
      const after = evolve(state, event);
      assertSuccessors(state, after, command.successors, command.effectiveFrom, command.successorBases, (s) => {
        if (s.municipality !== command.municipality) refuse('not-a-member', `A departure names successors only for the leaving municipality ${command.municipality}, not ${s.municipality}.`);
      });
      return [event];
    }
    case 'DissolveFederation': {
      if (state.dissolution) refuse('already-dissolved', `'${state.id}' is already dissolved from ${state.dissolution.effectiveFrom}.`);
      if (command.effectiveFrom <= state.effectiveFrom) refuse('dates-out-of-order', `'${state.id}' was formed on ${state.effectiveFrom}; it cannot be dissolved on or before that.`);
      const event: FederationEvent = {
        type: 'FederationDissolved',
        data: { id: state.id, decidedOn: command.decidedOn, effectiveFrom: command.effectiveFrom, successors: command.successors },
      };
      const after = evolve(state, event);
      const lastDay = addDays(command.effectiveFrom, -1);
      assertSuccessors(state, after, command.successors, command.effectiveFrom, command.successorBases, (s) => {
        if (!isMemberOn(state, s.municipality, lastDay)) refuse('not-a-member', `${s.municipality} is not a member of '${state.id}' when it is dissolved.`);
      });
      return [event];
    }
    case 'RecordReview':
      if (command.reviewedOn < state.decidedOn) refuse('dates-out-of-order', `A review cannot precede the decision to form '${state.id}' (${state.decidedOn}).`);
      return [reviewRecorded(state.id, command)];
    default:
      return assertNever(command);
  }
}

function noun(form: FederationState['form']): string {
  return form === 'joint-committee' ? 'joint committee' : 'federation';
}

function assertNotDissolvedBy(state: FederationState, date: string): void {
  if (state.dissolution && state.dissolution.effectiveFrom <= date) refuse('already-dissolved', `'${state.id}' is dissolved from ${state.dissolution.effectiveFrom}.`);
}

/**
 * Rule 5: every successor must be a provision this decision ends (an area of the charter) and
 * its basis must be in force and cover it on the day (rule 3). A successor on this very
 * federation is checked against the state after the decision.
 */
function assertSuccessors(
  before: FederationState,
  after: FederationState,
  successors: Successor[],
  date: string,
  bases: ResolvedBases,
  assertEnded: (s: Successor) => void,
): void {
  for (const successor of successors) {
    assertEnded(successor);
    if (!before.serviceAreas.includes(successor.serviceArea)) refuse('area-not-covered', `'${before.id}' does not provide '${successor.serviceArea}', so there is nothing to succeed.`);
    const withSelf: ResolvedBases = { federations: { ...bases.federations, [after.id]: after }, agreements: bases.agreements };
    assertBasisCovers(successor.basis, successor.municipality, successor.serviceArea, date, withSelf);
  }
}

function evolve(state: FederationState, event: FederationEvent): FederationState {
  switch (event.type) {
    case 'FederationFormed': {
      const d = event.data;
      return {
        ...initialFederationState,
        status: 'active',
        id: d.id,
        name: d.name,
        form: d.form,
        ...(d.host !== undefined ? { host: d.host } : {}),
        serviceAreas: d.serviceAreas,
        decidedOn: d.decidedOn,
        effectiveFrom: d.effectiveFrom,
        memberships: d.members.map((municipality) => ({ municipality, from: d.effectiveFrom })),
      };
    }
    case 'MemberJoined':
      return { ...state, memberships: [...state.memberships, { municipality: event.data.municipality, from: event.data.effectiveFrom }] };
    case 'MemberLeft':
      return {
        ...state,
        memberships: state.memberships.map((m) => (m.municipality === event.data.municipality && m.until === undefined ? { ...m, until: event.data.effectiveFrom, leftDecidedOn: event.data.decidedOn } : m)),
      };
    case 'FederationDissolved':
      return {
        ...state,
        status: 'dissolved',
        dissolution: { decidedOn: event.data.decidedOn, effectiveFrom: event.data.effectiveFrom, successors: event.data.successors },
      };
    case 'ReviewRecorded':
      return withReview(state, event.data);
    default:
      return assertNever(event);
  }
}

export const federationDecider: Decider<FederationCommand, FederationEvent, FederationState> = { decide, evolve, initialState: initialFederationState };
