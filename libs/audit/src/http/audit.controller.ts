import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, PipeTransform, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Clock, RequestValidationError } from '@samverkan/shared';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { IsDefined, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { Readable } from 'node:stream';
import { exportLines } from '../export/ndjson-export';
import { verifyStore } from '../log/store-log';
import { CHECKPOINT_STREAM } from '../verification/checkpoint';
import { AuditEventView, AuditHistory, MAX_PAGE, toView } from '../service/audit-history';
import { AuditKeys } from '../service/audit-keys';
import { Checkpointer, LogBrokenError } from '../service/checkpointer';
import { LogTree, TreeRangeError } from '../tree/log-tree';
import { CosignatureRejectedError, Witnesses } from '../tree/witnesses';
import { AuditEventDto, CheckpointOutcomeDto, CheckpointSummaryDto, ConsistencyProofDto, CosignatureRequestDto, InclusionProofDto, PublicKeysDto, VerifyReportDto } from './audit.dto';

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

/** A tree size or leaf index: a whole number (up to 15 digits, so it stays exact in JSON). */
const WHOLE = /^\d{1,15}$/;

export class InclusionProofQueryDto {
  @ApiProperty({ description: "The event's leaf index (its leafIndex in /v1/audit/events)", example: '0' })
  @IsDefined({ message: 'leafIndex is required' })
  @Matches(WHOLE, { message: 'leafIndex must be a whole number (a leaf index from 0)' })
  leafIndex!: string;

  @ApiProperty({ description: 'The size of the tree to prove it in: the tree size of a checkpoint you hold', example: '300' })
  @IsDefined({ message: 'treeSize is required' })
  @Matches(WHOLE, { message: 'treeSize must be a whole number (a number of events)' })
  treeSize!: string;
}

export class ConsistencyProofQueryDto {
  @ApiProperty({ description: 'The smaller tree size (a checkpoint you saw earlier)', example: '100' })
  @IsDefined({ message: 'from is required' })
  @Matches(WHOLE, { message: 'from must be a whole number (a tree size)' })
  from!: string;

  @ApiProperty({ description: 'The larger tree size (a later checkpoint)', example: '300' })
  @IsDefined({ message: 'to is required' })
  @Matches(WHOLE, { message: 'to must be a whole number (a tree size)' })
  to!: string;
}

export class CosignatureBodyDto implements CosignatureRequestDto {
  @IsString({ message: 'cosignature must be a string' })
  @MaxLength(1000, { message: 'cosignature must be at most 1000 characters' })
  cosignature!: string;
}

const treeSizeParam: PipeTransform<string, number> = {
  transform(value: string) {
    if (!WHOLE.test(value)) throw new RequestValidationError([{ field: 'treeSize', message: 'must be a whole number (a tree size)' }]);
    return Number(value);
  },
};

function outOfRange(error: unknown): never {
  if (error instanceof TreeRangeError) throw new HttpException({ code: 'out-of-range', message: error.message, errors: [{ field: error.field, message: error.message }] }, 400);
  throw error;
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
    private readonly tree: LogTree,
    private readonly witnesses: Witnesses,
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
    return this.withLeafIndexes(page.events);
  }

  /** Each event's leaf index, once the tree has reached the page's last event. */
  private async withLeafIndexes(events: AuditEventView[]): Promise<(AuditEventView & { leafIndex?: number })[]> {
    if (events.length === 0) return events;
    await this.tree.upTo(events.reduce((max, e) => Math.max(max, e.position), 0));
    return events.map((event) => {
      const leafIndex = this.tree.leafIndexOf(event.position);
      return leafIndex === undefined ? event : { ...event, leafIndex };
    });
  }

  @Get('streams/:stream')
  @ApiOperation({ summary: "One stream's events, in revision order" })
  @ApiParam({ name: 'stream', example: 'agreement-lkp-buys-payroll-2020' })
  @ApiOkResponse({ type: [AuditEventDto] })
  async stream(@Param('stream', streamParam) stream: string) {
    const events = await this.history.stream(stream);
    if (events.length === 0) throw new HttpException({ code: 'not-found', message: `There is no stream '${stream}'.` }, 404);
    return this.withLeafIndexes(events.map(toView));
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
    return { ...own, trusted: [own, ...others], origin: this.keys.origin, noteVerifierKey: this.keys.noteVerifierKey, witnesses: this.witnesses.verifierKeys };
  }

  @Get('checkpoint')
  @ApiOperation({
    summary: 'The latest signed tree head: a C2SP tlog-checkpoint in a signed note (text/plain), with any witnesses’ cosignatures',
    description: 'Lines: the origin, the tree size, the base64 root hash, a blank line, then one signature line per signer (— name base64). Check it with the noteVerifierKey of GET /v1/audit/public-key. 404 until the first checkpoint with a tree head is recorded.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The signed note', schema: { type: 'string', example: 'samverkan.invalid/register\n1024\n3qe0zqU0Yf2hnlT3Ypph6Mvz8wu1m6YXoLqFPfBVJ3U=\n\n— samverkan.invalid/register Gk3H…\n' } })
  @ApiResponse({ status: 404, description: 'No checkpoint with a tree head yet (code not-found)' })
  async latestCheckpoint(@Res({ passthrough: true }) reply: Reply) {
    await this.tree.upToHead();
    const head = this.tree.latest();
    if (!head) throw new HttpException({ code: 'not-found', message: 'No checkpoint with a tree head has been recorded yet; POST /v1/audit/checkpoints records one.' }, 404);
    return this.sendNote(reply, head.note, head.cosignatures);
  }

  @Get('checkpoints/:treeSize')
  @ApiOperation({ summary: 'The signed tree head recorded for exactly this tree size (text/plain signed note, with cosignatures)' })
  @ApiParam({ name: 'treeSize', example: '1024' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The signed note' })
  @ApiResponse({ status: 404, description: 'No checkpoint was recorded for this size (code not-found)' })
  async checkpointAt(@Param('treeSize', treeSizeParam) treeSize: number, @Res({ passthrough: true }) reply: Reply) {
    await this.tree.upToHead();
    const head = this.tree.headAt(treeSize);
    if (!head) throw new HttpException({ code: 'not-found', message: `No checkpoint was recorded for tree size ${treeSize}; GET /v1/audit/checkpoints lists them.` }, 404);
    return this.sendNote(reply, head.note, head.cosignatures);
  }

  @Post('checkpoints/:treeSize/cosignatures')
  @ApiOperation({
    summary: "Adds a witness's cosignature to the checkpoint of this tree size (C2SP tlog-cosignature), after checking it",
    description: 'The witness must be configured (SAMVERKAN_AUDIT_WITNESSES) and its signature must verify over this checkpoint. 201 when recorded, 200 when the same cosignature is already there.',
  })
  @ApiParam({ name: 'treeSize', example: '1024' })
  @ApiResponse({ status: 201, description: 'Recorded' })
  @ApiResponse({ status: 422, description: 'Not from a configured witness, or it does not verify over this checkpoint (code cosignature-invalid)' })
  async cosign(@Param('treeSize', treeSizeParam) treeSize: number, @Body() body: CosignatureBodyDto, @Req() request: PrincipalRequest, @Res({ passthrough: true }) reply: Reply) {
    try {
      const outcome = await this.witnesses.accept(treeSize, body.cosignature, request.principal?.name ?? 'anonymous');
      reply.status(outcome.recorded ? 201 : 200);
      return outcome;
    } catch (error) {
      if (!(error instanceof CosignatureRejectedError)) throw error;
      if (error.reason === 'no-checkpoint') throw new HttpException({ code: 'not-found', message: error.message }, 404);
      throw new HttpException({ code: 'cosignature-invalid', message: error.message }, 422);
    }
  }

  @Get('proofs/inclusion')
  @ApiOperation({
    summary: 'RFC 9162 inclusion proof of one event (by its leafIndex) in the tree of treeSize events',
    description: 'Hash the event’s leaf, fold the proof’s hashes in as RFC 9162 §2.1.3.2 says, and compare with the root of a checkpoint of treeSize. 400 (out-of-range) for a leafIndex or treeSize outside the log.',
  })
  @ApiOkResponse({ type: InclusionProofDto })
  async inclusionProof(@Query() query: InclusionProofQueryDto) {
    const leafIndex = Number(query.leafIndex);
    const treeSize = Number(query.treeSize);
    await this.tree.upToHead();
    try {
      return { leafIndex, treeSize, hashes: this.tree.inclusionProof(leafIndex, treeSize).map((h) => h.toString('base64')) };
    } catch (error) {
      return outOfRange(error);
    }
  }

  @Get('proofs/consistency')
  @ApiOperation({
    summary: 'RFC 9162 consistency proof: the tree of from events is a prefix of the tree of to events',
    description: 'With two checkpoints you hold (sizes from ≤ to), check the proof as RFC 9162 §2.1.4.2 says. 400 (out-of-range) for sizes outside the log, out of order, or from = 0.',
  })
  @ApiOkResponse({ type: ConsistencyProofDto })
  async consistencyProof(@Query() query: ConsistencyProofQueryDto) {
    const from = Number(query.from);
    const to = Number(query.to);
    await this.tree.upToHead();
    try {
      return { from, to, hashes: this.tree.consistencyProof(from, to).map((h) => h.toString('base64')) };
    } catch (error) {
      return outOfRange(error);
    }
  }

  private sendNote(reply: Reply, note: string, cosignatures: readonly string[]): string {
    reply.header('Content-Type', 'text/plain; charset=utf-8');
    reply.header('Cache-Control', 'no-cache');
    return note + cosignatures.map((line) => `${line}\n`).join('');
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
