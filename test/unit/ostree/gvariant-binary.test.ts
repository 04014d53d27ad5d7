import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGVariant,
  GVariantError,
  isValidType,
  offsetSize,
  parseType,
  Variant,
  type GType,
  type GValue,
} from '../../../src/ostree/gvariant-binary.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe("decodeGVariant on hand-worked examples (the specification's and some more)", () => {
  it('reads a string', () => {
    expect(decodeGVariant('s', hex('68 65 6c 6c 6f 20 77 6f 72 6c 64 00'))).toBe('hello world');
  });

  it('reads maybes of strings and of fixed-size values', () => {
    expect(decodeGVariant('ms', hex('68 65 6c 6c 6f 20 77 6f 72 6c 64 00 00'))).toBe('hello world');
    expect(decodeGVariant('ms', new Uint8Array())).toBeNull();
    expect(decodeGVariant('mi', hex('2a 00 00 00'))).toBe(42);
  });

  it('reads an array of booleans and an array of strings', () => {
    expect(decodeGVariant('ab', hex('01 00 00 01 01'))).toEqual([true, false, false, true, true]);
    expect(
      decodeGVariant('as', hex('69 00 63 61 6e 00 68 61 73 00 73 74 72 69 6e 67 73 3f 00 02 06 0a 13')),
    ).toEqual(['i', 'can', 'has', 'strings?']);
  });

  it('reads tuples with padding and framing offsets', () => {
    expect(decodeGVariant('(si)', hex('66 6f 6f 00 ff ff ff ff 04'))).toEqual(['foo', -1]);
    expect(
      decodeGVariant('a(si)', hex('66 6f 6f 00 ff ff ff ff 04 00 00 00 62 61 72 00 04 00 00 00 04 09 15')),
    ).toEqual([
      ['foo', -1],
      ['bar', 4],
    ]);
  });

  it('reads dictionaries, nested arrays and a variant', () => {
    expect(decodeGVariant('{si}', hex('61 20 6b 65 79 00 00 00 02 02 00 00 06'))).toEqual(['a key', 514]);
    expect(
      decodeGVariant(
        'aas',
        hex('69 00 63 61 6e 00 02 06 68 61 73 00 73 74 72 69 6e 67 73 3f 00 04 0d 08 17'),
      ),
    ).toEqual([
      ['i', 'can'],
      ['has', 'strings?'],
    ]);
    const v = decodeGVariant('v', hex('00 00 00 00 00 00 00 00 00 74'));
    expect(v).toEqual(new Variant('t', 0n));
  });

  it('reads fixed-size tuples, including the unit tuple', () => {
    expect(decodeGVariant('(yi)', hex('01 00 00 00 02 00 00 00'))).toEqual([1, 2]);
    expect(decodeGVariant('a(yi)', hex('01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00'))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(decodeGVariant('()', hex('00'))).toEqual([]);
    expect(decodeGVariant('a()', hex('00 00 00'))).toEqual([[], [], []]);
  });

  it('reads numbers in either byte order', () => {
    expect(decodeGVariant('t', hex('00 00 00 00 66 fb e4 40'), { littleEndian: false })).toBe(1727784000n);
    expect(decodeGVariant('q', hex('01 02'))).toBe(0x0201);
    expect(decodeGVariant('q', hex('01 02'), { littleEndian: false })).toBe(0x0102);
  });
});

