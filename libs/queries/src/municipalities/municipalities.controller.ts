import { Controller, Get, Query } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DomainError } from '@samverkan/domain';
import { MunicipalityView, ProjectionRunner, ServiceAreaView, TimelineEntry } from '@samverkan/projections';
import { ConsistencyQuery, QueryScope } from '../http/as-of';
import { CodeParam } from '../http/params';
import { MunicipalityDetailDto, MunicipalityDto, ServiceAreaDto, TimelineEntryDto } from '../http/views.dto';

export class ListMunicipalitiesQuery {
  constructor(readonly county?: string) {}
}
export class GetMunicipalityQuery {
  constructor(readonly code: string, readonly today: string) {}
}
export class MunicipalityTimelineQuery {
  constructor(readonly code: string) {}
}
export class ListServiceAreasQuery {}

@QueryHandler(ListMunicipalitiesQuery)
export class ListMunicipalitiesHandler implements IQueryHandler<ListMunicipalitiesQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: ListMunicipalitiesQuery): Promise<MunicipalityView[]> {
    return this.runner.model.listMunicipalities(q.county);
  }
}

@QueryHandler(GetMunicipalityQuery)
export class GetMunicipalityHandler implements IQueryHandler<GetMunicipalityQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: GetMunicipalityQuery) {
    const model = this.runner.model;
    const municipality = model.getMunicipality(q.code);
    if (!municipality) throw new DomainError('not-found', `There is no municipality ${q.code}.`);
    return { ...municipality, memberships: model.membershipsOf(q.code), arrangements: model.listArrangements({ party: q.code }, q.today) };
  }
}

@QueryHandler(MunicipalityTimelineQuery)
export class MunicipalityTimelineHandler implements IQueryHandler<MunicipalityTimelineQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: MunicipalityTimelineQuery): Promise<TimelineEntry[]> {
    if (!this.runner.model.hasMunicipality(q.code)) throw new DomainError('not-found', `There is no municipality ${q.code}.`);
    return this.runner.model.timeline(q.code);
  }
}

@QueryHandler(ListServiceAreasQuery)
export class ListServiceAreasHandler implements IQueryHandler<ListServiceAreasQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(): Promise<ServiceAreaView[]> {
    return this.runner.model.listServiceAreas();
  }
}

export class MunicipalitiesQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ description: 'Only this county (2-digit code)', example: '05' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'county must be a 2-digit county code' })
  county?: string;
}

type MunicipalityDetail = Awaited<ReturnType<GetMunicipalityHandler['execute']>>;

@ApiTags('municipalities')
@Controller('v1')
export class MunicipalitiesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly scope: QueryScope,
  ) {}

  @Get('municipalities')
  @ApiOperation({ summary: 'The 290 municipalities with their counties' })
  @ApiOkResponse({ type: [MunicipalityDto] })
  async list(@Query() query: MunicipalitiesQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<ListMunicipalitiesQuery, MunicipalityView[]>(new ListMunicipalitiesQuery(query.county));
  }

  @Get('municipalities/:code')
  @ApiOperation({ summary: 'A municipality, with its memberships and arrangements' })
  @ApiParam({ name: 'code', example: '0580' })
  @ApiOkResponse({ type: MunicipalityDetailDto })
  async one(@CodeParam() code: string, @Query() query: ConsistencyQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<GetMunicipalityQuery, MunicipalityDetail>(new GetMunicipalityQuery(code, this.scope.today()));
  }

  @Get('municipalities/:code/timeline')
  @ApiOperation({ summary: "A municipality's timeline: its own events and those of its arrangements, in log order" })
  @ApiParam({ name: 'code', example: '0580' })
  @ApiOkResponse({ type: [TimelineEntryDto] })
  async timeline(@CodeParam() code: string, @Query() query: ConsistencyQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<MunicipalityTimelineQuery, TimelineEntry[]>(new MunicipalityTimelineQuery(code));
  }

  @Get('service-areas')
  @ApiOperation({ summary: 'The service-area vocabulary' })
  @ApiOkResponse({ type: [ServiceAreaDto] })
  async serviceAreas(@Query() query: ConsistencyQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<ListServiceAreasQuery, ServiceAreaView[]>(new ListServiceAreasQuery());
  }
}

export const MUNICIPALITY_QUERY_HANDLERS = [ListMunicipalitiesHandler, GetMunicipalityHandler, MunicipalityTimelineHandler, ListServiceAreasHandler];
