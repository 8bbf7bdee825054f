import { Body, Post } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { CalendarDateField } from '../http/validators';
import { CommandContext, CommandController, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, UseCaseHandler, actsForAny, on } from '../use-case';

export class ExtendAgreementDto {
  @CalendarDateField('The new last day of its term (after the current one)', '2024-12-31')
  validUntil!: string;

  @CalendarDateField('The date the extension was decided', '2022-06-20')
  decidedOn!: string;
}

export class ExtendAgreementCommand extends StreamCommand<ExtendAgreementDto> {}

/** Moves the end of an agreement's term later, so provisions resting on it do not lapse (rule 4). */
@CommandHandler(ExtendAgreementCommand)
export class ExtendAgreementHandler extends UseCaseHandler<ExtendAgreementCommand> {
  execute({ id, body, context }: ExtendAgreementCommand) {
    return this.path.run({ ...on.agreement(id), context, actsFor: (state) => actsForAny(state.parties, 'extend it as one of its parties'), command: () => ({ type: 'ExtendAgreement' as const, ...body }) });
  }
}

@CommandController('v1/agreements')
export class ExtendAgreementController extends CommandSender {
  @Post(':id/extension')
  @CommandRoute("Extend the agreement's term to a later validUntil", { status: 200, ids: { id: 'The agreement' } })
  extend(@IdParam() id: string, @Body() body: ExtendAgreementDto, @CommandCtx() context: CommandContext) {
    return this.send(new ExtendAgreementCommand(id, body, context));
  }
}
