import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { streams, studyDecider } from '@samverkan/domain';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface ReachMilestoneInput {
  milestoneId: string;
  reachedOn: string;
}

export class ReachMilestoneCommand {
  constructor(
    readonly studyId: string,
    readonly input: ReachMilestoneInput,
    readonly context: CommandContext,
  ) {}
}

/** Records that a scheduled milestone was reached. */
@CommandHandler(ReachMilestoneCommand)
export class ReachMilestoneHandler implements ICommandHandler<ReachMilestoneCommand, CommandResult> {
  constructor(private readonly path: CommandPath) {}

  async execute({ studyId, input, context }: ReachMilestoneCommand): Promise<CommandResult> {
    return this.path.run({
      decider: studyDecider,
      stream: streams.study(studyId),
      id: studyId,
      context,
      actsFor: (state) => actsForAny(state.parties, 'record milestones as one of its parties'),
      command: () => ({ type: 'ReachMilestone' as const, milestoneId: input.milestoneId, reachedOn: input.reachedOn }),
    });
  }
}
