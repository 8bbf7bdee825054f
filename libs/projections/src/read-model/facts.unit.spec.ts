import { EVENT_TYPES, SamverkanEvent } from '@samverkan/domain';
import { factsOf, summarize } from '../summaries';
import type { AttentionItem, TimelineEntry } from './types';
import { EventFeed, given } from './testing/event-feed';

/**
 * Issue 17: every attention item and timeline entry carries, next to its English line, the same
 * facts as data (codes, ids and slugs the dashboard names in the reader's language), so that no
 * reader has to parse the line back.
 */

const LKP = '0580';
const NKP = '0581';
const FED = 'fed';

const feed = new EventFeed();
const recorded = feed.recorded;

const registered = (code: string, name: string) => recorded(`municipality-${code}`, 'MunicipalityRegistered', { code, name, countyCode: '05', countyName: 'Östergötlands län' });
const formed = (effectiveFrom = '2008-01-01', form = 'federation') =>
  recorded(`federation-${FED}`, 'FederationFormed', { id: FED, name: 'Förbundet', form, members: [LKP, NKP], serviceAreas: ['payroll'], decidedOn: effectiveFrom, effectiveFrom });
const transferred = (transferId: string, effectiveFrom: string) =>
  recorded(`municipality-${LKP}`, 'ServiceTransferred', {
    transferId,
    municipality: LKP,
    serviceArea: 'payroll',
    basis: { kind: 'federation', id: FED },
    provider: { kind: 'federation', id: FED },
    decidedOn: effectiveFrom,
    effectiveFrom,
  });
const left = (effectiveFrom: string) => recorded(`federation-${FED}`, 'MemberLeft', { id: FED, municipality: LKP, decidedOn: effectiveFrom, effectiveFrom, successors: [] });
const proposed = (id: string, extra: Record<string, unknown> = {}) =>
  recorded(`agreement-${id}`, 'AgreementProposed', {
    id,
    kind: 'service',
    title: `Avtal ${id}`,
    parties: [LKP, NKP],
    otherParties: [],
    buyers: [LKP],
    serviceAreas: ['payroll'],
    validFrom: '2018-01-01',
    councilApprovalRequired: false,
    ...extra,
  });
const concluded = (id: string, concludedOn = '2017-12-01') => recorded(`agreement-${id}`, 'AgreementConcluded', { id, concludedOn });
const started = (plannedEnd: string) =>
  recorded('study-st', 'StudyStarted', { id: 'st', kind: 'feasibility', title: 'Förstudie', parties: [LKP, NKP], otherParties: [], serviceAreas: ['payroll'], startedOn: '2013-09-01', plannedEnd });
const scheduled = (due: string) => recorded('study-st', 'MilestoneScheduled', { id: 'st', milestoneId: 'pilot', title: 'Pilotrapport', due });

const ofKind = (items: AttentionItem[], kind: AttentionItem['kind']) => items.filter((i) => i.kind === kind).map((i) => i.facts);

