import { spec } from '../testing/decider-spec';
import {
  agreementProposed,
  agreementState,
  agreementTerms,
  ATVIDABERG,
  concluded,
  concludedAgreement,
  councilDecided,
  extended,
  federationFormed,
  federationState,
  FINSPANG,
  KATRINEHOLM,
  LINKOPING,
  NORRKOPING,
  resolved,
  signed,
  terminated,
} from '../testing/fixtures';
import { NO_RESOLVED_BASES, ResolvedBases } from '../provisions/coverage';
import { Successor } from '../shared/provider-basis';
import { agreementDecider } from './agreement.decider';
import { AgreementCommand, ProposeAgreement, TerminateAgreement } from './agreement.commands';
import { AgreementEvent } from './agreement.events';

const AGR = 'lkp-buys-payroll-2020';
const FED = 'fjarde-storstadsregionen';
const agreement = spec(agreementDecider);

/** The proposal agreementProposed records (Linköping buys payroll from Norrköping, lkp-buys-payroll-2020). */
const propose = (overrides: Partial<ProposeAgreement> = {}): ProposeAgreement => ({ type: 'ProposeAgreement', ...agreementTerms(), ...overrides });

const sign = (party: string, signedOn: string): AgreementCommand => ({ type: 'SignAgreement', party, signedOn });
const decide = (municipality: string, decidedOn: string, outcome: 'approved' | 'rejected' = 'approved', reference?: string): AgreementCommand => ({
  type: 'RecordCouncilDecision',
  municipality,
  decidedOn,
  outcome,
  ...(reference ? { reference } : {}),
});
const extend = (validUntil: string): AgreementCommand => ({ type: 'ExtendAgreement', validUntil, decidedOn: '2022-06-01' });
const terminate = (effectiveFrom: string, successors: Successor[] = [], successorBases: ResolvedBases = NO_RESOLVED_BASES): TerminateAgreement => ({
  type: 'TerminateAgreement',
  decidedOn: '2021-03-01',
  effectiveFrom,
  reason: 'Linköping tar tillbaka lönehanteringen',
  successors,
  successorBases,
});
const review: AgreementCommand = { type: 'RecordReview', reviewedOn: '2021-02-01', outcome: 'continue' };

const proposed = agreementProposed({ id: AGR });
const rejection: AgreementEvent[] = [councilDecided(AGR, LINKOPING, '2019-11-20', 'rejected'), { type: 'AgreementRejected', data: { id: AGR, rejectedOn: '2019-11-20', municipality: LINKOPING } }];
const concludedEvents = concludedAgreement({ id: AGR }, '2019-12-15');

