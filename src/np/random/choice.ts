/**
 * The parts of `choice` that Generator and RandomState share: reading `a` and `p` with each
 * one's error messages, and sampling from a probability vector by inverting its CDF.
 */
import { ValueError } from '../../core/errors.js';
import { sizeOf } from '../../core/shape.js';
import { NDArray, type ArrayLike } from '../ndarray.js';
import { asarray } from '../convert.js';
import { type Indices, type Size, shapeOf, takeRows, int64Array, elementAt } from './output.js';

export interface ChoiceOptions {
  /** Whether a value may be drawn more than once (default true). */
  replace?: boolean;
  /** Probabilities of the entries of `a` (default uniform). */
  p?: ArrayLike | null;
  /** Generator only: whether a sample without replacement is shuffled (default true). */
  shuffle?: boolean;
}

/** Messages that differ between Generator.choice and RandomState.choice. */
const MESSAGES = {
  generator: {
    notInteger: (a: unknown) => `a must be a sequence or an integer, not <class '${a instanceof NDArray ? 'numpy.ndarray' : 'float'}'>`,
    notPositive: 'a must be a positive integer unless no samples are taken',
    empty: 'a cannot be empty unless no samples are taken',
    pNot1d: 'p must be 1-dimensional',
    pSize: 'a and p must have same size',
    pNaN: 'Probabilities contain NaN',
    pNegative: 'Probabilities are not non-negative',
    pSum: 'Probabilities do not sum to 1. See Notes section of docstring for more information.',
    tooLarge: 'Cannot take a larger sample than population when replace is False',
  },
  legacy: {
    notInteger: () => 'a must be 1-dimensional or an integer',
    notPositive: 'a must be greater than 0 unless no samples are taken',
    empty: "'a' cannot be empty unless no samples are taken",
    pNot1d: "'p' must be 1-dimensional",
    pSize: "'a' and 'p' must have same size",
    pNaN: 'probabilities contain NaN',
    pNegative: 'probabilities are not non-negative',
    pSum: 'probabilities do not sum to 1',
    tooLarge: "Cannot take a larger sample than population when 'replace=False'",
  },
};

export interface Population {
  /** Number of entries to choose from. */
  size: number;
  /** The array chosen from, or null when `a` was an integer (choose from arange(a)). */
  array: NDArray | null;
  /** The output shape ([] for a scalar draw) and whether a scalar was asked for. */
  shape: number[];
  isScalar: boolean;
  /** Validated probabilities, or null. */
  p: Float64Array | null;
}

/** Reads and checks choice's arguments in NumPy's order, with its messages. */
export function readChoiceArgs(a: number | ArrayLike, size: Size, p: ArrayLike | null | undefined, legacy: boolean): Population {
  const msg = legacy ? MESSAGES.legacy : MESSAGES.generator;
  const isScalar = size === undefined || size === null;
  const shape = isScalar ? [] : shapeOf(size);
  const samples = isScalar ? 1 : sizeOf(shape);
  let popSize: number;
  let array: NDArray | null = null;
  const arr = typeof a === 'number' || typeof a === 'bigint' ? null : asarray(a);
  if (arr === null || arr.ndim === 0) {
    const v = arr === null ? Number(a) : Number(arr.item());
    if (!Number.isInteger(v) || (arr !== null && arr.dtype.startsWith('float'))) throw new ValueError(msg.notInteger(a));
    popSize = v;
    if (popSize <= 0 && samples !== 0) throw new ValueError(msg.notPositive);
  } else {
    if (legacy && arr.ndim !== 1) throw new ValueError('a must be 1-dimensional');
    array = arr;
    popSize = arr.shape[0]!;
    if (popSize === 0 && samples !== 0) throw new ValueError(msg.empty);
  }
  let probs: Float64Array | null = null;
  if (p !== undefined && p !== null) {
    const pa = asarray(p);
    let atol = Math.sqrt(2.220446049250313e-16);
    if (p instanceof NDArray && (pa.dtype === 'float32' || pa.dtype === 'float16')) {
      atol = Math.max(atol, Math.sqrt(pa.dtype === 'float32' ? 1.1920929e-7 : 0.000977));
    }
    if (pa.ndim !== 1) throw new ValueError(msg.pNot1d);
    if (pa.size !== popSize) throw new ValueError(msg.pSize);
    probs = pa.astype('float64').storage.typed('float64') as Float64Array;
    const sum = kahanSum(probs);
    if (Number.isNaN(sum)) throw new ValueError(msg.pNaN);
    if (probs.some((v) => v < 0)) throw new ValueError(msg.pNegative);
    if (Math.abs(sum - 1) > atol) throw new ValueError(msg.pSum);
  }
  return { size: popSize, array, shape, isScalar, p: probs };
}

/** The checks choice makes before sampling without replacement. */
export function checkWithoutReplacement(pop: Population, legacy: boolean): void {
  const msg = legacy ? MESSAGES.legacy : MESSAGES.generator;
  const samples = sizeOf(pop.shape);
  if (samples > pop.size) throw new ValueError(msg.tooLarge);
  if (pop.p && pop.p.filter((v) => v > 0).length < samples) throw new ValueError('Fewer non-zero entries in p than size');
}

/** Compensated sum, as NumPy checks that p sums to 1 (kahan_sum). */
function kahanSum(values: Float64Array): number {
  if (values.length === 0) return 0;
  let sum = values[0]!;
  let c = 0;
  for (let i = 1; i < values.length; i++) {
    const y = values[i]! - c;
    const t = sum + y;
    c = (t - sum) - y;
    sum = t;
  }
  return sum;
}

/** The CDF of p, normalised by its last value (cumsum, then cdf /= cdf[-1]). */
function cdfOf(p: Float64Array): Float64Array {
  const cdf = new Float64Array(p.length);
  let acc = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = acc += p[i]!;
  const last = cdf[p.length - 1]!;
  for (let i = 0; i < p.length; i++) cdf[i] = cdf[i]! / last;
  return cdf;
}

/** searchsorted(cdf, u, side='right'): the first index whose CDF value exceeds u. */
function searchRight(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indices drawn with replacement from p, one uniform each. */
export function sampleWithP(p: Float64Array, uniforms: Indices): number[] {
  const cdf = cdfOf(p);
  return Array.from(uniforms, (u) => searchRight(cdf, u));
}

/**
 * `count` distinct indices drawn from p: draw as many as are missing, keep the new ones in order
 * of first appearance, zero their probabilities and repeat (NumPy's loop, uniform for uniform).
 */
export function sampleUniqueWithP(p: Float64Array, count: number, uniforms: (n: number) => Indices): number[] {
  const probs = Float64Array.from(p);
  const found: number[] = [];
  while (found.length < count) {
    const x = uniforms(count - found.length);
    for (const f of found) probs[f] = 0;
    const cdf = cdfOf(probs);
    const seen = new Set<number>();
    for (const u of Array.from(x)) {
      const i = searchRight(cdf, u);
      if (!seen.has(i)) {
        seen.add(i);
        found.push(i);
      }
    }
  }
  return found;
}

/** Turns chosen indices into choice's result: the indices themselves or the chosen rows of a. */
export function choiceResult(pop: Population, indices: Indices): NDArray | number | boolean {
  if (pop.isScalar) {
    const i = indices[0]!;
    if (pop.array === null) return i;
    if (pop.array.ndim === 1) return elementAt(pop.array, i);
    return takeRows(pop.array, [i], []);
  }
  if (pop.array === null) return int64Array(indices, pop.shape);
  return takeRows(pop.array, indices, pop.shape);
}
