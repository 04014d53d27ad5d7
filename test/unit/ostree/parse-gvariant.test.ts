import { describe, expect, it } from 'vitest';
import { bytesToHex, GVariantParseError, parseGVariant } from '../../../src/ostree/parse-gvariant.js';

describe('parseGVariant', () => {
  // Each input below was printed by ostree 2022.7 (`show --print-metadata-key`, `show --raw`).
  it('reads strings in either quote, with escapes', () => {
    expect(parseGVariant(`'1.1'`)).toBe('1.1');
    // --add-metadata-string=weird=a"b'c\nd (backslash-n literally): ostree picks double quotes
    expect(parseGVariant(String.raw`"a\"b'c\\nd"`)).toBe(`a"b'c\\nd`);
    expect(parseGVariant(String.raw`"it's ünïcode\ttab \\ back"`)).toBe("it's ünïcode\ttab \\ back");
    expect(parseGVariant(String.raw`'Body line 1\nline 2'`)).toBe('Body line 1\nline 2');
    expect(parseGVariant(String.raw`'\u00e9\U0001F600'`)).toBe('é😀');
    expect(parseGVariant(`b'abc'`)).toBe('abc');
    expect(parseGVariant(`objectpath '/a/b'`)).toBe('/a/b');
  });

  it('reads numbers, typed or not, keeping 64-bit values exact', () => {
    expect(parseGVariant('-7')).toBe(-7);
    expect(parseGVariant('uint64 5')).toBe(5);
    // `uint64 5` stored natively and printed without -B on a little-endian host:
    expect(parseGVariant('uint64 360287970189639680')).toBe(360287970189639680n);
    expect(parseGVariant('byte 0xd6')).toBe(0xd6);
    expect(parseGVariant('3.5')).toBe(3.5);
    expect(parseGVariant('1.5493898653581492e-320')).toBeCloseTo(0);
    expect(parseGVariant('int32 -100663297')).toBe(-100663297);
    expect(parseGVariant('double inf')).toBe(Infinity);
  });

  it('reads booleans, maybe types, variants, arrays, tuples and dicts', () => {
    expect(parseGVariant('true')).toBe(true);
    expect(parseGVariant('<false>')).toBe(false);
    expect(parseGVariant('nothing')).toBe(null);
    expect(parseGVariant(`just 'x'`)).toBe('x');
    expect(parseGVariant(`(16777216, 'x', [true, false])`)).toEqual([16777216, 'x', [true, false]]);
    expect(parseGVariant(`{'a': <16777216>}`)).toEqual({ a: 16777216 });
    expect(parseGVariant(`['test/main']`)).toEqual(['test/main']);
    expect(parseGVariant('()')).toEqual([]);
    expect(parseGVariant(`('one',)`)).toEqual(['one']);
    expect(parseGVariant(`{'k', <1>}`)).toEqual(['k', 1]);
    expect(parseGVariant('{}')).toEqual({});
  });

  it('skips type annotations, including empty typed arrays', () => {
    expect(parseGVariant('@a(sssss) []')).toEqual([]);
    expect(parseGVariant('@ay []')).toEqual([]);
    expect(parseGVariant('@a{sv} {}')).toEqual({});
    expect(parseGVariant(`@ms 'x'`)).toBe('x');
  });

  it('reads a whole commit variant from `ostree show --raw`', () => {
    const raw = `({'version': <'1.1'>, 'count': <uint64 360287970189639680>, 'flag': <true>, 'ostree.ref-binding': <['test/main']>}, [byte 0xd6, 0xf4, 0x60, 0x55, 0x4b, 0x4f, 0xb0, 0xf1, 0x6d, 0x0f, 0xe7, 0xa0, 0xba, 0x01, 0x15, 0xf3, 0x29, 0x82, 0xde, 0x33, 0x3a, 0xf0, 0xeb, 0xf2, 0x40, 0xb7, 0xee, 0x0a, 0x9f, 0x75, 0x63, 0x62], @a(say) [], 'Second', '', uint64 1795821719, [byte 0xdc], [byte 0x44])`;
    const v = parseGVariant(raw) as unknown[];
    expect(v[0]).toEqual({
      version: '1.1',
      count: 360287970189639680n,
      flag: true,
      'ostree.ref-binding': ['test/main'],
    });
    expect(bytesToHex(v[1] as number[])).toBe(
      'd6f460554b4fb0f16d0fe7a0ba0115f32982de333af0ebf240b7ee0a9f756362',
    );
    expect(v.slice(2, 6)).toEqual([[], 'Second', '', 1795821719]);
  });

  it('rejects what is not GVariant text, saying where', () => {
    expect(() => parseGVariant(`'unterminated`)).toThrow(GVariantParseError);
    expect(() => parseGVariant(`[1, 2`)).toThrow(/offset/);
    expect(() => parseGVariant(`1 2`)).toThrow(/trailing/);
    expect(() => parseGVariant(`bogus`)).toThrow(/bogus/);
    expect(() => parseGVariant(``)).toThrow(/end of text/);
  });

  it('bytesToHex refuses non-byte arrays', () => {
    expect(bytesToHex([])).toBe('');
    expect(bytesToHex(['a'])).toBeNull();
    expect(bytesToHex('x')).toBeNull();
  });
});
