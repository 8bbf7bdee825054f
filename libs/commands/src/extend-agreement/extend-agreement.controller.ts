import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { ExtendAgreementDto } from './extend-agreement.dto';
import { ExtendAgreementCommand } from './extend-agreement.handler';

@ApiTags('commands')
@Controller('v1/agreements')
export class ExtendAgreementController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/extension')
  @HttpCode(200)
  @CommandHeaders()
  @ApiIdParam('id', 'The agreement')
  @ApiOperation({ summary: "Extend the agreement's term to a later validUntil" })
  @ApiOkResponse({ type: CommandResultDto })
  async extend(@IdParam() id: string, @Body() body: ExtendAgreementDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<ExtendAgreementCommand, CommandResult>(new ExtendAgreementCommand(id, { validUntil: body.validUntil, decidedOn: body.decidedOn }, context));
    return withEtag(reply, result);
  }
}
