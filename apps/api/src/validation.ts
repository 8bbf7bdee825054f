import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from '@samverkan/commands';

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? (/^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : `${prefix}.${error.property}`) : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field') }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** A validated body must be a JSON object: an array, a scalar, `null` or no body at all is refused as a whole. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.toValidate(metadata) && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new RequestValidationError([{ field: 'body', message: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Refuses unknown fields, wrong types and bad values, with one entry per field. The body
 * must be a JSON object (arrays and scalars are refused too).
 */
export function requestValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const flat = flatten(errors);
      return new RequestValidationError(flat.length > 0 ? flat : [{ field: 'body', message: 'must be a JSON object' }]);
    },
  });
}
