/**
 * NumPy's print format for NDArray.toString (NumPy's `str(a)`) and repr (`repr(a)`), with NumPy
 * 2's default print options: precision 8, threshold 1000, edgeitems 3, linewidth 75.
 * The float digits come from ./print/float.ts; this file chooses formatters and lays out rows.
 */
import { Complex } from '../core/complex.js';
import { type DType, complexPart, isComplex } from '../core/dtype.js';
import type { View } from '../core/view.js';
import { readElementExact, readScalar } from './elements.js';
import { type FloatDType, complexScalarString, floatFormatter, floatScalarString } from './print/float.js';

export interface FormatOptions {
  /** repr() form: `array([1, 2], dtype=int32)`. */
  repr?: boolean;
}

/** Arrays with more elements than this print only their corners. */
const THRESHOLD = 1000;
/** How many items each summarized axis keeps at each end. */
const EDGEITEMS = 3;
const LINEWIDTH = 75;
/** dtypes that repr leaves out because the values already imply them. */
const IMPLIED_DTYPES = new Set<DType>(['int64', 'float64', 'complex128', 'bool']);

type Element = number | boolean | bigint | Complex;

/** An element as the formatters take it: exact integers, Complex values for complex dtypes. */
function readAt(a: View, offset: number): Element {
  return isComplex(a.dtype) ? readScalar(a, offset) : readElementExact(a, offset);
}
type Formatter = (x: Element) => string;

export function formatArray(a: View, options: FormatOptions = {}): string {
  return options.repr ? arrayRepr(a) : arrayStr(a);
}

/** NumPy's str(a): a 0-d array prints as its scalar. */
function arrayStr(a: View): string {
  if (a.shape.length === 0) return scalarString(readAt(a, a.offset), a.dtype);
  return array2string(a, ' ', '', '');
}

/** NumPy's repr(a): `array(...)`, plus shape and dtype when the text does not imply them. */
function arrayRepr(a: View): string {
  const prefix = 'array(';
  const size = sizeOf(a);
  const body = array2string(a, ', ', prefix, ')');
  const extras: string[] = [];
  if ((size === 0 && a.shape.length !== 1) || size > THRESHOLD) extras.push(`shape=${tupleString(a.shape)}`);
  if (!IMPLIED_DTYPES.has(a.dtype) || size === 0) extras.push(`dtype=${a.dtype}`);
  if (extras.length === 0) return `${prefix}${body})`;
  const head = `${prefix}${body},`;
  const tail = `${extras.join(', ')})`;
  // the extras go on a new line when they would push the last line past the line width
  const lastLine = head.length - (head.lastIndexOf('\n') + 1);
  const spacer = lastLine + tail.length + 1 > LINEWIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return head + spacer + tail;
}

/** NumPy's array2string: nested brackets, rows wrapped at the line width, corners if large. */
function array2string(a: View, separator: string, prefix: string, suffix: string): string {
  const size = sizeOf(a);
  if (size === 0) return '[]';
  const summarize = size > THRESHOLD;
  const format = makeFormatter(shownValues(a, summarize), a.dtype, a.shape.length === 0);
  const ndim = a.shape.length;

  const recurse = (axis: number, offset: number, hanging: string, width: number): string => {
    if (axis === ndim) return format(readAt(a, offset));
    const n = a.shape[axis]!;
    const stride = a.elementStrides[axis]!;
    // nested rows sit one column further right, after their own '['
    const child = (i: number): string => recurse(axis + 1, offset + i * stride, hanging + ' ', width - 1);
    const items = shownIndices(n, summarize);
    let s = '';
    if (axis === ndim - 1) {
      // the last axis: elements on lines, wrapping before a word that would pass the width
      const elemWidth = width - Math.max(separator.trimEnd().length, 1);
      let line = hanging;
      items.forEach((i, k) => {
        const word = i === null ? '...' : child(i);
        if (line.length + word.length > elemWidth && line.length > hanging.length) {
          s += line.trimEnd() + '\n';
          line = hanging;
        }
        line += word;
        if (k < items.length - 1) line += separator;
      });
      s += line;
    } else {
      // outer axes: one row per line, with a blank line per extra level of nesting
      const lineSep = separator.trimEnd() + '\n'.repeat(ndim - axis - 1);
      s = items.map((i) => hanging + (i === null ? '...' : child(i))).join(lineSep);
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return recurse(0, a.offset, ' '.repeat(1 + prefix.length), LINEWIDTH - suffix.length);
}

/** Indices printed along an axis of length n; null stands for the `...` of a summary. */
function shownIndices(n: number, summarize: boolean): (number | null)[] {
  if (summarize && n > 2 * EDGEITEMS) {
    const lead = Array.from({ length: EDGEITEMS }, (_, i) => i);
    return [...lead, null, ...lead.map((i) => n - EDGEITEMS + i)];
  }
  return Array.from({ length: n }, (_, i) => i);
}

/** The elements that will be printed: the formatter sizes its columns from these alone. */
function shownValues(a: View, summarize: boolean): Element[] {
  const out: Element[] = [];
  const visit = (axis: number, offset: number): void => {
    if (axis === a.shape.length) {
      out.push(readAt(a, offset));
      return;
    }
    for (const i of shownIndices(a.shape[axis]!, summarize)) {
      if (i !== null) visit(axis + 1, offset + i * a.elementStrides[axis]!);
    }
  };
  visit(0, a.offset);
  return out;
}

/** One formatter per array, so every element gets the same width (NumPy's format functions). */
function makeFormatter(values: Element[], dtype: DType, zeroDim: boolean): Formatter {
  if (dtype === 'bool') {
    // ' True' lines up with 'False', except in a 0-d array
    const t = zeroDim ? 'True' : ' True';
    return (x) => (x ? t : 'False');
  }
  if (isFloatDType(dtype)) {
    const f = floatFormatter(values as number[], dtype);
    return (x) => f(x as number);
  }
  if (isComplex(dtype)) {
    // NumPy's ComplexFloatingFormat: the real parts and the signed imaginary parts each share a
    // layout; the 'j' goes before the imaginary part's padding
    const part = complexPart(dtype) as FloatDType;
    const zs = values as Complex[];
    const fr = floatFormatter(zs.map((z) => z.re), part);
    const fi = floatFormatter(zs.map((z) => z.im), part, '+');
    return (x) => {
      const z = x as Complex;
      const im = fi(z.im);
      const end = im.trimEnd().length;
      return fr(z.re) + im.slice(0, end) + 'j' + im.slice(end);
    };
  }
  // integers: right-aligned to the widest of the largest and the smallest value
  const width = values.reduce<number>((w, v) => Math.max(w, String(v).length), 0);
  return (x) => String(x).padStart(width, ' ');
}

/** str() of a NumPy scalar of the given dtype. */
function scalarString(x: Element, dtype: DType): string {
  if (dtype === 'bool') return x ? 'True' : 'False';
  if (isFloatDType(dtype)) return floatScalarString(x as number, dtype);
  if (x instanceof Complex) return complexScalarString(x.re, x.im, complexPart(dtype) as FloatDType);
  return String(x);
}

function isFloatDType(dtype: DType): dtype is FloatDType {
  return dtype === 'float16' || dtype === 'float32' || dtype === 'float64';
}

function sizeOf(a: View): number {
  return a.shape.reduce((p, n) => p * n, 1);
}

/** A shape as Python prints a tuple: `(2000,)`, `(0, 3)`. */
function tupleString(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
