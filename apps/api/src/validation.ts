import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from '@samverkan/shared';

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? (/^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : `${prefix}.${error.property}`) : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field') }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * How deep a body may nest. The deepest command body is four levels (body, successors, a
 * successor, its basis); anything far deeper is refused before the validator walks it
 * recursively (a body of a few hundred thousand brackets overflowed the stack: a 500).
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Keys the validator cannot be trusted with: class-validator looks fields up in a plain object,
 * so a key named after a member of Object.prototype (`constructor`, `toString`, …) passes as
 * a known field, and Nest's pipe silently deletes `__proto__`, `prototype` and `constructor`.
 * No command has a field with any of these names, so they are refused as unknown fields.
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** What is wrong with the shape of a parsed body, found without recursion: nesting too deep (reported alone), or prototype keys. */
function structuralErrors(body: unknown): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) return [{ field: path || 'body', message: `nests deeper than ${MAX_BODY_DEPTH} levels` }];
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) errors.push({ field, message: `${key} is not a known field` });
      else stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return errors;
}

/** A validated body must be a JSON object: an array, a scalar, `null` or no body at all is refused as a whole. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.toValidate(metadata)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RequestValidationError([{ field: 'body', message: 'must be a JSON object' }]);
      const errors = structuralErrors(value);
      if (errors.length > 0) throw new RequestValidationError(errors);
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