describe('types', () => {
  it('has the alignments and sizes of the specification', () => {
    expect(parseType('(a{sv}aya(say)sstayay)')).toMatchObject({ align: 8, fixedSize: null });
    expect(parseType('(yi)')).toMatchObject({ align: 4, fixedSize: 8 });
    expect(parseType('(iy)')).toMatchObject({ align: 4, fixedSize: 8 });
    expect(parseType('(ty)')).toMatchObject({ align: 8, fixedSize: 16 });
    expect(parseType('()')).toMatchObject({ align: 1, fixedSize: 1 });
    expect(parseType('a{sv}')).toMatchObject({ align: 8, fixedSize: null });
  });

  it('rejects what is not one complete type', () => {
    for (const t of ['', 'a', '(s', 's)', 'ss', '{vs}', '{s}', '{sss}', 'z', 'm'])
      expect(isValidType(t)).toBe(false);
  });

  it('sizes framing offsets by container length', () => {
    expect([0, 1, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32].map(offsetSize)).toEqual([
      0, 1, 1, 2, 2, 4, 4, 8,
    ]);
  });
});

describe('malformed data', () => {
  it('is a GVariantError saying where', () => {
    expect(() => decodeGVariant('s', hex('61 62'))).toThrow(/NUL-terminated/);
    expect(() => decodeGVariant('u', hex('01 02'))).toThrow(/takes 4 bytes/);
    expect(() => decodeGVariant('as', hex('61 00 09'))).toThrow(GVariantError);
    expect(() => decodeGVariant('(ss)', hex('61 00 62 00 07'))).toThrow(/member 0/);
    expect(() => decodeGVariant('v', hex('01 02'))).toThrow(/no type string/);
    expect(() => decodeGVariant('v', hex('00 7a'))).toThrow(/invalid type string/);
    expect(() => decodeGVariant('b', hex('02'))).toThrow(/boolean/);
    expect(() => decodeGVariant('a(ss)', hex('61 00 62 00 ff 05'))).toThrow(/\[0\]/);
  });

  it('never throws anything but GVariantError on random bytes', () => {
    const types = ['(a{sv}aya(say)sstayay)', 'a(sssss)', 'mv', 'a{sv}', '(yqut)', 'aay'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 64 }), (t, bytes) => {
        try {
          decodeGVariant(t, bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(GVariantError);
        }
      }),
    );
  });
});

// A small encoder, written from the specification independently of the decoder, so that random
// types and values can be round-tripped. Real glib output is checked in commit-object.test.ts.
function encode(t: GType, v: GValue): Uint8Array {
  const parts: number[] = [];
  const push = (b: Uint8Array) => {
    for (const x of b) parts.push(x);
  };
  const pad = (align: number) => {
    while (parts.length % align !== 0) parts.push(0);
  };
  const framed = (ends: number[]) => {
    // The smallest width that addresses the whole container, offsets included.
    let w = 1;
    while (w < 8 && parts.length + ends.length * w > 2 ** (8 * w) - 1) w *= 2;
    for (const e of ends) for (let k = 0; k < w; k++) parts.push(Math.floor(e / 2 ** (8 * k)) % 256);
  };
  switch (t.kind) {
    case 'basic': {
      const dv = new DataView(new ArrayBuffer(8));
      const size = t.fixedSize ?? 0;
      switch (t.code) {
        case 'b':
          dv.setUint8(0, v ? 1 : 0);
          break;
        case 'y':
          dv.setUint8(0, v as number);
          break;
        case 'n':
          dv.setInt16(0, v as number, true);
          break;
        case 'q':
          dv.setUint16(0, v as number, true);
          break;
        case 'i':
        case 'h':
          dv.setInt32(0, v as number, true);
          break;
        case 'u':
          dv.setUint32(0, v as number, true);
          break;
        case 'x':
          dv.setBigInt64(0, v as bigint, true);
          break;
        case 't':
          dv.setBigUint64(0, v as bigint, true);
          break;
        case 'd':
          dv.setFloat64(0, v as number, true);
          break;
        default:
          return Uint8Array.from([...Buffer.from(v as string, 'utf8'), 0]);
      }
      return new Uint8Array(dv.buffer, 0, size);
    }
    case 'variant': {
      const inner = v as Variant;
      return Uint8Array.from([...encode(parseType(inner.type), inner.value), 0, ...Buffer.from(inner.type)]);
    }
    case 'maybe':
      if (v === null) return new Uint8Array();
      return t.element.fixedSize !== null
        ? encode(t.element, v)
        : Uint8Array.from([...encode(t.element, v), 0]);
    case 'array': {
      if (v instanceof Uint8Array) return v;
      const ends: number[] = [];
      for (const e of v as GValue[]) {
        pad(t.element.align);
        push(encode(t.element, e));
        ends.push(parts.length);
      }
      if (t.element.fixedSize === null && ends.length > 0) framed(ends);
      return Uint8Array.from(parts);
    }
    case 'tuple':
    case 'dict-entry': {
      const ends: number[] = [];
      t.members.forEach((m, i) => {
        pad(m.align);
        push(encode(m, (v as GValue[])[i] ?? null));
        if (m.fixedSize === null && i < t.members.length - 1) ends.push(parts.length);
      });
      if (t.fixedSize !== null) {
        pad(t.align);
        if (parts.length === 0) parts.push(0);
      } else framed(ends.reverse());
      return Uint8Array.from(parts);
    }
  }
}

