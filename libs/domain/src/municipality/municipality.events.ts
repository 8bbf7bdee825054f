import { CalendarDate } from '../shared/calendar-date';
import { DomainEvent } from '../shared/decider';
import { Basis, ProviderRef } from '../shared/provider-basis';

export type MunicipalityRegistered = DomainEvent<'MunicipalityRegistered', { code: string; name: string; countyCode: string; countyName: string }>;

/** What a transfer says (rule 2): from `effectiveFrom`, `municipality` gets `serviceArea` on `basis`. */
export interface TransferFacts {
  /** A stable id for this transfer, so that a correction can name it. */
  transferId: string;
  municipality: string;
  serviceArea: string;
  basis: Basis;
  /** The provider the basis implied when the transfer was decided. */
  provider: ProviderRef;
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  /** Set when a process manager recorded it as the successor named by a dissolution, termination or departure (rule 5). */
  successorOf?: { stream: string; eventId: string; type: string };
}

export type ServiceTransferred = DomainEvent<'ServiceTransferred', TransferFacts>;

/**
 * Rule 8: nothing is edited. A mistaken transfer is corrected by this event, which names it;
 * with `replacement` the transfer is replaced, without it the transfer is withdrawn. Both stay visible.
 */
export type CorrectionRecorded = DomainEvent<
  'CorrectionRecorded',
  { municipality: string; corrects: { transferId: string; type: 'ServiceTransferred' }; reason: string; replacement?: TransferFacts }
>;

export type MunicipalityEvent = MunicipalityRegistered | ServiceTransferred | CorrectionRecorded;
