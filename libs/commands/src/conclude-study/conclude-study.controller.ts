import { Body, Post } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { CalendarDateField, EnumField, TextField } from '../http/validators';
import { CommandContext, CommandController, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, UseCaseHandler, actsForAny, on } from '../use-case';

export const RECOMMENDATIONS = ['proceed', 'partly', 'do-not-proceed'] as const;

export class ConcludeStudyDto {
  @CalendarDateField('The date it was concluded', '2020-12-15')
  concludedOn!: string;

  @EnumField(RECOMMENDATIONS, 'What the study recommends', 'proceed')
  recommendation!: (typeof RECOMMENDATIONS)[number];

  @TextField('A summary of the conclusion', 'Joint physical planning across LA Linköping continues as a standing cooperation.', 2000)
  summary!: string;
}

export class ConcludeStudyCommand extends StreamCommand<ConcludeStudyDto> {}

/** Concludes a study with its recommendation. */
@CommandHandler(ConcludeStudyCommand)
export class ConcludeStudyHandler extends UseCaseHandler<ConcludeStudyCommand> {
  execute({ id, body, context }: ConcludeStudyCommand) {
    return this.path.run({ ...on.study(id), context, actsFor: (state) => actsForAny(state.parties, 'conclude it as one of its parties'), command: () => ({ type: 'ConcludeStudy' as const, ...body }) });
  }
}

@CommandController('v1/studies')
export class ConcludeStudyController extends CommandSender {
  @Post(':id/conclusion')
  @CommandRoute('Conclude a study with its recommendation', { status: 200, ids: { id: 'The study' } })
  conclude(@IdParam() id: string, @Body() body: ConcludeStudyDto, @CommandCtx() context: CommandContext) {
    return this.send(new ConcludeStudyCommand(id, body, context));
  }
}
