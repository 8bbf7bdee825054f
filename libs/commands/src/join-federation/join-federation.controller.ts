import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { JoinFederationDto } from './join-federation.dto';
import { JoinFederationCommand } from './join-federation.handler';

@ApiTags('commands')
@Controller('v1/federations')
export class JoinFederationController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/members')
  @HttpCode(201)
  @CommandHeaders()
  @ApiIdParam('id', 'The federation or joint committee')
  @ApiOperation({ summary: 'A municipality joins a federation or joint committee from effectiveFrom' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async join(@IdParam() id: string, @Body() body: JoinFederationDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<JoinFederationCommand, CommandResult>(
      new JoinFederationCommand(id, { municipality: body.municipality, decidedOn: body.decidedOn, effectiveFrom: body.effectiveFrom }, context),
    );
    return withEtag(reply, result);
  }
}
