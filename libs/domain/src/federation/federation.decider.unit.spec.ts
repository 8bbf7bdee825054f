import { spec } from '../testing/decider-spec';
import {
  agreementProposed,
  agreementState,
  ATVIDABERG,
  concludedAgreement,
  councilDecided,
  federationDissolved,
  federationFormed,
  federationState,
  FINSPANG,
  LINKOPING,
  memberJoined,
  memberLeft,
  NORRKOPING,
  resolved,
  signed,
} from '../testing/fixtures';
import { NO_RESOLVED_BASES, ResolvedBases } from '../provisions/coverage';
import { Successor } from '../shared/provider-basis';
import { federationDecider } from './federation.decider';
import { DissolveFederation, FormFederation, LeaveFederation } from './federation.commands';
import { FederationEvent } from './federation.events';
import { federationInForceOn, isMemberOn, membersOn, openMembership } from './federation.state';

const FED = 'fjarde-storstadsregionen';
const formed = federationFormed({ id: FED, members: [LINKOPING, NORRKOPING, FINSPANG] });
const formedTwo = federationFormed({ id: FED, members: [LINKOPING, NORRKOPING] });
const JC = 'gemensam-lonenamnd';
const jcFormed = federationFormed({ id: JC, form: 'joint-committee', host: NORRKOPING, members: [LINKOPING, NORRKOPING, FINSPANG], serviceAreas: ['payroll'] });

const form = (overrides: Partial<FormFederation> = {}): FormFederation => ({
  type: 'FormFederation',
  id: FED,
  name: 'Kommunalförbundet 4:e storstadsregionen',
  form: 'federation',
  members: [LINKOPING, NORRKOPING],
  serviceAreas: ['payroll', 'procurement'],
  decidedOn: '2007-06-01',
  effectiveFrom: '2008-01-01',
  ...overrides,
});

const leave = (municipality: string, effectiveFrom: string, successors: Successor[] = [], successorBases: ResolvedBases = NO_RESOLVED_BASES): LeaveFederation => ({
  type: 'LeaveFederation',
  municipality,
  decidedOn: '2019-06-01',
  effectiveFrom,
  successors,
  successorBases,
});

const dissolve = (effectiveFrom: string, successors: Successor[] = [], successorBases: ResolvedBases = NO_RESOLVED_BASES): DissolveFederation => ({
  type: 'DissolveFederation',
  decidedOn: '2019-12-01',
  effectiveFrom,
  successors,
  successorBases,
});

const join = (municipality: string, effectiveFrom: string) => ({ type: 'JoinFederation' as const, municipality, decidedOn: '2015-01-01', effectiveFrom });
const review = (reviewedOn: string, note?: string) => ({ type: 'RecordReview' as const, reviewedOn, outcome: 'continue' as const, ...(note ? { note } : {}) });

const federation = spec(federationDecider);

describe('federation decider: formation (rule 10)', () => {
  it('forms a federation, removing duplicate members and areas', () => {
    federation
      .given([])
      .when(form({ members: [LINKOPING, NORRKOPING, LINKOPING], serviceAreas: ['payroll', 'procurement', 'payroll'] }))
      .then([
        {
          type: 'FederationFormed',
          data: {
            id: FED,
            name: 'Kommunalförbundet 4:e storstadsregionen',
            form: 'federation',
            members: [LINKOPING, NORRKOPING],
            serviceAreas: ['payroll', 'procurement'],
            decidedOn: '2007-06-01',
            effectiveFrom: '2008-01-01',
          },
        },
      ]);
  });

  it('refuses a federation with one member', () => {
    federation.given([]).when(form({ members: [LINKOPING] })).thenRefuses('too-few-members');
  });

  it('refuses a federation whose two members are the same municipality', () => {
    federation.given([]).when(form({ members: [LINKOPING, LINKOPING] })).thenRefuses('too-few-members');
  });

  it('refuses a joint committee with one member even when it is the host', () => {
    federation.given([]).when(form({ form: 'joint-committee', host: LINKOPING, members: [LINKOPING] })).thenRefuses('too-few-members');
  });

  it('forms a joint committee whose host is one of its members', () => {
    federation
      .given([])
      .when(form({ id: JC, form: 'joint-committee', host: NORRKOPING, members: [LINKOPING, NORRKOPING], serviceAreas: ['payroll'] }))
      .then([
        {
          type: 'FederationFormed',
          data: {
            id: JC,
            name: 'Kommunalförbundet 4:e storstadsregionen',
            form: 'joint-committee',
            host: NORRKOPING,
            members: [LINKOPING, NORRKOPING],
            serviceAreas: ['payroll'],
            decidedOn: '2007-06-01',
            effectiveFrom: '2008-01-01',
          },
        },
      ]);
  });

  it('refuses a joint committee without a host', () => {
    federation.given([]).when(form({ form: 'joint-committee' })).thenRefuses('host-not-member');
  });

  it('refuses a joint committee whose host is not a member', () => {
    federation.given([]).when(form({ form: 'joint-committee', host: FINSPANG })).thenRefuses('host-not-member');
  });

  it('refuses a host on a federation (it is its own legal person)', () => {
    federation.given([]).when(form({ host: LINKOPING })).thenRefuses('host-not-member');
  });

  it('refuses to form an id that exists', () => {
    federation.given([formed]).when(form()).thenRefuses('already-exists');
  });

  it.each([
    ['JoinFederation', join(ATVIDABERG, '2015-01-01')],
    ['LeaveFederation', leave(LINKOPING, '2015-01-01')],
    ['DissolveFederation', dissolve('2020-01-01')],
    ['RecordReview', review('2019-01-01')],
  ])('refuses %s on a federation that does not exist', (_name, command) => {
    federation.given([]).when(command).thenRefuses('not-found');
  });
});

