import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { streams, studyDecider } from '@samverkan/domain';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface ScheduleMilestoneInput {
  milestoneId: string;
  title: string;
  due: string;
}

export class ScheduleMilestoneCommand {
  constructor(
    readonly studyId: string,
    readonly input: ScheduleMilestoneInput,
    readonly context: CommandContext,
  ) {}
}

/** Schedules a milestone of a study. */
@CommandHandler(ScheduleMilestoneCommand)
export class ScheduleMilestoneHandler implements ICommandHandler<ScheduleMilestoneCommand, CommandResult> {
  constructor(private readonly path: CommandPath) {}

  async execute({ studyId, input, context }: ScheduleMilestoneCommand): Promise<CommandResult> {
    return this.path.run({
      decider: studyDecider,
      stream: streams.study(studyId),
      id: studyId,
      context,
      actsFor: (state) => actsForAny(state.parties, 'schedule milestones as one of its parties'),
      command: () => ({ type: 'ScheduleMilestone' as const, milestoneId: input.milestoneId, title: input.title, due: input.due }),
    });
  }
}
