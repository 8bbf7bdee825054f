import { CallHandler, Controller, ExecutionContext, HttpCode, NestInterceptor, Param, PipeTransform, UseInterceptors, applyDecorators } from '@nestjs/common';
import { Command, CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ID_PATTERN, MUNICIPALITY_CODE } from '@samverkan/domain';
import { RequestValidationError } from '@samverkan/shared';
import { Observable, tap } from 'rxjs';
import { CommandResult } from '../command-path/command-result';
import { CommandHeaders } from './command-context.decorator';
import { CommandResultDto } from './shared.dto';

/** Every command answers with an ETag holding the stream revision. */
const ETAG: NestInterceptor<CommandResult, CommandResult> = {
  intercept: (context: ExecutionContext, next: CallHandler<CommandResult>): Observable<CommandResult> =>
    next.handle().pipe(tap((result) => context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>().header('ETag', `"${result.revision}"`))),
};

/**
 * The rest of a command route beside its `@Post`: the status it answers (201, or 200 for a change
 * to what exists), the headers every command takes, its arrangement-id path parameters (name →
 * description), its summary, its answer and the ETag.
 */
export function CommandRoute(summary: string, options: { status?: 200 | 201; ids?: Record<string, string> } = {}): MethodDecorator {
  const status = options.status ?? 201;
  const ids = Object.entries(options.ids ?? {}).map(([name, description]) => ApiParam({ name, description, schema: { type: 'string', pattern: ID_PATTERN.source } }));
  // Applied in this order, so the OpenAPI document lists the parameters as it always has.
  return applyDecorators(
    status === 201 ? ApiCreatedResponse({ type: CommandResultDto }) : ApiOkResponse({ type: CommandResultDto }),
    ApiOperation({ summary }),
    ...ids.reverse(),
    CommandHeaders(),
    HttpCode(status),
    UseInterceptors(ETAG),
  );
}

/** Every use case's controller: a controller (its route names the whole path), tagged as commands in the OpenAPI document, that sends its command on the bus. */
@ApiTags('commands')
@Controller()
export abstract class CommandSender {
  constructor(private readonly bus: CommandBus) {}

  protected send(command: Command<CommandResult>): Promise<CommandResult> {
    return this.bus.execute(command);
  }
}

function patternPipe(name: string, pattern: RegExp, message: string): PipeTransform<string, string> {
  return {
    transform(value: string) {
      if (typeof value !== 'string' || !pattern.test(value)) throw new RequestValidationError([{ field: name, message }]);
      return value;
    },
  };
}

/** `:code` path parameter, checked as a municipality code. */
export function MunicipalityCodeParam(): ParameterDecorator {
  return Param('code', patternPipe('code', MUNICIPALITY_CODE, 'must be a 4-digit SCB municipality code'));
}

/** `:id` path parameter, checked as an arrangement id. */
export function IdParam(name = 'id'): ParameterDecorator {
  return Param(name, patternPipe(name, ID_PATTERN, `must match ${ID_PATTERN.source}`));
}
