import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { StudyKind, streams, studyDecider } from '@samverkan/domain';
import { ArrangementLoader, idSpaceLock } from '../arrangements/arrangement-loader';
import { generatedArrangementId } from '../arrangements/generated-id';
import { Catalog } from '../catalog';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface StartStudyInput {
  id?: string;
  kind: StudyKind;
  title: string;
  parties: string[];
  otherParties: string[];
  owner?: string;
  funder?: string;
  serviceAreas: string[];
  startedOn: string;
  plannedEnd: string;
}

export class StartStudyCommand {
  constructor(
    readonly input: StartStudyInput,
    readonly context: CommandContext,
  ) {}
}

/** Starts a feasibility study, development project or organisational review. */
@CommandHandler(StartStudyCommand)
export class StartStudyHandler implements ICommandHandler<StartStudyCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
    private readonly catalog: Catalog,
  ) {}

  async execute({ input, context }: StartStudyCommand): Promise<CommandResult> {
    const id = input.id ?? generatedArrangementId(context, 'study');
    this.catalog.assertKnown({ municipalities: [...input.parties, ...(input.owner !== undefined ? [input.owner] : [])], serviceAreas: input.serviceAreas });
    return this.path.run({
      decider: studyDecider,
      stream: streams.study(id),
      id,
      context,
      actsFor: () => actsForAny(input.parties, 'start a study that does not include it'),
      locks: [idSpaceLock(id)],
      command: async (state) => {
        if (state.status === 'none') await this.arrangements.assertIdFree(id);
        return {
          type: 'StartStudy' as const,
          id,
          kind: input.kind,
          title: input.title,
          parties: input.parties,
          otherParties: input.otherParties,
          ...(input.owner !== undefined ? { owner: input.owner } : {}),
          ...(input.funder !== undefined ? { funder: input.funder } : {}),
          serviceAreas: input.serviceAreas,
          startedOn: input.startedOn,
          plannedEnd: input.plannedEnd,
        };
      },
    });
  }
}
