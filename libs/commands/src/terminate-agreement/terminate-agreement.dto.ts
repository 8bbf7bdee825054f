import { DistinctSuccessors, SuccessorDto } from '../http/shared.dto';
import { CalendarDateField, NestedField, TextField } from '../http/validators';

export class TerminateAgreementDto {
  @CalendarDateField('The date it was decided', '2021-09-27')
  decidedOn!: string;

  @CalendarDateField('The first day it is no longer in force', '2022-01-01')
  effectiveFrom!: string;

  @TextField('Why it ends', 'Norrköping and Linköping agreed to end the purchase early; Linköping takes payroll back in-house', 2000)
  reason!: string;

  @NestedField(() => SuccessorDto, "Successor transfers for the buyers' provisions it ends, effective the same day (rule 5); a provision without one lapses to in-house", {
    optional: true,
    array: true,
  })
  @DistinctSuccessors()
  successors?: SuccessorDto[];
}
