import { CalendarDate } from '../shared/calendar-date';
import { FederationState } from '../federation/federation.state';
import { AgreementState } from './agreement.state';

/** How an agreement is shown: its state's status, except that a concluded one whose term ended is 'expired'. */
export type AgreementStatus = 'proposed' | 'concluded' | 'expired' | 'rejected' | 'terminated';

/** `expired` is a concluded agreement whose term ended before `today`. */
export function agreementStatus(state: Pick<AgreementState, 'status' | 'validUntil'>, today: CalendarDate): AgreementStatus {
  if (state.status === 'concluded' && state.validUntil !== undefined && state.validUntil < today) return 'expired';
  return state.status === 'none' ? 'proposed' : state.status;
}

/** Why an agreement ended without an event of its own: its providing federation was dissolved. */
export interface AgreementEndedBy {
  kind: 'provider-dissolved';
  federation: string;
  /** The dissolution's `effectiveFrom`: the first day the agreement no longer holds. */
  effectiveFrom: CalendarDate;
}

/** The federation an agreement's provider names, looked up among the federations known at the moment asked about. */
export function providingFederationId(state: Pick<AgreementState, 'provider'>): string | undefined {
  return state.provider?.kind === 'federation' ? state.provider.id : undefined;
}

/**
 * Decision: a dissolved provider ends its agreements. A concluded agreement whose providing
 * federation is dissolved ends on the dissolution's `effectiveFrom`, unless it ended before by
 * itself: its term's last day (`validUntil`) is before that day, or a termination of its own takes
 * effect on or before it. Derived on read from the federation's `FederationDissolved` (the
 * agreement's stream has no event for it); undefined when it does not apply. A proposal or a
 * rejected agreement binds no one and is not ended by it.
 */
export function providerDissolution(
  state: Pick<AgreementState, 'status' | 'provider' | 'validUntil' | 'termination'>,
  provider: Pick<FederationState, 'id' | 'dissolution'> | undefined,
): AgreementEndedBy | undefined {
  if (state.status !== 'concluded' && state.status !== 'terminated') return undefined;
  const id = providingFederationId(state);
  const dissolution = provider?.dissolution;
  if (id === undefined || provider?.id !== id || dissolution === undefined) return undefined;
  const from = dissolution.effectiveFrom;
  if (state.validUntil !== undefined && state.validUntil < from) return undefined;
  if (state.termination !== undefined && state.termination.effectiveFrom <= from) return undefined;
  return { kind: 'provider-dissolved', federation: id, effectiveFrom: from };
}

/** An agreement's status as every view shows it on `today`, and why it ended when no event of its own says so. */
export interface AgreementStatusView {
  status: AgreementStatus;
  endedBy?: AgreementEndedBy;
}

/**
 * The one status every view shows: `agreementStatus`, except that from the day its providing
 * federation's dissolution takes effect (`providerDissolution`) the agreement is `terminated`
 * with `endedBy`. Before that day it is as its own events make it. `provider` is the providing
 * federation as known at the moment asked about (undefined: none, or not known then).
 */
export function agreementStatusView(
  state: Pick<AgreementState, 'status' | 'provider' | 'validUntil' | 'termination'>,
  today: CalendarDate,
  provider?: Pick<FederationState, 'id' | 'dissolution'>,
): AgreementStatusView {
  const endedBy = providerDissolution(state, provider);
  if (endedBy !== undefined && endedBy.effectiveFrom <= today) return { status: 'terminated', endedBy };
  return { status: agreementStatus(state, today) };
}
