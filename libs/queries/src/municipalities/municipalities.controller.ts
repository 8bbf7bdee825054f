import { Controller, Get, Query } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DomainError } from '@samverkan/domain';
import { MunicipalityView, ProjectionRunner, ServiceAreaView, TimelineEntry } from '@samverkan/projections';
import { KnownAtQuery, QueryScope, asKnownAt } from '../http/as-of';
import { CodeParam } from '../http/params';
import { MunicipalityDetailDto, MunicipalityDto, ServiceAreaDto, TimelineEntryDto } from '../http/views.dto';

export class ListMunicipalitiesQuery {
  constructor(readonly county?: string, readonly knownAtMs?: number) {}
}
export class GetMunicipalityQuery {
  constructor(readonly code: string, readonly today: string, readonly knownAtMs?: number) {}
}
export class MunicipalityTimelineQuery {
  constructor(readonly code: string, readonly knownAtMs?: number) {}
}
export class ListServiceAreasQuery {
  constructor(readonly knownAtMs?: number) {}
}

function assertMunicipality(runner: ProjectionRunner, code: string, knownAtMs: number | undefined): void {
  if (!runner.model.hasMunicipality(code, knownAtMs)) throw new DomainError('not-found', `There is no municipality ${code}${asKnownAt(knownAtMs)}.`);
}

@QueryHandler(ListMunicipalitiesQuery)
export class ListMunicipalitiesHandler implements IQueryHandler<ListMunicipalitiesQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: ListMunicipalitiesQuery): Promise<MunicipalityView[]> {
    return this.runner.model.listMunicipalities(q.county, q.knownAtMs);
  }
}

@QueryHandler(GetMunicipalityQuery)
export class GetMunicipalityHandler implements IQueryHandler<GetMunicipalityQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: GetMunicipalityQuery) {
    const model = this.runner.model;
    assertMunicipality(this.runner, q.code, q.knownAtMs);
    return { ...model.municipalityView(q.code), memberships: model.membershipsOf(q.code, q.knownAtMs), arrangements: model.listArrangements({ party: q.code }, q.today, q.knownAtMs) };
  }
}

@QueryHandler(MunicipalityTimelineQuery)
export class MunicipalityTimelineHandler implements IQueryHandler<MunicipalityTimelineQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: MunicipalityTimelineQuery): Promise<TimelineEntry[]> {
    assertMunicipality(this.runner, q.code, q.knownAtMs);
    return this.runner.model.timeline(q.code, q.knownAtMs);
  }
}

@QueryHandler(ListServiceAreasQuery)
export class ListServiceAreasHandler implements IQueryHandler<ListServiceAreasQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: ListServiceAreasQuery): Promise<ServiceAreaView[]> {
    return this.runner.model.listServiceAreas(q.knownAtMs);
  }
}

export class MunicipalitiesQuery extends KnownAtQuery {
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
    return this.queries.execute<ListMunicipalitiesQuery, MunicipalityView[]>(new ListMunicipalitiesQuery(query.county, this.scope.knownAtMs(query)));
  }

  @Get('municipalities/:code')
  @ApiOperation({ summary: 'A municipality, with its memberships and arrangements' })
  @ApiParam({ name: 'code', example: '0580' })
  @ApiOkResponse({ type: MunicipalityDetailDto })
  async one(@CodeParam() code: string, @Query() query: KnownAtQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<GetMunicipalityQuery, MunicipalityDetail>(new GetMunicipalityQuery(code, this.scope.today(), this.scope.knownAtMs(query)));
  }

  @Get('municipalities/:code/timeline')
  @ApiOperation({ summary: "A municipality's timeline: its own events and those of its arrangements, in log order" })
  @ApiParam({ name: 'code', example: '0580' })
  @ApiOkResponse({ type: [TimelineEntryDto] })
  async timeline(@CodeParam() code: string, @Query() query: KnownAtQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<MunicipalityTimelineQuery, TimelineEntry[]>(new MunicipalityTimelineQuery(code, this.scope.knownAtMs(query)));
  }

  @Get('service-areas')
  @ApiOperation({ summary: 'The service-area vocabulary' })
  @ApiOkResponse({ type: [ServiceAreaDto] })
  async serviceAreas(@Query() query: KnownAtQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<ListServiceAreasQuery, ServiceAreaView[]>(new ListServiceAreasQuery(this.scope.knownAtMs(query)));
  }
}

export const MUNICIPALITY_QUERY_HANDLERS = [ListMunicipalitiesHandler, GetMunicipalityHandler, MunicipalityTimelineHandler, ListServiceAreasHandler];