describe('agreement decider: proposal', () => {
  it('proposes a service agreement, removing duplicates', () => {
    agreement
      .given([])
      .when(propose({ parties: [LINKOPING, NORRKOPING, LINKOPING], buyers: [LINKOPING, LINKOPING], serviceAreas: ['payroll', 'hr-administration', 'payroll'] }))
      .then([proposed]);
  });

  it('proposes an open-ended agreement without decidedOn, leaving both out of the event', () => {
    const { validUntil: _u, decidedOn: _d, ...rest } = propose();
    const [event] = agreementDecider.decide(rest, agreementDecider.initialState);
    expect(Object.keys(event.data)).not.toContain('validUntil');
    expect(Object.keys(event.data)).not.toContain('decidedOn');
    agreement.given([]).when(rest).then([agreementProposed({ validUntil: undefined, decidedOn: undefined })]);
  });

  it('refuses an id that exists', () => {
    agreement.given([proposed]).when(propose()).thenRefuses('already-exists');
  });

  it('refuses fewer than two parties, counting parties that are not municipalities', () => {
    agreement.given([]).when(propose({ kind: 'intent', parties: [LINKOPING], provider: undefined, buyers: [] })).thenRefuses('too-few-members');
    agreement.given([]).when(propose({ kind: 'intent', parties: [LINKOPING, LINKOPING], provider: undefined, buyers: [] })).thenRefuses('too-few-members');
    agreement
      .given([])
      .when(propose({ kind: 'cooperation', parties: [LINKOPING], otherParties: ['Region Östergötland'], provider: undefined, buyers: [] }))
      .then([agreementProposed({ kind: 'cooperation', parties: [LINKOPING], otherParties: ['Region Östergötland'], provider: undefined, buyers: [] })]);
  });

  // Regression: the providing federation or region signs as a party (signatories), but was not
  // counted, so Finspång buying procurement from the federation (seed S2) was refused as too few parties.
  it('counts a providing federation or region as a party: one buyer municipality is enough', () => {
    const fromFederation = { parties: [FINSPANG], provider: { kind: 'federation' as const, id: FED }, buyers: [FINSPANG], serviceAreas: ['procurement'] };
    agreement.given([]).when(propose(fromFederation)).then([agreementProposed(fromFederation)]);
    const fromRegion = { parties: [LINKOPING], provider: { kind: 'region' as const, code: '05' }, buyers: [LINKOPING] };
    agreement.given([]).when(propose(fromRegion)).then([agreementProposed(fromRegion)]);
    agreement.given([]).when(propose({ parties: [NORRKOPING], buyers: [] })).thenRefuses('too-few-members');
  });

  it('refuses validUntil before validFrom; accepts a one-day term', () => {
    agreement.given([]).when(propose({ validUntil: '2019-12-31' })).thenRefuses('dates-out-of-order');
    agreement
      .given([])
      .when(propose({ validUntil: '2020-01-01' }))
      .then([agreementProposed({ validUntil: '2020-01-01' })]);
  });

  it('refuses a service agreement without a provider, buyers or areas', () => {
    agreement.given([]).when(propose({ provider: undefined })).thenRefuses('validation-failed');
    agreement.given([]).when(propose({ buyers: [] })).thenRefuses('validation-failed');
    agreement.given([]).when(propose({ serviceAreas: [] })).thenRefuses('validation-failed');
  });

  it('refuses a buyer that is not a party', () => {
    agreement.given([]).when(propose({ buyers: [LINKOPING, FINSPANG] })).thenRefuses('not-a-party');
  });

  it('refuses a provider municipality that is not a party', () => {
    agreement.given([]).when(propose({ provider: { kind: 'municipality', code: FINSPANG } })).thenRefuses('not-a-party');
  });

  it('refuses a provider that is also a buyer', () => {
    agreement.given([]).when(propose({ buyers: [LINKOPING, NORRKOPING] })).thenRefuses('validation-failed');
  });

  it('accepts a federation as provider without listing it among the party municipalities', () => {
    agreement
      .given([])
      .when(propose({ provider: { kind: 'federation', id: FED }, buyers: [LINKOPING, NORRKOPING] }))
      .then([agreementProposed({ provider: { kind: 'federation', id: FED }, buyers: [LINKOPING, NORRKOPING] })]);
  });

  it('refuses a provider or buyers on a letter of intent or a cooperation agreement (they move no service)', () => {
    agreement.given([]).when(propose({ kind: 'intent', buyers: [] })).thenRefuses('validation-failed');
    agreement.given([]).when(propose({ kind: 'intent', provider: undefined })).thenRefuses('validation-failed');
    agreement.given([]).when(propose({ kind: 'cooperation', buyers: [] })).thenRefuses('validation-failed');
    agreement.given([]).when(propose({ kind: 'cooperation', provider: undefined })).thenRefuses('validation-failed');
  });

  it('accepts a letter of intent with parties and areas only', () => {
    const intent = { kind: 'intent' as const, provider: undefined, buyers: [], parties: [KATRINEHOLM, FINSPANG, NORRKOPING], councilApprovalRequired: false };
    agreement.given([]).when(propose(intent)).then([agreementProposed(intent)]);
  });

  it.each([
    ['SignAgreement', sign(LINKOPING, '2019-11-01')],
    ['RecordCouncilDecision', decide(LINKOPING, '2019-11-01')],
    ['ExtendAgreement', extend('2023-12-31')],
    ['TerminateAgreement', terminate('2021-01-01')],
    ['RecordReview', review],
  ])('refuses %s on an agreement that does not exist', (_name, command) => {
    agreement.given([]).when(command).thenRefuses('not-found');
  });
});

