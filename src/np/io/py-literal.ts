/**
 * The Python literals of a .npy header (`{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`),
 * parsed as data: dicts, strings, numbers, booleans, None, tuples and lists. Nothing is
 * evaluated, so a hostile header can at worst be refused.
 */

export type PyValue = string | number | boolean | null | PyTuple | PyList | PyDict;
export interface PyTuple { readonly kind: 'tuple'; readonly items: PyValue[] }
export interface PyList { readonly kind: 'list'; readonly items: PyValue[] }
export interface PyDict { readonly kind: 'dict'; readonly entries: Map<string, PyValue> }

/** Nesting deeper than this is refused rather than risking the stack on a crafted header. */
const MAX_DEPTH = 32;

/** Parses one Python literal; throws an Error saying where the text stops making sense. */
export function parsePyLiteral(text: string): PyValue {
  let pos = 0;

  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };

  const parseString = (): string => {
    if (text[pos] === 'u' || text[pos] === 'b') pos++; // u'..' from Python 2, b'..' from bytes
    const quote = text[pos++];
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      let ch = text[pos++]!;
      if (ch === '\\') {
        const esc = text[pos++];
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\', "'": "'", '"': '"' };
        if (esc !== undefined && esc in simple) ch = simple[esc]!;
        else if (esc === 'x' || esc === 'u') {
          const n = esc === 'x' ? 2 : 4;
          const hex = text.slice(pos, pos + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fail('bad escape in a string');
          ch = String.fromCharCode(parseInt(hex, 16));
          pos += n;
        } else fail('unsupported escape in a string');
      }
      out += ch;
    }
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return out;
  };

  const parseSequence = (close: string, depth: number): { items: PyValue[]; trailingComma: boolean } => {
    const items: PyValue[] = [];
    let trailingComma = false;
    for (;;) {
      skipSpace();
      if (text[pos] === close) break;
      items.push(parseValue(depth + 1));
      skipSpace();
      trailingComma = false;
      if (text[pos] === ',') {
        pos++;
        trailingComma = true;
      } else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
    }
    pos++;
    return { items, trailingComma };
  };

  const parseValue = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    skipSpace();
    const ch = text[pos];
    if (ch === undefined) return fail('unexpected end');
    if (ch === "'" || ch === '"' || ((ch === 'u' || ch === 'b') && (text[pos + 1] === "'" || text[pos + 1] === '"'))) {
      return parseString();
    }
    if (ch === '{') {
      pos++;
      const entries = new Map<string, PyValue>();
      for (;;) {
        skipSpace();
        if (text[pos] === '}') break;
        const key = parseValue(depth + 1);
        if (typeof key !== 'string') fail('dictionary keys must be strings');
        skipSpace();
        if (text[pos++] !== ':') fail("expected ':'");
        if (entries.has(key as string)) fail(`repeated key ${pyRepr(key)}`);
        entries.set(key as string, parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail("expected ',' or '}'");
      }
      pos++;
      return { kind: 'dict', entries };
    }
    if (ch === '(') {
      pos++;
      const { items, trailingComma } = parseSequence(')', depth);
      // (x) is just x in Python; only (x,) is a one-element tuple
      if (items.length === 1 && !trailingComma) return items[0]!;
      return { kind: 'tuple', items };
    }
    if (ch === '[') {
      pos++;
      return { kind: 'list', items: parseSequence(']', depth).items };
    }
    const word = /^[A-Za-z_]\w*/.exec(text.slice(pos))?.[0];
    if (word !== undefined) {
      pos += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      return fail(`unknown name '${word}'`);
    }
    // Integers (with Python 2's 'L' suffix, found in old files) and plain decimals.
    const num = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?L?/.exec(text.slice(pos))?.[0];
    if (num !== undefined) {
      pos += num.length;
      return Number(num.replace(/L$/, ''));
    }
    return fail(`unexpected character ${JSON.stringify(ch)}`);
  };

  const value = parseValue(0);
  skipSpace();
  if (pos !== text.length) fail('unexpected text after the value');
  return value;
}

/** Python's repr of a str, as NumPy's messages quote strings. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr of a parsed literal, for error messages. */
export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyStrRepr(v);
  if (v.kind === 'dict') return `{${[...v.entries].map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  const inner = v.items.map(pyRepr).join(', ');
  if (v.kind === 'list') return `[${inner}]`;
  return v.items.length === 1 ? `(${inner},)` : `(${inner})`;
}
