import { Body, Inject, Post } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { SuccessorDto, toSuccessors } from '../http/shared.dto';
import { CalendarDateField, NestedField } from '../http/validators';
import { SuccessorTransfers } from '../successor-transfers/successor-transfers';
import { CommandContext, CommandController, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, UseCaseHandler, actsForAny, currentMembers, on } from '../use-case';

export class DissolveFederationDto {
  @CalendarDateField('The date it was decided', '2019-12-16')
  decidedOn!: string;

  @CalendarDateField('The first day it no longer exists', '2020-01-01')
  effectiveFrom!: string;

  @NestedField(() => SuccessorDto, 'Successor transfers for the provisions it ends, effective the same day (rule 5); a provision without one lapses to in-house', {
    optional: true,
    array: true,
  })
  successors?: SuccessorDto[];
}

export class DissolveFederationCommand extends StreamCommand<DissolveFederationDto> {}

/** Dissolves a federation or joint committee; its provisions lapse that day unless successors are named (rules 4 and 5). */
@CommandHandler(DissolveFederationCommand)
export class DissolveFederationHandler extends UseCaseHandler<DissolveFederationCommand> {
  @Inject(SuccessorTransfers) private readonly successorTransfers!: SuccessorTransfers;

  execute({ id, body, context }: DissolveFederationCommand) {
    const successors = toSuccessors(body.successors);
    return this.successorTransfers.decide(successors, {
      ...on.federation(id),
      context,
      actsFor: (state) => actsForAny(currentMembers(state), 'dissolve it as one of its members'),
      command: async () => ({ type: 'DissolveFederation' as const, ...body, ...(await this.succeededBy(successors)) }),
    });
  }
}

@CommandController('v1/federations')
export class DissolveFederationController extends CommandSender {
  @Post(':id/dissolution')
  @CommandRoute('Dissolve a federation or joint committee from effectiveFrom; successors named are recorded as transfers before the answer, whose position covers them (rule 5)', {
    status: 200,
    ids: { id: 'The federation or joint committee' },
  })
  dissolve(@IdParam() id: string, @Body() body: DissolveFederationDto, @CommandCtx() context: CommandContext) {
    return this.send(new DissolveFederationCommand(id, body, context));
  }
}
