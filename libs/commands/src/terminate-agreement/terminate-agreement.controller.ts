import { Body, Inject, Post } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { SuccessorDto, toSuccessors } from '../http/shared.dto';
import { CalendarDateField, NestedField, TextField } from '../http/validators';
import { SuccessorTransfers } from '../successor-transfers/successor-transfers';
import { CommandContext, CommandController, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, UseCaseHandler, actsForAny, on } from '../use-case';

export class TerminateAgreementDto {
  @CalendarDateField('The date it was decided', '2021-09-27')
  decidedOn!: string;

  @CalendarDateField('The first day it is no longer in force', '2022-01-01')
  effectiveFrom!: string;

  @TextField('Why it ends', 'Norrköping and Linköping agreed to end the purchase early; Linköping takes payroll back in-house', 2000)
  reason!: string;

  @NestedField(() => SuccessorDto, "Successor transfers for the buyers' provisions it ends, effective the same day (rule 5); a provision without one lapses to in-house", {
    optional: true,
    array: true,
  })
  successors?: SuccessorDto[];
}

export class TerminateAgreementCommand extends StreamCommand<TerminateAgreementDto> {}

/** Ends an agreement before its term; provisions resting on it lapse that day unless successors are named (rules 4 and 5). */
@CommandHandler(TerminateAgreementCommand)
export class TerminateAgreementHandler extends UseCaseHandler<TerminateAgreementCommand> {
  @Inject(SuccessorTransfers) private readonly successorTransfers!: SuccessorTransfers;

  execute({ id, body, context }: TerminateAgreementCommand) {
    const successors = toSuccessors(body.successors);
    return this.successorTransfers.decide(successors, {
      ...on.agreement(id),
      context,
      actsFor: (state) => actsForAny(state.parties, 'terminate it as one of its parties'),
      command: async () => ({ type: 'TerminateAgreement' as const, ...body, ...(await this.succeededBy(successors)) }),
    });
  }
}

@CommandController('v1/agreements')
export class TerminateAgreementController extends CommandSender {
  @Post(':id/termination')
  @CommandRoute('Terminate the agreement from effectiveFrom; successors named are recorded as transfers before the answer, whose position covers them (rule 5)', {
    status: 200,
    ids: { id: 'The agreement' },
  })
  terminate(@IdParam() id: string, @Body() body: TerminateAgreementDto, @CommandCtx() context: CommandContext) {
    return this.send(new TerminateAgreementCommand(id, body, context));
  }
}
