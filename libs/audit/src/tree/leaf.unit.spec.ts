import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../chain/canonical-json';
import { eventLeafHash, leafInputOf } from './leaf';

/**
 * The leaf input is the JCS form of the event as the API serves it, so an auditor can make it
 * with any RFC 8785 library. Checked here against `canonicalize` (by an author of RFC 8785).
 */
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
})).object;

const event = fc.record({
  position: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  stream: fc.string({ minLength: 1 }),
  revision: fc.nat(),
  type: fc.string({ minLength: 1 }),
  id: fc.uuid(),
  data: json,
  metadata: json,
});

describe('the leaf input of an event', () => {
  it('is the JCS form of exactly { position, stream, revision, type, id, data, metadata }, as an off-the-shelf JCS library writes it', () => {
    fc.assert(
      fc.property(event, (e) => {
        const input = leafInputOf(e as never);
        expect(input).toBe(canonicalize({ position: e.position, stream: e.stream, revision: e.revision, type: e.type, id: e.id, data: e.data, metadata: e.metadata }));
        expect(input).toBe(canonicalJson(e));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves out recordedAt and leafIndex, which the API adds to the event', () => {
    const served = { position: 12, stream: 'agreement-a', revision: 0, type: 'AgreementProposed', id: 'e1', data: { å: 'ö', n: 1e21 }, metadata: { actor: 'x', recordedAt: '2020-01-01T00:00:00Z' } };
    const input = leafInputOf({ ...served, recordedAt: 'ignored', leafIndex: 4 } as never);
    expect(input).toBe('{"data":{"n":1e+21,"å":"ö"},"id":"e1","metadata":{"actor":"x","recordedAt":"2020-01-01T00:00:00Z"},"position":12,"revision":0,"stream":"agreement-a","type":"AgreementProposed"}');
  });

  it('hashes as RFC 9162 leaves do: SHA-256 of 0x00 followed by the UTF-8 input', () => {
    const e = { position: 1, stream: 's-1', revision: 0, type: 'T', id: 'i', data: {}, metadata: {} } as never;
    const expected = createHash('sha256').update(Buffer.from([0])).update(Buffer.from(leafInputOf(e), 'utf8')).digest();
    expect(eventLeafHash(e).equals(expected)).toBe(true);
    // Without the prefix it would be another hash: a leaf can never pass for an interior node.
    expect(eventLeafHash(e).equals(createHash('sha256').update(leafInputOf(e)).digest())).toBe(false);
  });
});
