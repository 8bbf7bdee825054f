import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { ScheduleMilestoneDto } from './schedule-milestone.dto';
import { ScheduleMilestoneCommand } from './schedule-milestone.handler';

@ApiTags('commands')
@Controller('v1/studies')
export class ScheduleMilestoneController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/milestones')
  @HttpCode(201)
  @CommandHeaders()
  @ApiIdParam('id', 'The study')
  @ApiOperation({ summary: 'Schedule a milestone of a study' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async schedule(@IdParam() id: string, @Body() body: ScheduleMilestoneDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<ScheduleMilestoneCommand, CommandResult>(new ScheduleMilestoneCommand(id, { milestoneId: body.id, title: body.title, due: body.due }, context));
    return withEtag(reply, result);
  }
}
