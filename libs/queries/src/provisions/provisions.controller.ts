import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { KnownAtQuery, OnQuery, QueryScope } from '../http/as-of';
import { CodeParam } from '../http/params';
import { HistoryEntry, Provision } from '@samverkan/projections';
import { GetProvisionHistoryQuery, GetProvisionQuery, GetProvisionsQuery, MunicipalityProvisions } from './provisions.queries';
import { HistoryEntryDto, ProvisionDto, ProvisionsDto } from '../http/views.dto';
import { ApiOkResponse } from '@nestjs/swagger';

@ApiTags('provisions')
@Controller('v1/municipalities/:code/provisions')
export class ProvisionsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly scope: QueryScope,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Everything a municipality gets on a date, one provision per service area' })
  @ApiParam({ name: 'code', example: '0580' })
  @ApiOkResponse({ type: ProvisionsDto })
  async all(@CodeParam() code: string, @Query() query: OnQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<GetProvisionsQuery, MunicipalityProvisions>(new GetProvisionsQuery(code, this.scope.on(query), this.scope.knownAtMs(query)));
  }

  @Get(':area')
  @ApiOperation({ summary: 'Who provides a service area to a municipality on a date, on what basis, since and until when' })
  @ApiParam({ name: 'code', example: '0580' })
  @ApiParam({ name: 'area', example: 'payroll' })
  @ApiOkResponse({ type: ProvisionDto })
  async one(@CodeParam() code: string, @Param('area') area: string, @Query() query: OnQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<GetProvisionQuery, Provision>(new GetProvisionQuery(code, area, this.scope.on(query), this.scope.knownAtMs(query)));
  }

  @Get(':area/history')
  @ApiOperation({ summary: 'The provision of one service area over time: every interval, lapses included' })
  @ApiParam({ name: 'code', example: '0580' })
  @ApiParam({ name: 'area', example: 'payroll' })
  @ApiOkResponse({ type: [HistoryEntryDto] })
  async history(@CodeParam() code: string, @Param('area') area: string, @Query() query: KnownAtQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<GetProvisionHistoryQuery, HistoryEntry[]>(new GetProvisionHistoryQuery(code, area, this.scope.knownAtMs(query)));
  }
}
