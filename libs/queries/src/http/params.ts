import { Param, PipeTransform } from '@nestjs/common';
import { RequestValidationError } from '@samverkan/shared';
import { ID_PATTERN, MUNICIPALITY_CODE } from '@samverkan/domain';

function pattern(name: string, re: RegExp, message: string): PipeTransform<string, string> {
  return {
    transform(value: string) {
      if (!re.test(value)) throw new RequestValidationError([{ field: name, message }]);
      return value;
    },
  };
}

export const CodeParam = (name = 'code'): ParameterDecorator => Param(name, pattern(name, MUNICIPALITY_CODE, 'must be a 4-digit SCB municipality code'));
export const ArrangementIdParam = (name = 'id'): ParameterDecorator => Param(name, pattern(name, ID_PATTERN, `must match ${ID_PATTERN.source}`));
