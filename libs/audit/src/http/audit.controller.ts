import { Controller, Get, HttpCode, HttpException, Inject, Param, PipeTransform, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Clock, RequestValidationError } from '@samverkan/shared';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { IsOptional, Matches, ValidateBy } from 'class-validator';
import { Readable } from 'node:stream';
import { exportLines } from '../export/ndjson-export';
import { verifyStore } from '../log/store-log';
import { CHECKPOINT_STREAM } from '../verification/checkpoint';
import { AuditHistory, MAX_PAGE, toView } from '../service/audit-history';
import { AuditKeys } from '../service/audit-keys';
import { Checkpointer, LogBrokenError } from '../service/checkpointer';
import { AuditEventDto, CheckpointOutcomeDto, CheckpointSummaryDto, PublicKeysDto, VerifyReportDto } from './audit.dto';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Stream names are `<category>-<id>`. */
export const STREAM_NAME = /^[a-z][a-z0-9]*-[a-z0-9][a-z0-9._-]{0,199}$/;
const EVENT_TYPES = /^[A-Za-z][A-Za-z0-9]{0,99}(,[A-Za-z][A-Za-z0-9]{0,99}){0,49}$/;

function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value)),
      defaultMessage: () => '$property must be an ISO 8601 instant with an offset, e.g. 2021-03-01T12:00:00Z',
    },
  });
}

export class AuditEventsQueryDto {
  @ApiPropertyOptional({ description: 'Only events after this log position (exclusive); page on with the last position you got', example: '0' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'after must be a log position (a whole number)' })
  after?: string;

  @ApiPropertyOptional({ description: `Events per page, 1 to ${MAX_PAGE} (default 100)`, example: '100' })
  @IsOptional()
  @Matches(/^(?:[1-9]\d{0,2}|1000)$/, { message: `limit must be a whole number from 1 to ${MAX_PAGE}` })
  limit?: string;

  @ApiPropertyOptional({ description: 'Only this stream', example: 'federation-fjarde-storstadsregionen' })
  @IsOptional()
  @Matches(STREAM_NAME, { message: 'stream must be a stream name such as municipality-0580' })
  stream?: string;

  @ApiPropertyOptional({ description: 'Only these event types (comma-separated)', example: 'ServiceTransferred,CorrectionRecorded' })
  @IsOptional()
  @Matches(EVENT_TYPES, { message: 'type must be one or more event type names, comma-separated' })
  type?: string;