describe('federation decider: joining', () => {
  it('a municipality joins', () => {
    federation
      .given([formed])
      .when(join(ATVIDABERG, '2015-01-01'))
      .then([{ type: 'MemberJoined', data: { id: FED, municipality: ATVIDABERG, decidedOn: '2015-01-01', effectiveFrom: '2015-01-01' } }]);
  });

  it('refuses a member that is already a member', () => {
    federation.given([formed]).when(join(LINKOPING, '2015-01-01')).thenRefuses('already-exists');
  });

  it('refuses a member that has already joined from a later date', () => {
    federation.given([formed, memberJoined(FED, ATVIDABERG, '2021-01-01')]).when(join(ATVIDABERG, '2015-01-01')).thenRefuses('already-exists');
  });

  it('refuses joining before the federation is formed', () => {
    federation.given([formed]).when(join(ATVIDABERG, '2007-12-31')).thenRefuses('dates-out-of-order');
  });

  it('accepts joining on the day the federation is formed', () => {
    federation
      .given([formed])
      .when(join(ATVIDABERG, '2008-01-01'))
      .then([{ type: 'MemberJoined', data: { id: FED, municipality: ATVIDABERG, decidedOn: '2015-01-01', effectiveFrom: '2008-01-01' } }]);
  });

  it('refuses joining on or after the dissolution day, accepts the day before', () => {
    const given = [formed, federationDissolved(FED, '2020-01-01')];
    federation.given(given).when(join(ATVIDABERG, '2020-01-01')).thenRefuses('already-dissolved');
    federation.given(given).when(join(ATVIDABERG, '2021-01-01')).thenRefuses('already-dissolved');
    federation
      .given(given)
      .when(join(ATVIDABERG, '2019-12-31'))
      .then([{ type: 'MemberJoined', data: { id: FED, municipality: ATVIDABERG, decidedOn: '2015-01-01', effectiveFrom: '2019-12-31' } }]);
  });

  it('refuses rejoining before the municipality left; accepts rejoining from the day it left', () => {
    const given = [formed, memberLeft(FED, FINSPANG, '2015-01-01')];
    federation.given(given).when(join(FINSPANG, '2014-12-31')).thenRefuses('dates-out-of-order');
    federation
      .given(given)
      .when(join(FINSPANG, '2015-01-01'))
      .then([{ type: 'MemberJoined', data: { id: FED, municipality: FINSPANG, decidedOn: '2015-01-01', effectiveFrom: '2015-01-01' } }]);
  });

  it('membership intervals are [from, until): a rejoin opens a second one', () => {
    const state = federationState([formed, memberLeft(FED, FINSPANG, '2015-01-01'), memberJoined(FED, FINSPANG, '2017-01-01')]);
    expect(state.memberships.filter((m) => m.municipality === FINSPANG)).toEqual([
      { municipality: FINSPANG, from: '2008-01-01', until: '2015-01-01', leftDecidedOn: '2015-01-01' },
      { municipality: FINSPANG, from: '2017-01-01' },
    ]);
    expect(isMemberOn(state, FINSPANG, '2014-12-31')).toBe(true);
    expect(isMemberOn(state, FINSPANG, '2015-01-01')).toBe(false);
    expect(isMemberOn(state, FINSPANG, '2016-12-31')).toBe(false);
    expect(isMemberOn(state, FINSPANG, '2017-01-01')).toBe(true);
    expect(isMemberOn(state, FINSPANG, '2007-12-31')).toBe(false);
    expect(membersOn(state, '2016-01-01')).toEqual([LINKOPING, NORRKOPING]);
    expect(membersOn(state, '2018-01-01')).toEqual([LINKOPING, NORRKOPING, FINSPANG]);
    expect(openMembership(state, FINSPANG)).toEqual({ municipality: FINSPANG, from: '2017-01-01' });
  });
});

