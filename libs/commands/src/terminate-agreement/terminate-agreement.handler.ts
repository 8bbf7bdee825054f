import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Successor, agreementDecider, streams } from '@samverkan/domain';
import { ArrangementLoader, basisStream } from '../arrangements/arrangement-loader';
import { Catalog } from '../catalog';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';
import { SuccessorTransfers } from '../successor-transfers/successor-transfers';

export interface TerminateAgreementInput {
  decidedOn: string;
  effectiveFrom: string;
  reason: string;
  successors: Successor[];
}

export class TerminateAgreementCommand {
  constructor(
    readonly agreementId: string,
    readonly input: TerminateAgreementInput,
    readonly context: CommandContext,
  ) {}
}

/** Ends an agreement before its term; provisions resting on it lapse that day unless successors are named (rules 4 and 5). */
@CommandHandler(TerminateAgreementCommand)
export class TerminateAgreementHandler implements ICommandHandler<TerminateAgreementCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
    private readonly catalog: Catalog,
    private readonly successorTransfers: SuccessorTransfers,
  ) {}

  async execute({ agreementId, input, context }: TerminateAgreementCommand): Promise<CommandResult> {
    const { successors } = input;
    this.catalog.assertKnown({ municipalities: successors.map((s) => s.municipality), serviceAreas: successors.map((s) => s.serviceArea) });
    const result = await this.path.run({
      decider: agreementDecider,
      stream: streams.agreement(agreementId),
      id: agreementId,
      context,
      actsFor: (state) => actsForAny(state.parties, 'terminate it as one of its parties'),
      locks: successors.map((s) => basisStream(s.basis)).filter((s): s is string => s !== undefined),
      command: async () => ({
        type: 'TerminateAgreement' as const,
        decidedOn: input.decidedOn,
        effectiveFrom: input.effectiveFrom,
        reason: input.reason,
        successors,
        successorBases: await this.arrangements.resolve(successors.map((s) => s.basis)),
      }),
    });
    return this.successorTransfers.complete(result, context);
  }
}
