/**
 * Reductions over dims (sum, mean, prod, var, std, amax/amin, max/min with indices, argmax,
 * logsumexp, softmax, logSoftmax, cumsum, all, any) with PyTorch's argument order
 * (`sum(dim?, keepdim?)`) and result dtypes, and their gradients.
 */
import type { DType } from '../../core/dtype.js';
import { backendFor, type ReduceOp } from '../../backend/backend.js';
import { record } from '../autograd/record.js';
import { category } from '../dtype-rules.js';
import { Tensor } from '../tensor.js';
import { add, div, eq, mul, sub, sqrt, exp, log, where, to } from './pointwise.js';
import { expand, reshape, unsqueezeDims, wrapDim } from './shape.js';

export type Dims = number | readonly number[] | null | undefined;

export interface DtypeOption {
  dtype?: DType;
}

export interface VarOptions {
  /** Bessel's correction: the divisor is N - correction (default 1, as PyTorch). */
  correction?: number;
  /** Older spelling: unbiased=false means correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

/** Sorted, wrapped dims; empty or undefined means all dims (PyTorch's sum(dim=None)). */
export function normalizeDims(dims: Dims, ndim: number): number[] {
  if (dims === undefined || dims === null) return [...Array(ndim).keys()];
  const list = typeof dims === 'number' ? [dims] : [...dims];
  if (list.length === 0) return [...Array(ndim).keys()];
  const out = list.map((d) => wrapDim(d, Math.max(ndim, 1))).map((d) => (ndim === 0 ? 0 : d));
  if (new Set(out).size !== out.length) throw new Error(`dim ${list.find((d, i) => out.indexOf(out[i]!) !== i)} appears multiple times in the list of dims`);
  return ndim === 0 ? [] : out.sort((a, b) => a - b);
}

/** Runs a backend reduction over `dims`; the result has keepdim shape if asked. */
function reduceKernel(x: Tensor, op: ReduceOp, dims: number[], outDtype: DType, keepdim: boolean): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const size = dims.reduce((n, d) => n * x.shape[d]!, 1);
  if (size === 0 && (op === 'max' || op === 'min' || op === 'argmax' || op === 'argmin')) {
    throw new Error(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const perm = [...kept, ...dims];
  const view = x.makeView(perm.map((i) => x.shape[i]!), perm.map((i) => x.elementStrides[i]!), x.offset);
  const out = Tensor.empty(kept.map((i) => x.shape[i]!), outDtype);
  backendFor(x).reduce(op, view, dims.length, out);
  return keepdim ? out.makeView(keepShape(x.shape, dims), keepStrides(x.shape, dims, out), 0) : out;
}

function keepShape(shape: readonly number[], dims: number[]): number[] {
  return shape.map((d, i) => (dims.includes(i) ? 1 : d));
}

function keepStrides(shape: readonly number[], dims: number[], out: Tensor): number[] {
  let k = 0;
  return shape.map((_, i) => (dims.includes(i) ? 0 : out.elementStrides[k++]!));
}

/** Sums a gradient over broadcast dims so it matches `shape` (the inverse of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length ? sum(g, dims, true) : g;
  return reshape(summed, shape);
}

/** Expands a reduced gradient back over the reduced dims. */
function expandBack(g: Tensor, shape: readonly number[], dims: number[], keepdim: boolean): Tensor {
  return expand(keepdim ? g : unsqueezeDims(g, dims), shape);
}

/** Accumulator dtype of sum/prod: bool and integers sum in int64. */
const sumDtype = (d: DType): DType => (category(d) === 2 ? d : 'int64');

export function sum(x: Tensor, dim?: Dims, keepdim = false, options: DtypeOption = {}): Tensor {
  const dims = normalizeDims(dim, x.ndim);
  const input = options.dtype ? to(x, options.dtype) : x;
  const out = reduceKernel(input, 'sum', dims, options.dtype ?? sumDtype(x.dtype), keepdim);
  return record(out, 'SumBackward1', [input], (g) => [expandBack(g, x.shape, dims, keepdim)]);
}

export function mean(x: Tensor, dim?: Dims, keepdim = false, options: DtypeOption = {}): Tensor {
  const dtype = options.dtype ?? x.dtype;
  if (category(dtype) !== 2) {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${typeLabel(x.dtype)}`);
  }
  const dims = normalizeDims(dim, x.ndim);
  const n = dims.reduce((k, d) => k * x.shape[d]!, 1);
  return div(sum(x, dims, keepdim, { dtype }), n);
}

function typeLabel(d: DType): string {
  return { int64: 'Long', int32: 'Int', int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool' }[d as string] ?? d;
}

export function prod(x: Tensor, dim?: number, keepdim = false, options: DtypeOption = {}): Tensor {
  const dims = normalizeDims(dim, x.ndim);
  const input = options.dtype ? to(x, options.dtype) : x;
  const out = reduceKernel(input, 'prod', dims, options.dtype ?? sumDtype(x.dtype), keepdim);
  // d prod / d x_i = prod / x_i (inputs here are taken to be nonzero)
  return record(out, 'ProdBackward1', [input], (g) => [
    div(mul(expandBack(g, x.shape, dims, keepdim), expandBack(out.detach(), x.shape, dims, keepdim)), input),
  ], [input]);
}

function correctionOf(options: VarOptions): number {
  if (options.correction !== undefined) return options.correction;
  return options.unbiased === false ? 0 : 1;
}

export function var_(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  const dims = normalizeDims(dim, x.ndim);
  const keepdim = options.keepdim ?? false;
  const n = dims.reduce((k, d) => k * x.shape[d]!, 1);
  const centered = sub(x, mean(x, dims, true));
  return div(sum(mul(centered, centered), dims, keepdim), Math.max(n - correctionOf(options), 0));
}

export function std(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  return sqrt(var_(x, dim, options));
}

/** max/min over dims: the gradient is shared evenly among the elements equal to the result. */
function extremum(op: 'max' | 'min', x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const dims = normalizeDims(dim, x.ndim);
  const out = reduceKernel(x, op, dims, x.dtype, keepdim);
  return record(out, op === 'max' ? 'AmaxBackward0' : 'AminBackward0', [x], (g) => {
    const mask = to(eq(x, expandBack(out.detach(), x.shape, dims, keepdim)), g.dtype);
    const count = sum(mask, dims, true);
    return [div(mul(expandBack(g, x.shape, dims, keepdim), mask), count)];
  }, [x]);
}

export const amax = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extremum('max', x, dim, keepdim);
export const amin = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extremum('min', x, dim, keepdim);

/** max(): the largest value; max(dim): [values, indices]; max(other): elementwise maximum. */
export function max(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | [Tensor, Tensor] {
  if (dim instanceof Tensor) return maximumOf(x, dim);
  if (dim === undefined) return extremum('max', x, null, false);
  return valuesAndIndices('max', x, dim, keepdim);
}

export function min(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | [Tensor, Tensor] {
  if (dim instanceof Tensor) return minimumOf(x, dim);
  if (dim === undefined) return extremum('min', x, null, false);
  return valuesAndIndices('min', x, dim, keepdim);
}

let maximumOf: (a: Tensor, b: Tensor) => Tensor;
let minimumOf: (a: Tensor, b: Tensor) => Tensor;
/** Wired by the pointwise module (avoids an import cycle at load time). */
export function setElementwiseExtrema(maxFn: typeof maximumOf, minFn: typeof minimumOf): void {
  maximumOf = maxFn;
  minimumOf = minFn;
}

function valuesAndIndices(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): [Tensor, Tensor] {
  const d = x.ndim === 0 ? 0 : wrapDim(dim, x.ndim);
  const dims = x.ndim === 0 ? [] : [d];
  const indices = reduceKernel(x, op === 'max' ? 'argmax' : 'argmin', dims, 'int64', keepdim);
  const values = reduceKernel(x, op, dims, x.dtype, keepdim);
  record(values, op === 'max' ? 'MaxBackward0' : 'MinBackward0', [x], (g) => {
    // the gradient goes to the selected index along dim
    const positions = arangeAlong(x, d);
    const chosen = eq(positions, expandBack(indices, x.shape, dims, keepdim));
    return [where(chosen, expandBack(g, x.shape, dims, keepdim), 0)];
  });
  return [values, indices];
}

/** An int64 tensor of x's shape holding each element's index along `dim`. */
function arangeAlong(x: Tensor, dim: number): Tensor {
  const n = x.shape[dim] ?? 1;
  const idx = Tensor.empty([n], 'int64');
  const data = idx.storage.typed('int64') as BigInt64Array;
  for (let i = 0; i < n; i++) data[i] = BigInt(i);
  const shape = x.shape.map((s, i) => (i === dim ? s : 1));
  return expand(reshape(idx, shape), x.shape);
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  if (dim === undefined || dim === null) {
    const flat = reshape(x.contiguous(), [-1]);
    const r = reduceKernel(flat, op, [0], 'int64', false);
    return keepdim ? reshape(r, x.shape.map(() => 1)) : r;
  }
  const dims = x.ndim === 0 ? [] : [wrapDim(dim, x.ndim)];
  return reduceKernel(x, op, dims, 'int64', keepdim);
}

export const argmax = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argReduce('argmax', x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argReduce('argmin', x, dim, keepdim);

export function all(x: Tensor, dim?: number, keepdim = false): Tensor {
  return reduceKernel(x, 'all', normalizeDims(dim, x.ndim), 'bool', keepdim);
}

export function any(x: Tensor, dim?: number, keepdim = false): Tensor {
  return reduceKernel(x, 'any', normalizeDims(dim, x.ndim), 'bool', keepdim);
}

/** log(sum(exp(x))) over dims, stable: the max is subtracted first (and -inf rows stay -inf). */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = normalizeDims(dim, x.ndim);
  const input = category(x.dtype) === 2 ? x : to(x, 'float32');
  const m = reduceKernel(input.detach(), 'max', dims, input.dtype, true);
  const safeM = where(eq(m, Infinity), 0, where(eq(m, -Infinity), 0, m));
  const s = log(sum(exp(sub(input, safeM)), dims, true));
  const out = add(s, safeM);
  return keepdim ? out : reshape(out, x.shape.filter((_, i) => !dims.includes(i)));
}

export function softmax(x: Tensor, dim: number): Tensor {
  return exp(logSoftmax(x, dim));
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = x.ndim === 0 ? 0 : wrapDim(dim, x.ndim);
  return sub(x, logsumexp(x, x.ndim === 0 ? [] : [d], true));
}

/** Inclusive running sum along dim; its gradient is the reversed running sum of g. */
export function cumsum(x: Tensor, dim: number, options: DtypeOption = {}): Tensor {
  const d = x.ndim === 0 ? 0 : wrapDim(dim, x.ndim);
  const dtype = options.dtype ?? sumDtype(x.dtype);
  const out = Tensor.empty(x.shape, dtype);
  if (x.ndim === 0) {
    backendFor(x).scan('cumsum', x.makeView([1], [0], x.offset), out.makeView([1], [0], 0));
  } else {
    const swap = (t: Tensor): Tensor => {
      const perm = t.shape.map((_, i) => i);
      [perm[d], perm[perm.length - 1]] = [perm[perm.length - 1]!, perm[d]!];
      return t.makeView(perm.map((i) => t.shape[i]!), perm.map((i) => t.elementStrides[i]!), t.offset);
    };
    backendFor(x).scan('cumsum', swap(x), swap(out));
  }
  return record(out, 'CumsumBackward0', [x], (g) => [add(sub(sum(g, d, true), cumsum(g, d)), g)]);
}
