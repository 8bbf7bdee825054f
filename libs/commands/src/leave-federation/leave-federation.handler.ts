import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Successor, federationDecider, streams } from '@samverkan/domain';
import { ArrangementLoader, basisStream } from '../arrangements/arrangement-loader';
import { Catalog } from '../catalog';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAll } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';
import { SuccessorTransfers } from '../successor-transfers/successor-transfers';

export interface LeaveFederationInput {
  municipality: string;
  decidedOn: string;
  effectiveFrom: string;
  successors: Successor[];
}

export class LeaveFederationCommand {
  constructor(
    readonly federationId: string,
    readonly input: LeaveFederationInput,
    readonly context: CommandContext,
  ) {}
}

/** A member leaves (rule 10 holds after it); its provisions on the federation end, or pass to the successors named (rule 5). */
@CommandHandler(LeaveFederationCommand)
export class LeaveFederationHandler implements ICommandHandler<LeaveFederationCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
    private readonly catalog: Catalog,
    private readonly successorTransfers: SuccessorTransfers,
  ) {}

  async execute({ federationId, input, context }: LeaveFederationCommand): Promise<CommandResult> {
    const { successors } = input;
    this.catalog.assertKnown({ municipalities: [input.municipality, ...successors.map((s) => s.municipality)], serviceAreas: successors.map((s) => s.serviceArea) });
    const result = await this.path.run({
      decider: federationDecider,
      stream: streams.federation(federationId),
      id: federationId,
      context,
      actsFor: () => actsForAll([input.municipality], `record that ${input.municipality} leaves`),
      locks: successors.map((s) => basisStream(s.basis)).filter((s): s is string => s !== undefined),
      command: async () => ({
        type: 'LeaveFederation' as const,
        municipality: input.municipality,
        decidedOn: input.decidedOn,
        effectiveFrom: input.effectiveFrom,
        successors,
        successorBases: await this.arrangements.resolve(successors.map((s) => s.basis)),
      }),
    });
    return this.successorTransfers.complete(result, context);
  }
}
