/**
 * The smallest string above every string that starts with `prefix`, in SQLite's BINARY
 * order (UTF-8 bytes, which sort as code points do): the prefix with its last code point
 * incremented, dropping trailing U+10FFFF. Undefined when there is none (an empty prefix,
 * or one made only of U+10FFFF), i.e. the range has no upper end.
 */
export function prefixEnd(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (char) => char.codePointAt(0)!);
  while (codePoints.length > 0) {
    const next = codePoints.pop()! + 1;
    if (next > 0x10ffff) continue;
    // Surrogates are not characters and cannot be stored as UTF-8; U+E000 comes next.
    codePoints.push(next === 0xd800 ? 0xe000 : next);
    return String.fromCodePoint(...codePoints);
  }
  return undefined;
}
