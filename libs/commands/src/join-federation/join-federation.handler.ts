import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { federationDecider, streams } from '@samverkan/domain';
import { Catalog } from '../catalog';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAll, actsForAny, currentMembers } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface JoinFederationInput {
  municipality: string;
  decidedOn: string;
  effectiveFrom: string;
}

export class JoinFederationCommand {
  constructor(
    readonly federationId: string,
    readonly input: JoinFederationInput,
    readonly context: CommandContext,
  ) {}
}

/** A municipality becomes a member of a federation or joint committee from effectiveFrom. */
@CommandHandler(JoinFederationCommand)
export class JoinFederationHandler implements ICommandHandler<JoinFederationCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly catalog: Catalog,
  ) {}

  async execute({ federationId, input, context }: JoinFederationCommand): Promise<CommandResult> {
    this.catalog.assertKnown({ municipalities: [input.municipality] });
    return this.path.run({
      decider: federationDecider,
      stream: streams.federation(federationId),
      id: federationId,
      context,
      // Both sides of a join: the municipality that joins, and the federation through one of its members. A writer
      // for the joining municipality alone could otherwise join any federation and then dissolve it as a member.
      actsFor: (state) => [actsForAll([input.municipality], `record that ${input.municipality} joins`), actsForAny(currentMembers(state), `admit ${input.municipality} as one of its members`)],
      command: () => ({ type: 'JoinFederation' as const, municipality: input.municipality, decidedOn: input.decidedOn, effectiveFrom: input.effectiveFrom }),
    });
  }
}
