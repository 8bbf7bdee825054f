import type { RegisterReadModel } from '../register-read-model';
import { EventFeed, given } from './testing/event-feed';

const LKP = '0580';
const NKP = '0581';
const ATV = '0561';
const KINDA = '0513';

const feed = new EventFeed();
const recorded = feed.recorded;

const formed = (id: string, members: string[], effectiveFrom: string, form = 'federation') =>
  recorded(`federation-${id}`, 'FederationFormed', { id, name: id, form, members, serviceAreas: ['payroll'], decidedOn: effectiveFrom, effectiveFrom, ...(form === 'joint-committee' ? { host: members[0] } : {}) });
const left = (id: string, municipality: string, effectiveFrom: string) => recorded(`federation-${id}`, 'MemberLeft', { id, municipality, decidedOn: effectiveFrom, effectiveFrom, successors: [] });
const joined = (id: string, municipality: string, effectiveFrom: string) => recorded(`federation-${id}`, 'MemberJoined', { id, municipality, decidedOn: effectiveFrom, effectiveFrom });
const dissolved = (id: string, effectiveFrom: string) => recorded(`federation-${id}`, 'FederationDissolved', { id, decidedOn: effectiveFrom, effectiveFrom, successors: [] });
const proposed = (id: string, parties: string[], validFrom: string, validUntil?: string) =>
  recorded(`agreement-${id}`, 'AgreementProposed', { id, kind: 'cooperation', title: id, parties, otherParties: [], buyers: [], serviceAreas: ['payroll'], validFrom, ...(validUntil ? { validUntil } : {}), councilApprovalRequired: false });
const concluded = (id: string, concludedOn: string) => recorded(`agreement-${id}`, 'AgreementConcluded', { id, concludedOn });
const rejected = (id: string, rejectedOn: string, municipality: string) => recorded(`agreement-${id}`, 'AgreementRejected', { id, rejectedOn, municipality });
const started = (id: string, parties: string[], startedOn: string, plannedEnd: string) =>
  recorded(`study-${id}`, 'StudyStarted', { id, kind: 'feasibility', title: id, parties, otherParties: [], serviceAreas: ['payroll'], startedOn, plannedEnd });
const studyConcluded = (id: string, concludedOn: string) => recorded(`study-${id}`, 'StudyConcluded', { id, concludedOn, recommendation: 'proceed', summary: 's' });

const ids = (model: RegisterReadModel, party: string, on?: string, knownAtMs?: number) => model.listArrangements({ party, ...(on ? { on } : {}) }, '2026-01-01', knownAtMs).map((a) => a.id);

describe('decision: party means ever a party', () => {
  describe('a municipality that left a federation', () => {
    const model = given(formed('fed', [LKP, NKP], '2008-01-01'), left('fed', NKP, '2015-01-01'));

    it('given it left, when the list is filtered by its code, then the federation is still found', () => {
      expect(ids(model, NKP)).toEqual(['fed']);
    });

    it('given it left, then the summary still shows only the current members', () => {
      expect(model.listArrangements({ party: NKP }, '2026-01-01')[0].parties).toEqual([LKP]);
    });

    it('given it left from 2015-01-01, when narrowed to a day, then it is a party up to and including 2014-12-31 and not from 2015-01-01', () => {
      expect(ids(model, NKP, '2014-12-31')).toEqual(['fed']);
      expect(ids(model, NKP, '2015-01-01')).toEqual([]);
      expect(ids(model, LKP, '2015-01-01')).toEqual(['fed']);
    });

    it('given the federation was formed 2008-01-01, when narrowed to a day before, then no one is a party', () => {
      expect(ids(model, LKP, '2007-12-31')).toEqual([]);
      expect(ids(model, LKP, '2008-01-01')).toEqual(['fed']);
    });
  });

  it('given a municipality that joined later, when narrowed to a day before it joined, then it is not a party that day', () => {
    const model = given(formed('jc', [LKP, NKP], '2010-01-01', 'joint-committee'), joined('jc', ATV, '2012-01-01'));
    expect(ids(model, ATV)).toEqual(['jc']);
    expect(ids(model, ATV, '2011-12-31')).toEqual([]);
    expect(ids(model, ATV, '2012-01-01')).toEqual(['jc']);
  });

  it('given a dissolved federation, when narrowed to a day from its dissolution, then its members are no longer parties, but they are ever parties', () => {
    const model = given(formed('fed', [LKP, NKP], '2008-01-01'), dissolved('fed', '2020-01-01'));
    expect(ids(model, LKP, '2019-12-31')).toEqual(['fed']);
    expect(ids(model, LKP, '2020-01-01')).toEqual([]);
    expect(ids(model, LKP)).toEqual(['fed']);
  });

  it('given an agreement, when narrowed to a day, then its parties are parties only while it is in force (concluded, within its term)', () => {
    const model = given(proposed('agr', [LKP, KINDA], '2020-01-01', '2022-12-31'), concluded('agr', '2019-12-01'), proposed('open', [KINDA], '2020-01-01'), rejected('no', '2019-12-01', LKP));
    expect(ids(model, KINDA)).toEqual(['agr', 'open']);
    expect(ids(model, KINDA, '2019-12-31')).toEqual([]);
    expect(ids(model, KINDA, '2020-01-01')).toEqual(['agr']);
    expect(ids(model, KINDA, '2022-12-31')).toEqual(['agr']);
    expect(ids(model, KINDA, '2023-01-01')).toEqual([]);
  });

  it('given a rejected agreement, then its parties were ever parties but never parties on a day', () => {
    const model = given(proposed('no', [LKP, NKP], '2020-01-01'), rejected('no', '2019-12-01', LKP));
    expect(ids(model, NKP)).toEqual(['no']);
    expect(ids(model, NKP, '2020-06-01')).toEqual([]);
  });

  it('given a study, when narrowed to a day, then its parties are parties from its start to its conclusion, both included', () => {
    const model = given(started('st', [LKP, ATV], '2013-12-18', '2014-09-30'), studyConcluded('st', '2014-10-31'));
    expect(ids(model, ATV, '2013-12-17')).toEqual([]);
    expect(ids(model, ATV, '2013-12-18')).toEqual(['st']);
    expect(ids(model, ATV, '2014-10-31')).toEqual(['st']);
    expect(ids(model, ATV, '2014-11-01')).toEqual([]);
  });

  it('given a departure recorded after T, when asked as known at T, then the municipality is a party on a later day as it stood then', () => {
    feed.reset();
    const formedEvent = formed('fed', [LKP, NKP], '2008-01-01');
    const T = feed.now + 30_000;
    const model = given(formedEvent, left('fed', NKP, '2015-01-01'));
    expect(ids(model, NKP, '2016-01-01', T)).toEqual(['fed']);
    expect(ids(model, NKP, '2016-01-01')).toEqual([]);
    expect(ids(model, NKP, undefined, T)).toEqual(['fed']);
    // Before anything was recorded, nothing is found.
    expect(ids(model, NKP, undefined, 0)).toEqual([]);
  });

  it('given on without party, then the view lists as without on (the query refuses that combination)', () => {
    const model = given(formed('fed', [LKP, NKP], '2008-01-01'), dissolved('fed', '2020-01-01'));
    expect(model.listArrangements({ on: '2021-01-01' }, '2026-01-01').map((a) => a.id)).toEqual(['fed']);
  });
});
