import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto, toProvider } from '../http/shared.dto';
import { ProposeAgreementDto } from './propose-agreement.dto';
import { ProposeAgreementCommand } from './propose-agreement.handler';

@ApiTags('commands')
@Controller('v1/agreements')
export class ProposeAgreementController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @CommandHeaders()
  @ApiOperation({ summary: 'Propose a service agreement (avtalssamverkan), a letter of intent or a cooperation agreement' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async propose(@Body() body: ProposeAgreementDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<ProposeAgreementCommand, CommandResult>(
      new ProposeAgreementCommand(
        {
          ...(body.id !== undefined ? { id: body.id } : {}),
          kind: body.kind,
          title: body.title,
          parties: body.parties,
          otherParties: body.otherParties ?? [],
          ...(body.provider ? { provider: toProvider(body.provider) } : {}),
          buyers: body.buyers ?? [],
          serviceAreas: body.serviceAreas,
          validFrom: body.validFrom,
          ...(body.validUntil !== undefined ? { validUntil: body.validUntil } : {}),
          councilApprovalRequired: body.councilApprovalRequired,
          ...(body.decidedOn !== undefined ? { decidedOn: body.decidedOn } : {}),
        },
        context,
      ),
    );
    return withEtag(reply, result);
  }
}