describe('issue 17: the facts of each attention kind', () => {
  beforeEach(() => feed.reset());

  it('given an agreement unsigned by some of its parties and awaiting a council, then the items name who, as codes, ids and names', () => {
    const model = given(
      formed(),
      proposed('agr', { otherParties: ['Region Östergötland', 'Företaget AB'], provider: { kind: 'federation', id: FED }, councilApprovalRequired: true, validFrom: '2030-01-01' }),
      recorded('agreement-agr', 'AgreementSigned', { id: 'agr', party: LKP, signedOn: '2029-01-01' }),
      recorded('agreement-agr', 'CouncilDecisionRecorded', { id: 'agr', municipality: LKP, decidedOn: '2029-01-02', outcome: 'approved' }),
    );
    const items = model.attention('2029-06-01');
    expect(ofKind(items, 'awaiting-signature')).toEqual([
      {
        arrangement: { kind: 'agreement', id: 'agr' },
        parties: [{ kind: 'municipality', code: NKP }, { kind: 'region', code: '05', name: 'Region Östergötland' }, { kind: 'other', name: 'Företaget AB' }, { kind: 'federation', id: FED }],
      },
    ]);
    expect(ofKind(items, 'awaiting-council-decision')).toEqual([{ arrangement: { kind: 'agreement', id: 'agr' }, municipalities: [NKP] }]);
  });

  it('given an agreement that expires within the horizon, then its item says it expires and its last day', () => {
    const model = given(proposed('agr', { validUntil: '2020-03-31' }), concluded('agr'));
    expect(ofKind(model.attention('2020-01-01'), 'agreement-ending')).toEqual([{ arrangement: { kind: 'agreement', id: 'agr' }, ending: 'expires', on: '2020-03-31' }]);
  });

  it('given an agreement whose providing federation is dissolved within the horizon, then its item says it is terminated from that day, by that federation', () => {
    const model = given(formed(), proposed('agr', { parties: [LKP], provider: { kind: 'federation', id: FED }, validUntil: '2022-12-31' }), concluded('agr'), recorded(`federation-${FED}`, 'FederationDissolved', { id: FED, decidedOn: '2019-06-01', effectiveFrom: '2020-01-01', successors: [] }));
    expect(ofKind(model.attention('2019-12-01'), 'agreement-ending')).toEqual([{ arrangement: { kind: 'agreement', id: 'agr' }, ending: 'terminated', on: '2020-01-01', provider: { kind: 'federation', id: FED } }]);
  });

  it('given a municipality that left the federation it got a service from, then the lapse names the municipality, area, day, basis and reason', () => {
    const model = given(formed(), transferred('t-1', '2010-01-01'), left('2015-01-01'));
    expect(ofKind(model.attention('2016-01-01'), 'provision-lapsed')).toEqual([{ municipality: LKP, serviceArea: 'payroll', on: '2015-01-01', basis: { kind: 'federation', id: FED }, reason: 'left' }]);
  });

  it('given a federation and an agreement not reviewed during a full term, then each item names the arrangement by kind and the term', () => {
    const model = given(formed('2016-01-01', 'joint-committee'), proposed('agr', { kind: 'cooperation' }), concluded('agr'));
    const term = { start: '2018-10-15', end: '2022-10-14' };
    expect(ofKind(model.attention('2022-10-15'), 'review-overdue')).toEqual(expect.arrayContaining([{ arrangement: { kind: 'joint-committee', id: FED }, term }, { arrangement: { kind: 'agreement', id: 'agr' }, term }]));
  });

  it('given a study past its planned end with a milestone not reached, then the items name the study, the milestone and their days', () => {
    const model = given(started('2014-12-31'), scheduled('2014-06-30'));
    const items = model.attention('2015-03-01');
    expect(ofKind(items, 'study-overdue')).toEqual([{ arrangement: { kind: 'study', id: 'st' }, on: '2014-12-31' }]);
    expect(ofKind(items, 'milestone-overdue')).toEqual([{ arrangement: { kind: 'study', id: 'st' }, milestone: { id: 'pilot', title: 'Pilotrapport' }, on: '2014-06-30' }]);
  });

  it('given the same items as known at an earlier time, then they carry the same facts', () => {
    const events = [started('2014-12-31'), scheduled('2014-06-30')];
    const model = given(...events);
    expect(model.attention('2015-03-01', feed.now)).toEqual(model.attention('2015-03-01'));
  });
});

