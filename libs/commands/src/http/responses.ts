import { Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { CommandResult } from '../command-path/command-result';
import { ID_PATTERN, MUNICIPALITY_CODE } from '@samverkan/domain';
import { RequestValidationError } from '@samverkan/shared';

/** The part of a Fastify reply the command controllers use. */
export interface ReplyWithEtag {
  header(name: string, value: string): unknown;
}

/** Every command answers with an ETag holding the stream revision. */
export function withEtag(reply: ReplyWithEtag, result: CommandResult): CommandResult {
  reply.header('ETag', `"${result.revision}"`);
  return result;
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

export function ApiIdParam(name = 'id', description = 'Arrangement id'): MethodDecorator {
  return applyDecorators(ApiParam({ name, description, schema: { type: 'string', pattern: ID_PATTERN.source } }));
}
