import { CalendarDate } from '../shared/calendar-date';
import { refuse } from '../shared/domain-error';
import { Basis, ProviderRef } from '../shared/provider-basis';
import { FederationState, federationInForceOn, isMemberOn } from '../federation/federation.state';
import { AgreementState, agreementInForceOn } from '../agreement/agreement.state';

/**
 * The current state of the arrangements a command's bases name, loaded by the caller
 * before deciding (deciders do no I/O). An agreement provided by a federation brings
 * that federation along.
 */
export interface ResolvedBases {
  federations: Record<string, FederationState>;
  agreements: Record<string, AgreementState>;
}

export const NO_RESOLVED_BASES: ResolvedBases = Object.freeze({ federations: {}, agreements: {} });

/**
 * Rule 3: a transfer of `serviceArea` to `municipality` from `date` on `basis` is accepted
 * only if the basis is in force on that date and covers it. Throws the refusal; returns
 * the provider the basis implies.
 */
export function assertBasisCovers(basis: Basis, municipality: string, serviceArea: string, date: CalendarDate, bases: ResolvedBases): ProviderRef {
  switch (basis.kind) {
    case 'in-house':
      return { kind: 'municipality', code: municipality };
    case 'federation':
    case 'joint-committee': {
      const federation = bases.federations[basis.id];
      const noun = basis.kind === 'federation' ? 'federation' : 'joint committee';
      if (!federation || federation.status === 'none' || federation.form !== basis.kind) refuse('not-found', `There is no ${noun} '${basis.id}'.`);
      if (federation.dissolution && federation.dissolution.effectiveFrom <= date)
        refuse('already-dissolved', `The ${noun} '${basis.id}' is dissolved from ${federation.dissolution.effectiveFrom}.`);
      if (!federationInForceOn(federation, date)) refuse('basis-not-in-force', `The ${noun} '${basis.id}' is not in force on ${date} (formed ${federation.effectiveFrom}).`);
      if (!isMemberOn(federation, municipality, date)) refuse('not-a-member', `${municipality} is not a member of '${basis.id}' on ${date}.`);
      if (!federation.serviceAreas.includes(serviceArea)) refuse('area-not-covered', `The charter of '${basis.id}' does not list '${serviceArea}'.`);
      return federation.form === 'joint-committee' ? { kind: 'municipality', code: federation.host as string } : { kind: 'federation', id: federation.id };
    }
    case 'agreement': {
      const agreement = bases.agreements[basis.id];
      if (!agreement || agreement.status === 'none') refuse('not-found', `There is no agreement '${basis.id}'.`);
      if (agreement.kind !== 'service') refuse('basis-not-in-force', `'${basis.id}' is a ${agreement.kind === 'intent' ? 'letter of intent' : 'cooperation agreement'}: it moves no service.`);
      if (agreement.status === 'rejected') refuse('agreement-rejected', `The agreement '${basis.id}' was rejected by a council.`);
      if (!agreementInForceOn(agreement, date)) refuse('basis-not-in-force', describeAgreementNotInForce(agreement, date));
      if (!agreement.buyers.includes(municipality)) refuse('not-a-party', `${municipality} is not a buyer under '${basis.id}'.`);
      if (!agreement.serviceAreas.includes(serviceArea)) refuse('area-not-covered', `The agreement '${basis.id}' does not cover '${serviceArea}'.`);
      const provider = agreement.provider as ProviderRef;
      if (provider.kind === 'federation') {
        const federation = bases.federations[provider.id];
        if (federation?.dissolution && federation.dissolution.effectiveFrom <= date)
          refuse('already-dissolved', `The providing federation '${provider.id}' is dissolved from ${federation.dissolution.effectiveFrom}.`);
      }
      return provider;
    }
    default:
      // Input is validated before it gets here; this keeps a malformed basis out of the log regardless.
      return refuse('validation-failed', `Unknown basis kind '${String((basis as { kind?: unknown }).kind)}'.`);
  }
}

function describeAgreementNotInForce(agreement: AgreementState, date: CalendarDate): string {
  if (agreement.concludedOn === undefined) return `The agreement '${agreement.id}' is not concluded.`;
  if (agreement.termination && date >= agreement.termination.effectiveFrom) return `The agreement '${agreement.id}' is terminated from ${agreement.termination.effectiveFrom}.`;
  return `${date} is outside the term of '${agreement.id}' (${agreement.validFrom} to ${agreement.validUntil ?? 'open-ended'}).`;
}
