import { CalendarDate } from '../shared/calendar-date';
import { AgreementState } from './agreement.state';

/** How an agreement is shown: its state's status, except that a concluded one whose term ended is 'expired'. */
export type AgreementStatus = 'proposed' | 'concluded' | 'expired' | 'rejected' | 'terminated';

/** `expired` is a concluded agreement whose term ended before `today`. */
export function agreementStatus(state: Pick<AgreementState, 'status' | 'validUntil'>, today: CalendarDate): AgreementStatus {
  if (state.status === 'concluded' && state.validUntil !== undefined && state.validUntil < today) return 'expired';
  return state.status === 'none' ? 'proposed' : state.status;
}
