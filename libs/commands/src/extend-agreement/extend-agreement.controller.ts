import { Body, Post } from '@nestjs/common';
import { CalendarDateField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAny, handler, on } from '../use-case';

export class ExtendAgreementDto {
  @CalendarDateField('The new last day of its term (after the current one)', '2024-12-31') validUntil!: string;
  @CalendarDateField('The date the extension was decided', '2022-06-20') decidedOn!: string;
}

export class ExtendAgreementCommand extends StreamCommand<ExtendAgreementDto> {}

/** Moves the end of an agreement's term later, so provisions resting on it do not lapse (rule 4). */
export const ExtendAgreementHandler = handler(ExtendAgreementCommand, ({ id, body, context }, { path }) =>
  path.run({ ...on.agreement(id), context, actsFor: (state) => actsForAny(state.parties, 'extend it as one of its parties'), command: () => ({ type: 'ExtendAgreement' as const, ...body }) }),
);

export class ExtendAgreementController extends CommandSender {
  @Post('v1/agreements/:id/extension')
  @CommandRoute("Extend the agreement's term to a later validUntil", { status: 200, ids: { id: 'The agreement' } })
  extend(@IdParam() id: string, @Body() body: ExtendAgreementDto, @CommandCtx() context: CommandContext) {
    return this.send(new ExtendAgreementCommand(id, body, context));
  }
}
