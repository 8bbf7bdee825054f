import { agreementProposed, agreementState, concludedAgreement, federationDissolved, federationFormed, federationState, terminated } from '../testing/fixtures';
import { agreementStatus, agreementStatusView, providerDissolution } from './agreement-status';
import { agreementInForceOn } from './agreement.state';

const AGR = 'lkp-buys-payroll-2020';

describe('agreement status and in force as it stood', () => {
  it("agreementStatus: proposed until concluded, 'expired' once a concluded term ended before today", () => {
    expect(agreementStatus(agreementState([agreementProposed()]), '2030-01-01')).toBe('proposed');
    expect(agreementStatus({ status: 'none' }, '2030-01-01')).toBe('proposed');
    const concluded = agreementState(concludedAgreement());
    expect(agreementStatus(concluded, '2022-12-31')).toBe('concluded');
    expect(agreementStatus(concluded, '2023-01-01')).toBe('expired');
    expect(agreementStatus(agreementState(concludedAgreement({ validUntil: undefined })), '2099-01-01')).toBe('concluded');
    expect(agreementStatus(agreementState([...concludedAgreement(), terminated(AGR, '2021-07-01')]), '2030-01-01')).toBe('terminated');
  });

  it('agreementInForceOn with concludedBy: a conclusion after that day does not count', () => {
    const state = agreementState(concludedAgreement({}, '2020-03-01'));
    expect(agreementInForceOn(state, '2020-01-15')).toBe(true);
    expect(agreementInForceOn(state, '2020-01-15', '2020-01-15')).toBe(false);
    expect(agreementInForceOn(state, '2020-03-01', '2020-03-01')).toBe(true);
    expect(agreementInForceOn(state, '2023-01-01', '2023-01-01')).toBe(false);
  });
});

describe('decision: a dissolved provider ends its agreements', () => {
  const FED = 'fjarde-storstadsregionen';
  const provided = (overrides: Parameters<typeof concludedAgreement>[0] = {}) =>
    concludedAgreement({ provider: { kind: 'federation', id: FED }, validUntil: '2022-12-31', ...overrides });
  const formed = federationState([federationFormed()]);
  const dissolvedFrom = (effectiveFrom: string) => federationState([federationFormed(), federationDissolved(FED, effectiveFrom)]);

  it('given its provider is dissolved from 2021-01-01, when asked on that day, then it is terminated with endedBy', () => {
    const view = agreementStatusView(agreementState(provided()), '2021-01-01', dissolvedFrom('2021-01-01'));
    expect(view).toEqual({ status: 'terminated', endedBy: { kind: 'provider-dissolved', federation: FED, effectiveFrom: '2021-01-01' } });
  });

  it('given its provider is dissolved from 2021-01-01, when asked on the day before, then it is still concluded, without endedBy', () => {
    expect(agreementStatusView(agreementState(provided()), '2020-12-31', dissolvedFrom('2021-01-01'))).toEqual({ status: 'concluded' });
  });

  it('given its provider is not dissolved (or not known to be), then it is as its own events make it', () => {
    expect(agreementStatusView(agreementState(provided()), '2021-06-01', formed)).toEqual({ status: 'concluded' });
    expect(agreementStatusView(agreementState(provided()), '2021-06-01')).toEqual({ status: 'concluded' });
    expect(agreementStatusView(agreementState(provided()), '2023-01-01', formed)).toEqual({ status: 'expired' });
  });

  it('given its term ended before the dissolution, then it expired by itself and stays expired', () => {
    expect(providerDissolution(agreementState(provided({ validUntil: '2020-12-31' })), dissolvedFrom('2021-01-01'))).toBeUndefined();
    expect(agreementStatusView(agreementState(provided({ validUntil: '2020-12-31' })), '2021-06-01', dissolvedFrom('2021-01-01'))).toEqual({ status: 'expired' });
  });

  it('given its term ends on the dissolution day itself, then the dissolution ended it (its last day was the day before)', () => {
    expect(agreementStatusView(agreementState(provided({ validUntil: '2021-01-01' })), '2021-06-01', dissolvedFrom('2021-01-01')).endedBy?.effectiveFrom).toBe('2021-01-01');
  });

  it('given its own termination takes effect on or before the dissolution, then it is terminated by that, without endedBy', () => {
    const state = agreementState([...provided(), terminated(AGR, '2020-07-01')]);
    expect(agreementStatusView(state, '2021-06-01', dissolvedFrom('2021-01-01'))).toEqual({ status: 'terminated' });
    expect(providerDissolution(agreementState([...provided(), terminated(AGR, '2021-01-01')]), dissolvedFrom('2021-01-01'))).toBeUndefined();
  });

  it('given its own termination would take effect after the dissolution, then the dissolution ended it first', () => {
    const state = agreementState([...provided(), terminated(AGR, '2022-01-01')]);
    expect(agreementStatusView(state, '2021-06-01', dissolvedFrom('2021-01-01')).endedBy).toEqual({ kind: 'provider-dissolved', federation: FED, effectiveFrom: '2021-01-01' });
  });

  it('given a proposal or a rejected agreement, then a dissolved provider changes nothing', () => {
    expect(agreementStatusView(agreementState([agreementProposed({ provider: { kind: 'federation', id: FED } })]), '2021-06-01', dissolvedFrom('2021-01-01'))).toEqual({ status: 'proposed' });
  });

  it('given another federation is dissolved, or the provider is a municipality, then nothing ends', () => {
    const other = federationState([federationFormed({ id: 'other' }), federationDissolved('other', '2021-01-01')]);
    expect(providerDissolution(agreementState(provided()), other)).toBeUndefined();
    expect(providerDissolution(agreementState(concludedAgreement()), dissolvedFrom('2021-01-01'))).toBeUndefined();
  });
});