describe('federation decider: leaving', () => {
  it('a member leaves', () => {
    federation
      .given([formed])
      .when(leave(FINSPANG, '2019-01-01'))
      .then([{ type: 'MemberLeft', data: { id: FED, municipality: FINSPANG, decidedOn: '2019-06-01', effectiveFrom: '2019-01-01', successors: [] } }]);
  });

  it('refuses a municipality that is not a member', () => {
    federation.given([formed]).when(leave(ATVIDABERG, '2019-01-01')).thenRefuses('not-a-member');
  });

  it('refuses a municipality that has already left', () => {
    federation.given([formed, memberLeft(FED, FINSPANG, '2015-01-01')]).when(leave(FINSPANG, '2019-01-01')).thenRefuses('not-a-member');
  });

  it('refuses leaving on or before the day the member joined', () => {
    const given = [formed, memberJoined(FED, ATVIDABERG, '2015-01-01')];
    federation.given(given).when(leave(ATVIDABERG, '2015-01-01')).thenRefuses('dates-out-of-order');
    federation.given(given).when(leave(ATVIDABERG, '2014-06-01')).thenRefuses('dates-out-of-order');
  });

  it('refuses the host leaving its joint committee', () => {
    federation.given([jcFormed]).when(leave(NORRKOPING, '2019-01-01')).thenRefuses('host-not-member');
  });

  it('lets another member leave a joint committee', () => {
    federation
      .given([jcFormed])
      .when(leave(FINSPANG, '2019-01-01'))
      .then([{ type: 'MemberLeft', data: { id: JC, municipality: FINSPANG, decidedOn: '2019-06-01', effectiveFrom: '2019-01-01', successors: [] } }]);
  });

  it('refuses leaving a federation of two (rule 10)', () => {
    federation.given([formedTwo]).when(leave(LINKOPING, '2019-01-01')).thenRefuses('too-few-members');
  });

  it('refuses leaving when another member has already left and two would not remain', () => {
    federation.given([formed, memberLeft(FED, FINSPANG, '2018-01-01')]).when(leave(LINKOPING, '2019-01-01')).thenRefuses('too-few-members');
  });

  it('counts a member that joins only later as no help on the day of departure', () => {
    federation.given([formedTwo, memberJoined(FED, FINSPANG, '2022-01-01')]).when(leave(LINKOPING, '2021-01-01')).thenRefuses('too-few-members');
    federation
      .given([formedTwo, memberJoined(FED, FINSPANG, '2022-01-01')])
      .when(leave(LINKOPING, '2022-01-01'))
      .then([{ type: 'MemberLeft', data: { id: FED, municipality: LINKOPING, decidedOn: '2019-06-01', effectiveFrom: '2022-01-01', successors: [] } }]);
  });

  // Regression: the remaining members were counted only on the day of departure, so a departure
  // recorded earlier for a later day was missed and the federation was left with one member.
  it('refuses leaving when a departure already recorded for a later day would leave fewer than two', () => {
    federation.given([formed, memberLeft(FED, FINSPANG, '2021-01-01')]).when(leave(NORRKOPING, '2020-06-01')).thenRefuses('too-few-members');
  });

  it('ignores departures recorded for the dissolution day or later', () => {
    federation
      .given([formed, memberLeft(FED, FINSPANG, '2021-01-01'), federationDissolved(FED, '2021-01-01')])
      .when(leave(NORRKOPING, '2020-06-01'))
      .then([{ type: 'MemberLeft', data: { id: FED, municipality: NORRKOPING, decidedOn: '2019-06-01', effectiveFrom: '2020-06-01', successors: [] } }]);
  });

  it('refuses leaving on or after the dissolution day', () => {
    federation.given([formed, federationDissolved(FED, '2020-01-01')]).when(leave(FINSPANG, '2020-01-01')).thenRefuses('already-dissolved');
  });
});

