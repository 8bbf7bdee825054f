import { HttpException, Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, ValidateBy } from 'class-validator';
import { CalendarDate, isCalendarDate, stockholmDateOf } from '@samverkan/domain';
import { Clock } from '@samverkan/shared';
import { ProjectionRunner } from '@samverkan/projections';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value)) && isCalendarDate(value.slice(0, 10));
}

function IsInstant(): PropertyDecorator {
  return ValidateBy({ name: 'isInstant', validator: { validate: isInstant, defaultMessage: () => '$property must be an ISO 8601 instant with an offset, e.g. 2019-11-01T12:00:00Z' } });
}

export function IsDate(): PropertyDecorator {
  return ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => '$property must be a real calendar date as YYYY-MM-DD' } });
}

/** Read-your-writes: answer only once the read model has reached this position. */
export class ConsistencyQuery {
  // No example: Swagger UI's Try-it-out would send it, and a position the register has not reached waits 5 s for a 504.
  @ApiPropertyOptional({ description: 'Answer only once the read model has reached this log position, e.g. the `position` a command answered (504 read-model-timeout after 5 s)' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'minPosition must be a log position (a whole number)' })
  minPosition?: string;
}

/** `knownAt`: as the register knew it at that instant (rule 7). Every query takes it. */
export class KnownAtQuery extends ConsistencyQuery {
  // No example: any fixed past instant is before everything a fresh register holds, so Try-it-out would answer 404 or nothing.
  @ApiPropertyOptional({ description: 'As the register knew it at this instant: only what was recorded at or before it (recordedAt ≤ knownAt), e.g. 2019-11-01T12:00:00Z (default: now)' })
  @IsOptional()
  @IsInstant()
  knownAt?: string;
}

/** `on` (the effective date, default today in Stockholm) and `knownAt`. */
export class OnQuery extends KnownAtQuery {
  @ApiPropertyOptional({ description: 'The effective date (default: today, Europe/Stockholm)', example: '2020-06-01' })
  @IsOptional()
  @IsDate()
  on?: string;
}

export const READ_YOUR_WRITES_TIMEOUT_MS = 5000;

/** How a not-found names the time asked about: '' for now, ' as known at <instant>' for a knownAt. */
export function asKnownAt(knownAtMs: number | undefined): string {
  return knownAtMs === undefined ? '' : ` as known at ${new Date(knownAtMs).toISOString()}`;
}

/** Resolves `on`, `knownAt` and `minPosition` for a query. */
@Injectable()
export class QueryScope {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly clock: Clock,
  ) {}

  /** Waits for `minPosition` (504 when the read model does not get there in 5 s). */
  async consistent(query: ConsistencyQuery): Promise<void> {
    if (query.minPosition === undefined) return;
    const reached = await this.runner.waitFor(Number(query.minPosition), READ_YOUR_WRITES_TIMEOUT_MS);
    if (!reached) {
      throw new HttpException({ code: 'read-model-timeout', message: `The read model is at position ${this.runner.position}; it did not reach ${query.minPosition} within 5 s.` }, 504);
    }
  }

  today(): CalendarDate {
    return stockholmDateOf(this.clock.now());
  }

  on(query: OnQuery): CalendarDate {
    return query.on ?? this.today();
  }

  knownAtMs(query: KnownAtQuery): number | undefined {
    return query.knownAt === undefined ? undefined : Date.parse(query.knownAt);
  }
}
