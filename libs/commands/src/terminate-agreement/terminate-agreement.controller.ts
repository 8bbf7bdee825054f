import { Body, Post } from '@nestjs/common';
import { SuccessorDto } from '../http/shared.dto';
import { CalendarDateField, NestedField, TextField } from '../http/validators';
import { decideEnding } from '../successor-transfers/successor-transfers';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAny, handler, on } from '../use-case';

export class TerminateAgreementDto {
  @CalendarDateField('The date it was decided', '2021-09-27') decidedOn!: string;
  @CalendarDateField('The first day it is no longer in force', '2022-01-01') effectiveFrom!: string;
  @TextField('Why it ends', 'Norrköping and Linköping agreed to end the purchase early; Linköping takes payroll back in-house', 2000) reason!: string;
  @NestedField(() => SuccessorDto, "Successor transfers for the buyers' provisions it ends, effective the same day (rule 5); a provision without one lapses to in-house", { optional: true, array: true }) successors?: SuccessorDto[];
}

export class TerminateAgreementCommand extends StreamCommand<TerminateAgreementDto> {}

/** Ends an agreement before its term; provisions resting on it lapse that day unless successors are named (rules 4 and 5). */
export const TerminateAgreementHandler = handler(TerminateAgreementCommand, ({ id, body, context }, tools) =>
  decideEnding(tools, body.successors, { ...on.agreement(id), context, actsFor: (state) => actsForAny(state.parties, 'terminate it as one of its parties') }, (ending) => ({ type: 'TerminateAgreement' as const, ...body, ...ending })),
);

export class TerminateAgreementController extends CommandSender {
  @Post('v1/agreements/:id/termination')
  @CommandRoute('Terminate the agreement from effectiveFrom; successors named are recorded as transfers before the answer, whose position covers them (rule 5)', {
    status: 200,
    ids: { id: 'The agreement' },
  })
  terminate(@IdParam() id: string, @Body() body: TerminateAgreementDto, @CommandCtx() context: CommandContext) {
    return this.send(new TerminateAgreementCommand(id, body, context));
  }
}
