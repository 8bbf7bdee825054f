import { agreementProposed, agreementState, concludedAgreement, terminated } from '../testing/fixtures';
import { agreementStatus } from './agreement-status';
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
