import { Controller, Get, Inject, Query, Res, applyDecorators } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, ValidateBy } from 'class-validator';
import { DomainError, FederationState, ID_PATTERN, agreementDecider, agreementStatusView, federationDecider, missingCouncilDecisions, membershipsAsShown, missingSignatures, providingFederationId, streams, studyDecider } from '@samverkan/domain';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { AsOf, foldAsOf } from '@samverkan/shared';
import { ArrangementFilter, ProjectionRunner, TimelineEntry } from '@samverkan/projections';
import { IsDate, KnownAtQuery, QueryScope, asKnownAt } from '../http/as-of';
import { ArrangementIdParam } from '../http/params';
import { AgreementStateDto, FederationStateDto, StudyStateDto } from '../http/states.dto';
import { ArrangementSummaryDto, TimelineEntryDto } from '../http/views.dto';

const KINDS = ['federation', 'joint-committee', 'agreement', 'study'];
const STATUSES = ['active', 'dissolved', 'proposed', 'concluded', 'rejected', 'terminated', 'expired', 'running'];

export class ArrangementsQueryDto extends KnownAtQuery {
  @ApiPropertyOptional({ enum: KINDS }) @IsOptional() @IsIn(KINDS, { message: `kind must be one of: ${KINDS.join(', ')}` }) kind?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES, { message: `status must be one of: ${STATUSES.join(', ')}` }) status?: string;
  @ApiPropertyOptional({ example: '0580' }) @IsOptional() @Matches(/^\d{4}$/, { message: 'party must be a 4-digit municipality code' }) party?: string;
  @ApiPropertyOptional({
    description: 'Narrows `party` to the arrangements of which it was a party on this day (a member of a federation or joint committee in force that day; a party of an agreement in force or a study running that day). Only with `party`: without it the query is a 400.',
    example: '2019-12-31',
  })
  @IsOptional()
  @IsDate()
  @OnlyWithParty()
  on?: string;
  @ApiPropertyOptional({ example: 'payroll' }) @IsOptional() @Matches(ID_PATTERN, { message: 'serviceArea must be a service-area slug' }) serviceArea?: string;
}

/** `on` narrows `party` (docs/contract.md), so it means nothing alone: refused rather than silently ignored. */
function OnlyWithParty(): PropertyDecorator {
  return ValidateBy({
    name: 'onlyWithParty',
    validator: { validate: (_value, args) => (args?.object as { party?: unknown } | undefined)?.party !== undefined, defaultMessage: () => 'on narrows party: give party too' },
  });
}

/** A past state: `atRevision` (stream revision) or `knownAt` (recording time). */
export class StateQueryDto extends KnownAtQuery {
  @ApiPropertyOptional({ description: 'The state after this stream revision', example: '2' })
  @IsOptional()
  @Matches(/^\d{1,9}$/, { message: 'atRevision must be a stream revision (a whole number)' })
  atRevision?: string;
}

export class ListArrangementsQuery {
  constructor(readonly filter: ArrangementFilter, readonly today: string, readonly knownAtMs?: number) {}
}
export class GetArrangementStateQuery {
  constructor(readonly kind: 'federation' | 'agreement' | 'study', readonly id: string, readonly asOf: AsOf, readonly today: string) {}
}
export class ArrangementTimelineQuery {
  constructor(readonly id: string, readonly knownAtMs?: number) {}
}

@QueryHandler(ListArrangementsQuery)
export class ListArrangementsHandler implements IQueryHandler<ListArrangementsQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  /** The list as JSON text, written from the kept summaries' JSON (see ArrangementsView.listArrangementsJson). */
  async execute(q: ListArrangementsQuery): Promise<string> {
    return this.runner.model.listArrangementsJson(q.filter, q.today, q.knownAtMs);
  }
}

/** Full state, folded straight from the arrangement's stream, so it is exact at any revision or recording time. */
@QueryHandler(GetArrangementStateQuery)
export class GetArrangementStateHandler implements IQueryHandler<GetArrangementStateQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute(q: GetArrangementStateQuery): Promise<Record<string, unknown> & { revision: number }> {
    const notFound = (): never => {
      throw new DomainError('not-found', `There is no ${q.kind} '${q.id}'${q.asOf.atRevision !== undefined || q.asOf.knownAt ? ' at that point' : ''}.`);
    };
    if (q.kind === 'federation') {
      const stream = streams.federation(q.id);
      const { state, revision } = foldAsOf(stream, federationDecider, await this.store.readStream(stream), q.asOf);
      if (state.status === 'none') notFound();
      // Decision: end dates are inclusive last days, everywhere (a membership's `until` is its last day).
      return { kind: state.form, ...state, memberships: membershipsAsShown(state), revision };
    }
    if (q.kind === 'agreement') {
      const stream = streams.agreement(q.id);
      const recorded = await this.store.readStream(stream);
      const { state, revision } = foldAsOf(stream, agreementDecider, recorded, q.asOf);
      if (state.status === 'none') notFound();
      const provider = await this.providingFederation(providingFederationId(state), q.asOf, recorded.find((e) => e.revision === revision)?.metadata.recordedAt);
      const { status, endedBy } = agreementStatusView(state, q.today, provider);
      return { ...state, status, ...(endedBy ? { endedBy } : {}), missingSignatures: missingSignatures(state), missingCouncilDecisions: missingCouncilDecisions(state), revision };
    }
    const stream = streams.study(q.id);
    const { state, revision } = foldAsOf(stream, studyDecider, await this.store.readStream(stream), q.asOf);
    if (state.status === 'none') notFound();
    return { ...state, revision };
  }

  /**
   * The federation an agreement is provided by, as known at the same moment as the agreement:
   * `knownAt` when given; at `atRevision` alone, when that revision was recorded; otherwise now.
   */
  private async providingFederation(id: string | undefined, asOf: AsOf, revisionRecordedAt: string | undefined): Promise<FederationState | undefined> {
    if (id === undefined) return undefined;
    const knownAt = asOf.knownAt ?? (asOf.atRevision !== undefined ? revisionRecordedAt : undefined);
    const stream = streams.federation(id);
    const { state } = foldAsOf(stream, federationDecider, await this.store.readStream(stream), knownAt !== undefined ? { knownAt } : {});
    return state.status === 'none' ? undefined : state;
  }
}

