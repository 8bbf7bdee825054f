import { Body, Post } from '@nestjs/common';
import { CalendarDateField, EnumField, MunicipalityCodesField, OptionalIdField, OptionalMunicipalityCodeField, OptionalTextField, OptionalTextsField, ServiceAreasField, TextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, CreateCommand, actsForAny, generatedArrangementId, handler, idSpace, on } from '../use-case';

export const STUDY_KINDS = ['feasibility', 'development-project', 'organisational-review'] as const;

export class StartStudyDto {
  @OptionalIdField('Chosen by the client; generated when absent', 'la-linkoping-planering-2018') id?: string;
  @EnumField(STUDY_KINDS, 'A feasibility study (förstudie), a development project (projekt) or an organisational review (organisationsöversyn)', 'development-project') kind!: (typeof STUDY_KINDS)[number];
  @TextField('Title', 'Samlad planering för utveckling av LA-Linköping') title!: string;
  @MunicipalityCodesField('Party municipalities (SCB codes)', ['0580', '0561', '0513', '0586', '0583']) parties!: string[];
  @OptionalTextsField('Parties that are not municipalities, by name', ['Region Östergötland']) otherParties?: string[];
  @OptionalMunicipalityCodeField('The owning party municipality (projektägare)', '0580') owner?: string;
  @OptionalTextField('Who funds it, by name', 'Tillväxtverket', 300) funder?: string;
  @ServiceAreasField('The service areas it studies (may be empty)', ['physical-planning', 'specialist-competence'], 0) serviceAreas!: string[];
  @CalendarDateField('The date it started', '2018-01-01') startedOn!: string;
  @CalendarDateField('The date it is planned to end; unconcluded after it, it is on the attention list', '2020-12-31') plannedEnd!: string;
}

export class StartStudyCommand extends CreateCommand<StartStudyDto> {}

/** Starts a feasibility study, development project or organisational review. */
export const StartStudyHandler = handler(StartStudyCommand, async ({ body, context }, { path, arrangements, catalog }) => {
  const id = body.id ?? generatedArrangementId(context, 'study');
  const unknown = await catalog.unknown({ municipalities: [...body.parties, ...(body.owner !== undefined ? [body.owner] : [])], serviceAreas: body.serviceAreas });
  return path.run({
    ...on.study(id),
    context,
    actsFor: () => actsForAny(body.parties, 'start a study that does not include it'),
    reads: idSpace(id, 'study'),
    command: async () => ({ type: 'StartStudy' as const, ...body, id, otherParties: body.otherParties ?? [], unknown, idTakenBy: await arrangements.kindOf(id) }),
  });
});

export class StartStudyController extends CommandSender {
  @Post('v1/studies')
  @CommandRoute('Start a feasibility study (förstudie), development project or organisational review')
  start(@Body() body: StartStudyDto, @CommandCtx() context: CommandContext) {
    return this.send(new StartStudyCommand(body, context));
  }
}
