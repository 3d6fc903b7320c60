/**
 * NumPy's index notation as data: parses what goes between the brackets of `a[...]` ('1:3, ::2',
 * '..., None, -1', '[0, 2], :') into items, without ever evaluating it, and resolves slices
 * against an axis length exactly as Python's `slice.indices` does.
 */
import { ValueError } from './errors.js';

/** A nested list literal ('[0, 2]', '[[True, False]]'): an integer array or a mask. */
export type ListLiteral = (number | boolean | ListLiteral)[];

/** One parsed index item. */
export type ParsedItem =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'slice'; readonly start: number | null; readonly stop: number | null; readonly step: number | null }
  | { readonly kind: 'newaxis' }
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'list'; readonly value: ListLiteral };

const NEWAXIS_WORDS = new Set(['None', 'newaxis', 'np.newaxis', 'numpy.newaxis']);

/** Parses the text inside `a[...]`: items separated by commas. An empty string is `a[()]`. */
export function parseIndex(text: string): ParsedItem[] {
  const p = new Parser(text);
  const items: ParsedItem[] = [];
  p.skipSpace();
  while (!p.atEnd()) {
    items.push(p.item());
    p.skipSpace();
    if (p.atEnd()) break;
    p.expect(',');
    p.skipSpace();
  }
  return items;
}

/** Parses a string that must hold exactly one item (a slice string like '1:3' in an item list). */
export function parseIndexItem(text: string): ParsedItem {
  const items = parseIndex(text);
  if (items.length !== 1) {
    throw new SyntaxError(`invalid index item '${text}': expected one item (a slice, an integer, None or '...'), got ${items.length}`);
  }
  return items[0]!;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  fail(what: string): never {
    const found = this.atEnd() ? 'the end' : `'${this.text[this.pos]}'`;
    throw new SyntaxError(`invalid index '${this.text}': ${what} at position ${this.pos}, found ${found}`);
  }

  /** One item: '...', a list literal, True/False, or a slice/integer/None. */
  item(): ParsedItem {
    if (this.text.startsWith('...', this.pos)) {
      this.pos += 3;
      return { kind: 'ellipsis' };
    }
    if (this.text[this.pos] === '[') return { kind: 'list', value: this.list() };
    const word = this.word();
    if (word === 'Ellipsis') return { kind: 'ellipsis' };
    if (word === 'True' || word === 'False') return { kind: 'bool', value: word === 'True' };
    // a slice bound or an integer or None
    const start = word === '' ? undefined : this.bound(word);
    this.skipSpace();
    if (this.text[this.pos] !== ':') {
      if (start === undefined) this.fail('expected an index item');
      return start === null ? { kind: 'newaxis' } : { kind: 'int', value: start };
    }
    this.pos++;
    const stop = this.optionalBound();
    let step: number | null = null;
    this.skipSpace();
    if (this.text[this.pos] === ':') {
      this.pos++;
      step = this.optionalBound();
    }
    return { kind: 'slice', start: start ?? null, stop, step };
  }

  /** A run of characters that can form an integer or a name ('-12', 'None', 'np.newaxis'). */
  private word(): string {
    this.skipSpace();
    const m = /^[+-]?\s*[\w.]+/.exec(this.text.slice(this.pos));
    if (!m) return '';
    this.pos += m[0].length;
    return m[0].replace(/\s+/g, '');
  }

  /** An integer literal, or null for None. */
  private bound(word: string): number | null {
    if (NEWAXIS_WORDS.has(word)) return null;
    if (!/^[+-]?\d+(_\d+)*$/.test(word)) {
      this.pos -= word.length;
      this.fail('expected an integer, a slice, None or ...');
    }
    return Number(word.replace(/_/g, ''));
  }

  private optionalBound(): number | null {
    const w = this.word();
    return w === '' ? null : this.bound(w);
  }

  /** '[1, -2, [3]]' with integers and True/False. */
  private list(): ListLiteral {
    this.expect('[');
    const out: ListLiteral = [];
    this.skipSpace();
    while (this.text[this.pos] !== ']') {
      if (this.text[this.pos] === '[') out.push(this.list());
      else {
        const w = this.word();
        if (w === 'True' || w === 'False') out.push(w === 'True');
        else if (/^[+-]?\d+(_\d+)*$/.test(w)) out.push(Number(w.replace(/_/g, '')));
        else {
          this.pos -= w.length;
          this.fail('expected an integer or a boolean in a list');
        }
      }
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        this.skipSpace();
      } else if (this.text[this.pos] !== ']') this.fail("expected ',' or ']'");
    }
    this.pos++;
    return out;
  }
}

/** A slice resolved against an axis: the first index, the step and how many elements it selects. */
export interface ResolvedSlice {
  readonly start: number;
  readonly step: number;
  readonly length: number;
}

/** Python's `slice(start, stop, step).indices(n)`, with the selected length. */
export function resolveSlice(start: number | null, stop: number | null, step: number | null, n: number): ResolvedSlice {
  const s = step ?? 1;
  if (s === 0) throw new ValueError('slice step cannot be zero');
  const clamp = (v: number | null, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    if (v < 0) v += n;
    return Math.min(Math.max(v, lo), hi);
  };
  let first: number;
  let last: number;
  if (s > 0) {
    first = clamp(start, 0, 0, n);
    last = clamp(stop, n, 0, n);
  } else {
    first = clamp(start, n - 1, -1, n - 1);
    last = clamp(stop, -1, -1, n - 1);
  }
  const length = s > 0 ? Math.max(0, Math.ceil((last - first) / s)) : Math.max(0, Math.ceil((first - last) / -s));
  return { start: first, step: s, length };
}
