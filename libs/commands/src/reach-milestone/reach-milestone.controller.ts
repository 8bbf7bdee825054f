import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { ReachMilestoneDto } from './reach-milestone.dto';
import { ReachMilestoneCommand } from './reach-milestone.handler';

@ApiTags('commands')
@Controller('v1/studies')
export class ReachMilestoneController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/milestones/:milestoneId/reached')
  @HttpCode(200)
  @CommandHeaders()
  @ApiIdParam('id', 'The study')
  @ApiIdParam('milestoneId', 'The milestone')
  @ApiOperation({ summary: 'Record that a milestone of a study was reached' })
  @ApiOkResponse({ type: CommandResultDto })
  async reach(
    @IdParam() id: string,
    @IdParam('milestoneId') milestoneId: string,
    @Body() body: ReachMilestoneDto,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: ReplyWithEtag,
  ): Promise<CommandResult> {
    const result = await this.commands.execute<ReachMilestoneCommand, CommandResult>(new ReachMilestoneCommand(id, { milestoneId, reachedOn: body.reachedOn }, context));
    return withEtag(reply, result);
  }
}
