import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { SignAgreementDto } from './sign-agreement.dto';
import { SignAgreementCommand } from './sign-agreement.handler';

@ApiTags('commands')
@Controller('v1/agreements')
export class SignAgreementController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/signatures')
  @HttpCode(201)
  @CommandHeaders()
  @ApiIdParam('id', 'The agreement')
  @ApiOperation({ summary: 'A party signs the agreement; the last signature or approval needed concludes it (rule 6)' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async sign(@IdParam() id: string, @Body() body: SignAgreementDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<SignAgreementCommand, CommandResult>(new SignAgreementCommand(id, { party: body.party, signedOn: body.signedOn }, context));
    return withEtag(reply, result);
  }
}
