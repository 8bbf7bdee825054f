import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Basis, NO_RESOLVED_BASES, municipalityDecider, streams } from '@samverkan/domain';
import { ArrangementLoader } from '../arrangements/arrangement-loader';
import { Catalog } from '../catalog';
import { CommandContext, derivedId } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAll } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface CorrectTransferInput {
  transferId: string;
  reason: string;
  replacement?: { serviceArea: string; basis: Basis; decidedOn: string; effectiveFrom: string };
}

export class CorrectTransferCommand {
  constructor(
    readonly municipality: string,
    readonly input: CorrectTransferInput,
    readonly context: CommandContext,
  ) {}
}

/** Rule 8: a mistaken transfer is corrected by a new event that names it, withdrawing it or replacing it (rule 3 holds for the replacement). */
@CommandHandler(CorrectTransferCommand)
export class CorrectTransferHandler implements ICommandHandler<CorrectTransferCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
    private readonly catalog: Catalog,
  ) {}

  async execute({ municipality, input, context }: CorrectTransferCommand): Promise<CommandResult> {
    const { replacement } = input;
    if (replacement) this.catalog.assertKnown({ serviceAreas: [replacement.serviceArea] });
    const basisLocks = replacement ? await this.arrangements.basisLocks(replacement.basis) : [];
    return this.path.run({
      decider: municipalityDecider,
      stream: streams.municipality(municipality),
      id: municipality,
      context,
      actsFor: () => actsForAll([municipality], `correct a transfer of ${municipality}`),
      locks: basisLocks,
      command: async () => ({
        type: 'CorrectTransfer' as const,
        transferId: input.transferId,
        reason: input.reason,
        ...(replacement ? { replacement: { transferId: derivedId(context, 'replacement-transfer'), ...replacement } } : {}),
        bases: replacement ? await this.arrangements.resolve([replacement.basis]) : NO_RESOLVED_BASES,
      }),
    });
  }
}
