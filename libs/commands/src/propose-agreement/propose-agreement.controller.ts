import { Body, Post } from '@nestjs/common';
import { ProviderDto, toProvider } from '../http/shared.dto';
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
import { CommandContext, CommandCtx, CommandRoute, CommandSender, CreateCommand, actsForAny, generatedArrangementId, handler, idSpace, on } from '../use-case';

export const AGREEMENT_KINDS = ['service', 'intent', 'cooperation'] as const;

/** What the kind asks of provider, buyers and service areas is the agreement decider's rule. */
export class ProposeAgreementDto {
  @OptionalIdField('Chosen by the client; generated when absent', 'lkp-buys-payroll-2020') id?: string;
  @EnumField(AGREEMENT_KINDS, 'A service agreement (avtalssamverkan), a letter of intent (avsiktsförklaring) or a cooperation agreement (samverkansavtal)', 'service') kind!: (typeof AGREEMENT_KINDS)[number];
  @TextField('Title', 'Linköping buys payroll and HR administration from Norrköping') title!: string;
  @MunicipalityCodesField('Party municipalities (SCB codes)', ['0580', '0581']) parties!: string[];
  @OptionalTextsField(
    'Parties without a code (a state agency, a company, an association), by name; each signs by that name. A party is one party: a municipality is named by its code in parties, never here, and a region that provides is named by its code in provider, not here too (400). A region named here takes part and signs by its county code',
    ['Tillväxtverket'],
  )
  otherParties?: string[];
  @NestedField(() => ProviderDto, 'Who performs the service: required for a service agreement, absent otherwise; a providing municipality is among the parties', { optional: true }) provider?: ProviderDto;
  @OptionalMunicipalityCodesField('The buying municipalities of a service agreement, among the parties', ['0580']) buyers?: string[];
  @ServiceAreasField('The service areas it covers (a service agreement needs at least one)', ['payroll', 'hr-administration'], 0) serviceAreas!: string[];
  @CalendarDateField('The first day of its term', '2020-01-01') validFrom!: string;
  @OptionalCalendarDateField('The last day of its term; absent when open-ended', '2022-12-31') validUntil?: string;
  @BooleanField("Whether every party municipality's council must approve it before it is concluded (rule 6)", true) councilApprovalRequired!: boolean;
  @OptionalCalendarDateField('The date it was proposed or decided', '2019-10-07') decidedOn?: string;
}

export class ProposeAgreementCommand extends CreateCommand<ProposeAgreementDto> {}

/** Proposes a service agreement, a letter of intent or a cooperation agreement; it binds once every party has signed (and approved, if required). */
export const ProposeAgreementHandler = handler(ProposeAgreementCommand, async ({ body, context }, { path, arrangements, catalog }) => {
  const id = body.id ?? generatedArrangementId(context, 'agreement');
  const provider = body.provider && toProvider(body.provider);
  const buyers = body.buyers ?? [];
  const unknown = await catalog.unknown({
    municipalities: [...body.parties, ...buyers, ...(provider?.kind === 'municipality' ? [provider.code] : [])],
    serviceAreas: body.serviceAreas,
    regions: provider?.kind === 'region' ? [provider.code] : [],
  });
  return path.run({
    ...on.agreement(id),
    context,
    actsFor: () => actsForAny(body.parties, 'propose an agreement that does not include it'),
    reads: idSpace(id, 'agreement'),
    command: async () => ({
      type: 'ProposeAgreement' as const,
      ...body,
      id,
      otherParties: body.otherParties ?? [],
      municipalitiesNamed: catalog.municipalitiesNamed(body.otherParties ?? []),
      provider,
      buyers,
      idTakenBy: await arrangements.kindOf(id),
      unknown: { ...unknown, federations: provider?.kind === 'federation' ? await arrangements.notFederations([provider.id]) : [] },
    }),
  });
});

export class ProposeAgreementController extends CommandSender {
  @Post('v1/agreements')
  @CommandRoute('Propose a service agreement (avtalssamverkan), a letter of intent or a cooperation agreement')
  propose(@Body() body: ProposeAgreementDto, @CommandCtx() context: CommandContext) {
    return this.send(new ProposeAgreementCommand(body, context));
  }
}
