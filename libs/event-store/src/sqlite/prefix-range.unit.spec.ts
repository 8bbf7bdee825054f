import fc from 'fast-check';
import { prefixEnd } from './prefix-range';

/** SQLite's BINARY collation: memcmp of the UTF-8 bytes. */
const compareAsSqlite = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('prefixEnd', () => {
  it('increments the last code point', () => {
    expect(prefixEnd('municipality-')).toBe('municipality.');
    expect(prefixEnd('kommun-ö')).toBe('kommun-÷');
    expect(prefixEnd('a😀')).toBe('a😁');
  });

  it('drops trailing U+10FFFF and skips the surrogate range', () => {
    expect(prefixEnd('a\u{10FFFF}\u{10FFFF}')).toBe('b');
    expect(prefixEnd('a\uD7FF')).toBe('a\uE000');
  });

  it('has no end for an empty prefix or one made of U+10FFFF only', () => {
    expect(prefixEnd('')).toBeUndefined();
    expect(prefixEnd('\u{10FFFF}')).toBeUndefined();
  });

  it('bounds exactly the strings that start with the prefix, in UTF-8 byte order', () => {
    fc.assert(
      fc.property(fc.fullUnicodeString({ minLength: 1, maxLength: 6 }), fc.fullUnicodeString({ maxLength: 6 }), (prefix, other) => {
        const end = prefixEnd(prefix);
        const inRange = compareAsSqlite(other, prefix) >= 0 && (end === undefined || compareAsSqlite(other, end) < 0);
        expect(inRange).toBe(other.startsWith(prefix));
        expect(end === undefined || compareAsSqlite(prefix + other, end) < 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
