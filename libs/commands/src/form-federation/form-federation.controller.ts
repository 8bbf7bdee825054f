import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { FormFederationDto } from './form-federation.dto';
import { FormFederationCommand } from './form-federation.handler';

@ApiTags('commands')
@Controller('v1/federations')
export class FormFederationController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @CommandHeaders()
  @ApiOperation({ summary: 'Form a federation (kommunalförbund) or a joint committee (gemensam nämnd)' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async form(@Body() body: FormFederationDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    return withEtag(reply, await this.commands.execute<FormFederationCommand, CommandResult>(new FormFederationCommand(body, context)));
  }
}