@QueryHandler(ArrangementTimelineQuery)
export class ArrangementTimelineHandler implements IQueryHandler<ArrangementTimelineQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: ArrangementTimelineQuery): Promise<TimelineEntry[]> {
    if (!this.runner.model.hasArrangement(q.id, q.knownAtMs)) throw new DomainError('not-found', `There is no arrangement '${q.id}'${asKnownAt(q.knownAtMs)}.`);
    return this.runner.model.arrangementTimeline(q.id, q.knownAtMs);
  }
}

/** A past or present state's answer: the state with an ETag, folded from the stream (so the store must be reachable). */
function StateAnswer(type: new () => object): MethodDecorator {
  return applyDecorators(
    ApiOkResponse({ type, headers: { ETag: { description: 'The stream revision, quoted', schema: { type: 'string' } } } }),
    ApiResponse({ status: 503, description: 'The event store cannot be reached (the state is read from its stream)' }),
  );
}

interface EtagReply {
  header(k: string, v: string): unknown;
}

@ApiTags('arrangements')
@Controller('v1')
export class ArrangementsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly scope: QueryScope,
  ) {}

  @Get('arrangements')
  @ApiOperation({ summary: 'The arrangement register: federations, joint committees, agreements and studies, filtered by kind, status, party (ever a party, or a party on day `on`) and service area' })
  @ApiOkResponse({ type: [ArrangementSummaryDto] })
  async list(@Query() query: ArrangementsQueryDto, @Res({ passthrough: true }) reply: EtagReply) {
    await this.scope.consistent(query);
    const { kind, status, party, on, serviceArea } = query;
    reply.header('Content-Type', 'application/json; charset=utf-8');
    return this.queries.execute<ListArrangementsQuery, string>(new ListArrangementsQuery({ kind, status, party, on, serviceArea }, this.scope.today(), this.scope.knownAtMs(query)));
  }

  @Get('arrangements/:id/timeline')
  @ApiOperation({ summary: "An arrangement's lifecycle: every event in log order" })
  @ApiParam({ name: 'id', example: 'lkp-buys-payroll-2020' })
  @ApiOkResponse({ type: [TimelineEntryDto] })
  async timeline(@ArrangementIdParam() id: string, @Query() query: KnownAtQuery) {
    await this.scope.consistent(query);
    return this.queries.execute<ArrangementTimelineQuery, TimelineEntry[]>(new ArrangementTimelineQuery(id, this.scope.knownAtMs(query)));
  }

  @Get('federations/:id')
  @ApiOperation({ summary: 'A federation or joint committee: full state with status and revision (ETag); atRevision or knownAt for a past state' })
  @ApiParam({ name: 'id', example: 'fjarde-storstadsregionen' })
  @StateAnswer(FederationStateDto)
  federation(@ArrangementIdParam() id: string, @Query() query: StateQueryDto, @Res({ passthrough: true }) reply: EtagReply) {
    return this.state('federation', id, query, reply);
  }

  @Get('agreements/:id')
  @ApiOperation({ summary: 'An agreement: full state with status and revision (ETag); atRevision or knownAt for a past state' })
  @ApiParam({ name: 'id', example: 'lkp-buys-payroll-2020' })
  @StateAnswer(AgreementStateDto)
  agreement(@ArrangementIdParam() id: string, @Query() query: StateQueryDto, @Res({ passthrough: true }) reply: EtagReply) {
    return this.state('agreement', id, query, reply);
  }

  @Get('studies/:id')
  @ApiOperation({ summary: 'A study: full state with status and revision (ETag); atRevision or knownAt for a past state' })
  @ApiParam({ name: 'id', example: 'pitea-alvsbyn-forstudier-2013' })
  @StateAnswer(StudyStateDto)
  study(@ArrangementIdParam() id: string, @Query() query: StateQueryDto, @Res({ passthrough: true }) reply: EtagReply) {
    return this.state('study', id, query, reply);
  }

  private async state(kind: 'federation' | 'agreement' | 'study', id: string, query: StateQueryDto, reply: EtagReply) {
    await this.scope.consistent(query);
    const asOf: AsOf = { ...(query.atRevision !== undefined ? { atRevision: Number(query.atRevision) } : {}), ...(query.knownAt ? { knownAt: query.knownAt } : {}) };
    const state = await this.queries.execute<GetArrangementStateQuery, { revision: number }>(new GetArrangementStateQuery(kind, id, asOf, this.scope.today()));
    reply.header('ETag', `"${state.revision}"`);
    return state;
  }
}

export const ARRANGEMENT_QUERY_HANDLERS = [ListArrangementsHandler, GetArrangementStateHandler, ArrangementTimelineHandler];
