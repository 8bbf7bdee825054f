import { CalendarDateField } from '../http/validators';

export class ExtendAgreementDto {
  @CalendarDateField('The new last day of its term (after the current one)', '2024-12-31')
  validUntil!: string;

  @CalendarDateField('The date the extension was decided', '2022-06-20')
  decidedOn!: string;
}
