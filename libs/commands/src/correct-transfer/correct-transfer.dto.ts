import { BasisDto } from '../http/shared.dto';
import { CalendarDateField, NestedField, ServiceAreaField, TextField } from '../http/validators';

export class ReplacementTransferDto {
  @ServiceAreaField()
  serviceArea!: string;

  @NestedField(() => BasisDto, 'What the corrected provision rests on; the provider follows from it')
  basis!: BasisDto;

  @CalendarDateField('The date it was decided', '2019-12-16')
  decidedOn!: string;

  @CalendarDateField('The date it takes effect', '2020-01-01')
  effectiveFrom!: string;
}

export class CorrectTransferDto {
  @TextField('The transferId of the ServiceTransferred event to correct', '0b6f3c52-7d8e-5a41-9f0e-3c2b1a9d8e7f', 100)
  transferId!: string;

  @TextField('Why it is corrected', 'Recorded on the wrong basis: Linköping buys payroll under lkp-buys-payroll-2020, not from the federation.', 2000)
  reason!: string;

  @NestedField(() => ReplacementTransferDto, 'The transfer that replaces it; without one the transfer is withdrawn. Both stay visible (rule 8)', { optional: true })
  replacement?: ReplacementTransferDto;
}
