/**
 * Reductions over dims (sum, mean, prod, var, std, amax/amin, max/min with indices, argmax,
 * logsumexp, softmax, logSoftmax, cumsum, all, any) with PyTorch's argument order
 * (`sum(dim?, keepdim?)`) and result dtypes, and their gradients.
 */
import type { DType } from '../../core/dtype.js';
import { backendFor, type ReduceOp } from '../../backend/backend.js';
import { noGrad } from '../autograd/grad-mode.js';
import { record, wantsGrad } from '../autograd/record.js';
import { allocTensor } from '../alloc.js';
import { category, getDefaultDtype } from '../dtype-rules.js';
import { Tensor } from '../tensor.js';
import { add, div, eq, mul, sub, sqrt, exp, log, where, to, maximum, minimum, torchTypeName } from './pointwise.js';
import { expand, reshape, unsqueezeDims, wrapDim } from './shape.js';
import { launchElementwise } from './launch.js';
import { ELEMENTWISE as E } from '../../core/elementwise-ops.js';
import { withOut, type OutOption } from './out.js';

export type Dims = number | readonly number[] | null | undefined;

export interface DtypeOption extends OutOption {
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
  if (dims === undefined || dims === null) return allDims(ndim);
  if (typeof dims === 'number') {
    const d = wrapDim(dims, Math.max(ndim, 1));
    return ndim === 0 ? [] : [d];
  }
  const list = [...dims];
  if (list.length === 0) return allDims(ndim);
  const out = list.map((d) => wrapDim(d, Math.max(ndim, 1))).map((d) => (ndim === 0 ? 0 : d));
  const repeated = out.find((d, i) => out.indexOf(d) !== i);
  if (repeated !== undefined) throw new Error(`dim ${repeated} appears multiple times in the list of dims`);
  return ndim === 0 ? [] : out.sort((a, b) => a - b);
}

/** 0, 1, ..., ndim - 1. */
function allDims(ndim: number): number[] {
  const out = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) out[i] = i;
  return out;
}

/** Runs a backend reduction over `dims`; the result has keepdim shape if asked. */
function reduceKernel(x: Tensor, op: ReduceOp, dims: number[], outDtype: DType, keepdim: boolean): Tensor {
  let out: Tensor;
  if (reducesAll(dims, x.ndim)) {
    // the whole tensor in its own order: no permuted view to build
    out = allocTensor([], outDtype);
    backendFor(x).reduce(op, x, dims.length, out);
  } else {
    const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
    const perm = [...kept, ...dims];
    const view = x.makeView(perm.map((i) => x.shape[i]!), perm.map((i) => x.elementStrides[i]!), x.offset);
    out = allocTensor(kept.map((i) => x.shape[i]!), outDtype);
    backendFor(x).reduce(op, view, dims.length, out);
  }
  return keepdim ? out.makeView(keepShape(x.shape, dims), keepStrides(x.shape, dims, out), out.offset) : out;
}

/** Whether dims are 0, 1, ..., ndim - 1. */
function reducesAll(dims: readonly number[], ndim: number): boolean {
  if (dims.length !== ndim) return false;
  for (let i = 0; i < ndim; i++) if (dims[i] !== i) return false;
  return true;
}

/**
 * max/min/argmax/argmin have no identity: PyTorch refuses empty reductions, naming the dim as
 * given (`shown`) or asking for one when none was given.
 */
