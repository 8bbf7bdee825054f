import { agreementProposed, agreementState, concludedAgreement, councilDecided, extended, LINKOPING, NORRKOPING, signed, terminated } from '../testing/fixtures';
import { agreementEndsOn, agreementInForceOn, missingCouncilDecisions, missingSignatures, signatories } from './agreement.state';

const AGR = 'lkp-buys-payroll-2020';

describe('agreement state', () => {
  it('signatories: party municipalities, other parties and a providing federation or region, once each; a region by its code', () => {
    expect(signatories({ parties: [LINKOPING, NORRKOPING], otherParties: ['Tillväxtverket', 'Region Östergötland'], provider: { kind: 'municipality', code: NORRKOPING } })).toEqual([
      LINKOPING,
      NORRKOPING,
      'Tillväxtverket',
      '05',
    ]);
    // Recorded before "a party is one party": the providing region also named in otherParties signs once, by its code.
    expect(signatories({ parties: [LINKOPING], otherParties: ['Region Skåne'], provider: { kind: 'region', code: '12' } })).toEqual([LINKOPING, '12']);
    expect(signatories({ parties: [LINKOPING], otherParties: [], provider: { kind: 'federation', id: 'f' } })).toEqual([LINKOPING, 'f']);
    expect(signatories({ parties: [LINKOPING], otherParties: ['05'], provider: { kind: 'region', code: '05' } })).toEqual([LINKOPING, '05']);
  });

  it('missing signatures and council decisions shrink as they are recorded', () => {
    const proposed = agreementState([agreementProposed()]);
    expect(missingSignatures(proposed)).toEqual([LINKOPING, NORRKOPING]);
    expect(missingCouncilDecisions(proposed)).toEqual([LINKOPING, NORRKOPING]);
    const half = agreementState([agreementProposed(), signed(AGR, NORRKOPING, '2019-11-01'), councilDecided(AGR, LINKOPING, '2019-11-20')]);
    expect(missingSignatures(half)).toEqual([LINKOPING]);
    expect(missingCouncilDecisions(half)).toEqual([NORRKOPING]);
    expect(missingCouncilDecisions(agreementState([agreementProposed({ councilApprovalRequired: false })]))).toEqual([]);
  });

  it('agreementEndsOn: the day after the term, or the termination day if earlier; open-ended has none', () => {
    const events = concludedAgreement();
    expect(agreementEndsOn(agreementState(events))).toBe('2023-01-01');
    expect(agreementEndsOn(agreementState([...events, extended(AGR, '2023-12-31', '2022-12-31', '2022-06-01')]))).toBe('2024-01-01');
    expect(agreementEndsOn(agreementState([...events, terminated(AGR, '2021-07-01')]))).toBe('2021-07-01');
    expect(agreementEndsOn(agreementState(concludedAgreement({ validUntil: undefined })))).toBeUndefined();
    expect(agreementEndsOn(agreementState([...concludedAgreement({ validUntil: undefined }), terminated(AGR, '2021-07-01')]))).toBe('2021-07-01');
  });

  it('agreementInForceOn: concluded, within its term, before any termination', () => {
    const state = agreementState(concludedAgreement());
    expect(agreementInForceOn(state, '2019-12-31')).toBe(false);
    expect(agreementInForceOn(state, '2020-01-01')).toBe(true);
    expect(agreementInForceOn(state, '2022-12-31')).toBe(true);
    expect(agreementInForceOn(state, '2023-01-01')).toBe(false);
    expect(agreementInForceOn(agreementState(concludedAgreement().slice(0, -1)), '2020-06-01')).toBe(false);
    const ended = agreementState([...concludedAgreement(), terminated(AGR, '2021-07-01')]);
    expect(agreementInForceOn(ended, '2021-06-30')).toBe(true);
    expect(agreementInForceOn(ended, '2021-07-01')).toBe(false);
  });
});
