import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto, toSuccessors } from '../http/shared.dto';
import { LeaveFederationDto } from './leave-federation.dto';
import { LeaveFederationCommand } from './leave-federation.handler';

@ApiTags('commands')
@Controller('v1/federations')
export class LeaveFederationController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/departures')
  @HttpCode(201)
  @CommandHeaders()
  @ApiIdParam('id', 'The federation or joint committee')
  @ApiOperation({
    summary: 'A member leaves a federation or joint committee from effectiveFrom; successors named are recorded as transfers on its own stream before the answer (rule 5)',
  })
  @ApiCreatedResponse({ type: CommandResultDto })
  async leave(@IdParam() id: string, @Body() body: LeaveFederationDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<LeaveFederationCommand, CommandResult>(
      new LeaveFederationCommand(
        id,
        { municipality: body.municipality, decidedOn: body.decidedOn, effectiveFrom: body.effectiveFrom, successors: toSuccessors(body.successors) },
        context,
      ),
    );
    return withEtag(reply, result);
  }
}
