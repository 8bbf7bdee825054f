import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DomainError } from '@samverkan/domain';
import { ProjectionRunner, Provision } from '@samverkan/projections';
import { OnQuery, QueryScope } from '../http/as-of';
import { MatrixDto } from '../http/views.dto';

/** One or more service-area slugs, comma-separated (`payroll,procurement`). */
const SERVICE_AREAS = /^[a-z0-9][a-z0-9-]{1,62}(,[a-z0-9][a-z0-9-]{1,62})*$/;

export class MatrixQueryDto extends OnQuery {
  @ApiPropertyOptional({ description: 'Only this county (2-digit code)', example: '05' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'county must be a 2-digit county code' })
  county?: string;

  @ApiPropertyOptional({ description: "Only these service areas' columns (comma-separated slugs, in the register's order whatever the order given); an unknown slug is 404", example: 'payroll' })
  @IsOptional()
  @Matches(SERVICE_AREAS, { message: 'serviceArea must be service-area slugs, comma-separated' })
  serviceArea?: string;
}

/** The matrix as objects (`as: 'rows'`, for CSV) or as its JSON text (`as: 'json'`, written without building the objects). */
export class GetMatrixQuery {
  constructor(
    readonly on: string,
    readonly county: string | undefined,
    readonly knownAtMs: number | undefined,
    readonly as: 'rows' | 'json',
    /** Only these service areas' columns; undefined: all. */
    readonly areas?: readonly string[],
  ) {}
}

type Matrix = ReturnType<ProjectionRunner['model']['matrix']>;

@QueryHandler(GetMatrixQuery)
export class GetMatrixHandler implements IQueryHandler<GetMatrixQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: GetMatrixQuery): Promise<Matrix | string> {
    // As the provision questions do: the service areas known now (rule 7, contract.md), so a knownAt does not make one unknown.
    const unknown = (q.areas ?? []).filter((slug) => !this.runner.model.hasServiceArea(slug));
    if (unknown.length > 0) throw new DomainError('not-found', `There is no service area ${unknown.map((slug) => `'${slug}'`).join(', ')}.`);
    return q.as === 'json' ? this.runner.model.matrixJson(q.on, q.county, q.knownAtMs, q.areas) : this.runner.model.matrix(q.on, q.county, q.knownAtMs, q.areas);
  }
}

const CSV_COLUMNS = ['on', 'code', 'name', 'countyCode', 'serviceArea', 'providerKind', 'provider', 'providerName', 'basisKind', 'basisId', 'since', 'until', 'lapsed'];

function csvField(value: string | boolean | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Quote when needed, and neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The matrix as CSV: one row per municipality and service area (a tidy table). */
export function matrixCsv(matrix: Matrix): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of matrix.rows) {
    for (const area of matrix.serviceAreas) {
      const p: Provision = row.cells[area];
      const provider = p.provider.kind === 'federation' ? p.provider.id : p.provider.code;
      const basisId = p.basis.kind === 'in-house' ? '' : p.basis.id;
      lines.push([matrix.on, row.municipality.code, row.municipality.name, row.municipality.countyCode, area, p.provider.kind, provider, p.provider.name, p.basis.kind, basisId, p.since, p.until, p.lapsed].map(csvField).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

@ApiTags('provisions')
@Controller('v1/matrix')
export class MatrixController {
  constructor(
    private readonly queries: QueryBus,
    private readonly scope: QueryScope,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Municipalities × service areas on a date, for a county or the whole country, all service areas or some (serviceArea=); Accept: text/csv for CSV' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: MatrixDto })
  async matrix(@Query() query: MatrixQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: { header(k: string, v: string): unknown }) {
    await this.scope.consistent(query);
    const on = this.scope.on(query);
    const knownAtMs = this.scope.knownAtMs(query);
    const areas = query.serviceArea === undefined ? undefined : [...new Set(query.serviceArea.split(','))];
    if (accept && /\btext\/csv\b/.test(accept) && !/application\/json/.test(accept)) {
      reply.header('Content-Type', 'text/csv; charset=utf-8');
      return matrixCsv(await this.queries.execute<GetMatrixQuery, Matrix>(new GetMatrixQuery(on, query.county, knownAtMs, 'rows', areas)));
    }
    reply.header('Content-Type', 'application/json; charset=utf-8');
    return this.queries.execute<GetMatrixQuery, string>(new GetMatrixQuery(on, query.county, knownAtMs, 'json', areas));
  }
}
