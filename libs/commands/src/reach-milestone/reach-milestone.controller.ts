import { Body, Post } from '@nestjs/common';
import { CalendarDateField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAny, handler, on } from '../use-case';

export class ReachMilestoneDto {
  @CalendarDateField('The date it was reached', '2019-06-14') reachedOn!: string;
}

/** The milestone comes from the path, beside the study's id. */
export class ReachMilestoneCommand extends StreamCommand<ReachMilestoneDto & { milestoneId: string }> {}

/** Records that a scheduled milestone was reached. */
export const ReachMilestoneHandler = handler(ReachMilestoneCommand, ({ id, body, context }, { path }) =>
  path.run({ ...on.study(id), context, actsFor: (state) => actsForAny(state.parties, 'record milestones as one of its parties'), command: () => ({ type: 'ReachMilestone' as const, ...body }) }),
);

export class ReachMilestoneController extends CommandSender {
  @Post('v1/studies/:id/milestones/:milestoneId/reached')
  @CommandRoute('Record that a milestone of a study was reached', { status: 200, ids: { id: 'The study', milestoneId: 'The milestone' } })
  reach(@IdParam() id: string, @IdParam('milestoneId') milestoneId: string, @Body() body: ReachMilestoneDto, @CommandCtx() context: CommandContext) {
    return this.send(new ReachMilestoneCommand(id, { ...body, milestoneId }, context));
  }
}