describe('federation decider: successors of a departure (rule 5)', () => {
  const inHouse: Successor = { municipality: FINSPANG, serviceArea: 'payroll', basis: { kind: 'in-house' } };

  it('accepts an in-house successor for the leaving municipality and records it on the event', () => {
    federation
      .given([formed])
      .when(leave(FINSPANG, '2019-01-01', [inHouse]))
      .then([{ type: 'MemberLeft', data: { id: FED, municipality: FINSPANG, decidedOn: '2019-06-01', effectiveFrom: '2019-01-01', successors: [inHouse] } }]);
  });

  it('refuses a successor for a municipality that is not the one leaving', () => {
    federation.given([formed]).when(leave(FINSPANG, '2019-01-01', [{ ...inHouse, municipality: LINKOPING }])).thenRefuses('not-a-member');
  });

  it('refuses a successor for an area the charter does not list', () => {
    federation.given([formed]).when(leave(FINSPANG, '2019-01-01', [{ ...inHouse, serviceArea: 'rescue-services' }])).thenRefuses('area-not-covered');
  });

  it('refuses two successors for the same area', () => {
    federation.given([formed]).when(leave(FINSPANG, '2019-01-01', [inHouse, inHouse])).thenRefuses('validation-failed');
  });

  it('refuses a successor on the federation being left (not a member that day)', () => {
    const stale = resolved([federationState([formed])]);
    federation.given([formed]).when(leave(FINSPANG, '2019-01-01', [{ ...inHouse, basis: { kind: 'federation', id: FED } }], stale)).thenRefuses('not-a-member');
  });

  it('accepts a successor on a concluded service agreement in force that day, refuses one not concluded', () => {
    const events = concludedAgreement({ id: 'fsp-buys-payroll', parties: [FINSPANG, NORRKOPING], buyers: [FINSPANG], validFrom: '2019-01-01' }, '2018-11-01');
    const successor: Successor = { ...inHouse, basis: { kind: 'agreement', id: 'fsp-buys-payroll' } };
    federation
      .given([formed])
      .when(leave(FINSPANG, '2019-01-01', [successor], resolved([], [agreementState(events)])))
      .then([{ type: 'MemberLeft', data: { id: FED, municipality: FINSPANG, decidedOn: '2019-06-01', effectiveFrom: '2019-01-01', successors: [successor] } }]);
    federation
      .given([formed])
      .when(leave(FINSPANG, '2019-01-01', [successor], resolved([], [agreementState(events.slice(0, 2))])))
      .thenRefuses('basis-not-in-force');
  });
});

describe('federation decider: dissolution', () => {
  it('dissolves', () => {
    federation
      .given([formed])
      .when(dissolve('2020-01-01'))
      .then([{ type: 'FederationDissolved', data: { id: FED, decidedOn: '2019-12-01', effectiveFrom: '2020-01-01', successors: [] } }]);
  });

  it('refuses dissolving twice', () => {
    federation.given([formed, federationDissolved(FED, '2020-01-01')]).when(dissolve('2021-01-01')).thenRefuses('already-dissolved');
  });

  it('refuses dissolving on or before the day it was formed', () => {
    federation.given([formed]).when(dissolve('2008-01-01')).thenRefuses('dates-out-of-order');
    federation.given([formed]).when(dissolve('2007-01-01')).thenRefuses('dates-out-of-order');
  });

  it('folds to a dissolved state that is in force only before the dissolution day', () => {
    const state = federationState([formed, federationDissolved(FED, '2020-01-01')]);
    expect(state.status).toBe('dissolved');
    expect(federationInForceOn(state, '2019-12-31')).toBe(true);
    expect(federationInForceOn(state, '2020-01-01')).toBe(false);
    expect(federationInForceOn(state, '2007-12-31')).toBe(false);
  });
});

