import { Body, Post } from '@nestjs/common';
import { CalendarDateField, EnumField, MunicipalityCodesField, OptionalIdField, OptionalMunicipalityCodeField, ServiceAreasField, TextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, CreateCommand, actsForAny, generatedArrangementId, handler, idSpace, on } from '../use-case';

export const FEDERATION_FORMS = ['federation', 'joint-committee'] as const;

export class FormFederationDto {
  @OptionalIdField('Chosen by the client; generated when absent', 'fjarde-storstadsregionen') id?: string;
  @TextField('Name', 'Kommunalförbundet 4:e storstadsregionen') name!: string;
  @EnumField(FEDERATION_FORMS, 'A federation (kommunalförbund) or a joint committee (gemensam nämnd)', 'federation') form!: (typeof FEDERATION_FORMS)[number];
  @OptionalMunicipalityCodeField('The host municipality of a joint committee (one of the members)', '0580') host?: string;
  @MunicipalityCodesField('Member municipalities (at least two)', ['0580', '0581']) members!: string[];
  @ServiceAreasField('The service areas its charter (förbundsordning) lists', ['payroll', 'procurement']) serviceAreas!: string[];
  @CalendarDateField('The date it was decided', '2007-06-18') decidedOn!: string;
  @CalendarDateField('The date it takes effect', '2008-01-01') effectiveFrom!: string;
}

export class FormFederationCommand extends CreateCommand<FormFederationDto> {}

/** Forms a federation or joint committee (rule 10: two members at least; a joint committee's host is one). */
export const FormFederationHandler = handler(FormFederationCommand, async ({ body, context }, { path, arrangements, catalog }) => {
  const id = body.id ?? generatedArrangementId(context, 'federation');
  const unknown = await catalog.unknown({ municipalities: [...body.members, ...(body.host ? [body.host] : [])], serviceAreas: body.serviceAreas });
  return path.run({
    ...on.federation(id),
    context,
    actsFor: () => actsForAny(body.members, 'form an arrangement that does not include it'),
    reads: idSpace(id, 'federation'),
    command: async () => ({ type: 'FormFederation' as const, ...body, id, unknown, idTakenBy: await arrangements.kindOf(id) }),
  });
});

export class FormFederationController extends CommandSender {
  @Post('v1/federations')
  @CommandRoute('Form a federation (kommunalförbund) or a joint committee (gemensam nämnd)')
  form(@Body() body: FormFederationDto, @CommandCtx() context: CommandContext) {
    return this.send(new FormFederationCommand(body, context));
  }
}
