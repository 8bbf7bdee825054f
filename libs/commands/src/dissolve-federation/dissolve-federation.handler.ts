import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Successor, federationDecider, streams } from '@samverkan/domain';
import { ArrangementLoader, basisStream } from '../arrangements/arrangement-loader';
import { Catalog } from '../catalog';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny, currentMembers } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';
import { SuccessorTransfers } from '../successor-transfers/successor-transfers';

export interface DissolveFederationInput {
  decidedOn: string;
  effectiveFrom: string;
  successors: Successor[];
}

export class DissolveFederationCommand {
  constructor(
    readonly federationId: string,
    readonly input: DissolveFederationInput,
    readonly context: CommandContext,
  ) {}
}

/** Dissolves a federation or joint committee; its provisions lapse that day unless successors are named (rules 4 and 5). */
@CommandHandler(DissolveFederationCommand)
export class DissolveFederationHandler implements ICommandHandler<DissolveFederationCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
    private readonly catalog: Catalog,
    private readonly successorTransfers: SuccessorTransfers,
  ) {}

  async execute({ federationId, input, context }: DissolveFederationCommand): Promise<CommandResult> {
    const { successors } = input;
    this.catalog.assertKnown({ municipalities: successors.map((s) => s.municipality), serviceAreas: successors.map((s) => s.serviceArea) });
    const result = await this.path.run({
      decider: federationDecider,
      stream: streams.federation(federationId),
      id: federationId,
      context,
      actsFor: (state) => actsForAny(currentMembers(state), 'dissolve it as one of its members'),
      locks: successors.map((s) => basisStream(s.basis)).filter((s): s is string => s !== undefined),
      command: async () => ({
        type: 'DissolveFederation' as const,
        decidedOn: input.decidedOn,
        effectiveFrom: input.effectiveFrom,
        successors,
        successorBases: await this.arrangements.resolve(successors.map((s) => s.basis)),
      }),
    });
    return this.successorTransfers.complete(result, context);
  }
}
