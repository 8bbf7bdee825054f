import { RequestValidationError } from '@samverkan/shared';
import { TransferServiceDto } from '../../../libs/commands/src/transfer-service/transfer-service.controller';
import { MAX_BODY_DEPTH, requestValidationPipe } from './validation';

/**
 * Regressions found by the HTTP fuzzer (test/fuzz.e2e-spec.ts), at the pipe that validates every
 * command body. Before the fix, a key named after a member of Object.prototype passed as a known
 * field (class-validator looks fields up in a plain object) or was silently deleted by Nest's pipe,
 * so `{ …, "constructor": 1 }` was accepted; and a deeply nested body overflowed the stack of the
 * pipe's recursive walk, which answered 500.
 */
describe('requestValidationPipe: bodies the fuzzer found', () => {
  const pipe = requestValidationPipe();
  const valid = { serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' };
  const validate = (body: unknown) => pipe.transform(body, { type: 'body', metatype: TransferServiceDto });

  async function refusal(body: unknown): Promise<RequestValidationError> {
    try {
      await validate(body);
    } catch (error) {
      if (error instanceof RequestValidationError) return error;
      throw error;
    }
    throw new Error(`Expected ${JSON.stringify(body).slice(0, 100)} to be refused`);
  }

  it('accepts the valid body (the control for the cases below)', async () => {
    await expect(validate(structuredClone(valid))).resolves.toBeInstanceOf(TransferServiceDto);
  });

  it.each(['constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', '__proto__'])(
    'refuses %s as an unknown field, at the top and inside a nested object',
    async (key) => {
      const top = structuredClone(valid) as Record<string, unknown>;
      Object.defineProperty(top, key, { value: 1, enumerable: true, writable: true, configurable: true });
      expect((await refusal(top)).errors).toEqual([{ field: key, message: `${key} is not a known field` }]);

      const nested = structuredClone(valid) as unknown as { basis: Record<string, unknown> };
      Object.defineProperty(nested.basis, key, { value: 'x', enumerable: true, writable: true, configurable: true });
      expect((await refusal(nested)).errors).toEqual([{ field: `basis.${key}`, message: `${key} is not a known field` }]);
    },
  );

  it(`refuses a body nested deeper than ${MAX_BODY_DEPTH} levels with a 400, however deep (no stack overflow)`, async () => {
    for (const depth of [MAX_BODY_DEPTH + 1, 1000, 200_000]) {
      let deep: unknown = 'payroll';
      for (let i = 0; i < depth; i++) deep = [deep];
      const errors = (await refusal({ ...valid, serviceArea: deep })).errors;
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toBe(`nests deeper than ${MAX_BODY_DEPTH} levels`);
      expect(errors[0].field).toMatch(/^serviceArea(\[0\])+$/);
    }
  });

  it('still lets ordinary nesting through to the field checks', async () => {
    const errors = (await refusal({ ...valid, basis: { kind: 'agreement', id: [['x']] } })).errors;
    expect(errors.map((e) => e.field)).toEqual(['basis.id']);
  });
});
