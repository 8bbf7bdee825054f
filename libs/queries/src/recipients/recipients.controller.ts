import { Controller, Get, Query } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@samverkan/domain';
import { ProjectionRunner } from '@samverkan/projections';
import { OnQuery, QueryScope } from '../http/as-of';
import { ArrangementIdParam, CodeParam } from '../http/params';
import { RecipientDto } from '../http/views.dto';

export class GetRecipientsQuery {
  constructor(readonly provider: { kind: 'municipality'; code: string } | { kind: 'federation'; id: string }, readonly on: string, readonly knownAtMs?: number) {}
}

@QueryHandler(GetRecipientsQuery)
export class GetRecipientsHandler implements IQueryHandler<GetRecipientsQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: GetRecipientsQuery) {
    const model = this.runner.model;
    if (q.provider.kind === 'municipality' && !model.hasMunicipality(q.provider.code)) throw new DomainError('not-found', `There is no municipality ${q.provider.code}.`);
    if (q.provider.kind === 'federation' && !['federation', 'joint-committee'].includes(model.arrangementKind(q.provider.id) ?? '')) {
      throw new DomainError('not-found', `There is no federation '${q.provider.id}'.`);
    }
    return model.recipients(q.provider, q.on, q.knownAtMs);
  }
}

type Recipients = Awaited<ReturnType<GetRecipientsHandler['execute']>>;

@ApiTags('provisions')
@Controller('v1/providers')
export class RecipientsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly scope: QueryScope,
  ) {}

  @Get('municipality/:code/recipients')
  @ApiOperation({ summary: 'What a municipality provides to others on a date (as host, agreement provider), and to whom' })
  @ApiParam({ name: 'code', example: '0581' })
  @ApiOkResponse({ type: [RecipientDto] })
  async ofMunicipality(@CodeParam() code: string, @Query() query: OnQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<GetRecipientsQuery, Recipients>(new GetRecipientsQuery({ kind: 'municipality', code }, this.scope.on(query), this.scope.knownAtMs(query)));
  }

  @Get('federation/:id/recipients')
  @ApiOperation({ summary: 'What a federation provides on a date, and to whom' })
  @ApiParam({ name: 'id', example: 'fjarde-storstadsregionen' })
  @ApiOkResponse({ type: [RecipientDto] })
  async ofFederation(@ArrangementIdParam() id: string, @Query() query: OnQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<GetRecipientsQuery, Recipients>(new GetRecipientsQuery({ kind: 'federation', id }, this.scope.on(query), this.scope.knownAtMs(query)));
  }
}