describe('federation decider: successors of a dissolution (rules 3, 5)', () => {
  const inHouse: Successor = { municipality: NORRKOPING, serviceArea: 'payroll', basis: { kind: 'in-house' } };
  const dissolvedWith = (successors: Successor[]): FederationEvent[] => [
    { type: 'FederationDissolved', data: { id: FED, decidedOn: '2019-12-01', effectiveFrom: '2020-01-01', successors } },
  ];
  const AGR = 'lkp-buys-payroll-2020';
  const concluded = concludedAgreement({ id: AGR }, '2019-12-15');
  const toAgreement: Successor = { municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'agreement', id: AGR } };

  it('accepts successors for members on the last day: in-house and a concluded agreement that starts that day', () => {
    federation
      .given([formedTwo])
      .when(dissolve('2020-01-01', [inHouse, toAgreement], resolved([], [agreementState(concluded)])))
      .then(dissolvedWith([inHouse, toAgreement]));
  });

  it('refuses a successor on an agreement that is only proposed, or signed but not approved', () => {
    const bases = (n: number) => resolved([], [agreementState(concluded.slice(0, n))]);
    federation.given([formedTwo]).when(dissolve('2020-01-01', [toAgreement], bases(1))).thenRefuses('basis-not-in-force');
    federation.given([formedTwo]).when(dissolve('2020-01-01', [toAgreement], bases(3))).thenRefuses('basis-not-in-force');
  });

  it('refuses a successor on a concluded agreement whose term has not started on the day', () => {
    const later = concludedAgreement({ id: AGR, validFrom: '2020-02-01' });
    federation.given([formedTwo]).when(dissolve('2020-01-01', [toAgreement], resolved([], [agreementState(later)]))).thenRefuses('basis-not-in-force');
  });

  it('refuses a successor on an agreement that was rejected', () => {
    const rejected = [
      agreementProposed({ id: AGR }),
      signed(AGR, LINKOPING, '2019-11-01'),
      councilDecided(AGR, LINKOPING, '2019-11-20', 'rejected'),
      { type: 'AgreementRejected' as const, data: { id: AGR, rejectedOn: '2019-11-20', municipality: LINKOPING } },
    ];
    federation.given([formedTwo]).when(dissolve('2020-01-01', [toAgreement], resolved([], [agreementState(rejected)]))).thenRefuses('agreement-rejected');
  });

  it('refuses a successor on an agreement under which the municipality buys nothing', () => {
    federation
      .given([formedTwo])
      .when(dissolve('2020-01-01', [{ ...toAgreement, municipality: NORRKOPING }], resolved([], [agreementState(concluded)])))
      .thenRefuses('not-a-party');
  });

  it('refuses a successor on an agreement that is not loaded', () => {
    federation.given([formedTwo]).when(dissolve('2020-01-01', [toAgreement])).thenRefuses('not-found');
  });

  it('refuses a successor on an agreement the dissolving federation provides', () => {
    const byFederation = concludedAgreement({ id: AGR, provider: { kind: 'federation', id: FED }, parties: [LINKOPING, NORRKOPING] });
    federation
      .given([formedTwo])
      .when(dissolve('2020-01-01', [toAgreement], resolved([federationState([formedTwo])], [agreementState(byFederation)])))
      .thenRefuses('already-dissolved');
  });

  it('refuses a successor naming the dissolving federation itself, even when the caller loaded it as active', () => {
    const self: Successor = { ...inHouse, basis: { kind: 'federation', id: FED } };
    federation.given([formedTwo]).when(dissolve('2020-01-01', [self], resolved([federationState([formedTwo])]))).thenRefuses('already-dissolved');
    federation.given([formedTwo]).when(dissolve('2020-01-01', [self])).thenRefuses('already-dissolved');
  });

  it('accepts a successor on another federation the municipality belongs to that lists the area', () => {
    const other = federationFormed({ id: 'ostgota-lon', members: [LINKOPING, ATVIDABERG], serviceAreas: ['payroll'], effectiveFrom: '2019-01-01' });
    const successor: Successor = { municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'federation', id: 'ostgota-lon' } };
    federation.given([formedTwo]).when(dissolve('2020-01-01', [successor], resolved([federationState([other])]))).then(dissolvedWith([successor]));
    federation
      .given([formedTwo])
      .when(dissolve('2020-01-01', [{ ...successor, serviceArea: 'procurement' }], resolved([federationState([other])])))
      .thenRefuses('area-not-covered');
    federation
      .given([formedTwo])
      .when(dissolve('2020-01-01', [{ ...successor, municipality: NORRKOPING }], resolved([federationState([other])])))
      .thenRefuses('not-a-member');
  });

  it('refuses a successor for a municipality that is not a member on the last day', () => {
    federation.given([formedTwo]).when(dissolve('2020-01-01', [{ ...inHouse, municipality: ATVIDABERG }])).thenRefuses('not-a-member');
    federation
      .given([formed, memberLeft(FED, FINSPANG, '2019-01-01')])
      .when(dissolve('2020-01-01', [{ ...inHouse, municipality: FINSPANG }]))
      .thenRefuses('not-a-member');
  });

  it('accepts a successor for a member that leaves on the dissolution day itself (a member on the last day)', () => {
    const successor: Successor = { ...inHouse, municipality: FINSPANG };
    federation.given([formed, memberLeft(FED, FINSPANG, '2020-01-01')]).when(dissolve('2020-01-01', [successor])).then(dissolvedWith([successor]));
  });

  it('refuses a successor for an area the charter does not list', () => {
    federation.given([formedTwo]).when(dissolve('2020-01-01', [{ ...inHouse, serviceArea: 'rescue-services' }])).thenRefuses('area-not-covered');
  });

  it('refuses two successors for the same municipality and area', () => {
    federation.given([formedTwo]).when(dissolve('2020-01-01', [inHouse, inHouse])).thenRefuses('validation-failed');
  });

  it('a joint committee successor is provided by its host', () => {
    const jc = federationFormed({ id: JC, form: 'joint-committee', host: NORRKOPING, members: [LINKOPING, NORRKOPING], serviceAreas: ['payroll'] });
    const successor: Successor = { municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'joint-committee', id: JC } };
    federation.given([formedTwo]).when(dissolve('2020-01-01', [successor], resolved([federationState([jc])]))).then(dissolvedWith([successor]));
    federation
      .given([formedTwo])
      .when(dissolve('2020-01-01', [{ ...successor, basis: { kind: 'federation', id: JC } }], resolved([federationState([jc])])))
      .thenRefuses('not-found');
  });
});