const basicCodes = ['b', 'y', 'n', 'q', 'i', 'u', 'x', 't', 'd', 's', 'o', 'g'];
const typeText: fc.Arbitrary<string> = fc.letrec<{ t: string }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...basicCodes, 'v'),
    tie('t').map((e) => `a${e}`),
    tie('t').map((e) => `m${e}`),
    fc.array(tie('t'), { maxLength: 4 }).map((ms) => `(${ms.join('')})`),
    fc.tuple(fc.constantFrom(...basicCodes), tie('t')).map(([k, e]) => `a{${k}${e}}`),
  ),
})).t;

const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0'));

function valueOf(t: GType, depth = 0): fc.Arbitrary<GValue> {
  switch (t.kind) {
    case 'basic':
      switch (t.code) {
        case 'b':
          return fc.boolean();
        case 'y':
          return fc.integer({ min: 0, max: 255 });
        case 'n':
          return fc.integer({ min: -32768, max: 32767 });
        case 'q':
          return fc.integer({ min: 0, max: 65535 });
        case 'i':
        case 'h':
          return fc.integer();
        case 'u':
          return fc.nat({ max: 2 ** 32 - 1 });
        case 'x':
          return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
        case 't':
          return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
        case 'd':
          return fc.double();
        default:
          return text;
      }
    case 'variant':
      return (depth > 2 ? fc.constantFrom('s', 'u') : typeText).chain((inner) =>
        valueOf(parseType(inner), depth + 1).map((x) => new Variant(inner, x)),
      );
    case 'maybe':
      return fc.option(valueOf(t.element, depth + 1), { nil: null });
    case 'array':
      if (t.element.kind === 'basic' && t.element.code === 'y') return fc.uint8Array({ maxLength: 300 });
      return fc.array(valueOf(t.element, depth + 1), { maxLength: depth === 0 ? 40 : 4 });
    case 'tuple':
    case 'dict-entry':
      return fc.tuple(...t.members.map((m) => valueOf(m, depth + 1)));
  }
}

describe('round trip against an independent encoder', () => {
  it('decodes what the specification encodes, for random types and values', () => {
    const typeAndValue = typeText.chain((tt) => valueOf(parseType(tt)).map((v) => [tt, v] as const));
    fc.assert(
      fc.property(typeAndValue, ([tt, v]) => {
        const t = parseType(tt);
        expect(decodeGVariant(t, encode(t, v))).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it('handles 2- and 4-byte framing offsets', () => {
    const t = parseType('(asay)');
    for (const n of [20, 2000, 40_000]) {
      const v: GValue = [Array.from({ length: n }, (_, i) => `s${i}`), new Uint8Array(n)];
      const bytes = encode(t, v);
      expect(offsetSize(bytes.length)).toBe(n === 20 ? 1 : n === 2000 ? 2 : 4);
      expect(decodeGVariant(t, bytes)).toEqual(v);
    }
  });
});
