import { Body, Post } from '@nestjs/common';
import { ScheduleMilestone } from '@samverkan/domain';
import { CalendarDateField, IdField, TextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAny, handler, on } from '../use-case';

export class ScheduleMilestoneDto {
  @IdField('The milestone id, unique within the study', 'interim-report') id!: string;
  @TextField('Title', 'Interim report to the steering group') title!: string;
  @CalendarDateField('The date it is due; unreached after it, it is on the attention list', '2019-06-30') due!: string;
}

/** The body's `id` is the milestone's (`milestoneId`); the command's `id` is the study's. */
export class ScheduleMilestoneCommand extends StreamCommand<Omit<ScheduleMilestone, 'type'>> {}

/** Schedules a milestone of a study. */
export const ScheduleMilestoneHandler = handler(ScheduleMilestoneCommand, ({ id, body, context }, { path }) =>
  path.run({ ...on.study(id), context, actsFor: (state) => actsForAny(state.parties, 'schedule milestones as one of its parties'), command: () => ({ type: 'ScheduleMilestone' as const, ...body }) }),
);

export class ScheduleMilestoneController extends CommandSender {
  @Post('v1/studies/:id/milestones')
  @CommandRoute('Schedule a milestone of a study', { ids: { id: 'The study' } })
  schedule(@IdParam() id: string, @Body() { id: milestoneId, ...milestone }: ScheduleMilestoneDto, @CommandCtx() context: CommandContext) {
    return this.send(new ScheduleMilestoneCommand(id, { milestoneId, ...milestone }, context));
  }
}
