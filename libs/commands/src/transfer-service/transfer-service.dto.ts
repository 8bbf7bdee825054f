import { BasisDto } from '../http/shared.dto';
import { CalendarDateField, NestedField, ServiceAreaField } from '../http/validators';

export class TransferServiceDto {
  @ServiceAreaField()
  serviceArea!: string;

  @NestedField(() => BasisDto, 'What the provision rests on; the provider follows from it')
  basis!: BasisDto;

  @CalendarDateField('The date it was decided', '2019-12-16')
  decidedOn!: string;

  @CalendarDateField('The date it takes effect (may be in the past or the future)', '2020-01-01')
  effectiveFrom!: string;
}