describe('federation decider: reviews', () => {
  it('records a review with and without a note', () => {
    federation.given([formed]).when(review('2019-03-01')).then([{ type: 'ReviewRecorded', data: { id: FED, reviewedOn: '2019-03-01', outcome: 'continue' } }]);
    federation
      .given([formed])
      .when(review('2019-03-01', 'KF § 42'))
      .then([{ type: 'ReviewRecorded', data: { id: FED, reviewedOn: '2019-03-01', outcome: 'continue', note: 'KF § 42' } }]);
  });

  it('refuses a review before the decision to form', () => {
    federation.given([formed]).when(review('2007-05-31')).thenRefuses('dates-out-of-order');
  });

  it('folds reviews into the state', () => {
    const state = federationState([formed, { type: 'ReviewRecorded', data: { id: FED, reviewedOn: '2019-03-01', outcome: 'revise', note: 'n' } }]);
    expect(state.reviews).toEqual([{ reviewedOn: '2019-03-01', outcome: 'revise', note: 'n' }]);
  });
});

describe('federation decider: the facts the caller gathers', () => {
  const inHouse: Successor = { municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'in-house' } };

  it('refuses the municipalities and service areas the catalog does not know', () => {
    federation.given([]).when(form({ unknown: { municipalities: ['9999'] } })).thenRefuses('not-found');
    federation.given([]).when(form({ unknown: { serviceAreas: ['no-such-area'] } })).thenRefuses('not-found');
    federation.given([formed]).when({ ...join('9999', '2015-01-01'), unknown: { municipalities: ['9999'] } }).thenRefuses('not-found');
    federation.given([formed]).when({ ...leave(FINSPANG, '2019-01-01', [inHouse]), unknown: { municipalities: ['9999'] } }).thenRefuses('not-found');
    federation.given([formed]).when({ ...dissolve('2020-01-01', [inHouse]), unknown: { serviceAreas: ['no-such-area'] } }).thenRefuses('not-found');
  });

  it('refuses an id another arrangement holds', () => {
    federation.given([]).when(form({ idTakenBy: 'agreement' })).thenRefuses('already-exists');
    federation.given([]).when(form({ idTakenBy: 'study' })).thenRefuses('already-exists');
  });

  it('refuses successors that name one municipality and service area twice, before anything else', () => {
    federation.given([]).when(dissolve('2020-01-01', [inHouse, inHouse])).thenRefuses('validation-failed', ['successors']);
    federation.given([formedTwo]).when({ ...leave(LINKOPING, '2019-01-01', [inHouse, inHouse]), unknown: { municipalities: ['9999'] } }).thenRefuses('validation-failed', ['successors']);
  });
});
