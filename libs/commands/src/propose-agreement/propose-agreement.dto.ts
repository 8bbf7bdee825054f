import { ProviderDto } from '../http/shared.dto';
import {
  BooleanField,
  CalendarDateField,
  EnumField,
  MunicipalityCodesField,
  NestedField,
  OptionalCalendarDateField,
  OptionalIdField,
  OptionalMunicipalityCodesField,
  OptionalTextsField,
  ServiceAreasField,
  TextField,
} from '../http/validators';

export const AGREEMENT_KINDS = ['service', 'intent', 'cooperation'] as const;

export class ProposeAgreementDto {
  @OptionalIdField('Chosen by the client; generated when absent', 'lkp-buys-payroll-2020')
  id?: string;

  @EnumField(AGREEMENT_KINDS, 'A service agreement (avtalssamverkan), a letter of intent (avsiktsförklaring) or a cooperation agreement (samverkansavtal)', 'service')
  kind!: (typeof AGREEMENT_KINDS)[number];

  @TextField('Title', 'Linköping buys payroll and HR administration from Norrköping')
  title!: string;

  @MunicipalityCodesField('Party municipalities (SCB codes)', ['0580', '0581'])
  parties!: string[];

  @OptionalTextsField('Parties that are not municipalities (a region, a company), by name', ['Region Östergötland'])
  otherParties?: string[];

  @NestedField(() => ProviderDto, 'Who performs the service: required for a service agreement, absent otherwise; a providing municipality is among the parties', {
    optional: true,
  })
  provider?: ProviderDto;

  @OptionalMunicipalityCodesField('The buying municipalities of a service agreement, among the parties', ['0580'])
  buyers?: string[];

  @ServiceAreasField('The service areas it covers (a service agreement needs at least one)', ['payroll', 'hr-administration'], 0)
  serviceAreas!: string[];

  @CalendarDateField('The first day of its term', '2020-01-01')
  validFrom!: string;

  @OptionalCalendarDateField('The last day of its term; absent when open-ended', '2022-12-31')
  validUntil?: string;

  @BooleanField("Whether every party municipality's council must approve it before it is concluded (rule 6)", true)
  councilApprovalRequired!: boolean;

  @OptionalCalendarDateField('The date it was proposed or decided', '2019-10-07')
  decidedOn?: string;
}
