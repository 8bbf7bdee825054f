import { toProblem } from './problem-details.filter';

/**
 * Regressions found by the HTTP fuzzer (test/fuzz.e2e-spec.ts): errors raised before any route
 * runs. A path with malformed percent-encoding and an over-long path parameter used to be answered
 * by Fastify itself with plain JSON, and a client hanging up mid-body was logged as a 500.
 */
describe('toProblem: errors from before the route', () => {
  const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });

  it('a path that is not valid percent-encoded UTF-8 is a 400 about the path', () => {
    expect(toProblem(fastifyError('FST_ERR_BAD_URL', 400)).problem).toEqual({
      type: 'https://samverkan.se/problems/validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail: expect.any(String) as unknown, // jest types its matchers `any`
      code: 'validation-failed',
      errors: [{ field: 'path', message: 'must be valid percent-encoded UTF-8' }],
    });
  });

  it('a path parameter over Fastify\'s length limit is a 400 about the path (it was a plain-JSON 414)', () => {
    const { problem } = toProblem(fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414));
    expect({ status: problem.status, code: problem.code, errors: problem.errors }).toEqual({ status: 400, code: 'validation-failed', errors: [{ field: 'path', message: expect.any(String) as unknown }] });
  });

  it('a request the client aborted is a 4xx, not an internal error (matched by shape, whatever realm made the error)', () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(toProblem(aborted).problem.status).toBe(400);
    expect(toProblem({ code: 'ECONNRESET', message: 'aborted' }).problem.status).toBe(400);
    // Anything else unknown stays a 500.
    expect(toProblem(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).problem.status).toBe(500);
  });
});
