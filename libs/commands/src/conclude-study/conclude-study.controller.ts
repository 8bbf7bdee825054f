import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { ConcludeStudyDto } from './conclude-study.dto';
import { ConcludeStudyCommand } from './conclude-study.handler';

@ApiTags('commands')
@Controller('v1/studies')
export class ConcludeStudyController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/conclusion')
  @HttpCode(200)
  @CommandHeaders()
  @ApiIdParam('id', 'The study')
  @ApiOperation({ summary: 'Conclude a study with its recommendation' })
  @ApiOkResponse({ type: CommandResultDto })
  async conclude(@IdParam() id: string, @Body() body: ConcludeStudyDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<ConcludeStudyCommand, CommandResult>(
      new ConcludeStudyCommand(id, { concludedOn: body.concludedOn, recommendation: body.recommendation, summary: body.summary }, context),
    );
    return withEtag(reply, result);
  }
}
