import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { MunicipalityCodeParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto, toBasis } from '../http/shared.dto';
import { CorrectTransferDto } from './correct-transfer.dto';
import { CorrectTransferCommand } from './correct-transfer.handler';

@ApiTags('commands')
@Controller('v1/municipalities')
export class CorrectTransferController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':code/corrections')
  @HttpCode(201)
  @CommandHeaders()
  @ApiOperation({ summary: 'Correct a mistaken transfer: a new event names it and withdraws or replaces it; both stay visible (rule 8)' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async correct(@MunicipalityCodeParam() code: string, @Body() body: CorrectTransferDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const r = body.replacement;
    const result = await this.commands.execute<CorrectTransferCommand, CommandResult>(
      new CorrectTransferCommand(
        code,
        {
          transferId: body.transferId,
          reason: body.reason,
          ...(r ? { replacement: { serviceArea: r.serviceArea, basis: toBasis(r.basis), decidedOn: r.decidedOn, effectiveFrom: r.effectiveFrom } } : {}),
        },
        context,
      ),
    );
    return withEtag(reply, result);
  }
}
