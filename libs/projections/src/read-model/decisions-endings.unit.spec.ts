import type { RegisterReadModel } from '../register-read-model';
import { EventFeed, given } from './testing/event-feed';

const LKP = '0580';
const NKP = '0581';
const FED = 'fed';
const AGR = 'agr';

const feed = new EventFeed();
const recorded = feed.recorded;

const formed = () => recorded(`federation-${FED}`, 'FederationFormed', { id: FED, name: FED, form: 'federation', members: [LKP, NKP], serviceAreas: ['payroll'], decidedOn: '2008-01-01', effectiveFrom: '2008-01-01' });
const left = (municipality: string, effectiveFrom: string) => recorded(`federation-${FED}`, 'MemberLeft', { id: FED, municipality, decidedOn: effectiveFrom, effectiveFrom, successors: [] });
const dissolved = (effectiveFrom: string) => recorded(`federation-${FED}`, 'FederationDissolved', { id: FED, decidedOn: effectiveFrom, effectiveFrom, successors: [] });
const proposed = (validUntil: string) =>
  recorded(`agreement-${AGR}`, 'AgreementProposed', {
    id: AGR,
    kind: 'service',
    title: AGR,
    parties: [LKP],
    otherParties: [],
    provider: { kind: 'federation', id: FED },
    buyers: [LKP],
    serviceAreas: ['payroll'],
    validFrom: '2018-01-01',
    validUntil,
    councilApprovalRequired: false,
  });
const concluded = () => recorded(`agreement-${AGR}`, 'AgreementConcluded', { id: AGR, concludedOn: '2017-12-01' });

const summary = (model: RegisterReadModel, today: string, knownAtMs?: number) => model.listArrangements({ kind: 'agreement' }, today, knownAtMs)[0];
const ending = (model: RegisterReadModel, on: string, knownAtMs?: number) => model.attention(on, knownAtMs).filter((i) => i.subject === `agreement:${AGR}`);
const ENDED_BY = { kind: 'provider-dissolved', federation: FED, effectiveFrom: '2020-01-01' };

describe('decision: a dissolved provider ends its agreements', () => {
  it('given its provider is dissolved from 2020-01-01, when the list is asked on that day, then the agreement is terminated with endedBy', () => {
    const model = given(formed(), proposed('2022-12-31'), concluded(), dissolved('2020-01-01'));
    expect(summary(model, '2020-01-01')).toMatchObject({ id: AGR, status: 'terminated', endedBy: ENDED_BY });
  });

  it('given the dissolution is recorded, when the list is asked on the day before it takes effect, then it is still concluded', () => {
    const model = given(formed(), proposed('2022-12-31'), concluded(), dissolved('2020-01-01'));
    expect(summary(model, '2019-12-31')).toEqual(expect.objectContaining({ status: 'concluded' }));
    expect(summary(model, '2019-12-31').endedBy).toBeUndefined();
  });

  it('given its provider is dissolved, when filtered by status, then it is found as terminated and not as concluded or expired', () => {
    const model = given(formed(), proposed('2022-12-31'), concluded(), dissolved('2020-01-01'));
    const ids = (status: string, today: string) => model.listArrangements({ kind: 'agreement', status }, today).map((a) => a.id);
    expect(ids('terminated', '2021-01-01')).toEqual([AGR]);
    expect(ids('concluded', '2021-01-01')).toEqual([]);
    expect(ids('expired', '2024-01-01')).toEqual([]);
    expect(ids('terminated', '2024-01-01')).toEqual([AGR]);
    expect(ids('concluded', '2019-12-31')).toEqual([AGR]);
  });

  it('given the dissolution was recorded later, when asked as known before it was recorded, then the agreement is still concluded', () => {
    const events = [formed(), proposed('2022-12-31'), concluded()];
    const before = Date.parse(events[2].metadata.recordedAt);
    const model = given(...events, dissolved('2020-01-01'));
    expect(summary(model, '2021-01-01', before)).toEqual(expect.objectContaining({ status: 'concluded' }));
    expect(summary(model, '2021-01-01', before).endedBy).toBeUndefined();
    expect(summary(model, '2021-01-01', Date.now())).toMatchObject({ status: 'terminated', endedBy: ENDED_BY });
  });

  it('given its term ended before the dissolution, then it is expired, not terminated', () => {
    const model = given(formed(), proposed('2019-06-30'), concluded(), dissolved('2020-01-01'));
    expect(summary(model, '2021-01-01')).toEqual(expect.objectContaining({ status: 'expired' }));
  });

  it('given its term would end within 180 days after the dissolution, when the attention list is asked from the dissolution on, then it is not listed as ending', () => {
    const model = given(formed(), proposed('2020-03-31'), concluded(), dissolved('2020-01-01'));
    expect(ending(model, '2020-01-01')).toEqual([]);
    expect(ending(model, '2020-02-15')).toEqual([]);
  });

  it('given the dissolution is ahead, when the attention list is asked before it, then the agreement is listed as ending on the day before the dissolution', () => {
    const model = given(formed(), proposed('2022-12-31'), concluded(), dissolved('2020-01-01'));
    expect(ending(model, '2019-12-01')).toEqual([expect.objectContaining({ kind: 'agreement-ending', subject: `agreement:${AGR}`, due: '2019-12-31' })]);
  });

  it('given the attention list was asked before the dissolution was recorded, when it is recorded, then the answer changes (no stale item)', () => {
    const model = given(formed(), proposed('2020-03-31'), concluded());
    expect(ending(model, '2020-02-15').map((i) => i.kind)).toEqual(['agreement-ending']);
    model.apply(dissolved('2020-01-01'));
    expect(ending(model, '2020-02-15')).toEqual([]);
  });

  it('given the dissolution was recorded later, when the attention list is asked as known before, then the agreement is still ending on its own term', () => {
    const events = [formed(), proposed('2020-03-31'), concluded()];
    const before = Date.parse(events[2].metadata.recordedAt);
    const model = given(...events, dissolved('2020-01-01'));
    expect(ending(model, '2020-02-15', before)).toEqual([expect.objectContaining({ kind: 'agreement-ending', due: '2020-03-31' })]);
  });

  it('given the provider is dissolved, when narrowed to a day from the dissolution on, then its buyer is no longer a party', () => {
    const model = given(formed(), proposed('2022-12-31'), concluded(), dissolved('2020-01-01'));
    const ids = (on: string) => model.listArrangements({ kind: 'agreement', party: LKP, on }, '2026-01-01').map((a) => a.id);
    expect(ids('2019-12-31')).toEqual([AGR]);
    expect(ids('2020-01-01')).toEqual([]);
  });
});

describe('decision: end dates are inclusive last days, everywhere', () => {
  it('given a member leaves from 2018-01-01, then its membership in the municipality view ends on 2017-12-31', () => {
    const model = given(formed(), left(NKP, '2018-01-01'));
    expect(model.membershipsOf(NKP)).toEqual([expect.objectContaining({ id: FED, from: '2008-01-01', until: '2017-12-31' })]);
    expect(model.membershipsOf(LKP)).toEqual([expect.objectContaining({ id: FED, until: null })]);
  });

  it('given the federation is dissolved from 2020-01-01, then each member’s membership ends on 2019-12-31', () => {
    const model = given(formed(), dissolved('2020-01-01'));
    expect(model.membershipsOf(LKP)).toEqual([expect.objectContaining({ until: '2019-12-31', status: 'dissolved' })]);
    expect(model.membershipsOf(NKP)).toEqual([expect.objectContaining({ until: '2019-12-31' })]);
  });
});
