import { Body, Post } from '@nestjs/common';
import { SuccessorDto } from '../http/shared.dto';
import { CalendarDateField, NestedField } from '../http/validators';
import { decideEnding } from '../successor-transfers/successor-transfers';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAny, currentMembers, handler, on } from '../use-case';

export class DissolveFederationDto {
  @CalendarDateField('The date it was decided', '2019-12-16') decidedOn!: string;
  @CalendarDateField('The first day it no longer exists', '2020-01-01') effectiveFrom!: string;
  @NestedField(() => SuccessorDto, 'Successor transfers for the provisions it ends, effective the same day (rule 5); a provision without one lapses to in-house', { optional: true, array: true }) successors?: SuccessorDto[];
}

export class DissolveFederationCommand extends StreamCommand<DissolveFederationDto> {}

/** Dissolves a federation or joint committee; its provisions lapse that day unless successors are named (rules 4 and 5). */
export const DissolveFederationHandler = handler(DissolveFederationCommand, ({ id, body, context }, tools) =>
  decideEnding(tools, body.successors, { ...on.federation(id), context, actsFor: (state) => actsForAny(currentMembers(state), 'dissolve it as one of its members') }, (ending) => ({ type: 'DissolveFederation' as const, ...body, ...ending })),
);

export class DissolveFederationController extends CommandSender {
  @Post('v1/federations/:id/dissolution')
  @CommandRoute('Dissolve a federation or joint committee from effectiveFrom; successors named are recorded as transfers before the answer, whose position covers them (rule 5)', {
    status: 200,
    ids: { id: 'The federation or joint committee' },
  })
  dissolve(@IdParam() id: string, @Body() body: DissolveFederationDto, @CommandCtx() context: CommandContext) {
    return this.send(new DissolveFederationCommand(id, body, context));
  }
}
