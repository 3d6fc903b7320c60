/**
 * Reading metric inputs: predictions and targets as plain float64 values. Metrics are small
 * reductions over a batch, so they are computed in JS over one copy of the values; this file
 * turns tensors (or arrays) into those values and checks their shapes once, with clear errors.
 */
import { tensor } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { NDArray } from '../np/ndarray.js';

/** What a metric takes: a Tensor, an NDArray, or (nested) arrays of numbers or booleans. */
export type MetricInput = Tensor | NDArray | readonly unknown[];

/** A tensor's values as float64, in row-major order, with its shape. */
export interface Values {
  data: Float64Array;
  shape: readonly number[];
}

export function readValues(x: MetricInput, fn: string, what: string): Values {
  let t: Tensor;
  if (x instanceof Tensor) t = x;
  else if (x instanceof NDArray || Array.isArray(x)) t = tensor(x, { dtype: 'float64' });
  else throw new TypeError(`${fn}: ${what} must be a Tensor, an NDArray or an array, got ${x === null ? 'null' : typeof x}`);
  if (t.dtype === 'complex64' || t.dtype === 'complex128') throw new TypeError(`${fn}: ${what} must be real, got ${t.dtype}`);
  const c = t.detach().to('float64').contiguous();
  const data = (c.storage.typed('float64') as Float64Array).slice(c.offset, c.offset + c.numel());
  return { data, shape: [...t.shape] };
}

/** Class labels (N): integers >= 0. */
export function readLabels(x: MetricInput, fn: string, what: string): Float64Array {
  const v = readValues(x, fn, what);
  if (v.shape.length !== 1) throw new Error(`${fn}: ${what} must be class labels of shape (N), got shape ${fmtShape(v.shape)}`);
  checkLabels(v.data, fn, what);
  return v.data;
}

function checkLabels(data: Float64Array, fn: string, what: string): void {
  for (const x of data) {
    if (!Number.isInteger(x) || x < 0) {
      const hint = what.startsWith('pred') ? ' (pass scores of shape (N, C), or threshold probabilities first: pred.gt(0.5))' : '';
      throw new Error(`${fn}: ${what} must hold class labels (integers >= 0), found ${x}${hint}`);
    }
  }
}

/**
 * Predicted labels from pred: scores (N, C) give the argmax of each row (the first maximum, as
 * argmax does); labels (N) are taken as they are.
 */
export function predictedLabels(pred: MetricInput, fn: string): { labels: Float64Array; numClasses: number | undefined } {
  const v = readValues(pred, fn, 'pred');
  if (v.shape.length === 1) {
    checkLabels(v.data, fn, 'pred');
    return { labels: v.data, numClasses: undefined };
  }
  if (v.shape.length !== 2) throw new Error(`${fn}: pred must be scores of shape (N, C) or labels of shape (N), got shape ${fmtShape(v.shape)}`);
  const [n, c] = v.shape as [number, number];
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) {
      const x = v.data[i * c + j]!;
      const b = v.data[i * c + best]!;
      // NaN counts as the largest score, as in torch.argmax
      if (x > b || (Number.isNaN(x) && !Number.isNaN(b))) best = j;
    }
    labels[i] = best;
  }
  return { labels, numClasses: c };
}

export function checkSameLength(a: { length: number }, b: { length: number }, fn: string): void {
  if (a.length !== b.length) {
    throw new Error(`${fn}: pred and target hold different numbers of samples: ${a.length} and ${b.length}`);
  }
}

export function checkNumClasses(numClasses: number | undefined, fn: string): void {
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses <= 0)) {
    throw new RangeError(`${fn}: numClasses must be a positive integer, got ${numClasses}`);
  }
}

export function fmtShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}
