import { agreementLifecycle, federationLifecycle, lastDayInForce, studyLifecycle } from './lifecycle';
import { AgreementState, FederationState, StudyState } from './types';

const agreement = (changes: Partial<AgreementState> = {}): AgreementState => ({
  status: 'concluded',
  id: 'lkp-buys-payroll-2020',
  kind: 'service',
  title: 'Linköping köper löneadministration av Norrköping',
  parties: ['0580', '0581'],
  otherParties: [],
  provider: { kind: 'municipality', code: '0581' },
  buyers: ['0580'],
  serviceAreas: ['payroll'],
  validFrom: '2020-01-01',
  validUntil: '2022-12-31',
  councilApprovalRequired: true,
  decidedOn: '2019-10-07',
  signatures: [
    { party: '0581', signedOn: '2019-11-26' },
    { party: '0580', signedOn: '2019-11-25' },
  ],
  councilDecisions: [{ municipality: '0580', decidedOn: '2019-12-16', outcome: 'approved', reference: 'KF § 455' }],
  concludedOn: '2019-12-16',
  extensions: [],
  reviews: [],
  missingSignatures: [],
  missingCouncilDecisions: [],
  revision: 4,
  ...changes,
});

describe("an arrangement's lifecycle", () => {
  it('puts an agreement’s steps in calendar order, with its term as a bar', () => {
    const { steps, spans } = agreementLifecycle(agreement());
    expect(steps.map((s) => `${s.date} ${s.kind}${s.party ? ` ${s.party}` : ''}`)).toEqual([
      '2019-10-07 proposed',
      '2019-11-25 signed 0580',
      '2019-11-26 signed 0581',
      '2019-12-16 approved 0580',
      '2019-12-16 concluded',
      '2020-01-01 in-force',
      '2022-12-31 ends',
    ]);
    expect(spans).toEqual([{ label: 'term', from: '2020-01-01', to: '2022-12-31' }]);
  });

  it('shows an extension and a termination, and ends the term the day before the termination takes effect', () => {
    const a = agreement({ validUntil: '2024-12-31', extensions: [{ validUntil: '2024-12-31', decidedOn: '2022-06-01' }], status: 'terminated', termination: { decidedOn: '2023-03-01', effectiveFrom: '2023-07-01', reason: 'reorganisation', successors: [] } });
    const { steps, spans } = agreementLifecycle(a);
    expect(steps).toContainEqual({ date: '2022-06-01', kind: 'extended', until: '2024-12-31' });
    expect(steps).toContainEqual({ date: '2023-07-01', kind: 'terminated', decidedOn: '2023-03-01', note: 'reorganisation' });
    expect(steps.some((s) => s.kind === 'ends')).toBe(false);
    expect(spans[0].to).toBe('2023-06-30');
    expect(lastDayInForce({ validUntil: undefined, termination: undefined })).toBeNull();
  });

  it('has no in-force step for an agreement that was never concluded, and uses the recording day when no proposal date is known', () => {
    const { steps } = agreementLifecycle(agreement({ status: 'proposed', concludedOn: undefined, decidedOn: undefined, signatures: [], councilDecisions: [] }), [
      { position: 1, recordedAt: '2012-12-12T10:00:00.000Z', type: 'AgreementProposed', stream: 'agreement-x', summary: '' },
    ]);
    expect(steps.map((s) => s.kind)).toEqual(['proposed']);
    expect(steps[0].date).toBe('2012-12-12');
  });

  it('draws a federation’s memberships up to a departure or the dissolution', () => {
    const f: FederationState = {
      kind: 'federation',
      status: 'dissolved',
      id: 'f',
      name: 'F',
      form: 'federation',
      serviceAreas: ['payroll'],
      decidedOn: '2007-06-18',
      effectiveFrom: '2008-01-01',
      memberships: [
        // As GET /v1/federations/{id} gives them: `until` is the last day, also for members still in at the dissolution.
        { municipality: '0580', from: '2008-01-01', until: '2019-12-31' },
        { municipality: '0581', from: '2008-01-01', until: '2014-12-31', leftDecidedOn: '2014-06-01' },
        { municipality: '0582', from: '2012-01-01', until: '2019-12-31' },
      ],
      dissolution: { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01', successors: [] },
      reviews: [],
      revision: 3,
    };
    const { steps, spans } = federationLifecycle(f);
    expect(steps.map((s) => `${s.date} ${s.kind}`)).toEqual(['2007-06-18 formed', '2008-01-01 in-force', '2012-01-01 joined', '2015-01-01 left', '2020-01-01 dissolved']);
    expect(spans).toEqual([
      { label: '0580', from: '2008-01-01', to: '2019-12-31' },
      { label: '0581', from: '2008-01-01', to: '2014-12-31' },
      { label: '0582', from: '2012-01-01', to: '2019-12-31' },
    ]);
  });

  it('shows a study’s milestones, planned end and conclusion', () => {
    const s: StudyState = {
      status: 'concluded',
      id: 's',
      kind: 'feasibility',
      title: 'S',
      parties: ['2581'],
      otherParties: [],
      serviceAreas: ['payroll'],
      startedOn: '2013-12-18',
      plannedEnd: '2014-09-30',
      milestones: [{ milestoneId: 'm', title: 'Report', due: '2014-06-01', reachedOn: '2014-06-10' }],
      conclusion: { concludedOn: '2014-10-15', recommendation: 'proceed', summary: 'Go on.' },
      revision: 3,
    };
    const { steps, spans } = studyLifecycle(s);
    expect(steps.map((x) => x.kind)).toEqual(['started', 'milestone-due', 'milestone-reached', 'planned-end', 'study-concluded']);
    expect(spans).toEqual([{ label: 'term', from: '2013-12-18', to: '2014-10-15' }]);
  });
});