  @ApiPropertyOptional({ description: 'Only events recorded at or after this instant', example: '2019-10-01T00:00:00Z' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Only events recorded at or before this instant', example: '2019-12-31T23:59:59Z' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ description: 'Only events caused by this actor (an API key name, or samverkan for the service itself)', example: 'diariet-linkoping' })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'actor must be 1 to 200 printable characters' })
  actor?: string;
}

const streamParam: PipeTransform<string, string> = {
  transform(value: string) {
    if (!STREAM_NAME.test(value)) throw new RequestValidationError([{ field: 'stream', message: 'must be a stream name such as municipality-0580' }]);
    return value;
  },
};

interface Reply {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
  send(payload: unknown): unknown;
}

interface PrincipalRequest {
  principal?: { name: string };
}

/** `/v1/audit/*` (auditors and admins): the history, the chain's verification, checkpoints, the export. */
@ApiTags('audit')
@ApiExtraModels(AuditEventDto)
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly history: AuditHistory,
    private readonly checkpointer: Checkpointer,
    private readonly keys: AuditKeys,
    private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('events')
  @ApiOperation({
    summary: 'The log in commit order, a page at a time (after, limit ≤ 1000), filtered by stream, type, recording time and actor',
    description: 'Each event carries its data, its metadata (with the audit chain) and recordedAt. While there may be more, the answer has an X-Next-After header and a Link rel="next"; an empty page is the end.',
  })
  @ApiOkResponse({ type: [AuditEventDto] })
  async events(@Query() query: AuditEventsQueryDto, @Res({ passthrough: true }) reply: Reply) {
    const fromMs = query.from ? Date.parse(query.from) : undefined;
    const toMs = query.to ? Date.parse(query.to) : undefined;
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) throw new RequestValidationError([{ field: 'to', message: 'must not be before from' }]);
    const page = await this.history.page({
      after: Number(query.after ?? 0),
      limit: Number(query.limit ?? 100),
      ...(query.stream ? { stream: query.stream } : {}),
      ...(query.type ? { types: query.type.split(',') } : {}),
      ...(fromMs !== undefined ? { fromMs } : {}),
      ...(toMs !== undefined ? { toMs } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
    });
    if (page.next !== undefined) {
      const params = new URLSearchParams(Object.entries({ ...query, after: String(page.next) }).filter((entry): entry is [string, string] => entry[1] !== undefined));
      reply.header('X-Next-After', String(page.next));
      reply.header('Link', `</v1/audit/events?${params.toString()}>; rel="next"`);
    }
    return page.events;
  }

  @Get('streams/:stream')
  @ApiOperation({ summary: "One stream's events, in revision order" })
  @ApiParam({ name: 'stream', example: 'agreement-lkp-buys-payroll-2020' })
  @ApiOkResponse({ type: [AuditEventDto] })
  async stream(@Param('stream', streamParam) stream: string) {
    const events = await this.history.stream(stream);
    if (events.length === 0) throw new HttpException({ code: 'not-found', message: `There is no stream '${stream}'.` }, 404);
    return events.map(toView);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Checks the whole log: every chain, and the log against every signed checkpoint',
    description: 'ok is false if anything was altered; firstBroken names the first place where it shows (stream, revision, position, kind).',
  })
  @ApiOkResponse({ type: VerifyReportDto })
  async verify() {
    const expected = this.checkpointer.lastWritten;
    return verifyStore(this.store, { publicKeys: this.keys.trusted, ...(expected ? { expectCheckpoint: expected } : {}) });
  }

  @Post('checkpoints')
  @ApiOperation({ summary: 'Appends a signed checkpoint now (201), unless the log has not moved since the last one (200)' })
  @ApiResponse({ status: 201, type: CheckpointOutcomeDto })
  @ApiResponse({ status: 200, type: CheckpointOutcomeDto })
  @ApiResponse({ status: 409, description: 'The log is broken: nothing is signed over it (code log-broken)' })
  async checkpoint(@Req() request: PrincipalRequest, @Res({ passthrough: true }) reply: Reply) {
    try {
      const outcome = await this.checkpointer.checkpoint(request.principal?.name ?? 'anonymous');
      reply.status(outcome.written ? 201 : 200);
      return outcome;
    } catch (error) {
      if (error instanceof LogBrokenError) throw new HttpException({ code: 'log-broken', message: error.message }, 409);
      throw error;
    }
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'The checkpoints, oldest first, with whether each signature verifies' })
  @ApiOkResponse({ type: [CheckpointSummaryDto] })
  async checkpoints() {
    const events = await this.store.readStream(CHECKPOINT_STREAM);
    return events.map((e) => this.checkpointer.summary(e) ?? { revision: e.revision, position: e.position, signature: 'invalid' });
  }

  @Get('public-key')
  @ApiOperation({ summary: "The service's Ed25519 public key, which signs checkpoints and exports (and any other keys it trusts)" })
  @ApiOkResponse({ type: PublicKeysDto })
  publicKey() {
    const [own, ...others] = this.keys.publicKeys();
    return { ...own, trusted: [own, ...others] };
  }

  @Get('export')
  @ApiOperation({ summary: 'The whole log as NDJSON: a header with the public keys, every event with its chain (checkpoints included), and a signed footer' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON, one JSON object per line' })
  export(@Res() reply: Reply): void {
    const exportedAt = this.clock.now().toISOString();
    reply.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="samverkan-audit-${exportedAt.slice(0, 10)}.ndjson"`);
    reply.header('Cache-Control', 'no-store');
    reply.send(Readable.from(exportLines(this.store, { key: this.keys.signing, publicKeys: this.keys.publicKeys(), exportedAt })));
  }
}
