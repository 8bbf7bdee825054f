import { Controller, Get, Query, Res } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProjectionRunner } from '@samverkan/projections';
import { OnQuery, QueryScope } from '../http/as-of';
import { AttentionItemDto } from '../http/views.dto';

/** The attention list on a day, as JSON text (written from the items' kept JSON; see AttentionView.attentionJson). */
export class GetAttentionQuery {
  constructor(readonly on: string, readonly knownAtMs?: number) {}
}

@QueryHandler(GetAttentionQuery)
export class GetAttentionHandler implements IQueryHandler<GetAttentionQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: GetAttentionQuery): Promise<string> {
    return this.runner.model.attentionJson(q.on, q.knownAtMs);
  }
}

@ApiTags('attention')
@Controller('v1/attention')
export class AttentionController {
  constructor(
    private readonly queries: QueryBus,
    private readonly scope: QueryScope,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The attention list on a date: awaiting signatures or council decisions, agreements ending within 180 days, lapsed provisions, reviews overdue, studies and milestones overdue',
  })
  @ApiOkResponse({ type: [AttentionItemDto] })
  async list(@Query() query: OnQuery, @Res({ passthrough: true }) reply: { header(k: string, v: string): unknown }) {
    await this.scope.consistent(query);
    reply.header('Content-Type', 'application/json; charset=utf-8');
    return this.queries.execute<GetAttentionQuery, string>(new GetAttentionQuery(this.scope.on(query), this.scope.knownAtMs(query)));
  }
}
