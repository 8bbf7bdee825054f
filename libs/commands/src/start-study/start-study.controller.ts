import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { StartStudyDto } from './start-study.dto';
import { StartStudyCommand } from './start-study.handler';

@ApiTags('commands')
@Controller('v1/studies')
export class StartStudyController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @CommandHeaders()
  @ApiOperation({ summary: 'Start a feasibility study (förstudie), development project or organisational review' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async start(@Body() body: StartStudyDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<StartStudyCommand, CommandResult>(
      new StartStudyCommand(
        {
          ...(body.id !== undefined ? { id: body.id } : {}),
          kind: body.kind,
          title: body.title,
          parties: body.parties,
          otherParties: body.otherParties ?? [],
          ...(body.owner !== undefined ? { owner: body.owner } : {}),
          ...(body.funder !== undefined ? { funder: body.funder } : {}),
          serviceAreas: body.serviceAreas,
          startedOn: body.startedOn,
          plannedEnd: body.plannedEnd,
        },
        context,
      ),
    );
    return withEtag(reply, result);
  }
}
