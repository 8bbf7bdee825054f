import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { MunicipalityCodeParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto, toBasis } from '../http/shared.dto';
import { TransferServiceDto } from './transfer-service.dto';
import { TransferServiceCommand } from './transfer-service.handler';

@ApiTags('commands')
@Controller('v1/municipalities')
export class TransferServiceController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':code/transfers')
  @HttpCode(201)
  @CommandHeaders()
  @ApiOperation({ summary: 'Record a transfer: from effectiveFrom, the municipality gets the service area on the basis (rules 2 and 3)' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async transfer(@MunicipalityCodeParam() code: string, @Body() body: TransferServiceDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<TransferServiceCommand, CommandResult>(
      new TransferServiceCommand(code, { serviceArea: body.serviceArea, basis: toBasis(body.basis), decidedOn: body.decidedOn, effectiveFrom: body.effectiveFrom }, context),
    );
    return withEtag(reply, result);
  }
}
