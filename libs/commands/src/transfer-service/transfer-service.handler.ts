import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Basis, TransferFacts, municipalityDecider, streams } from '@samverkan/domain';
import { ArrangementLoader } from '../arrangements/arrangement-loader';
import { Catalog } from '../catalog';
import { CommandContext, derivedId } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAll } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface TransferInput {
  serviceArea: string;
  basis: Basis;
  decidedOn: string;
  effectiveFrom: string;
  successorOf?: TransferFacts['successorOf'];
}

export class TransferServiceCommand {
  constructor(
    readonly municipality: string,
    readonly input: TransferInput,
    readonly context: CommandContext,
  ) {}
}

/** Rule 2 and 3: records "from effectiveFrom, municipality gets serviceArea on basis", if the basis covers it. */
@CommandHandler(TransferServiceCommand)
export class TransferServiceHandler implements ICommandHandler<TransferServiceCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
    private readonly catalog: Catalog,
  ) {}

  async execute({ municipality, input, context }: TransferServiceCommand): Promise<CommandResult> {
    this.catalog.assertKnown({ serviceAreas: [input.serviceArea] });
    const basisLocks = await this.arrangements.basisLocks(input.basis);
    return this.path.run({
      decider: municipalityDecider,
      stream: streams.municipality(municipality),
      id: municipality,
      context,
      actsFor: () => actsForAll([municipality], `record a transfer for ${municipality}`),
      locks: basisLocks,
      command: async () => ({
        type: 'TransferService' as const,
        transferId: derivedId(context, 'transfer'),
        ...input,
        bases: await this.arrangements.resolve([input.basis]),
      }),
    });
  }
}
