import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Recommendation, streams, studyDecider } from '@samverkan/domain';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface ConcludeStudyInput {
  concludedOn: string;
  recommendation: Recommendation;
  summary: string;
}

export class ConcludeStudyCommand {
  constructor(
    readonly studyId: string,
    readonly input: ConcludeStudyInput,
    readonly context: CommandContext,
  ) {}
}

/** Concludes a study with its recommendation. */
@CommandHandler(ConcludeStudyCommand)
export class ConcludeStudyHandler implements ICommandHandler<ConcludeStudyCommand, CommandResult> {
  constructor(private readonly path: CommandPath) {}

  async execute({ studyId, input, context }: ConcludeStudyCommand): Promise<CommandResult> {
    return this.path.run({
      decider: studyDecider,
      stream: streams.study(studyId),
      id: studyId,
      context,
      actsFor: (state) => actsForAny(state.parties, 'conclude it as one of its parties'),
      command: () => ({ type: 'ConcludeStudy' as const, concludedOn: input.concludedOn, recommendation: input.recommendation, summary: input.summary }),
    });
  }
}
