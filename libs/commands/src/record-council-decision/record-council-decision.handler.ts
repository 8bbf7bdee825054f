import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CouncilOutcome, agreementDecider, streams } from '@samverkan/domain';
import { Catalog } from '../catalog';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAll } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface RecordCouncilDecisionInput {
  municipality: string;
  decidedOn: string;
  outcome: CouncilOutcome;
  reference?: string;
}

export class RecordCouncilDecisionCommand {
  constructor(
    readonly agreementId: string,
    readonly input: RecordCouncilDecisionInput,
    readonly context: CommandContext,
  ) {}
}

/** Council decisions come only from party municipalities, once each (rule 6). */
@CommandHandler(RecordCouncilDecisionCommand)
export class RecordCouncilDecisionHandler implements ICommandHandler<RecordCouncilDecisionCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly catalog: Catalog,
  ) {}

  async execute({ agreementId, input, context }: RecordCouncilDecisionCommand): Promise<CommandResult> {
    this.catalog.assertKnown({ municipalities: [input.municipality] });
    return this.path.run({
      decider: agreementDecider,
      stream: streams.agreement(agreementId),
      id: agreementId,
      context,
      actsFor: () => actsForAll([input.municipality], `record the council decision of ${input.municipality}`),
      command: () => ({
        type: 'RecordCouncilDecision' as const,
        municipality: input.municipality,
        decidedOn: input.decidedOn,
        outcome: input.outcome,
        ...(input.reference !== undefined ? { reference: input.reference } : {}),
      }),
    });
  }
}
