import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto, toSuccessors } from '../http/shared.dto';
import { DissolveFederationDto } from './dissolve-federation.dto';
import { DissolveFederationCommand } from './dissolve-federation.handler';

@ApiTags('commands')
@Controller('v1/federations')
export class DissolveFederationController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/dissolution')
  @HttpCode(200)
  @CommandHeaders()
  @ApiIdParam('id', 'The federation or joint committee')
  @ApiOperation({
    summary: 'Dissolve a federation or joint committee from effectiveFrom; successors named are recorded as transfers before the answer, whose position covers them (rule 5)',
  })
  @ApiOkResponse({ type: CommandResultDto })
  async dissolve(@IdParam() id: string, @Body() body: DissolveFederationDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<DissolveFederationCommand, CommandResult>(
      new DissolveFederationCommand(id, { decidedOn: body.decidedOn, effectiveFrom: body.effectiveFrom, successors: toSuccessors(body.successors) }, context),
    );
    return withEtag(reply, result);
  }
}
