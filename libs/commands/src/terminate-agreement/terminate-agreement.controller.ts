import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto, toSuccessors } from '../http/shared.dto';
import { TerminateAgreementDto } from './terminate-agreement.dto';
import { TerminateAgreementCommand } from './terminate-agreement.handler';

@ApiTags('commands')
@Controller('v1/agreements')
export class TerminateAgreementController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/termination')
  @HttpCode(200)
  @CommandHeaders()
  @ApiIdParam('id', 'The agreement')
  @ApiOperation({ summary: 'Terminate the agreement from effectiveFrom; successors named are recorded as transfers before the answer, whose position covers them (rule 5)' })
  @ApiOkResponse({ type: CommandResultDto })
  async terminate(@IdParam() id: string, @Body() body: TerminateAgreementDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<TerminateAgreementCommand, CommandResult>(
      new TerminateAgreementCommand(
        id,
        { decidedOn: body.decidedOn, effectiveFrom: body.effectiveFrom, reason: body.reason, successors: toSuccessors(body.successors) },
        context,
      ),
    );
    return withEtag(reply, result);
  }
}
