import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandCtx, CommandHeaders } from '../http/command-context.decorator';
import { ApiIdParam, IdParam, ReplyWithEtag, withEtag } from '../http/responses';
import { CommandResultDto } from '../http/shared.dto';
import { RecordReviewDto } from './record-review.dto';
import { RecordReviewCommand } from './record-review.handler';

@ApiTags('commands')
@Controller('v1/arrangements')
export class RecordReviewController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/reviews')
  @HttpCode(201)
  @CommandHeaders()
  @ApiIdParam('id', 'A federation, joint committee or agreement')
  @ApiOperation({ summary: 'Record a review (aktualitetsprövning) of a federation, joint committee or agreement; one is due every term of office' })
  @ApiCreatedResponse({ type: CommandResultDto })
  async review(@IdParam() id: string, @Body() body: RecordReviewDto, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) reply: ReplyWithEtag): Promise<CommandResult> {
    const result = await this.commands.execute<RecordReviewCommand, CommandResult>(
      new RecordReviewCommand(id, { reviewedOn: body.reviewedOn, outcome: body.outcome, ...(body.note !== undefined ? { note: body.note } : {}) }, context),
    );
    return withEtag(reply, result);
  }
}