describe('agreement decider: signatures (rule 6)', () => {
  it('a party signs', () => {
    agreement.given([proposed]).when(sign(LINKOPING, '2019-11-01')).then([signed(AGR, LINKOPING, '2019-11-01')]);
  });

  it('refuses a signature from a municipality that is not a party', () => {
    agreement.given([proposed]).when(sign(FINSPANG, '2019-11-01')).thenRefuses('not-a-party');
  });

  it('refuses a second signature from the same party', () => {
    agreement.given([proposed, signed(AGR, LINKOPING, '2019-11-01')]).when(sign(LINKOPING, '2019-11-02')).thenRefuses('already-signed');
  });

  it('concludes with the last signature when no council approval is required, on the latest signature date', () => {
    const given = [agreementProposed({ councilApprovalRequired: false }), signed(AGR, NORRKOPING, '2019-12-10')];
    agreement
      .given(given)
      .when(sign(LINKOPING, '2019-12-05'))
      .then([signed(AGR, LINKOPING, '2019-12-05'), concluded(AGR, '2019-12-10')]);
  });

  it('does not conclude while a signature is missing', () => {
    agreement.given([agreementProposed({ councilApprovalRequired: false })]).when(sign(NORRKOPING, '2019-12-10')).then([signed(AGR, NORRKOPING, '2019-12-10')]);
  });

  it('the providing federation signs, and the agreement is not concluded without it', () => {
    const byFederation = agreementProposed({ provider: { kind: 'federation', id: FED }, councilApprovalRequired: false });
    agreement
      .given([byFederation, signed(AGR, LINKOPING, '2019-12-01')])
      .when(sign(NORRKOPING, '2019-12-02'))
      .then([signed(AGR, NORRKOPING, '2019-12-02')]);
    agreement
      .given([byFederation, signed(AGR, LINKOPING, '2019-12-01'), signed(AGR, NORRKOPING, '2019-12-02')])
      .when(sign(FED, '2019-12-03'))
      .then([signed(AGR, FED, '2019-12-03'), concluded(AGR, '2019-12-03')]);
  });

  // Changed with "a party is one party" (domain.md, Decisions): the providing region signs once, by its
  // code; its name in otherParties (refused since, recorded before) is not a second signatory.
  it('a providing region and parties that are not municipalities sign too', () => {
    const regional = agreementProposed({
      parties: [LINKOPING],
      otherParties: ['Tillväxtverket'],
      provider: { kind: 'region', code: '05' },
      councilApprovalRequired: false,
    });
    agreement.given([regional]).when(sign('Tillväxtverket', '2019-12-01')).then([signed(AGR, 'Tillväxtverket', '2019-12-01')]);
    agreement
      .given([regional, signed(AGR, 'Tillväxtverket', '2019-12-01'), signed(AGR, LINKOPING, '2019-12-02')])
      .when(sign('05', '2019-12-01'))
      .then([signed(AGR, '05', '2019-12-01'), concluded(AGR, '2019-12-02')]);
  });

  it('refuses a signature on a terminated agreement (a party that has not signed), and one from a party that is not one with not-a-party', () => {
    agreement.given([proposed, terminated(AGR, '2021-01-01')]).when(sign(LINKOPING, '2021-02-01')).thenRefuses('basis-not-in-force');
    agreement.given([...concludedEvents, terminated(AGR, '2021-01-01')]).when(sign(FINSPANG, '2021-02-01')).thenRefuses('not-a-party');
  });
});

