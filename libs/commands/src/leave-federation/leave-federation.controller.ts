import { Body, Post } from '@nestjs/common';
import { SuccessorDto } from '../http/shared.dto';
import { CalendarDateField, MunicipalityCodeField, NestedField } from '../http/validators';
import { decideEnding } from '../successor-transfers/successor-transfers';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAll, handler, on } from '../use-case';

export class LeaveFederationDto {
  @MunicipalityCodeField('The municipality that leaves', '0580') municipality!: string;
  @CalendarDateField('The date it was decided', '2019-11-25') decidedOn!: string;
  @CalendarDateField('The date the membership ends (the first day outside)', '2020-01-01') effectiveFrom!: string;
  @NestedField(() => SuccessorDto, 'Successor transfers for the leaving municipality, effective the same day (rule 5); a provision without one lapses to in-house', { optional: true, array: true }) successors?: SuccessorDto[];
}

export class LeaveFederationCommand extends StreamCommand<LeaveFederationDto> {}

/** A member leaves (rule 10 holds after it); its provisions on the federation end, or pass to the successors named (rule 5). */
export const LeaveFederationHandler = handler(LeaveFederationCommand, ({ id, body, context }, tools) =>
  decideEnding(tools, body.successors, { ...on.federation(id), context, actsFor: () => actsForAll([body.municipality], `record that ${body.municipality} leaves`) }, (ending) => ({ type: 'LeaveFederation' as const, ...body, ...ending }), [body.municipality]),
);

export class LeaveFederationController extends CommandSender {
  @Post('v1/federations/:id/departures')
  @CommandRoute('A member leaves a federation or joint committee from effectiveFrom; successors named are recorded as transfers on its own stream before the answer (rule 5)', {
    ids: { id: 'The federation or joint committee' },
  })
  leave(@IdParam() id: string, @Body() body: LeaveFederationDto, @CommandCtx() context: CommandContext) {
    return this.send(new LeaveFederationCommand(id, body, context));
  }
}