function checkNonEmpty(name: string, x: Tensor, dims: readonly number[], shown: Dims): void {
  if (shown === undefined || shown === null) {
    if (x.numel() !== 0) return;
    const hint = name.startsWith('arg') ? '' : " Specify the reduction dim with the 'dim' argument.";
    throw new Error(`${name}(): Expected reduction dim to be specified for input.numel() == 0.${hint}`);
  }
  const given = typeof shown === 'number' ? [shown] : [...shown];
  dims.forEach((d, i) => {
    if (x.shape[d] === 0) throw new Error(`${name}(): Expected reduction dim ${given[i] ?? d} to have non-zero size.`);
  });
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

/** Whether a reduction's dim argument names dims (PyTorch's overload 1) or not (overload 0). */
const givesDims = (dim: Dims): boolean => dim !== undefined && dim !== null;

/** The sum over dims (all when none are given); SumBackward0 without dims, SumBackward1 with, as PyTorch. */
export function sum(x: Tensor, dim?: Dims, keepdim = false, options?: DtypeOption): Tensor {
  if (options?.out) {
    const dtypeOnly = options.dtype === undefined ? undefined : { dtype: options.dtype };
    return withOut('sum', options.out, [x], () => sum(x, dim, keepdim, dtypeOnly));
  }
  const dims = normalizeDims(dim, x.ndim);
  const dtype = options?.dtype;
  const input = dtype ? to(x, dtype) : x;
  const out = reduceKernel(input, 'sum', dims, dtype ?? sumDtype(x.dtype), keepdim);
  if (!wantsGrad(input)) return out;
  return record(out, givesDims(dim) ? 'SumBackward1' : 'SumBackward0', [input], (g) => [expandBack(g, x.shape, dims, keepdim)]);
}

/** The mean over dims; its node is MeanBackward0 without dims, MeanBackward1 with, as PyTorch. */
export function mean(x: Tensor, dim?: Dims, keepdim = false, options?: DtypeOption): Tensor {
  if (options?.out) {
    const dtypeOnly = options.dtype === undefined ? undefined : { dtype: options.dtype };
    return withOut('mean', options.out, [x], () => mean(x, dim, keepdim, dtypeOnly));
  }
  const dtype = options?.dtype ?? x.dtype;
  if (category(dtype) !== 2) {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${torchTypeName(x.dtype)}`);
  }
  const dims = normalizeDims(dim, x.ndim);
  const n = dims.reduce((k, d) => k * x.shape[d]!, 1);
  if (!wantsGrad(x)) return div(sum(x, dims, keepdim, { dtype }), n);
  const out = noGrad(() => div(sum(x, dims, keepdim, { dtype }), n));
  return record(out, givesDims(dim) ? 'MeanBackward1' : 'MeanBackward0', [x], (g) => [expandBack(div(g, n), x.shape, dims, keepdim)]);
}

export function prod(x: Tensor, dim?: number, keepdim = false, options: DtypeOption = {}): Tensor {
  const input = options.dtype ? to(x, options.dtype) : x;
  return prodOver(input, normalizeDims(dim, x.ndim), keepdim, options.dtype ?? sumDtype(x.dtype));
}

/**
 * The product over dims. d prod / d x_i is the product of the other elements: prod / x_i when the
 * slice has no zero; at a slice's only zero, the product of its nonzero elements; else 0.
 */
function prodOver(x: Tensor, dims: number[], keepdim: boolean, dtype: DType): Tensor {
  const out = reduceKernel(x, 'prod', dims, dtype, keepdim);
  return record(out, 'ProdBackward1', [x], (g) => {
    const isZero = eq(x, 0);
    const zeros = expandBack(sum(isZero, dims, true), x.shape, dims, true);
    const nonzero = where(isZero, 1, x);
    const others = expandBack(prodOver(nonzero, dims, true, x.dtype), x.shape, dims, true);
    const dx = where(isZero, where(eq(zeros, 1), others, 0), where(eq(zeros, 0), div(others, nonzero), 0));
    return [mul(expandBack(g, x.shape, dims, keepdim), dx)];
  }, [x]);
}

function correctionOf(options: VarOptions): number {
  if (options.correction !== undefined) return options.correction;
  return options.unbiased === false ? 0 : 1;
}

export function var_(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  if (category(x.dtype) !== 2) throw new Error('std and var only support floating point and complex dtypes');
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
function extremum(op: 'max' | 'min', x: Tensor, dim: Dims, keepdim: boolean, name: string): Tensor {
  const dims = normalizeDims(dim, x.ndim);
  checkNonEmpty(name, x, dims, dim === undefined || dim === null || (typeof dim !== 'number' && dim.length === 0) ? null : dim);
  const out = reduceKernel(x, op, dims, x.dtype, keepdim);
  return record(out, op === 'max' ? 'AmaxBackward0' : 'AminBackward0', [x], (g) => {
    const mask = to(eq(x, expandBack(out.detach(), x.shape, dims, keepdim)), g.dtype);
    const count = sum(mask, dims, true);
    return [div(mul(expandBack(g, x.shape, dims, keepdim), mask), count)];
  }, [x]);
}

export const amax = (x: Tensor, dim?: Dims, keepdim = false, options?: OutOption): Tensor => (
  options?.out ? withOut('amax', options.out, [x], () => amax(x, dim, keepdim)) : extremum('max', x, dim, keepdim, 'amax'));
export const amin = (x: Tensor, dim?: Dims, keepdim = false, options?: OutOption): Tensor => (
  options?.out ? withOut('amin', options.out, [x], () => amin(x, dim, keepdim)) : extremum('min', x, dim, keepdim, 'amin'));

/** max(): the largest value; max(dim): [values, indices]; max(other): elementwise maximum. */
export function max(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | [Tensor, Tensor] {
  if (dim instanceof Tensor) return maximum(x, dim);
  if (dim === undefined) return extremum('max', x, null, false, 'max');
  return valuesAndIndices('max', x, dim, keepdim);
}

export function min(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | [Tensor, Tensor] {
  if (dim instanceof Tensor) return minimum(x, dim);
  if (dim === undefined) return extremum('min', x, null, false, 'min');
  return valuesAndIndices('min', x, dim, keepdim);
}

function valuesAndIndices(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): [Tensor, Tensor] {
  const d = x.ndim === 0 ? 0 : wrapDim(dim, x.ndim);
  const dims = x.ndim === 0 ? [] : [d];
  checkNonEmpty(op, x, dims, d);
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
    checkNonEmpty(op, x, [], null);
    const flat = reshape(x.contiguous(), [-1]);
    const r = reduceKernel(flat, op, [0], 'int64', false);
    return keepdim ? reshape(r, x.shape.map(() => 1)) : r;
  }
  const dims = x.ndim === 0 ? [] : [wrapDim(dim, x.ndim)];
  checkNonEmpty(op, x, dims, dims[0] ?? 0);
  return reduceKernel(x, op, dims, 'int64', keepdim);
}

export const argmax = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argReduce('argmax', x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argReduce('argmin', x, dim, keepdim);

/** all/any give bool, except uint8 in, uint8 out (PyTorch keeps that for old byte masks). */
export function all(x: Tensor, dim?: number, keepdim = false): Tensor {
  return reduceKernel(x, 'all', normalizeDims(dim, x.ndim), x.dtype === 'uint8' ? 'uint8' : 'bool', keepdim);
}

export function any(x: Tensor, dim?: number, keepdim = false): Tensor {
  return reduceKernel(x, 'any', normalizeDims(dim, x.ndim), x.dtype === 'uint8' ? 'uint8' : 'bool', keepdim);
}

/** The max over dims (keepdim), a constant for the stable exp-sums below (0 over empty dims). */
function maxKeep(x: Tensor, dims: number[]): Tensor {
  if (dims.some((d) => x.shape[d] === 0)) return reduceKernel(x.detach(), 'sum', dims, x.dtype, true);
  return reduceKernel(x.detach(), 'max', dims, x.dtype, true);
}

/**
 * log(sum(exp(x))) over dims, stable: the max is subtracted first (and infinite rows keep their
 * max). Gradient g * exp(x - out), PyTorch's formula, written with ops so it differentiates again.
 */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = normalizeDims(dim, x.ndim);
  const input = category(x.dtype) === 2 ? x : to(x, getDefaultDtype());
  const out = noGrad(() => {
    const m = maxKeep(input, dims);
    const safeM = where(eq(m, Infinity), 0, where(eq(m, -Infinity), 0, m));
    const s = add(log(sum(exp(sub(input, safeM)), dims, true)), safeM);
    return keepdim ? s : reshape(s, x.shape.filter((_, i) => !dims.includes(i)));
  });
  return record(out, 'LogsumexpBackward0', [input], (g) => [
    mul(expandBack(g, x.shape, dims, keepdim), exp(sub(input, expandBack(out, x.shape, dims, keepdim)))),
  ], [input, out]);
}

/** The dim softmax works along (0-d tensors: the tensor itself), refusing integer inputs as PyTorch. */
function softmaxDims(x: Tensor, dim: number, name: string): number[] {
  if (category(x.dtype) !== 2) throw new Error(`"${name}" not implemented for '${torchTypeName(x.dtype)}'`);
  const d = wrapDim(dim, x.ndim);
  return x.ndim === 0 ? [] : [d];
}

/** Half-precision inputs are computed in float32 and rounded once, as PyTorch's CPU kernels do. */
function halfAsFloat(x: Tensor): Tensor {
  return x.dtype === 'float16' || x.dtype === 'bfloat16' ? to(x, 'float32') : x;
}

/** One backend (log-)softmax over dims (none for a 0-d x, [d] otherwise) of a float32/float64 x. */
function softmaxKernel(x: Tensor, dims: number[], log: boolean): Tensor {
  const out = allocTensor(x.shape, x.dtype);
  if (dims.length === 0) {
    backendFor(x).softmax(x.makeView([1], [0], x.offset), out.makeView([1], [0], out.offset), log);
    return out;
  }
  // the softmax axis last, in x and in out alike
  const perm = [...x.shape.keys()].filter((i) => i !== dims[0]).concat(dims[0]!);
  const moved = (t: Tensor) => t.makeView(perm.map((i) => t.shape[i]!), perm.map((i) => t.elementStrides[i]!), t.offset);
  backendFor(x).softmax(moved(x), moved(out), log);
  return out;
}

/** exp(x - max) / sum(exp(x - max)); gradient y * (g - sum(g * y)). */
export function softmax(x: Tensor, dim: number): Tensor {
  const dims = softmaxDims(x, dim, 'softmax');
  const y = noGrad(() => to(softmaxKernel(halfAsFloat(x), dims, false), x.dtype));
  return record(y, 'SoftmaxBackward0', [x], (g) => [mul(y, sub(g, sum(mul(g, y), dims, true)))], [y]);
}

/** (x - max) - log(sum(exp(x - max))); gradient g - exp(y) * sum(g). */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const dims = softmaxDims(x, dim, 'log_softmax');
  const y = noGrad(() => {
    if (x.dtype === 'float32' || x.dtype === 'float64') return softmaxKernel(x, dims, true);
    // half dtypes round op by op: PyTorch 1.13's bfloat16 log_softmax agrees with that, unlike softmax
    const shifted = sub(x, maxKeep(x, dims));
    return sub(shifted, log(sum(exp(shifted), dims, true)));
  });
  return record(y, 'LogSoftmaxBackward0', [x], (g) => [sub(g, mul(exp(y), sum(g, dims, true)))], [y]);
}

/** Inclusive running sum along dim; its gradient is the reversed running sum of g. */
export function cumsum(x: Tensor, dim: number, options: DtypeOption = {}): Tensor {
  const d = x.ndim === 0 ? 0 : wrapDim(dim, x.ndim);
  const dtype = options.dtype ?? sumDtype(x.dtype);
  // PyTorch accumulates float32 and float16 running sums in float64, then rounds each result
  const wide = dtype === 'float32' || dtype === 'float16';
  const acc = Tensor.empty(x.shape, wide ? 'float64' : dtype);
  if (x.ndim === 0) {
    backendFor(x).scan('cumsum', x.makeView([1], [0], x.offset), acc.makeView([1], [0], 0));
  } else {
    const swap = (t: Tensor): Tensor => {
      const perm = t.shape.map((_, i) => i);
      [perm[d], perm[perm.length - 1]] = [perm[perm.length - 1]!, perm[d]!];
      return t.makeView(perm.map((i) => t.shape[i]!), perm.map((i) => t.elementStrides[i]!), t.offset);
    };
    backendFor(x).scan('cumsum', swap(x), swap(acc));
  }
  const out = wide ? launchElementwise(E.copy, [acc], 'float64', dtype) : acc;
  return record(out, 'CumsumBackward0', [x], (g) => [add(sub(sum(g, d, true), cumsum(g, d)), g)]);
}
