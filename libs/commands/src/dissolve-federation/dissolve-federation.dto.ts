import { DistinctSuccessors, SuccessorDto } from '../http/shared.dto';
import { CalendarDateField, NestedField } from '../http/validators';

export class DissolveFederationDto {
  @CalendarDateField('The date it was decided', '2019-12-16')
  decidedOn!: string;

  @CalendarDateField('The first day it no longer exists', '2020-01-01')
  effectiveFrom!: string;

  @NestedField(() => SuccessorDto, 'Successor transfers for the provisions it ends, effective the same day (rule 5); a provision without one lapses to in-house', {
    optional: true,
    array: true,
  })
  @DistinctSuccessors()
  successors?: SuccessorDto[];
}
