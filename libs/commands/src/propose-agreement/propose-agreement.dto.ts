import { ProviderDto } from '../http/shared.dto';
import {
  BooleanField,
  CalendarDateField,
  Check,
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

/** A service agreement moves a service: it needs a provider, buyers and service areas; the other kinds have no provider or buyers. */
const isService = (o: Record<string, unknown>): boolean => o.kind === 'service';
const isMunicipalityProvider = (provider: unknown): provider is { kind: 'municipality'; code: unknown } =>
  typeof provider === 'object' && provider !== null && (provider as { kind?: unknown }).kind === 'municipality';
/** Whether a field the kind decides is as the kind wants it (an unknown kind is reported on `kind` alone). */
const asKindWants = (o: Record<string, unknown>, present: boolean): boolean => !(AGREEMENT_KINDS as readonly unknown[]).includes(o.kind) || isService(o) === present;

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
    requiredWhen: isService,
  })
  @Check((provider, o) => asKindWants(o, provider !== undefined && provider !== null), 'provider is required for a service agreement, and only a service agreement has one')
  provider?: ProviderDto;

  @OptionalMunicipalityCodesField('The buying municipalities of a service agreement, among the parties', ['0580'], isService)
  @Check(
    (buyers, o) => asKindWants(o, Array.isArray(buyers) && buyers.length > 0),
    'buyers (at least one) are required for a service agreement, and only a service agreement has any',
  )
  @Check((buyers, o) => !(Array.isArray(buyers) && isMunicipalityProvider(o.provider) && buyers.includes(o.provider.code)), 'buyers must not include the providing municipality')
  buyers?: string[];

  @ServiceAreasField('The service areas it covers (a service agreement needs at least one)', ['payroll', 'hr-administration'], 0)
  @Check((areas, o) => !isService(o) || (Array.isArray(areas) && areas.length > 0), 'a service agreement covers at least one service area')
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
