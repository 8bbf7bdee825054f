import { Body, Post } from '@nestjs/common';
import { ServiceAreaField, TextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, CreateCommand, actsForAny, handler, on } from '../use-case';

export class DefineServiceAreaDto {
  @ServiceAreaField('school-meals') slug!: string;
  @TextField('The Swedish name', 'Skolmåltider') nameSv!: string;
  @TextField('The English name', 'School meals') nameEn!: string;
}

export class DefineServiceAreaCommand extends CreateCommand<DefineServiceAreaDto> {}

/**
 * Adds a service area to the vocabulary (it can only grow). The stream decides whether the slug
 * exists, not the catalog (which may lag the log), and only after the Idempotency-Key, so a retry
 * gets its first answer.
 */
export const DefineServiceAreaHandler = handler(DefineServiceAreaCommand, ({ body, context }, { path }) =>
  path.run({ ...on.serviceArea(body.slug), context, actsFor: () => actsForAny([], 'define service areas (an admin task)'), command: () => ({ type: 'AddServiceArea' as const, ...body }) }),
);

export class DefineServiceAreaController extends CommandSender {
  @Post('v1/service-areas')
  @CommandRoute('Add a service area to the vocabulary; an existing slug is 409 already-exists')
  define(@Body() body: DefineServiceAreaDto, @CommandCtx() context: CommandContext) {
    return this.send(new DefineServiceAreaCommand(body, context));
  }
}
