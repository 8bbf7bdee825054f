import { Body, Post } from '@nestjs/common';
import { CalendarDateField, EnumField, TextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAny, handler, on } from '../use-case';

export const RECOMMENDATIONS = ['proceed', 'partly', 'do-not-proceed'] as const;

export class ConcludeStudyDto {
  @CalendarDateField('The date it was concluded', '2020-12-15') concludedOn!: string;
  @EnumField(RECOMMENDATIONS, 'What the study recommends', 'proceed') recommendation!: (typeof RECOMMENDATIONS)[number];
  @TextField('A summary of the conclusion', 'Joint physical planning across LA Linköping continues as a standing cooperation.', 2000) summary!: string;
}

export class ConcludeStudyCommand extends StreamCommand<ConcludeStudyDto> {}

/** Concludes a study with its recommendation. */
export const ConcludeStudyHandler = handler(ConcludeStudyCommand, ({ id, body, context }, { path }) =>
  path.run({ ...on.study(id), context, actsFor: (state) => actsForAny(state.parties, 'conclude it as one of its parties'), command: () => ({ type: 'ConcludeStudy' as const, ...body }) }),
);

export class ConcludeStudyController extends CommandSender {
  @Post('v1/studies/:id/conclusion')
  @CommandRoute('Conclude a study with its recommendation', { status: 200, ids: { id: 'The study' } })
  conclude(@IdParam() id: string, @Body() body: ConcludeStudyDto, @CommandCtx() context: CommandContext) {
    return this.send(new ConcludeStudyCommand(id, body, context));
  }
}
