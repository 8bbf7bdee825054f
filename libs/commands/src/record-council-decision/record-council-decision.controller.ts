import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { RecordCouncilDecisionDto } from './record-council-decision.dto';
import { RecordCouncilDecisionCommand } from './record-council-decision.handler';

@ApiTags('commands')
@Controller('v1/agreements')
export class RecordCouncilDecisionController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/council-decisions')
  @HttpCode(201)
  @CommandHeaders()
  @ApiIdParam('id', 'The agreement')
  @ApiOperation({ summary: "Record a party municipality's council decision on the agreement: the last approval needed concludes it, a rejection rejects it (rule 6)" })
  @ApiCreatedResponse({ type: CommandResultDto })
  async decide(@IdParam() id: string, @Body() body: RecordCouncilDecisionDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<RecordCouncilDecisionCommand, CommandResult>(
      new RecordCouncilDecisionCommand(
        id,
        { municipality: body.municipality, decidedOn: body.decidedOn, outcome: body.outcome, ...(body.reference !== undefined ? { reference: body.reference } : {}) },
        context,
      ),
    );
    return withEtag(reply, result);
  }
}
