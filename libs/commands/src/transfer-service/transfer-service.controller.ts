import { Body, Post } from '@nestjs/common';
import { TransferFacts } from '@samverkan/domain';
import { CommandResult } from '../command-path/command-result';
import { BasisDto, toBasis } from '../http/shared.dto';
import { CalendarDateField, NestedField, ServiceAreaField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, MunicipalityCodeParam, StreamCommand, UseCaseTools, actsForAll, derivedId, handler, on } from '../use-case';

export class TransferServiceDto {
  @ServiceAreaField() serviceArea!: string;
  @NestedField(() => BasisDto, 'What the provision rests on; the provider follows from it') basis!: BasisDto;
  @CalendarDateField('The date it was decided', '2019-12-16') decidedOn!: string;
  @CalendarDateField('The date it takes effect (may be in the past or the future)', '2020-01-01') effectiveFrom!: string;
}

/** On the municipality's stream (`id` is its code); a successor transfer (rule 5) also names the decision it succeeds. */
export class TransferServiceCommand extends StreamCommand<TransferServiceDto & Pick<TransferFacts, 'successorOf'>> {}

/** Rule 2 and 3: records "from effectiveFrom, municipality gets serviceArea on basis", if the basis covers it. Successor transfers (rule 5) run it too. */
export async function transferService({ id: municipality, body, context }: TransferServiceCommand, { path, arrangements, catalog }: UseCaseTools): Promise<CommandResult> {
  const basis = toBasis(body.basis);
  return path.run({
    ...on.municipality(municipality),
    context,
    actsFor: () => actsForAll([municipality], `record a transfer for ${municipality}`),
    reads: await arrangements.basisReads(basis),
    command: async () => ({
      type: 'TransferService' as const,
      transferId: derivedId(context, 'transfer'),
      ...body,
      basis,
      bases: await arrangements.resolve([basis]),
      unknown: await catalog.unknown({ serviceAreas: [body.serviceArea] }),
    }),
  });
}

export const TransferServiceHandler = handler(TransferServiceCommand, transferService);

export class TransferServiceController extends CommandSender {
  @Post('v1/municipalities/:code/transfers')
  @CommandRoute('Record a transfer: from effectiveFrom, the municipality gets the service area on the basis (rules 2 and 3)')
  transfer(@MunicipalityCodeParam() code: string, @Body() body: TransferServiceDto, @CommandCtx() context: CommandContext) {
    return this.send(new TransferServiceCommand(code, body, context));
  }
}
