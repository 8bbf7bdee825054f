import fc from 'fast-check';
import { canonicalJson, canonicalJsonWithAndWithout, canonicalJsonWithout } from './canonical-json';

describe('canonicalJson (RFC 8785 style)', () => {
  it('sorts object keys by UTF-16 code units, at every depth, with no white space', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    // "é" (U+00E9) sorts after "z"; "\u20ac" after both; upper case before lower case.
    expect(canonicalJson({ z: 1, é: 2, '\u20ac': 3, Z: 4 })).toBe('{"Z":4,"z":1,"é":2,"€":3}');
  });

  it('writes numbers and strings as JSON does', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 'a"b\\c\n'])).toBe('[1e+21,0.1,0,1.5e-7,"a\\"b\\\\c\\n"]');
  });

  it('leaves out what JSON leaves out, and honours toJSON', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: null, d: [undefined, () => 1] })).toBe('{"c":null,"d":[null,null]}');
    expect(canonicalJson({ at: new Date('2021-03-01T00:00:00Z') })).toBe('{"at":"2021-03-01T00:00:00.000Z"}');
  });

  it('is the canonical form of the value after a JSON round trip', () => {
    const value = { metadata: { recordedAt: '2021-01-01T00:00:00.000Z', actor: 'x', extra: undefined }, data: { list: [1, 'två', { ö: true }] } };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  it('refuses what has no JSON form', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });

  it('writes an object with and without one key in one pass, as the two calls would', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('chain', 'actor', 'a', 'z', 'é', 'recordedAt'), fc.jsonValue()), (value) => {
        expect(canonicalJsonWithAndWithout(value, 'chain')).toEqual({ with: canonicalJson(value), without: canonicalJsonWithout(value, 'chain') });
      }),
    );
  });
});