describe('agreement decider: council decisions (rule 6)', () => {
  const allSigned = [proposed, signed(AGR, LINKOPING, '2019-11-01'), signed(AGR, NORRKOPING, '2019-11-05')];

  it('records an approval with its reference', () => {
    agreement
      .given([proposed])
      .when(decide(LINKOPING, '2019-11-25', 'approved', 'KF § 236'))
      .then([{ type: 'CouncilDecisionRecorded', data: { id: AGR, municipality: LINKOPING, decidedOn: '2019-11-25', outcome: 'approved', reference: 'KF § 236' } }]);
  });

  it('does not conclude with every signature while an approval is missing', () => {
    agreement.given(allSigned).when(decide(LINKOPING, '2019-11-25')).then([councilDecided(AGR, LINKOPING, '2019-11-25')]);
    agreement.given([proposed, signed(AGR, LINKOPING, '2019-11-01'), councilDecided(AGR, LINKOPING, '2019-11-25')]).when(sign(NORRKOPING, '2019-11-05')).then([signed(AGR, NORRKOPING, '2019-11-05')]);
  });

  it('concludes with the last approval, on the latest signature or approval date', () => {
    agreement
      .given([...allSigned, councilDecided(AGR, NORRKOPING, '2019-12-16')])
      .when(decide(LINKOPING, '2019-11-25'))
      .then([councilDecided(AGR, LINKOPING, '2019-11-25'), concluded(AGR, '2019-12-16')]);
  });

  it('concludes with the last signature after every approval, on the signature date when it is the latest', () => {
    agreement
      .given([proposed, signed(AGR, LINKOPING, '2019-11-01'), councilDecided(AGR, LINKOPING, '2019-11-25'), councilDecided(AGR, NORRKOPING, '2019-12-16')])
      .when(sign(NORRKOPING, '2019-12-20'))
      .then([signed(AGR, NORRKOPING, '2019-12-20'), concluded(AGR, '2019-12-20')]);
  });

  it('does not conclude on approvals alone', () => {
    agreement
      .given([proposed, councilDecided(AGR, NORRKOPING, '2019-12-16')])
      .when(decide(LINKOPING, '2019-11-25'))
      .then([councilDecided(AGR, LINKOPING, '2019-11-25')]);
  });

  it('one rejection rejects the agreement', () => {
    agreement
      .given(allSigned)
      .when(decide(LINKOPING, '2019-11-20', 'rejected'))
      .then(rejection);
    expect(agreementState([...allSigned, ...rejection]).status).toBe('rejected');
  });

  it.each([
    ['a signature', sign(NORRKOPING, '2019-12-01')],
    ['a council decision', decide(NORRKOPING, '2019-12-01')],
    ['an extension', extend('2023-12-31')],
    ['a termination', terminate('2021-01-01')],
  ])('after a rejection refuses %s with agreement-rejected', (_name, command) => {
    agreement.given([proposed, signed(AGR, LINKOPING, '2019-11-01'), ...rejection]).when(command).thenRefuses('agreement-rejected');
  });

  it('a rejection where no approval is required is recorded but rejects nothing', () => {
    const noApproval = agreementProposed({ councilApprovalRequired: false });
    agreement
      .given([noApproval])
      .when(decide(LINKOPING, '2019-11-20', 'rejected'))
      .then([councilDecided(AGR, LINKOPING, '2019-11-20', 'rejected')]);
    agreement
      .given([noApproval, councilDecided(AGR, LINKOPING, '2019-11-20', 'rejected'), signed(AGR, LINKOPING, '2019-11-01')])
      .when(sign(NORRKOPING, '2019-11-05'))
      .then([signed(AGR, NORRKOPING, '2019-11-05'), concluded(AGR, '2019-11-05')]);
  });

  it('refuses a council decision from a municipality that is not a party', () => {
    agreement.given([proposed]).when(decide(FINSPANG, '2019-11-20')).thenRefuses('not-a-party');
  });

  it('refuses a council decision from a party that is not a municipality (a region, a providing federation)', () => {
    const withRegion = agreementProposed({ otherParties: ['Region Östergötland'], provider: { kind: 'federation', id: FED } });
    agreement.given([withRegion]).when(decide('Region Östergötland', '2019-11-20')).thenRefuses('not-a-party');
    agreement.given([withRegion]).when(decide(FED, '2019-11-20')).thenRefuses('not-a-party');
  });

  it('a refusal stays the answer: the council that decided, or the party that signed, is told so also after the agreement was rejected or terminated (a refused command sent again gets the same refusal)', () => {
    const decidedThenRejected = [proposed, signed(AGR, LINKOPING, '2019-11-01'), councilDecided(AGR, NORRKOPING, '2019-11-10'), ...rejection];
    agreement.given([proposed, councilDecided(AGR, NORRKOPING, '2019-11-10')]).when(decide(NORRKOPING, '2019-11-21', 'rejected')).thenRefuses('already-decided');
    agreement.given(decidedThenRejected).when(decide(NORRKOPING, '2019-11-21', 'rejected')).thenRefuses('already-decided');
    agreement.given(decidedThenRejected).when(sign(LINKOPING, '2019-12-01')).thenRefuses('already-signed');
    agreement.given([...concludedEvents, terminated(AGR, '2021-01-01')]).when(decide(LINKOPING, '2021-02-01')).thenRefuses('already-decided');
    agreement.given(decidedThenRejected).when(decide('0999', '2019-12-01')).thenRefuses('not-a-party');
  });

  it('refuses a second decision from the same council', () => {
    agreement.given([proposed, councilDecided(AGR, LINKOPING, '2019-11-20')]).when(decide(LINKOPING, '2019-11-21', 'rejected')).thenRefuses('already-decided');
  });

  it('refuses a council decision on a terminated agreement (from a council that has not decided)', () => {
    agreement.given([proposed, terminated(AGR, '2021-01-01')]).when(decide(LINKOPING, '2021-02-01')).thenRefuses('basis-not-in-force');
  });
});

