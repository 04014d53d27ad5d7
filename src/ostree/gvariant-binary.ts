// A decoder of GVariant's binary serialization (the format ostree writes its objects in), so that
// commit objects fetched over HTTP can be read without running `ostree`. Pure: bytes in, values out.
//
// The rules, from the GVariant specification (Allison Lortie) and glib's gvariant-serialiser.c:
// - Every type has an alignment (1, 2, 4 or 8) and is either fixed-size or variable-size.
//   A value starts at an offset, relative to the start of its container, that is a multiple
//   of its alignment; the gap is padding.
// - Containers locate variable-size children with "framing offsets": little-endian unsigned
//   integers at the end of the container, each the end of one child. Their width (1, 2, 4 or 8
//   bytes) is the smallest that can address the whole container.
// - Arrays of fixed-size elements are packed with no offsets; arrays of variable-size elements
//   end with one offset per element. Tuples (and dict entries) store offsets, in reverse order
//   from the end, for every variable-size member except the last.
// - A maybe is empty (Nothing) or the child; a variable-size child is followed by a zero byte.
// - A variant is the child, a zero byte, then the child's type string.
// - Strings end with a zero byte. Numbers are in the writer's byte order (little-endian on the
//   machines ostree runs on); framing offsets are always little-endian.
//
// Serialized data from a network is untrusted: anything out of bounds or not in the shape of its
// type is a GVariantError naming where in the value it was found, never a wrong value.

/** The serialized data does not match its type. `path` says where, e.g. `.0[3].1`. */
export class GVariantError extends Error {
  override name = 'GVariantError';
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`invalid GVariant data at ${path || 'top level'}: ${reason}`);
  }
}

/** A `v` value: the type string it carried and its decoded contents. */
export class Variant {
  constructor(
    readonly type: string,
    readonly value: GValue,
  ) {}
}

/**
 * Decoded values, by type:
 * - `b` boolean; `y n q i u h d` number; `x t` bigint; `s o g` string
 * - `ay` Uint8Array (a copy); other arrays GValue[]
 * - tuples and dict entries GValue[] (a dict entry is `[key, value]`)
 * - `m…` null for Nothing, else the child (so `mms` cannot tell Nothing from Just Nothing)
 * - `v` Variant
 */
export type GValue = boolean | number | bigint | string | Uint8Array | null | Variant | GValue[];

type BasicCode = 'b' | 'y' | 'n' | 'q' | 'i' | 'u' | 'h' | 'x' | 't' | 'd' | 's' | 'o' | 'g';

export type GType =
  | { kind: 'basic'; code: BasicCode; align: number; fixedSize: number | null; text: string }
  | { kind: 'variant'; align: 8; fixedSize: null; text: 'v' }
  | { kind: 'array'; element: GType; align: number; fixedSize: null; text: string }
  | { kind: 'maybe'; element: GType; align: number; fixedSize: null; text: string }
  | { kind: 'tuple'; members: GType[]; align: number; fixedSize: number | null; text: string }
  | { kind: 'dict-entry'; members: [GType, GType]; align: number; fixedSize: number | null; text: string };

const BASIC: Record<BasicCode, { align: number; fixedSize: number | null }> = {
  b: { align: 1, fixedSize: 1 },
  y: { align: 1, fixedSize: 1 },
  n: { align: 2, fixedSize: 2 },
  q: { align: 2, fixedSize: 2 },
  i: { align: 4, fixedSize: 4 },
  u: { align: 4, fixedSize: 4 },
  h: { align: 4, fixedSize: 4 },
  x: { align: 8, fixedSize: 8 },
  t: { align: 8, fixedSize: 8 },
  d: { align: 8, fixedSize: 8 },
  s: { align: 1, fixedSize: null },
  o: { align: 1, fixedSize: null },
  g: { align: 1, fixedSize: null },
};

function isBasicCode(c: string | undefined): c is BasicCode {
  return c !== undefined && Object.hasOwn(BASIC, c);
}

const typeCache = new Map<string, GType>();

/** Parses one complete type string (`(a{sv}aya(say)sstayay)`); throws GVariantError if it is not one. */
export function parseType(text: string): GType {
  const cached = typeCache.get(text);
  if (cached) return cached;
  const [type, next] = parseAt(text, 0, 0);
  if (next !== text.length) throw new GVariantError(`"${text}" is not a single complete type`, '');
  typeCache.set(text, type);
  return type;
}

/** Whether `text` is one complete type string. */
export function isValidType(text: string): boolean {
  try {
    parseType(text);
    return true;
  } catch (e) {
    if (e instanceof GVariantError) return false;
    throw e;
  }
}

