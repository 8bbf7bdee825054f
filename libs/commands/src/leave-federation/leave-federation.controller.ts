import { Body, Inject, Post } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { SuccessorDto, toSuccessors } from '../http/shared.dto';
import { CalendarDateField, MunicipalityCodeField, NestedField } from '../http/validators';
import { SuccessorTransfers } from '../successor-transfers/successor-transfers';
import { CommandContext, CommandController, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, UseCaseHandler, actsForAll, on } from '../use-case';

export class LeaveFederationDto {
  @MunicipalityCodeField('The municipality that leaves', '0580')
  municipality!: string;

  @CalendarDateField('The date it was decided', '2019-11-25')
  decidedOn!: string;

  @CalendarDateField('The date the membership ends (the first day outside)', '2020-01-01')
  effectiveFrom!: string;

  @NestedField(() => SuccessorDto, 'Successor transfers for the leaving municipality, effective the same day (rule 5); a provision without one lapses to in-house', {
    optional: true,
    array: true,
  })
  successors?: SuccessorDto[];
}

export class LeaveFederationCommand extends StreamCommand<LeaveFederationDto> {}

/** A member leaves (rule 10 holds after it); its provisions on the federation end, or pass to the successors named (rule 5). */
@CommandHandler(LeaveFederationCommand)
export class LeaveFederationHandler extends UseCaseHandler<LeaveFederationCommand> {
  @Inject(SuccessorTransfers) private readonly successorTransfers!: SuccessorTransfers;

  execute({ id, body, context }: LeaveFederationCommand) {
    const successors = toSuccessors(body.successors);
    return this.successorTransfers.decide(successors, {
      ...on.federation(id),
      context,
      actsFor: () => actsForAll([body.municipality], `record that ${body.municipality} leaves`),
      command: async () => ({ type: 'LeaveFederation' as const, ...body, ...(await this.succeededBy(successors, [body.municipality])) }),
    });
  }
}

@CommandController('v1/federations')
export class LeaveFederationController extends CommandSender {
  @Post(':id/departures')
  @CommandRoute('A member leaves a federation or joint committee from effectiveFrom; successors named are recorded as transfers on its own stream before the answer (rule 5)', {
    ids: { id: 'The federation or joint committee' },
  })
  leave(@IdParam() id: string, @Body() body: LeaveFederationDto, @CommandCtx() context: CommandContext) {
    return this.send(new LeaveFederationCommand(id, body, context));
  }
}
