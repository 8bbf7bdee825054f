import { CalendarDateField, MunicipalityCodeField } from '../http/validators';

export class JoinFederationDto {
  @MunicipalityCodeField('The municipality that joins', '0581')
  municipality!: string;

  @CalendarDateField('The date it was decided', '2011-11-29')
  decidedOn!: string;

  @CalendarDateField('The date the membership starts', '2012-01-01')
  effectiveFrom!: string;
}
