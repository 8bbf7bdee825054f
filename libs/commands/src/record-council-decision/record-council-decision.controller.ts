import { Body, Post } from '@nestjs/common';
import { CalendarDateField, EnumField, MunicipalityCodeField, OptionalTextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAll, handler, on } from '../use-case';

export const COUNCIL_OUTCOMES = ['approved', 'rejected'] as const;

export class RecordCouncilDecisionDto {
  @MunicipalityCodeField('The party municipality whose council (kommunfullmäktige) decided', '0581') municipality!: string;
  @CalendarDateField('The date the council decided', '2019-12-16') decidedOn!: string;
  @EnumField(COUNCIL_OUTCOMES, 'Approved or rejected; one rejection means the agreement is never concluded (rule 6)', 'approved') outcome!: (typeof COUNCIL_OUTCOMES)[number];
  @OptionalTextField('The minutes reference (§, diary number)', 'KF 2019-12-16 § 212, dnr KS 2019/0987', 300) reference?: string;
}

export class RecordCouncilDecisionCommand extends StreamCommand<RecordCouncilDecisionDto> {}

/** Council decisions come only from party municipalities, once each (rule 6). */
export const RecordCouncilDecisionHandler = handler(RecordCouncilDecisionCommand, ({ id, body, context }, { path, catalog }) => {
  const { municipality } = body;
  return path.run({
    ...on.agreement(id),
    context,
    actsFor: () => actsForAll([municipality], `record the council decision of ${municipality}`),
    command: async () => ({ type: 'RecordCouncilDecision' as const, ...body, unknown: await catalog.unknown({ municipalities: [municipality] }) }),
  });
});

export class RecordCouncilDecisionController extends CommandSender {
  @Post('v1/agreements/:id/council-decisions')
  @CommandRoute("Record a party municipality's council decision on the agreement: the last approval needed concludes it, a rejection rejects it (rule 6)", { ids: { id: 'The agreement' } })
  decide(@IdParam() id: string, @Body() body: RecordCouncilDecisionDto, @CommandCtx() context: CommandContext) {
    return this.send(new RecordCouncilDecisionCommand(id, body, context));
  }
}
