/**
 * PyTorch's tensor display (torch/_tensor_str.py of PyTorch 1.13, default print options:
 * precision 4, threshold 1000, edgeitems 3, linewidth 80, sci_mode chosen per tensor), used by
 * Tensor.toString() and by util.inspect / console.log.
 *
 * The layout is PyTorch's to the character; only the suffixes are spelled kiln's way:
 *
 *   PyTorch                      kiln
 *   requires_grad=True           requiresGrad=true
 *   grad_fn=<AddBackward0>       gradFn=<AddBackward0>
 *   dtype=torch.float64          dtype=float64          (kiln's dtype names are plain strings)
 *   device='cuda:0'              device='<device>'      (only for devices other than the CPU)
 *
 * Where a suffix goes on a new line is decided with the length PyTorch's spelling would have,
 * so that kiln's text is always PyTorch's with the words above swapped and nothing else moved.
 * Complex, sparse, quantized, named and meta tensors do not exist in kiln, so their branches of
 * _tensor_str.py are left out. `nn.Parameter`'s "Parameter containing:" header belongs to the
 * Parameter class, not here.
 *
 * Numbers are formatted as Python's `'{:.4f}'` / `'{:.4e}'` / `'{:.0f}'` do: the exact binary
 * value rounded half to even (JS's toFixed/toExponential round ties away from zero and write
 * `e+0`, so they are not used).
 */
import type { DType } from '../core/dtype.js';
import { readElementExact } from '../np/elements.js';
import { getDefaultDtype } from './dtype-rules.js';
import type { Tensor } from './tensor.js';

/** PyTorch's default print options. */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGEITEMS = 3;
const LINEWIDTH = 80;

type Element = number | boolean | bigint;

/** A suffix as kiln prints it, and the length of PyTorch's spelling (for the line-break rule). */
interface Suffix { text: string; torchLength: number }

/** The repr of a tensor: `tensor([[1., 2.]], requiresGrad=true)`. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: Suffix[] = [];
  const numel = t.shape.reduce((p, n) => p * n, 1);
  const defaultDtype = getDefaultDtype();

  if (t.device !== 'cpu') suffixes.push(same(`device='${String(t.device)}'`));
  let body: string;
  if (numel === 0) {
    // PyTorch: the shape unless it is (0,); the dtype unless it is the default float dtype
    if (t.shape.length !== 1) suffixes.push(same(`size=${tupleString(t.shape)}`));
    if (t.dtype !== defaultDtype) suffixes.push(dtypeSuffix(t.dtype));
    body = '[]';
  } else {
    const hasDefaultDtype = t.dtype === defaultDtype || t.dtype === 'int64' || t.dtype === 'bool';
    if (!hasDefaultDtype) suffixes.push(dtypeSuffix(t.dtype));
    body = tensorStr(t, indent);
  }
  if (t.gradFn) {
    const name = t.gradFn.name;
    suffixes.push({ text: `gradFn=<${name}>`, torchLength: `grad_fn=<${name}>`.length });
  } else if (t.requiresGrad) {
    suffixes.push({ text: 'requiresGrad=true', torchLength: 'requires_grad=True'.length });
  }
  return addSuffixes(prefix + body, suffixes, indent);
}

function same(text: string): Suffix {
  return { text, torchLength: text.length };
}

function dtypeSuffix(dtype: DType): Suffix {
  return { text: `dtype=${dtype}`, torchLength: `dtype=torch.${dtype}`.length };
}

/** _add_suffixes: each suffix on the same line when it fits in the line width, else on a new one. */
function addSuffixes(text: string, suffixes: readonly Suffix[], indent: number): string {
  let out = text;
  // PyTorch's count: the last line's length plus 2 (its rfind arithmetic), then the suffix lengths
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLength + s.torchLength + 2 > LINEWIDTH) {
      out += ',\n' + ' '.repeat(indent) + s.text;
      lastLineLength = indent + s.torchLength;
    } else {
      out += ', ' + s.text;
      lastLineLength += s.torchLength + 2;
    }
  }
  return out + ')';
}

/** A shape as Python prints a tuple: `(0, 3)`, `(0,)`. */
function tupleString(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function isFloating(dtype: DType): boolean {
  const d = dtype as string;
  return d === 'float16' || d === 'float32' || d === 'float64' || d === 'bfloat16';
}

// ---- the body ----------------------------------------------------------------------------------

/** _tensor_str for a non-empty tensor: nested brackets, rows wrapped, corners only when large. */
function tensorStr(t: Tensor, indent: number): string {
  const ndim = t.shape.length;
  const summarize = t.shape.reduce((p, n) => p * n, 1) > THRESHOLD;
  const read = (offset: number): Element => readElementExact(t, offset);
  const formatter = makeFormatter(shownValues(t, summarize), isFloating(t.dtype));

  const recurse = (axis: number, offset: number, ind: number): string => {
    const dim = ndim - axis;
    if (dim === 0) return formatter.format(read(offset));
    const n = t.shape[axis]!;
    const stride = t.elementStrides[axis]!;
    const cut = summarize && n > 2 * EDGEITEMS;
    if (dim === 1) {
      // _vector_str: as many elements per line as fit in the line width
      const perLine = Math.max(1, Math.floor((LINEWIDTH - ind) / (formatter.width + 2)));
      const data: string[] = [];
      for (const i of shownIndices(n, cut)) {
        data.push(i === null ? ' ...' : formatter.format(read(offset + i * stride)));
      }
      const lines: string[] = [];
      for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
      return '[' + lines.join(',\n' + ' '.repeat(ind + 1)) + ']';
    }
    const slices = shownIndices(n, cut).map((i) => (i === null ? '...' : recurse(axis + 1, offset + i * stride, ind + 1)));
    return '[' + slices.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(ind + 1)) + ']';
  };
  return recurse(0, t.offset, indent);
}

