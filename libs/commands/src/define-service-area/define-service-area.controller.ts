import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { DefineServiceAreaDto } from './define-service-area.dto';
import { DefineServiceAreaCommand } from './define-service-area.handler';

@ApiTags('commands')
@Controller('v1/service-areas')
export class DefineServiceAreaController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @CommandHeaders()
  @ApiOperation({ summary: 'Add a service area to the vocabulary; an existing slug is 409 already-exists' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async define(@Body() body: DefineServiceAreaDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<DefineServiceAreaCommand, CommandResult>(new DefineServiceAreaCommand({ slug: body.slug, nameSv: body.nameSv, nameEn: body.nameEn }, context));
    return withEtag(reply, result);
  }
}