describe('agreement decider: extension', () => {
  it('extends to a later end, keeping the previous one', () => {
    agreement
      .given(concludedEvents)
      .when(extend('2023-12-31'))
      .then([{ type: 'AgreementExtended', data: { id: AGR, validUntil: '2023-12-31', previousValidUntil: '2022-12-31', decidedOn: '2022-06-01' } }]);
  });

  it('refuses the same or an earlier end', () => {
    agreement.given(concludedEvents).when(extend('2022-12-31')).thenRefuses('dates-out-of-order');
    agreement.given(concludedEvents).when(extend('2021-12-31')).thenRefuses('dates-out-of-order');
  });

  it('refuses extending past an extension only with a later end', () => {
    const given = [...concludedEvents, extended(AGR, '2023-12-31', '2022-12-31', '2022-06-01')];
    agreement.given(given).when(extend('2023-06-30')).thenRefuses('dates-out-of-order');
    agreement
      .given(given)
      .when(extend('2024-12-31'))
      .then([{ type: 'AgreementExtended', data: { id: AGR, validUntil: '2024-12-31', previousValidUntil: '2023-12-31', decidedOn: '2022-06-01' } }]);
  });

  it('refuses extending an open-ended agreement', () => {
    agreement.given([agreementProposed({ validUntil: undefined })]).when(extend('2030-12-31')).thenRefuses('dates-out-of-order');
  });

  it('refuses extending a terminated agreement', () => {
    agreement.given([...concludedEvents, terminated(AGR, '2021-01-01')]).when(extend('2023-12-31')).thenRefuses('basis-not-in-force');
  });
});

