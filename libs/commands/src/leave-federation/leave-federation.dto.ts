import { DistinctSuccessors, SuccessorDto } from '../http/shared.dto';
import { CalendarDateField, MunicipalityCodeField, NestedField } from '../http/validators';

export class LeaveFederationDto {
  @MunicipalityCodeField('The municipality that leaves', '0580')
  municipality!: string;

  @CalendarDateField('The date it was decided', '2019-11-25')
  decidedOn!: string;

  @CalendarDateField('The date the membership ends (the first day outside)', '2020-01-01')
  effectiveFrom!: string;

  @NestedField(() => SuccessorDto, 'Successor transfers for the leaving municipality, effective the same day (rule 5); a provision without one lapses to in-house', {
    optional: true,
    array: true,
  })
  @DistinctSuccessors()
  successors?: SuccessorDto[];
}
