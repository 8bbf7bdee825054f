import { Body, Post } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { ServiceAreaField, TextField } from '../http/validators';
import { CommandContext, CommandController, CommandCtx, CommandRoute, CommandSender, CreateCommand, UseCaseHandler, actsForAny, on } from '../use-case';

export class DefineServiceAreaDto {
  @ServiceAreaField('school-meals')
  slug!: string;

  @TextField('The Swedish name', 'Skolmåltider')
  nameSv!: string;

  @TextField('The English name', 'School meals')
  nameEn!: string;
}

export class DefineServiceAreaCommand extends CreateCommand<DefineServiceAreaDto> {}

/**
 * Adds a service area to the vocabulary (it can only grow). The stream decides whether the slug
 * exists, not the catalog (which may lag the log), and only after the Idempotency-Key, so a retry
 * gets its first answer.
 */
@CommandHandler(DefineServiceAreaCommand)
export class DefineServiceAreaHandler extends UseCaseHandler<DefineServiceAreaCommand> {
  execute({ body, context }: DefineServiceAreaCommand) {
    return this.path.run({ ...on.serviceArea(body.slug), context, actsFor: () => actsForAny([], 'define service areas (an admin task)'), command: () => ({ type: 'AddServiceArea' as const, ...body }) });
  }
}

@CommandController('v1/service-areas')
export class DefineServiceAreaController extends CommandSender {
  @Post()
  @CommandRoute('Add a service area to the vocabulary; an existing slug is 409 already-exists')
  define(@Body() body: DefineServiceAreaDto, @CommandCtx() context: CommandContext) {
    return this.send(new DefineServiceAreaCommand(body, context));
  }
}
