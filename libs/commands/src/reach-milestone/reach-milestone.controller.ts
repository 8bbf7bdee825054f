import { Body, Post } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { CalendarDateField } from '../http/validators';
import { CommandContext, CommandController, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, UseCaseHandler, actsForAny, on } from '../use-case';

export class ReachMilestoneDto {
  @CalendarDateField('The date it was reached', '2019-06-14')
  reachedOn!: string;
}

/** The milestone comes from the path, beside the study's id. */
export class ReachMilestoneCommand extends StreamCommand<ReachMilestoneDto & { milestoneId: string }> {}

/** Records that a scheduled milestone was reached. */
@CommandHandler(ReachMilestoneCommand)
export class ReachMilestoneHandler extends UseCaseHandler<ReachMilestoneCommand> {
  execute({ id, body, context }: ReachMilestoneCommand) {
    return this.path.run({ ...on.study(id), context, actsFor: (state) => actsForAny(state.parties, 'record milestones as one of its parties'), command: () => ({ type: 'ReachMilestone' as const, ...body }) });
  }
}

@CommandController('v1/studies')
export class ReachMilestoneController extends CommandSender {
  @Post(':id/milestones/:milestoneId/reached')
  @CommandRoute('Record that a milestone of a study was reached', { status: 200, ids: { id: 'The study', milestoneId: 'The milestone' } })
  reach(@IdParam() id: string, @IdParam('milestoneId') milestoneId: string, @Body() body: ReachMilestoneDto, @CommandCtx() context: CommandContext) {
    return this.send(new ReachMilestoneCommand(id, { ...body, milestoneId }, context));
  }
}