describe('agreement decider: termination (rule 5)', () => {
  const inHouse: Successor = { municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'in-house' } };
  const terminatedWith = (effectiveFrom: string, successors: Successor[]): AgreementEvent[] => [
    { type: 'AgreementTerminated', data: { id: AGR, decidedOn: '2021-03-01', effectiveFrom, reason: 'Linköping tar tillbaka lönehanteringen', successors } },
  ];

  it('terminates, with an in-house successor', () => {
    agreement.given(concludedEvents).when(terminate('2021-07-01', [inHouse])).then(terminatedWith('2021-07-01', [inHouse]));
  });

  it('refuses a termination before the term starts; accepts one on the first day', () => {
    agreement.given(concludedEvents).when(terminate('2019-12-31')).thenRefuses('dates-out-of-order');
    agreement.given(concludedEvents).when(terminate('2020-01-01')).then(terminatedWith('2020-01-01', []));
  });

  it('refuses terminating twice', () => {
    agreement.given([...concludedEvents, terminated(AGR, '2021-01-01')]).when(terminate('2021-07-01')).thenRefuses('basis-not-in-force');
  });

  it('refuses a successor for a municipality that buys nothing under it', () => {
    agreement.given(concludedEvents).when(terminate('2021-07-01', [{ ...inHouse, municipality: NORRKOPING }])).thenRefuses('not-a-party');
  });

  it('refuses a successor for an area the agreement does not cover', () => {
    agreement.given(concludedEvents).when(terminate('2021-07-01', [{ ...inHouse, serviceArea: 'procurement' }])).thenRefuses('area-not-covered');
  });

  it('refuses two successors for the same municipality and area', () => {
    agreement.given(concludedEvents).when(terminate('2021-07-01', [inHouse, inHouse])).thenRefuses('validation-failed');
  });

  it('refuses the agreement succeeding itself, even when the caller loaded it as in force', () => {
    agreement
      .given(concludedEvents)
      .when(terminate('2021-07-01', [{ ...inHouse, basis: { kind: 'agreement', id: AGR } }], resolved([], [agreementState(concludedEvents)])))
      .thenRefuses('basis-not-in-force');
  });

  it('accepts a successor on another concluded agreement in force that day; refuses one not yet in force', () => {
    const next = concludedAgreement({ id: 'lkp-buys-payroll-2021', parties: [LINKOPING, ATVIDABERG], provider: { kind: 'municipality', code: ATVIDABERG }, validFrom: '2021-07-01' });
    const successor: Successor = { ...inHouse, basis: { kind: 'agreement', id: 'lkp-buys-payroll-2021' } };
    agreement.given(concludedEvents).when(terminate('2021-07-01', [successor], resolved([], [agreementState(next)]))).then(terminatedWith('2021-07-01', [successor]));
    agreement.given(concludedEvents).when(terminate('2021-06-30', [successor], resolved([], [agreementState(next)]))).thenRefuses('basis-not-in-force');
  });

  it('checks a federation successor with rule 3: member that day, charter lists the area', () => {
    const fed = federationState([federationFormed({ id: FED, members: [LINKOPING, NORRKOPING], serviceAreas: ['payroll'] })]);
    const successor: Successor = { ...inHouse, basis: { kind: 'federation', id: FED } };
    agreement.given(concludedEvents).when(terminate('2021-07-01', [successor], resolved([fed]))).then(terminatedWith('2021-07-01', [successor]));
    agreement
      .given(concludedEvents)
      .when(terminate('2021-07-01', [{ ...successor, serviceArea: 'hr-administration' }], resolved([fed])))
      .thenRefuses('area-not-covered');
    const without = federationState([federationFormed({ id: FED, members: [NORRKOPING, FINSPANG], serviceAreas: ['payroll'] })]);
    agreement.given(concludedEvents).when(terminate('2021-07-01', [successor], resolved([without]))).thenRefuses('not-a-member');
  });
});