// Deeply nested types are legal but absurd; glib limits nesting to 128 as well.
const MAX_DEPTH = 128;

function parseAt(text: string, at: number, depth: number): [GType, number] {
  if (depth > MAX_DEPTH) throw new GVariantError(`type "${text}" is nested too deeply`, '');
  const c = text[at];
  const bad = () => new GVariantError(`invalid type string "${text}" at character ${at}`, '');
  if (isBasicCode(c)) return [{ kind: 'basic', code: c, ...BASIC[c], text: c }, at + 1];
  switch (c) {
    case 'v':
      return [{ kind: 'variant', align: 8, fixedSize: null, text: 'v' }, at + 1];
    case 'a':
    case 'm': {
      const [element, next] = parseAt(text, at + 1, depth + 1);
      const kind = c === 'a' ? 'array' : 'maybe';
      return [{ kind, element, align: element.align, fixedSize: null, text: text.slice(at, next) }, next];
    }
    case '(': {
      const members: GType[] = [];
      let next = at + 1;
      while (text[next] !== ')') {
        if (next >= text.length) throw bad();
        const [m, after] = parseAt(text, next, depth + 1);
        members.push(m);
        next = after;
      }
      const { align, fixedSize } = tupleLayout(members);
      return [{ kind: 'tuple', members, align, fixedSize, text: text.slice(at, next + 1) }, next + 1];
    }
    case '{': {
      if (!isBasicCode(text[at + 1])) throw bad();
      const [key, afterKey] = parseAt(text, at + 1, depth + 1);
      const [value, afterValue] = parseAt(text, afterKey, depth + 1);
      if (text[afterValue] !== '}') throw bad();
      const members: [GType, GType] = [key, value];
      const { align, fixedSize } = tupleLayout(members);
      const kind = 'dict-entry';
      return [{ kind, members, align, fixedSize, text: text.slice(at, afterValue + 1) }, afterValue + 1];
    }
    default:
      throw bad();
  }
}

/** A tuple is fixed-size when all its members are; its size is padded to its own alignment. */
function tupleLayout(members: readonly GType[]): { align: number; fixedSize: number | null } {
  const align = members.reduce((a, m) => Math.max(a, m.align), 1);
  let size = 0;
  for (const m of members) {
    if (m.fixedSize === null) return { align, fixedSize: null };
    size = alignUp(size, m.align) + m.fixedSize;
  }
  // The unit tuple `()` takes one (zero) byte so that arrays of it have a length.
  return { align, fixedSize: size === 0 ? 1 : alignUp(size, align) };
}

function alignUp(n: number, align: number): number {
  return (n + align - 1) & ~(align - 1);
}

/** The width of the framing offsets of a container of `size` bytes. */
export function offsetSize(size: number): 0 | 1 | 2 | 4 | 8 {
  if (size === 0) return 0;
  if (size <= 0xff) return 1;
  if (size <= 0xffff) return 2;
  if (size <= 0xffffffff) return 4;
  return 8;
}

export interface DecodeOptions {
  /** Byte order of the numbers (not of framing offsets, always little-endian). Default true. */
  littleEndian?: boolean;
}

