import { Body, Post } from '@nestjs/common';
import { NO_RESOLVED_BASES } from '@samverkan/domain';
import { BasisDto, toBasis } from '../http/shared.dto';
import { CalendarDateField, NestedField, ServiceAreaField, TextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, MunicipalityCodeParam, StreamCommand, actsForAll, derivedId, handler, on } from '../use-case';

export class ReplacementTransferDto {
  @ServiceAreaField() serviceArea!: string;
  @NestedField(() => BasisDto, 'What the corrected provision rests on; the provider follows from it') basis!: BasisDto;
  @CalendarDateField('The date it was decided', '2019-12-16') decidedOn!: string;
  @CalendarDateField('The date it takes effect', '2020-01-01') effectiveFrom!: string;
}

export class CorrectTransferDto {
  @TextField("The transferId to correct: a ServiceTransferred's, or a correction's replacement's. One already corrected may be corrected again (a correction of a correction): the latest recorded correction wins; withdrawing what is already withdrawn is 422 already-decided", '0b6f3c52-7d8e-5a41-9f0e-3c2b1a9d8e7f', 100) transferId!: string;
  @TextField('Why it is corrected', 'Recorded on the wrong basis: Linköping buys payroll under lkp-buys-payroll-2020, not from the federation.', 2000) reason!: string;
  @NestedField(() => ReplacementTransferDto, 'The transfer that replaces it; without one the transfer is withdrawn. Both stay visible (rule 8)', { optional: true }) replacement?: ReplacementTransferDto;
}

export class CorrectTransferCommand extends StreamCommand<CorrectTransferDto> {}

/** Rule 8: a mistaken transfer is corrected by a new event that names it, withdrawing it or replacing it (rule 3 holds for the replacement). */
export const CorrectTransferHandler = handler(CorrectTransferCommand, async ({ id: municipality, body, context }, { path, arrangements, catalog }) => {
  const replacement = body.replacement && { ...body.replacement, transferId: derivedId(context, 'replacement-transfer'), basis: toBasis(body.replacement.basis) };
  return path.run({
    ...on.municipality(municipality),
    context,
    actsFor: () => actsForAll([municipality], `correct a transfer of ${municipality}`),
    reads: replacement ? await arrangements.basisReads(replacement.basis) : [],
    command: async () => ({
      type: 'CorrectTransfer' as const,
      ...body,
      replacement,
      bases: replacement ? await arrangements.resolve([replacement.basis]) : NO_RESOLVED_BASES,
      unknown: await catalog.unknown({ serviceAreas: replacement ? [replacement.serviceArea] : [] }),
    }),
  });
});

export class CorrectTransferController extends CommandSender {
  @Post('v1/municipalities/:code/corrections')
  @CommandRoute('Correct a mistaken transfer: a new event names it and withdraws or replaces it; both stay visible (rule 8)')
  correct(@MunicipalityCodeParam() code: string, @Body() body: CorrectTransferDto, @CommandCtx() context: CommandContext) {
    return this.send(new CorrectTransferCommand(code, body, context));
  }
}