describe('agreement decider: reviews', () => {
  it('records a review on an agreement', () => {
    agreement.given(concludedEvents).when(review).then([{ type: 'ReviewRecorded', data: { id: AGR, reviewedOn: '2021-02-01', outcome: 'continue' } }]);
  });

  it('folds the review into the state', () => {
    expect(agreementState([...concludedEvents, { type: 'ReviewRecorded', data: { id: AGR, reviewedOn: '2021-02-01', outcome: 'end', note: 'n' } }]).reviews).toEqual([
      { reviewedOn: '2021-02-01', outcome: 'end', note: 'n' },
    ]);
  });
});

describe('agreement decider: the facts the caller gathers, and the fields a proposal must have', () => {
  const inHouse: Successor = { municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'in-house' } };
  it('refuses the municipalities, service areas and regions the catalog does not know', () => {
    agreement.given([]).when(propose({ unknown: { municipalities: ['9999'], serviceAreas: ['no-such-area'] } })).thenRefuses('not-found');
    agreement.given([]).when(propose({ unknown: { serviceAreas: ['no-such-area'] } })).thenRefuses('not-found');
    agreement.given([]).when(propose({ provider: { kind: 'region', code: '02' }, unknown: { regions: ['02'] } })).thenRefuses('not-found');
    agreement.given(concludedEvents).when({ type: 'RecordCouncilDecision', municipality: '9999', decidedOn: '2019-12-18', outcome: 'approved', unknown: { municipalities: ['9999'] } }).thenRefuses('not-found');
    agreement.given(concludedEvents).when({ ...terminate('2021-07-01', [inHouse]), unknown: { serviceAreas: ['no-such-area'] } }).thenRefuses('not-found');
  });

  it('refuses an id another arrangement holds, and a providing federation that does not exist', () => {
    agreement.given([]).when(propose({ idTakenBy: 'study' })).thenRefuses('already-exists');
    agreement.given([]).when(propose({ provider: { kind: 'federation', id: FED }, buyers: [LINKOPING, NORRKOPING], unknown: { federations: [FED] } })).thenRefuses('not-found');
    // Its own stream first: the id exists, whatever else is unknown.
    agreement.given([proposed]).when(propose({ idTakenBy: 'agreement', unknown: { federations: [FED] } })).thenRefuses('already-exists');
  });

  it('names the fields a proposal of its kind must (not) have, before anything else', () => {
    agreement.given([]).when(propose({ provider: undefined })).thenRefuses('validation-failed', ['provider']);
    agreement.given([]).when(propose({ buyers: [] })).thenRefuses('validation-failed', ['buyers']);
    agreement.given([]).when(propose({ buyers: [LINKOPING, NORRKOPING] })).thenRefuses('validation-failed', ['buyers']);
    agreement.given([]).when(propose({ serviceAreas: [] })).thenRefuses('validation-failed', ['serviceAreas']);
    agreement.given([]).when(propose({ kind: 'intent', buyers: [] })).thenRefuses('validation-failed', ['provider']);
    agreement.given([]).when(propose({ kind: 'intent', provider: undefined })).thenRefuses('validation-failed', ['buyers']);
    agreement.given([]).when(propose({ kind: 'cooperation' })).thenRefuses('validation-failed', ['provider', 'buyers']);
    agreement.given([proposed]).when(propose({ provider: undefined, unknown: { municipalities: ['9999'] } })).thenRefuses('validation-failed', ['provider']);
  });

  it('refuses successors that name one municipality and service area twice, before anything else', () => {
    agreement.given([]).when(terminate('2021-07-01', [inHouse, inHouse])).thenRefuses('validation-failed', ['successors']);
    agreement.given(concludedEvents).when({ ...terminate('2021-07-01', [inHouse, inHouse]), unknown: { municipalities: ['9999'] } }).thenRefuses('validation-failed', ['successors']);
  });
});