/** Indices shown along an axis of length n; null stands for the `...` of a summary. */
function shownIndices(n: number, cut: boolean): (number | null)[] {
  if (cut) {
    const lead = Array.from({ length: EDGEITEMS }, (_, i) => i);
    return [...lead, null, ...lead.map((i) => n - EDGEITEMS + i)];
  }
  return Array.from({ length: n }, (_, i) => i);
}

/** The elements that get printed (get_summarized_data): the formatter is sized from these alone. */
function shownValues(t: Tensor, summarize: boolean): Element[] {
  const out: Element[] = [];
  const visit = (axis: number, offset: number): void => {
    if (axis === t.shape.length) {
      out.push(readElementExact(t, offset));
      return;
    }
    const n = t.shape[axis]!;
    for (const i of shownIndices(n, summarize && n > 2 * EDGEITEMS)) {
      if (i !== null) visit(axis + 1, offset + i * t.elementStrides[axis]!);
    }
  };
  visit(0, t.offset);
  return out;
}

// ---- _Formatter --------------------------------------------------------------------------------

interface Formatter {
  /** Every element is padded on the left to this width. */
  width: number;
  format(x: Element): string;
}

/**
 * PyTorch's _Formatter. Integers and booleans print as Python's str(), right-aligned. Floats pick
 * one of three modes from their nonzero finite values: all whole numbers print as `1.` (int mode),
 * else with 4 decimals; scientific `1.0000e+10` when the largest is over 1e8, the ratio of largest
 * to smallest over 1000, or (not in int mode) the smallest under 1e-4. Zeros, nan and inf do not
 * count towards the choice or the width.
 */
function makeFormatter(values: readonly Element[], floating: boolean): Formatter {
  let width = 1;
  if (!floating) {
    const str = (x: Element): string => (typeof x === 'boolean' ? (x ? 'True' : 'False') : String(x));
    for (const v of values) width = Math.max(width, str(v).length);
    return { width, format: (x) => str(x).padStart(width, ' ') };
  }

  const nums = values as readonly number[];
  const nonzeroFinite = nums.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true;
  let sciMode = false;
  if (nonzeroFinite.length > 0) {
    let max = -Infinity;
    let min = Infinity;
    for (const v of nonzeroFinite) {
      const a = Math.abs(v);
      if (a > max) max = a;
      if (a < min) min = a;
      if (v !== Math.ceil(v)) intMode = false;
    }
    if (intMode) {
      sciMode = max / min > 1000 || max > 1e8;
      for (const v of nonzeroFinite) {
        width = Math.max(width, sciMode ? pyExponential(v, PRECISION).length : pyFixed(v, 0).length + 1);
      }
    } else {
      sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
      for (const v of nonzeroFinite) {
        width = Math.max(width, sciMode ? pyExponential(v, PRECISION).length : pyFixed(v, PRECISION).length);
      }
    }
  }

  const format = (x: Element): string => {
    const v = x as number;
    let s: string;
    if (sciMode) s = pyExponential(v, PRECISION);
    else if (intMode) s = pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = pyFixed(v, PRECISION);
    return s.padStart(width, ' ');
  };
  return { width, format };
}

// ---- Python's float formatting -----------------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(8));

/** |x| as mantissa * 2^exponent, exactly (x finite). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  scratch.setFloat64(0, Math.abs(x));
  const hi = scratch.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(scratch.getUint32(4));
  return biased === 0
    ? { mantissa: fraction, exponent: -1074 }
    : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** |x| * 10^k rounded to an integer, half to even, exactly. */
function scaledRound(x: number, k: number): bigint {
  const { mantissa, exponent } = decompose(x);
  let num = mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const twice = (num - q * den) * 2n;
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** Whether |x| >= 10^e, exactly. */
function atLeastPow10(x: number, e: number): boolean {
  const { mantissa, exponent } = decompose(x);
  let lhs = mantissa;
  let rhs = 1n;
  if (exponent >= 0) lhs <<= BigInt(exponent);
  else rhs <<= BigInt(-exponent);
  if (e >= 0) rhs *= 10n ** BigInt(e);
  else lhs *= 10n ** BigInt(-e);
  return lhs >= rhs;
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  return null;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `'{:.<p>f}'.format(x)`: `1.2346`, `-0.0000`, `3` (p = 0), `nan`. */
function pyFixed(x: number, p: number): string {
  const special = nonFinite(x);
  if (special) return special;
  const digits = scaledRound(x, p).toString().padStart(p + 1, '0');
  const whole = digits.slice(0, digits.length - p);
  return signOf(x) + whole + (p > 0 ? '.' + digits.slice(digits.length - p) : '');
}

/** Python's `'{:.<p>e}'.format(x)`: `1.0000e+10`, `0.0000e+00`, `4.9407e-324`, `inf`. */
function pyExponential(x: number, p: number): string {
  const special = nonFinite(x);
  if (special) return special;
  let e = 0;
  let digits: string;
  if (x === 0) digits = '0'.repeat(p + 1);
  else {
    // the decimal exponent of the leading digit, estimated then made exact
    e = Math.floor(Math.log10(Math.abs(x)));
    while (!atLeastPow10(x, e)) e--;
    while (atLeastPow10(x, e + 1)) e++;
    let n = scaledRound(x, p - e);
    if (n === 10n ** BigInt(p + 1)) {
      // rounding carried into a new leading digit: 9.99995 -> 1.0000e+01
      n /= 10n;
      e += 1;
    }
    digits = n.toString();
  }
  const mantissa = digits[0]! + (p > 0 ? '.' + digits.slice(1) : '');
  const exp = (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(2, '0');
  return signOf(x) + mantissa + 'e' + exp;
}