describe('issue 17: the facts of each timeline event type', () => {
  beforeEach(() => feed.reset());

  /** Every event type that stands in a timeline, once, around Linköping. */
  function story() {
    return given(
      registered(LKP, 'Linköping'),
      registered(NKP, 'Norrköping'),
      formed(),
      recorded(`federation-${FED}`, 'MemberJoined', { id: FED, municipality: '0582', decidedOn: '2009-01-01', effectiveFrom: '2009-01-01' }),
      transferred('t-1', '2010-01-01'),
      recorded(`municipality-${LKP}`, 'CorrectionRecorded', {
        municipality: LKP,
        corrects: { transferId: 't-1', type: 'ServiceTransferred' },
        reason: 'Fel datum',
        replacement: { transferId: 'r-1', municipality: LKP, serviceArea: 'payroll', basis: { kind: 'federation', id: FED }, provider: { kind: 'federation', id: FED }, decidedOn: '2010-02-01', effectiveFrom: '2010-02-01' },
      }),
      recorded(`federation-${FED}`, 'ReviewRecorded', { id: FED, reviewedOn: '2011-03-01', outcome: 'revise' }),
      left('2015-01-01'),
      recorded(`federation-${FED}`, 'FederationDissolved', { id: FED, decidedOn: '2015-06-01', effectiveFrom: '2016-01-01', successors: [] }),
      proposed('agr', { otherParties: ['Företaget AB'], councilApprovalRequired: true }),
      recorded('agreement-agr', 'AgreementSigned', { id: 'agr', party: 'Företaget AB', signedOn: '2017-10-01' }),
      recorded('agreement-agr', 'CouncilDecisionRecorded', { id: 'agr', municipality: NKP, decidedOn: '2017-10-02', outcome: 'approved', reference: 'KS 2017/12' }),
      concluded('agr'),
      recorded('agreement-agr', 'AgreementExtended', { id: 'agr', validUntil: '2024-12-31', decidedOn: '2020-01-01' }),
      recorded('agreement-agr', 'AgreementTerminated', { id: 'agr', decidedOn: '2021-01-01', effectiveFrom: '2022-01-01', reason: 'Ersätts', successors: [] }),
      proposed('no', { councilApprovalRequired: true }),
      recorded('agreement-no', 'AgreementRejected', { id: 'no', municipality: LKP, rejectedOn: '2017-11-01' }),
      started('2014-12-31'),
      scheduled('2014-06-30'),
      recorded('study-st', 'MilestoneReached', { id: 'st', milestoneId: 'pilot', reachedOn: '2014-06-20' }),
      recorded('study-st', 'StudyConcluded', { id: 'st', concludedOn: '2014-12-15', recommendation: 'partly', summary: 'Delvis' }),
    );
  }

  const EXPECTED: Record<string, TimelineEntry['facts']> = {
    MunicipalityRegistered: { municipality: LKP, countyName: 'Östergötlands län' },
    FederationFormed: { arrangement: { kind: 'federation', id: FED }, parties: [LKP, NKP] },
    MemberJoined: { arrangement: { kind: 'federation', id: FED }, municipality: '0582' },
    ServiceTransferred: { municipality: LKP, serviceArea: 'payroll', basis: { kind: 'federation', id: FED } },
    CorrectionRecorded: { municipality: LKP, correction: { kind: 'replaced', transferId: 't-1' }, reason: 'Fel datum', serviceArea: 'payroll', basis: { kind: 'federation', id: FED } },
    ReviewRecorded: { arrangement: { kind: 'federation', id: FED }, on: '2011-03-01', outcome: 'revise' },
    MemberLeft: { arrangement: { kind: 'federation', id: FED }, municipality: LKP },
    FederationDissolved: { arrangement: { kind: 'federation', id: FED } },
    AgreementProposed: { arrangement: { kind: 'agreement', id: 'agr' }, agreementKind: 'service', parties: [LKP, NKP], otherParties: ['Företaget AB'] },
    AgreementSigned: { arrangement: { kind: 'agreement', id: 'agr' }, party: { kind: 'other', name: 'Företaget AB' }, on: '2017-10-01' },
    CouncilDecisionRecorded: { arrangement: { kind: 'agreement', id: 'agr' }, municipality: NKP, outcome: 'approved', on: '2017-10-02', reference: 'KS 2017/12' },
    AgreementConcluded: { arrangement: { kind: 'agreement', id: 'agr' }, on: '2017-12-01' },
    AgreementExtended: { arrangement: { kind: 'agreement', id: 'agr' }, until: '2024-12-31' },
    AgreementTerminated: { arrangement: { kind: 'agreement', id: 'agr' }, reason: 'Ersätts' },
    AgreementRejected: { arrangement: { kind: 'agreement', id: 'no' }, municipality: LKP, on: '2017-11-01' },
    StudyStarted: { arrangement: { kind: 'study', id: 'st' }, parties: [LKP, NKP], on: '2013-09-01', until: '2014-12-31' },
    MilestoneScheduled: { arrangement: { kind: 'study', id: 'st' }, milestone: { id: 'pilot', title: 'Pilotrapport' }, due: '2014-06-30' },
    MilestoneReached: { arrangement: { kind: 'study', id: 'st' }, milestone: { id: 'pilot', title: 'Pilotrapport' }, on: '2014-06-20' },
    StudyConcluded: { arrangement: { kind: 'study', id: 'st' }, on: '2014-12-15', outcome: 'partly' },
  };

  it("given every event type around Linköping, when its timeline is asked, then each entry carries its type's facts next to the unchanged summary", () => {
    const timeline = story().timeline(LKP);
    const first = new Map<string, TimelineEntry>();
    for (const entry of timeline) if (!first.has(entry.type)) first.set(entry.type, entry);
    for (const [type, facts] of Object.entries(EXPECTED)) expect({ type, facts: first.get(type)?.facts }).toEqual({ type, facts });
    expect(first.get('ServiceTransferred')?.summary).toBe('0580 gets payroll on federation fed from 2010-01-01');
  });

  it('given every event type but ServiceAreaDefined (which stands in no timeline), then the story covers them all, and ServiceAreaDefined has its slug', () => {
    const types = new Set(story().timeline(LKP).map((e) => e.type));
    expect(EVENT_TYPES.filter((t) => t !== 'ServiceAreaDefined' && !types.has(t))).toEqual([]);
    const defined = { type: 'ServiceAreaDefined', data: { slug: 'payroll', nameSv: 'Löneadministration', nameEn: 'Payroll administration' } } as unknown as SamverkanEvent;
    expect(factsOf(defined, () => 'agreement')).toEqual({ serviceArea: 'payroll' });
    expect(summarize(defined)).toContain('payroll');
  });

  it("given an arrangement's timeline, then its entries carry the same facts as in the municipality's", () => {
    const model = story();
    const byPosition = new Map(model.timeline(LKP).map((e) => [e.position, e.facts]));
    const agreement = model.arrangementTimeline('agr');
    expect(agreement.length).toBeGreaterThan(3);
    for (const entry of agreement) expect(entry.facts).toEqual(byPosition.get(entry.position));
  });

  it('given a region that signs by its county code, then the signing party carries the name the agreement gives it', () => {
    const model = given(proposed('agr', { otherParties: ['Region Östergötland'] }), recorded('agreement-agr', 'AgreementSigned', { id: 'agr', party: '05', signedOn: '2017-10-01' }));
    expect(model.arrangementTimeline('agr').find((e) => e.type === 'AgreementSigned')?.facts.party).toEqual({ kind: 'region', code: '05', name: 'Region Östergötland' });
  });

  it('given a transfer named by a successor clause, then its facts say which event named it', () => {
    const named = { type: 'ServiceTransferred', data: { transferId: 't', municipality: LKP, serviceArea: 'payroll', basis: { kind: 'in-house' }, provider: { kind: 'municipality', code: LKP }, decidedOn: '2020-01-01', effectiveFrom: '2020-01-01', successorOf: { type: 'MemberLeft', eventId: 'e' } } } as unknown as SamverkanEvent;
    expect(factsOf(named, () => 'agreement')).toEqual({ municipality: LKP, serviceArea: 'payroll', basis: { kind: 'in-house' }, successorOf: 'MemberLeft' });
  });
});
