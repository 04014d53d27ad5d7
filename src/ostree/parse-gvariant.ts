// A parser of GVariant text format, as printed by g_variant_print() (what `ostree show --raw`,
// `ostree log --raw` and `ostree show --print-metadata-key` output) and as people write it for
// `ostree commit --add-metadata`. It covers what commit metadata holds; it does not type-check.
//
// Values map to plain JS: strings and bytestrings -> string, numbers -> number (bigint when an
// integer is beyond 2^53, e.g. byte-swapped uint64), booleans, arrays and tuples -> arrays,
// dictionaries -> objects, `<variant>` -> its content, `nothing` -> null, `just x` -> x.

export type GVariantValue =
  string | number | bigint | boolean | null | GVariantValue[] | { [key: string]: GVariantValue };

export class GVariantParseError extends Error {
  override name = 'GVariantParseError';
  constructor(
    message: string,
    readonly text: string,
    readonly position: number,
  ) {
    super(`${message} at offset ${position} in GVariant text: ${GVariantParseError.excerpt(text, position)}`);
  }
  private static excerpt(text: string, pos: number): string {
    const start = Math.max(0, pos - 20);
    return JSON.stringify(text.slice(start, pos + 20));
  }
}

/** Parses one GVariant text value; throws GVariantParseError on anything else. */
export function parseGVariant(text: string): GVariantValue {
  const p = new Parser(text);
  const value = p.value();
  p.ws();
  if (!p.atEnd()) p.fail('unexpected trailing text');
  return value;
}

/** `[byte 0xd6, ...]` (an `ay`) as lowercase hex; null when it is not an array of bytes. */
export function bytesToHex(value: GVariantValue): string | null {
  if (!Array.isArray(value)) return null;
  let hex = '';
  for (const b of value) {
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return null;
    hex += b.toString(16).padStart(2, '0');
  }
  return hex;
}

const NUMBER_TYPES = new Set([
  'byte',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'handle',
  'double',
]);
const STRING_TYPES = new Set(['string', 'objectpath', 'signature']);

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(message: string): never {
    throw new GVariantParseError(message, this.text, this.pos);
  }

  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private expect(ch: string): void {
    this.ws();
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  /** Tries to consume `ch` (after whitespace). */
  private eat(ch: string): boolean {
    this.ws();
    if (this.peek() === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  value(): GVariantValue {
    this.ws();
    const c = this.peek();
    if (c === '') this.fail('unexpected end of text');
    if (c === "'" || c === '"') return this.string();
    if (c === '[') return this.array();
    if (c === '(') return this.tuple();
    if (c === '{') return this.dict();
    if (c === '<') {
      this.pos++;
      const inner = this.value();
      this.expect('>');
      return inner;
    }
    if (c === '@') {
      // Type annotation (`@a(sssss) []`): skip the type string, keep the value.
      this.pos++;
      this.typeString();
      return this.value();
    }
    if (c === 'b' && (this.text[this.pos + 1] === "'" || this.text[this.pos + 1] === '"')) {
      this.pos++;
      return this.string();
    }
    if (/[-+0-9.]/.test(c)) return this.number();
    const word = this.word();
    switch (word) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'nothing':
        return null;
      case 'just':
        return this.value();
      case 'inf':
        return Infinity;
      case 'nan':
        return NaN;
    }
    if (NUMBER_TYPES.has(word)) {
      this.ws();
      return this.number();
    }
    if (STRING_TYPES.has(word)) {
      this.ws();
      return this.string();
    }
    if (word === 'boolean') return this.value();
    this.pos -= word.length;
    return this.fail(`unexpected ${word ? `word '${word}'` : `character '${c}'`}`);
  }

  private word(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    const w = m ? m[0] : '';
    this.pos += w.length;
    return w;
  }

  /** Skips one complete GVariant type string (`a(sssss)`, `a{sv}`, `ms`, ...). */
  private typeString(): void {
    const ch = this.peek();
    if (ch === 'a' || ch === 'm') {
      this.pos++;
      this.typeString();
    } else if (ch === '(' || ch === '{') {
      const close = ch === '(' ? ')' : '}';
      this.pos++;
      while (this.peek() !== close) {
        if (this.atEnd()) this.fail('unterminated type');
        this.typeString();
      }
      this.pos++;
    } else if (ch !== '' && 'bynqiuxthdsogvr*?'.includes(ch)) {
      this.pos++;
    } else {
      this.fail('expected a GVariant type after @');
    }
  }

  private string(): string {
    const quote = this.peek();
    this.pos++;
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      const ch = this.text[this.pos++]!;
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const e = this.text[this.pos++] ?? '';
      if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
      else if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad unicode escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += len;
      } else if (/[0-7]/.test(e)) {
        // Octal escape (bytestrings): up to three digits.
        let oct = e;
        while (oct.length < 3 && /[0-7]/.test(this.peek())) oct += this.text[this.pos++];
        out += String.fromCharCode(parseInt(oct, 8));
      } else this.fail(`unknown escape \\${e}`);
    }
  }

  private number(): number | bigint {
    const m = /^[-+]?(?:0[xX][0-9a-fA-F]+|inf|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(
      this.text.slice(this.pos),
    );
    if (!m) this.fail('expected a number');
    const token = m[0];
    this.pos += token.length;
    const sign = token.startsWith('-') ? -1 : 1;
    const unsigned = token.replace(/^[-+]/, '');
    if (unsigned === 'inf') return sign * Infinity;
    if (unsigned === 'nan') return NaN;
    if (/^0[xX]/.test(unsigned) || /^\d+$/.test(unsigned)) {
      const big = BigInt(unsigned) * BigInt(sign);
      const n = Number(big);
      return Number.isSafeInteger(n) ? n : big;
    }
    return Number(token);
  }

  private array(): GVariantValue[] {
    this.expect('[');
    return this.items(']');
  }

  private tuple(): GVariantValue[] {
    this.expect('(');
    return this.items(')');
  }

  private items(close: string): GVariantValue[] {
    const out: GVariantValue[] = [];
    if (this.eat(close)) return out;
    for (;;) {
      out.push(this.value());
      if (this.eat(close)) return out;
      this.expect(',');
      if (this.eat(close)) return out; // `(x,)` one-tuples
    }
  }

  private dict(): GVariantValue {
    this.expect('{');
    const entries: Array<[string, GVariantValue]> = [];
    if (this.eat('}')) return {};
    const firstKey = this.value();
    if (this.eat(',')) {
      // `{k, v}`: a single dict entry, returned as a [key, value] pair.
      const v = this.value();
      this.expect('}');
      return [firstKey, v];
    }
    this.expect(':');
    entries.push([keyString(firstKey), this.value()]);
    while (!this.eat('}')) {
      this.expect(',');
      const k = this.value();
      this.expect(':');
      entries.push([keyString(k), this.value()]);
    }
    return Object.fromEntries(entries);
  }
}

function keyString(k: GVariantValue): string {
  return typeof k === 'string' ? k : String(k);
}
