import { Body, Post } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { CalendarDateField, MunicipalityCodeField } from '../http/validators';
import { CommandContext, CommandController, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, UseCaseHandler, actsForAll, actsForAny, currentMembers, on } from '../use-case';

export class JoinFederationDto {
  @MunicipalityCodeField('The municipality that joins', '0581')
  municipality!: string;

  @CalendarDateField('The date it was decided', '2011-11-29')
  decidedOn!: string;

  @CalendarDateField('The date the membership starts', '2012-01-01')
  effectiveFrom!: string;
}

export class JoinFederationCommand extends StreamCommand<JoinFederationDto> {}

/** A municipality becomes a member of a federation or joint committee from effectiveFrom. */
@CommandHandler(JoinFederationCommand)
export class JoinFederationHandler extends UseCaseHandler<JoinFederationCommand> {
  execute({ id, body, context }: JoinFederationCommand) {
    const { municipality } = body;
    return this.path.run({
      ...on.federation(id),
      context,
      // Both sides of a join: the municipality that joins, and the federation through one of its members. A writer
      // for the joining municipality alone could otherwise join any federation and then dissolve it as a member.
      actsFor: (state) => [actsForAll([municipality], `record that ${municipality} joins`), actsForAny(currentMembers(state), `admit ${municipality} as one of its members`)],
      command: () => ({ type: 'JoinFederation' as const, ...body, unknown: this.catalog.unknown({ municipalities: [municipality] }) }),
    });
  }
}

@CommandController('v1/federations')
export class JoinFederationController extends CommandSender {
  @Post(':id/members')
  @CommandRoute('A municipality joins a federation or joint committee from effectiveFrom', { ids: { id: 'The federation or joint committee' } })
  join(@IdParam() id: string, @Body() body: JoinFederationDto, @CommandCtx() context: CommandContext) {
    return this.send(new JoinFederationCommand(id, body, context));
  }
}
