import { fold } from '../shared/decider';
import { Basis, ProviderRef, Successor } from '../shared/provider-basis';
import { CalendarDate } from '../shared/calendar-date';
import { federationDecider } from '../federation/federation.decider';
import { FederationEvent, FederationForm } from '../federation/federation.events';
import { FederationState } from '../federation/federation.state';
import { agreementDecider } from '../agreement/agreement.decider';
import { AgreementEvent, AgreementProposed, AgreementTerms } from '../agreement/agreement.events';
import { AgreementState, signatories } from '../agreement/agreement.state';
import { ResolvedBases } from '../provisions/coverage';
import { KnownArrangements, TimelineTransfer } from '../provisions/provision-timeline';

/** Municipalities of the seed stories (SCB codes). */
export const LINKOPING = '0580';
export const NORRKOPING = '0581';
export const FINSPANG = '0562';
export const KATRINEHOLM = '0483';
export const ATVIDABERG = '0561';

export function federationFormed(
  options: { id?: string; form?: FederationForm; host?: string; members?: string[]; serviceAreas?: string[]; decidedOn?: CalendarDate; effectiveFrom?: CalendarDate } = {},
): FederationEvent {
  return {
    type: 'FederationFormed',
    data: {
      id: options.id ?? 'fjarde-storstadsregionen',
      name: 'Kommunalförbundet 4:e storstadsregionen',
      form: options.form ?? 'federation',
      ...(options.host !== undefined ? { host: options.host } : {}),
      members: options.members ?? [LINKOPING, NORRKOPING],
      serviceAreas: options.serviceAreas ?? ['payroll', 'procurement'],
      decidedOn: options.decidedOn ?? '2007-06-01',
      effectiveFrom: options.effectiveFrom ?? '2008-01-01',
    },
  };
}

export function memberJoined(id: string, municipality: string, effectiveFrom: CalendarDate): FederationEvent {
  return { type: 'MemberJoined', data: { id, municipality, decidedOn: effectiveFrom, effectiveFrom } };
}

export function memberLeft(id: string, municipality: string, effectiveFrom: CalendarDate, successors: Successor[] = []): FederationEvent {
  return { type: 'MemberLeft', data: { id, municipality, decidedOn: effectiveFrom, effectiveFrom, successors } };
}

export function federationDissolved(id: string, effectiveFrom: CalendarDate, successors: Successor[] = [], decidedOn: CalendarDate = effectiveFrom): FederationEvent {
  return { type: 'FederationDissolved', data: { id, decidedOn, effectiveFrom, successors } };
}

/** A service agreement: Linköping buys payroll from Norrköping 2020-01-01 to 2022-12-31, councils must approve. */
export function agreementTerms(overrides: Partial<AgreementTerms> = {}): AgreementTerms {
  return {
    id: 'lkp-buys-payroll-2020',
    kind: 'service',
    title: 'Linköping köper löneadministration av Norrköping',
    parties: [LINKOPING, NORRKOPING],
    otherParties: [],
    provider: { kind: 'municipality', code: NORRKOPING },
    buyers: [LINKOPING],
    serviceAreas: ['payroll', 'hr-administration'],
    validFrom: '2020-01-01',
    validUntil: '2022-12-31',
    councilApprovalRequired: true,
    decidedOn: '2019-10-07',
    ...overrides,
  };
}

/** The proposal of agreementTerms, as recorded. */
export function agreementProposed(overrides: Partial<AgreementProposed['data']> = {}): AgreementEvent {
  return { type: 'AgreementProposed', data: agreementTerms(overrides) };
}

export function signed(id: string, party: string, signedOn: CalendarDate): AgreementEvent {
  return { type: 'AgreementSigned', data: { id, party, signedOn } };
}

export function councilDecided(id: string, municipality: string, decidedOn: CalendarDate, outcome: 'approved' | 'rejected' = 'approved'): AgreementEvent {
  return { type: 'CouncilDecisionRecorded', data: { id, municipality, decidedOn, outcome } };
}

export function concluded(id: string, concludedOn: CalendarDate): AgreementEvent {
  return { type: 'AgreementConcluded', data: { id, concludedOn } };
}

export function extended(id: string, validUntil: CalendarDate, previousValidUntil: CalendarDate, decidedOn: CalendarDate): AgreementEvent {
  return { type: 'AgreementExtended', data: { id, validUntil, previousValidUntil, decidedOn } };
}

export function terminated(id: string, effectiveFrom: CalendarDate, successors: Successor[] = []): AgreementEvent {
  return { type: 'AgreementTerminated', data: { id, decidedOn: effectiveFrom, effectiveFrom, reason: 'test', successors } };
}

/** A proposed agreement that every party has signed and (when required) approved, concluded on `on`. */
export function concludedAgreement(overrides: Partial<AgreementProposed['data']> = {}, on: CalendarDate = '2019-12-15'): AgreementEvent[] {
  const proposed = agreementProposed(overrides);
  const data = (proposed as Extract<AgreementEvent, { type: 'AgreementProposed' }>).data;
  const signers = signatories(data);
  return [
    proposed,
    ...signers.map((p) => signed(data.id, p, on)),
    ...(data.councilApprovalRequired ? data.parties.map((m) => councilDecided(data.id, m, on)) : []),
    concluded(data.id, on),
  ];
}

export const federationState = (events: FederationEvent[]): FederationState => fold(federationDecider, events);
export const agreementState = (events: AgreementEvent[]): AgreementState => fold(agreementDecider, events);

export function resolved(federations: FederationState[] = [], agreements: AgreementState[] = []): ResolvedBases {
  return {
    federations: Object.fromEntries(federations.map((f) => [f.id, f])),
    agreements: Object.fromEntries(agreements.map((a) => [a.id, a])),
  };
}

export function known(federations: FederationState[] = [], agreements: AgreementState[] = []): KnownArrangements {
  return { federations: new Map(federations.map((f) => [f.id, f])), agreements: new Map(agreements.map((a) => [a.id, a])) };
}

let order = 0;
/** A timeline transfer; `order` increases with every call unless given (rule 2's "recorded last"). */
export function transfer(effectiveFrom: CalendarDate, basis: Basis, provider: ProviderRef, options: { order?: number; transferId?: string } = {}): TimelineTransfer {
  const o = options.order ?? ++order;
  return {
    transferId: options.transferId ?? `t-${o}`,
    basis,
    provider,
    decidedOn: effectiveFrom,
    effectiveFrom,
    order: o,
    recordedAt: new Date(Date.UTC(2020, 0, 1) + o * 1000).toISOString(),
  };
}