/** Decodes `bytes` as one value of type `type` (a type string or a parsed GType). */
export function decodeGVariant(type: string | GType, bytes: Uint8Array, opts: DecodeOptions = {}): GValue {
  const t = typeof type === 'string' ? parseType(type) : type;
  // A plain view, so that a Buffer passed in does not leak Buffer semantics (or type) into values.
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Decoder(opts.littleEndian ?? true).decode(t, plain, '');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Decoder {
  constructor(private readonly le: boolean) {}

  decode(t: GType, b: Uint8Array, path: string): GValue {
    if (t.fixedSize !== null && b.length !== t.fixedSize) {
      throw new GVariantError(`type ${t.text} takes ${t.fixedSize} bytes, found ${b.length}`, path);
    }
    switch (t.kind) {
      case 'basic':
        return this.basic(t.code, b, path);
      case 'variant':
        return this.variant(b, path);
      case 'array':
        return this.array(t.element, b, path);
      case 'maybe':
        return this.maybe(t.element, b, path);
      case 'tuple':
      case 'dict-entry':
        return this.tuple(t.members, b, path);
    }
  }

  private basic(code: BasicCode, b: Uint8Array, path: string): GValue {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    switch (code) {
      case 'b': {
        const v = view.getUint8(0);
        if (v > 1) throw new GVariantError(`boolean byte is ${v}, expected 0 or 1`, path);
        return v === 1;
      }
      case 'y':
        return view.getUint8(0);
      case 'n':
        return view.getInt16(0, this.le);
      case 'q':
        return view.getUint16(0, this.le);
      case 'i':
      case 'h':
        return view.getInt32(0, this.le);
      case 'u':
        return view.getUint32(0, this.le);
      case 'x':
        return view.getBigInt64(0, this.le);
      case 't':
        return view.getBigUint64(0, this.le);
      case 'd':
        return view.getFloat64(0, this.le);
      case 's':
      case 'o':
      case 'g':
        return this.string(b, path);
    }
  }

  private string(b: Uint8Array, path: string): string {
    if (b.length === 0 || b[b.length - 1] !== 0)
      throw new GVariantError('string is not NUL-terminated', path);
    const content = b.subarray(0, b.length - 1);
    if (content.includes(0)) throw new GVariantError('string contains a NUL byte', path);
    try {
      return utf8.decode(content);
    } catch {
      throw new GVariantError('string is not valid UTF-8', path);
    }
  }

  private variant(b: Uint8Array, path: string): Variant {
    const nul = b.lastIndexOf(0);
    if (nul < 0) throw new GVariantError('variant has no type string', path);
    // Real type strings are a few characters; the cap bounds the copy below on hostile data.
    if (b.length - nul - 1 > 255) throw new GVariantError('variant type string is too long', path);
    const typeText = String.fromCharCode(...b.subarray(nul + 1));
    let inner: GType;
    try {
      inner = parseType(typeText);
    } catch {
      throw new GVariantError(`variant carries an invalid type string "${typeText}"`, path);
    }
    return new Variant(typeText, this.decode(inner, b.subarray(0, nul), `${path}<${typeText}>`));
  }

  private maybe(element: GType, b: Uint8Array, path: string): GValue {
    if (b.length === 0) return null;
    if (element.fixedSize !== null) return this.decode(element, b, `${path}?`);
    if (b[b.length - 1] !== 0) throw new GVariantError('maybe value lacks its trailing zero byte', path);
    return this.decode(element, b.subarray(0, b.length - 1), `${path}?`);
  }

  private array(element: GType, b: Uint8Array, path: string): GValue {
    if (element.kind === 'basic' && element.code === 'y') return new Uint8Array(b);
    const out: GValue[] = [];
    if (b.length === 0) return out;
    const size = element.fixedSize;
    if (size !== null) {
      if (b.length % size !== 0) {
        throw new GVariantError(
          `array of ${element.text} has ${b.length} bytes, not a multiple of ${size}`,
          path,
        );
      }
      for (let i = 0; i * size < b.length; i++) {
        out.push(this.decode(element, b.subarray(i * size, (i + 1) * size), `${path}[${i}]`));
      }
      return out;
    }
    const width = offsetSize(b.length);
    const offsetsStart = readOffset(b, b.length - width, width);
    if (offsetsStart > b.length - width || (b.length - offsetsStart) % width !== 0) {
      throw new GVariantError(`array framing offset ${offsetsStart} is out of range`, path);
    }
    const count = (b.length - offsetsStart) / width;
    let start = 0;
    for (let i = 0; i < count; i++) {
      start = alignUp(start, element.align);
      const end = readOffset(b, offsetsStart + i * width, width);
      if (end < start || end > offsetsStart) {
        throw new GVariantError(
          `array element ${i} spans ${start}..${end}, outside 0..${offsetsStart}`,
          path,
        );
      }
      out.push(this.decode(element, b.subarray(start, end), `${path}[${i}]`));
      start = end;
    }
    return out;
  }

  private tuple(members: readonly GType[], b: Uint8Array, path: string): GValue[] {
    const width = offsetSize(b.length);
    let offsetsUsed = 0;
    let start = 0;
    const out: GValue[] = [];
    members.forEach((m, i) => {
      start = alignUp(start, m.align);
      let end: number;
      if (m.fixedSize !== null) {
        end = start + m.fixedSize;
      } else if (i === members.length - 1) {
        end = b.length - offsetsUsed * width;
      } else {
        offsetsUsed++;
        if (offsetsUsed * width > b.length)
          throw new GVariantError('tuple framing offsets are truncated', path);
        end = readOffset(b, b.length - offsetsUsed * width, width);
      }
      const limit = b.length - offsetsUsed * width;
      if (start > end || end > limit) {
        throw new GVariantError(`member ${i} spans ${start}..${end}, outside 0..${limit}`, path);
      }
      out.push(this.decode(m, b.subarray(start, end), `${path}.${i}`));
      start = end;
    });
    return out;
  }
}

function readOffset(b: Uint8Array, at: number, width: number): number {
  let n = 0;
  // Little-endian, most significant byte last. Offsets past 2^53 cannot address a Uint8Array anyway.
  for (let k = width - 1; k >= 0; k--) n = n * 256 + (b[at + k] ?? 0);
  return n;
}
