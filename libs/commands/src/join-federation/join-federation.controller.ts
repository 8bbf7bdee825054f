import { Body, Post } from '@nestjs/common';
import { CalendarDateField, MunicipalityCodeField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAll, actsForAny, currentMembers, handler, on } from '../use-case';

export class JoinFederationDto {
  @MunicipalityCodeField('The municipality that joins', '0581') municipality!: string;
  @CalendarDateField('The date it was decided', '2011-11-29') decidedOn!: string;
  @CalendarDateField('The date the membership starts', '2012-01-01') effectiveFrom!: string;
}

export class JoinFederationCommand extends StreamCommand<JoinFederationDto> {}

/** A municipality becomes a member of a federation or joint committee from effectiveFrom. */
export const JoinFederationHandler = handler(JoinFederationCommand, ({ id, body, context }, { path, catalog }) => {
  const { municipality } = body;
  return path.run({
    ...on.federation(id),
    context,
    // Both sides of a join: the municipality that joins, and the federation through one of its members. A writer
    // for the joining municipality alone could otherwise join any federation and then dissolve it as a member.
    actsFor: (state) => [actsForAll([municipality], `record that ${municipality} joins`), actsForAny(currentMembers(state), `admit ${municipality} as one of its members`)],
    command: async () => ({ type: 'JoinFederation' as const, ...body, unknown: await catalog.unknown({ municipalities: [municipality] }) }),
  });
});

export class JoinFederationController extends CommandSender {
  @Post('v1/federations/:id/members')
  @CommandRoute('A municipality joins a federation or joint committee from effectiveFrom', { ids: { id: 'The federation or joint committee' } })
  join(@IdParam() id: string, @Body() body: JoinFederationDto, @CommandCtx() context: CommandContext) {
    return this.send(new JoinFederationCommand(id, body, context));
  }
}
