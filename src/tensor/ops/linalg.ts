/**
 * Matrix products for tensors, with PyTorch's shape rules, dtype rules and error wording: matmul
 * (dot, matrix-vector, vector-matrix, batched with broadcast batch dims), mm, bmm, mv, dot, outer,
 * addmm, addmv, baddbmm, linear and einsum.
 *
 * Everything is built on one recorded primitive, `product` (a (..., n, k) @ b (..., k, m) with
 * batch broadcasting), plus views, sums and pointwise ops, so gradients — and gradients of
 * gradients — come from those ops' own backward functions. Transposed operands reach the kernel
 * as strided views (the kernel packs them), so Aᵀ·B and A·Bᵀ cost no copies.
 */
import type { DType } from '../../core/dtype.js';
import { withOut, type OutOption } from './out.js';
import { ELEMENTWISE as E } from '../../core/elementwise-ops.js';
import { reshapeStrides } from '../../core/reshape.js';
import { backendFor } from '../../backend/backend.js';
import { noGrad } from '../autograd/grad-mode.js';
import { record, wantsGrad } from '../autograd/record.js';
import { category } from '../dtype-rules.js';
import { allocTensor } from '../alloc.js';
import { Tensor } from '../tensor.js';
import { broadcastShape, broadcastView, checkSameDevice, launchElementwise } from './launch.js';
import { add, mul, to } from './pointwise.js';
import { sum, sumToShape } from './reduce.js';
import { expand, permute, reshape, t, transpose, unsqueeze } from './shape.js';

export interface AddOptions {
  /** Multiplier of the added input (0 ignores it, NaNs included). */
  beta?: number;
  /** Multiplier of the product. */
  alpha?: number;
}

// ---- checks ------------------------------------------------------------------------------------

/** PyTorch's ScalarType names, as its messages print them. */
const SCALAR_NAMES: Record<string, string> = {
  float32: 'Float', float64: 'Double', float16: 'Half', bfloat16: 'BFloat16', int64: 'Long', int32: 'Int',
  int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool',
};

const scalarName = (d: DType): string => SCALAR_NAMES[d] ?? d;

/** Matrix products need one dtype; PyTorch does not promote here. */
function checkSameDtype(a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new Error(`expected scalar type ${scalarName(a.dtype)} but found ${scalarName(b.dtype)}`);
}

/** PyTorch's CPU kernels have no bool matrix products. */
function checkNotBool(kernel: string, x: Tensor): void {
  if (x.dtype === 'bool') throw new Error(`"${kernel}" not implemented for 'Bool'`);
}

const mmShapeError = (n: number, k: number, k2: number, m: number): Error =>
  new Error(`mat1 and mat2 shapes cannot be multiplied (${n}x${k} and ${k2}x${m})`);

const mvShapeError = (n: number, k: number, k2: number): Error =>
  new Error(`size mismatch, got input (${n}), mat (${n}x${k}), vec (${k2})`);

const bmmShapeError = (batch: number, k: number, batch2: number, k2: number): Error =>
  new Error(`Expected size for first two dimensions of batch2 tensor to be: [${batch}, ${k}] but got: [${batch2}, ${k2}].`);

const prod = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const last = (x: Tensor, i = 1): number => x.shape[x.ndim - i]!;

/** reshape, skipping the no-op (one node fewer for the many already-right shapes below). */
function reshapeTo(x: Tensor, shape: readonly number[]): Tensor {
  return x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]) ? x : reshape(x, shape);
}

// ---- the primitive -------------------------------------------------------------------------------

/**
 * a (..., n, k) @ b (..., k, m) -> (batch..., n, m), batch dims broadcast; callers have checked
 * shapes and dtypes. The one op here with its own backward: dA = g @ Bᵀ and dB = Aᵀ @ g (summed
 * back over broadcast batch dims), themselves products of views, so they differentiate again.
 */
function product(a: Tensor, b: Tensor): Tensor {
  checkSameDevice([a, b]);
  const batch = broadcastShape([a.shape.slice(0, -2), b.shape.slice(0, -2)]);
  const [n, k, m] = [last(a, 2), last(a), last(b)];
  const out = allocTensor([...batch, n, m], a.dtype);
  backendFor(out).matmul(broadcastView(a, [...batch, n, k]), broadcastView(b, [...batch, k, m]), out);
  const name = batch.length === 0 ? 'MmBackward0' : 'BmmBackward0';
  return record(out, name, [a, b], (g) => [
    a.requiresGrad ? sumToShape(productLike(a, g, transpose(b, -2, -1)), a.shape) : null,
    b.requiresGrad ? sumToShape(productLike(b, transpose(a, -2, -1), g), b.shape) : null,
  ], [a, b]);
}

/** Whether x's last two axes are column-major (a transposed view, as Linear's weightᵀ). */
const columnMajor = (x: Tensor): boolean =>
  x.ndim === 2 && x.elementStrides[0] === 1 && x.elementStrides[1] === x.shape[0] && x.shape[0]! > 1;

/**
 * l @ r, laid out like `like`: for a column-major operand its gradient is computed as (rᵀ lᵀ)ᵀ,
 * so that the gradient of a transposed view (Linear's weight) comes out contiguous after the
 * view's own backward, instead of being copied (as PyTorch's mm backward does).
 */
function productLike(like: Tensor, l: Tensor, r: Tensor): Tensor {
  return columnMajor(like) ? transpose(product(transpose(r, -2, -1), transpose(l, -2, -1)), -2, -1) : product(l, r);
}

/** Whether x's leading dims merge into one without a copy (then folding into mm is free). */
function foldsToRows(x: Tensor): boolean {
  return reshapeStrides(x.shape, x.elementStrides, [prod(x.shape.slice(0, -1)), last(x)]) !== null;
}

// ---- the named products ------------------------------------------------------------------------------

/** torch.dot: the inner product of two 1-D tensors, as a 0-d tensor. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.dtype !== b.dtype) {
    throw new Error(`dot : expected both vectors to have same dtype, but found ${scalarName(a.dtype)} and ${scalarName(b.dtype)}`);
  }
  const [n, m] = [a.shape[0]!, b.shape[0]!];
  if (n !== m) {
    throw new Error(`inconsistent tensor size, expected tensor [${n}] and src [${m}] to have the same number of elements, but got ${n} and ${m} elements respectively`);
  }
  checkNotBool('dot', a);
  // the (1, 1) product is internal: its 0-d alias is the result itself, not a view of anything
  const p = noGrad(() => product(unsqueeze(a, 0), unsqueeze(b, 1)));
  const out = p.makeView([], [], p.offset);
  if (!wantsGrad(a, b)) return out;
  // one node, as PyTorch's: d/da = g b, d/db = g a
  return record(out, 'DotBackward0', [a, b], (g) => [
    a.requiresGrad ? mul(g, b) : null,
    b.requiresGrad ? mul(g, a) : null,
  ], [a, b]);
}

/** torch.mv: matrix (n, k) times vector (k) -> (n). */
export function mv(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 1) throw new Error(`vector + matrix @ vector expected, got 1, ${a.ndim}, ${b.ndim}`);
  if (a.shape[1] !== b.shape[0]) throw mvShapeError(a.shape[0]!, a.shape[1]!, b.shape[0]!);
  checkSameDtype(a, b);
  checkNotBool('addmv_impl_cpu', a);
  const p = noGrad(() => product(a, unsqueeze(b, 1)));
  const out = p.makeView([a.shape[0]!], [p.elementStrides[0]!], p.offset);
  if (!wantsGrad(a, b)) return out;
  // one node, as PyTorch's: d/da = g ⊗ b, d/db = aᵀ g
  return record(out, 'MvBackward0', [a, b], (g) => [
    a.requiresGrad ? mul(unsqueeze(g, 1), b) : null,
    b.requiresGrad ? mv(t(a), g) : null,
  ], [a, b]);
}

/** torch.mm: (n, k) @ (k, m), 2-D only. */
export function mm(a: Tensor, b: Tensor, options?: OutOption): Tensor {
  if (options?.out) return withOut('mm', options.out, [a, b], () => mm(a, b));
  if (a.ndim !== 2) throw new Error('self must be a matrix');
  if (b.ndim !== 2) throw new Error('mat2 must be a matrix');
  if (a.shape[1] !== b.shape[0]) throw mmShapeError(a.shape[0]!, a.shape[1]!, b.shape[0]!, b.shape[1]!);
  checkSameDtype(a, b);
  checkNotBool('addmm_impl_cpu_', a);
  return product(a, b);
}

/** torch.bmm: (b, n, k) @ (b, k, m), 3-D only, no broadcasting. */
export function bmm(a: Tensor, b: Tensor, options?: OutOption): Tensor {
  if (options?.out) return withOut('bmm', options.out, [a, b], () => bmm(a, b));
  if (a.ndim !== 3) throw new Error('batch1 must be a 3D tensor');
  if (b.ndim !== 3) throw new Error('batch2 must be a 3D tensor');
  if (b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[2]) throw bmmShapeError(a.shape[0]!, a.shape[2]!, b.shape[0]!, b.shape[1]!);
  checkSameDtype(a, b);
  checkNotBool('bmm', a);
  return product(a, b);
}

/**
 * torch.matmul: dot for 1-D·1-D, mv for 2-D·1-D, a row vector for 1-D·2-D, mm for 2-D·2-D, and
 * batched products otherwise (a 1-D operand gets a unit dim that is removed afterwards; batch
 * dims broadcast). Shape errors name the sizes PyTorch's folded kernels see.
 */
export function matmul(a: Tensor, b: Tensor, options?: OutOption): Tensor {
  if (options?.out) return withOut('matmul', options.out, [a, b], () => matmul(a, b));
  const [da, db] = [a.ndim, b.ndim];
  if (da === 0 || db === 0) throw new Error(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  checkSameDevice([a, b]);
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da <= 2 && db === 2) {
    // a row vector times a matrix: mm on (1, k)
    const rows = da === 1 ? unsqueeze(a, 0) : a;
    const res = mm(rows, b);
    return da === 1 ? reshape(res, [b.shape[1]!]) : res;
  }
  if (da >= 3 && db <= 2) return matmulFolded(a, b);
  if (da <= 2) {
    // (n, k) or (k) @ (..., k, m): PyTorch folds bᵀ into rows, so its messages speak of bᵀ
    const [k, k2, m] = [last(a), last(b, 2), last(b)];
    const bRows = prod(b.shape.slice(0, -2)) * m;
    if (k !== k2) throw da === 1 ? mvShapeError(bRows, k2, k) : mmShapeError(bRows, k2, k, last(a, 2));
    checkSameDtype(a, b);
    checkNotBool('addmm_impl_cpu_', a);
    if (da === 1) {
      const res = product(unsqueeze(a, 0), b);
      return reshape(res, [...res.shape.slice(0, -2), m]);
    }
    return product(a, b);
  }
  // both batched: broadcast batch dims, then bmm's checks on the flattened batch
  const batch = broadcastShape([a.shape.slice(0, -2), b.shape.slice(0, -2)]);
  if (last(a) !== last(b, 2)) throw bmmShapeError(prod(batch), last(a), prod(batch), last(b, 2));
  checkSameDtype(a, b);
  checkNotBool('bmm', a);
  return product(a, b);
}

/** (..., n, k) @ (k, m) or (k): one mm/mv over all rows when they fold without a copy (as PyTorch). */
function matmulFolded(a: Tensor, b: Tensor): Tensor {
  const lead = a.shape.slice(0, -1);
  const [k, k2] = [last(a), b.shape[0]!];
  const folds = foldsToRows(a);
  if (k !== k2) {
    const batch = prod(a.shape.slice(0, -2));
    if (!folds) throw bmmShapeError(batch, k, batch, k2);
    throw b.ndim === 1 ? mvShapeError(prod(lead), k, k2) : mmShapeError(prod(lead), k, k2, b.shape[1]!);
  }
  checkSameDtype(a, b);
  checkNotBool(folds ? (b.ndim === 1 ? 'addmv_impl_cpu' : 'addmm_impl_cpu_') : 'bmm', a);
  const mat = b.ndim === 1 ? unsqueeze(b, 1) : b;
  const m = mat.shape[1]!;
  // folded, the gradient of b is one (k, rows) @ (rows, m) product instead of a batch of them summed
  const res = folds ? product(reshape(a, [prod(lead), k]), mat) : product(a, mat);
  return reshapeTo(res, b.ndim === 1 ? lead : [...lead, m]);
}

/** torch.outer: a (n) and b (m) -> (n, m); dtypes promote as in mul. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1) throw new Error(`outer: Expected 1-D argument self, but got ${a.ndim}-D`);
  if (b.ndim !== 1) throw new Error(`outer: Expected 1-D argument vec2, but got ${b.ndim}-D`);
  return mul(reshape(a, [-1, 1]), b);
}

// ---- products plus an input -------------------------------------------------------------------------

/** beta * input + alpha * res, with input already expanded to res's shape. */
function addScaled(input: Tensor, res: Tensor, options: AddOptions): Tensor {
  const beta = options.beta ?? 1;
  const alpha = options.alpha ?? 1;
  if (category(res.dtype) !== 2) {
    for (const [name, v] of [['alpha', alpha], ['beta', beta]] as const) {
      if (!Number.isInteger(v)) throw new Error(`For integral input tensors, argument ${name} must not be a floating point number.`);
    }
  }
  const scaled = alpha === 1 ? res : mul(res, alpha);
  if (beta === 0) {
    // input's values are ignored (NaN and inf in it do not propagate), but it still gets a
    // gradient, of zeros, as in PyTorch
    const out = scaled.makeView(scaled.shape, scaled.elementStrides, scaled.offset);
    return record(out, 'AddBackward0', [scaled, input], (g) => [g, mul(g, 0)]);
  }
  return add(beta === 1 ? input : mul(input, beta), scaled);
}

/** torch.addmm: beta * input + alpha * (mat1 @ mat2); input broadcasts to (n, m). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: AddOptions = {}): Tensor {
  checkSameDevice([input, mat1, mat2]);
  if (mat1.ndim !== 2) throw new Error(`mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new Error(`mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  const expanded = expand(input, [mat1.shape[0]!, mat2.shape[1]!]);
  if (mat1.shape[1] !== mat2.shape[0]) throw mmShapeError(mat1.shape[0]!, mat1.shape[1]!, mat2.shape[0]!, mat2.shape[1]!);
  if (mat1.dtype !== mat2.dtype) throw new Error('mat1 and mat2 must have the same dtype');
  if (input.dtype !== mat2.dtype) throw new Error('self and mat2 must have the same dtype');
  checkNotBool('addmm_impl_cpu_', mat1);
  return addScaled(expanded, product(mat1, mat2), options);
}

/** torch.addmv: beta * input + alpha * (mat @ vec); input broadcasts to (n) and takes mat's dtype. */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options: AddOptions = {}): Tensor {
  checkSameDevice([input, mat, vec]);
  if (mat.ndim !== 2 || vec.ndim !== 1 || input.ndim > 1) {
    throw new Error(`vector + matrix @ vector expected, got ${input.ndim}, ${mat.ndim}, ${vec.ndim}`);
  }
  if (mat.shape[1] !== vec.shape[0] || (input.numel() !== 1 && input.numel() !== mat.shape[0])) {
    throw new Error(`size mismatch, got input (${input.numel()}), mat (${mat.shape[0]}x${mat.shape[1]}), vec (${vec.shape[0]})`);
  }
  checkSameDtype(mat, vec);
  checkNotBool('addmv_impl_cpu', mat);
  return addScaled(expand(to(input, mat.dtype), [mat.shape[0]!]), mv(mat, vec), options);
}

/** torch.baddbmm: beta * input + alpha * (batch1 @ batch2); input broadcasts to (b, n, m) and takes their dtype. */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: AddOptions = {}): Tensor {
  checkSameDevice([input, batch1, batch2]);
  if (batch1.ndim !== 3) throw new Error('batch1 must be a 3D tensor');
  if (batch2.ndim !== 3) throw new Error('batch2 must be a 3D tensor');
  const shape = [batch1.shape[0]!, batch1.shape[1]!, batch2.shape[2]!];
  const expanded = expand(input, shape);
  const res = bmm(batch1, batch2);
  // cast before expanding, so the cast copies only input's own elements
  return addScaled(input.dtype === res.dtype ? expanded : expand(to(input, res.dtype), shape), res, options);
}

/** torch.nn.functional.linear: x @ weightᵀ + bias (weight (out, in) or (in); bias (out) or scalar-shaped). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  // PyTorch takes addmm's path (and its dtype checks) for 2-D input with a bias
  if (x.ndim === 2 && bias) return addmm(bias, x, t(weight));
  const out = matmul(x, t(weight));
  return bias ? add(out, bias) : out;
}

// ---- einsum ------------------------------------------------------------------------------------------

/** A parsed operand: one label per subscript (0-51 for letters), `ellipsis` where '...' stood. */
interface Subscripts {
  labels: number[];
  ellipsis: number | null;
}

/** Letters as label numbers in PyTorch's order: A-Z then a-z (so implicit output sorts the same). */
function labelOf(c: string): number | null {
  const code = c.charCodeAt(0);
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 97 + 26;
  return null;
}

const labelName = (l: number): string => String.fromCharCode(l < 26 ? l + 65 : l - 26 + 97);

/** Ellipsis dims get labels from here on, right-aligned across operands. */
const ELLIPSIS_BASE = 52;

function parseEquation(equation: string, numOps: number): { inputs: Subscripts[]; output: Subscripts | null } {
  const arrow = equation.indexOf('->');
  const lhsEnd = arrow === -1 ? equation.length : arrow;
  const inputs: Subscripts[] = [{ labels: [], ellipsis: null }];
  for (let i = 0; i < lhsEnd; i++) {
    const c = equation[i]!;
    const op = inputs[inputs.length - 1]!;
    const which = inputs.length - 1;
    if (c === ' ') continue;
    if (c === '.') {
      if (op.ellipsis !== null) throw new Error(`einsum(): found '.' for operand ${which} for which an ellipsis was already found`);
      if (equation.slice(i, i + 3) !== '...') throw new Error(`einsum(): found '.' for operand ${which} that is not part of any ellipsis`);
      op.ellipsis = op.labels.length;
      i += 2;
    } else if (c === ',') {
      if (inputs.length >= numOps) throw new Error('einsum(): fewer operands were provided than specified in the equation');
      inputs.push({ labels: [], ellipsis: null });
    } else {
      const l = labelOf(c);
      if (l === null) throw new Error(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
      op.labels.push(l);
    }
  }
  if (inputs.length < numOps) throw new Error('einsum(): more operands were provided than specified in the equation');
  if (arrow === -1) return { inputs, output: null };
  const output: Subscripts = { labels: [], ellipsis: null };
  for (let i = arrow + 2; i < equation.length; i++) {
    const c = equation[i]!;
    if (c === ' ') continue;
    if (c === '.') {
      if (output.ellipsis !== null) throw new Error("einsum(): found '.' for output but an ellipsis (...) was already found");
      if (equation.slice(i, i + 3) !== '...') throw new Error("einsum(): found '.' for output that is not part of any ellipsis (...)");
      output.ellipsis = output.labels.length;
      i += 2;
    } else {
      const l = labelOf(c);
      if (l === null) throw new Error(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
      output.labels.push(l);
    }
  }
  return { inputs, output };
}

/** An operand during contraction: a tensor and the label of each of its dims (no repeats). */
interface Term {
  x: Tensor;
  labels: number[];
}

/** A view stepping along the diagonal of `dims` (dims that share a label), kept at dims[0]. */
function diagonalView(x: Tensor, dims: readonly number[]): Tensor {
  const keep = x.shape.map((_, i) => i).filter((i) => i === dims[0] || !dims.includes(i));
  const step = dims.reduce((s, d) => s + x.elementStrides[d]!, 0);
  return x.makeView(keep.map((i) => x.shape[i]!), keep.map((i) => (i === dims[0] ? step : x.elementStrides[i]!)), x.offset);
}

/** The diagonal as a differentiable view; its gradient writes g onto the diagonal of zeros. */
function diagonal(x: Tensor, dims: readonly number[]): Tensor {
  return record(diagonalView(x, dims), 'DiagonalBackward0', [x], (g) => [diagonalScatter(g, x.shape, dims)]);
}

/** diagonal's adjoint: zeros of `shape` with g on the diagonal of `dims`. */
function diagonalScatter(g: Tensor, shape: readonly number[], dims: readonly number[]): Tensor {
  const out = Tensor.empty(shape, g.dtype); // zeroed
  launchElementwise(E.copy, [g.detach()], g.dtype, g.dtype, diagonalView(out, dims));
  return record(out, 'DiagonalBackwardBackward0', [g], (gg) => [diagonal(gg, dims)]);
}

/** Sums a term over the labels that `needed` does not contain. */
function sumOut(term: Term, needed: (l: number) => boolean): Term {
  const dims = term.labels.flatMap((l, i) => (needed(l) ? [] : [i]));
  if (dims.length === 0) return term;
  return { x: sum(term.x, dims), labels: term.labels.filter((l) => needed(l)) };
}

/** Permutes a term's dims into the order of `labels` (a permutation of its own). */
function arrange(term: Term, labels: readonly number[]): Tensor {
  const perm = labels.map((l) => term.labels.indexOf(l));
  return perm.every((p, i) => p === i) ? term.x : permute(term.x, perm);
}

/**
 * Contracts two terms, keeping the labels in `keep` (needed later): shared kept labels become
 * batch dims, shared others are summed by one batched matmul, the rest become its rows and columns.
 */
function contract(a: Term, b: Term, keep: Set<number>): Term {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  a = sumOut(a, (l) => keep.has(l) || inB.has(l));
  b = sumOut(b, (l) => keep.has(l) || inA.has(l));
  const shared = a.labels.filter((l) => inB.has(l));
  const size = (term: Term, l: number): number => term.x.shape[term.labels.indexOf(l)]!;
  // a summed label of size 1 on one side broadcasts: the sum moves onto each side by itself
  const lopsided = shared.filter((l) => !keep.has(l) && size(a, l) !== size(b, l));
  if (lopsided.length > 0) {
    a = sumOut(a, (l) => !lopsided.includes(l));
    b = sumOut(b, (l) => !lopsided.includes(l));
  }
  const batch = shared.filter((l) => keep.has(l));
  const summed = shared.filter((l) => !keep.has(l) && !lopsided.includes(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !inA.has(l));
  const sizes = (term: Term, labels: number[]): number[] => labels.map((l) => size(term, l));
  const labels = [...batch, ...aOnly, ...bOnly];
  if (summed.length === 0) {
    // nothing to sum: an elementwise product over aligned, broadcast dims
    const x = arrange(a, [...batch, ...aOnly]);
    const y = arrange(b, [...batch, ...bOnly]);
    const xs = reshapeTo(x, [...sizes(a, batch), ...sizes(a, aOnly), ...bOnly.map(() => 1)]);
    const ys = reshapeTo(y, [...sizes(b, batch), ...aOnly.map(() => 1), ...sizes(b, bOnly)]);
    return { x: mul(xs, ys), labels };
  }
  checkSameDtype(a.x, b.x);
  checkNotBool('bmm', a.x);
  const k = prod(sizes(a, summed));
  const x = reshapeTo(arrange(a, [...batch, ...aOnly, ...summed]), [...sizes(a, batch), prod(sizes(a, aOnly)), k]);
  const y = reshapeTo(arrange(b, [...batch, ...summed, ...bOnly]), [...sizes(b, batch), k, prod(sizes(b, bOnly))]);
  const res = product(x, y);
  return { x: reshapeTo(res, [...res.shape.slice(0, batch.length), ...sizes(a, aOnly), ...sizes(b, bOnly)]), labels };
}

/**
 * torch.einsum: sums of products over labelled dims, e.g. 'bhqd,bhkd->bhqk'. Supports repeated
 * labels within an operand (diagonals), '...' (broadcast batch dims), implicit output (labels seen
 * once, sorted, after '...'), and size-1 dims broadcasting against a label's size. Operands are
 * contracted left to right; each pair becomes one batched matmul (or a product when nothing is summed).
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const ops: Tensor[] = operands.length === 1 && Array.isArray(operands[0]) ? [...operands[0]] : (operands as Tensor[]);
  if (ops.length === 0) {
    throw new Error('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
  }
  checkSameDevice(ops);
  const { inputs, output } = parseEquation(equation, ops.length);

  // dims per operand, and how many dims each ellipsis covers
  const covered = inputs.map((sub, i) => {
    const ndim = ops[i]!.ndim;
    const n = sub.labels.length;
    if (sub.ellipsis === null && n !== ndim) {
      throw new Error(`einsum(): the number of subscripts in the equation (${n}) does not match the number of dimensions (${ndim}) for operand ${i} and no ellipsis was given`);
    }
    if (sub.ellipsis !== null && n > ndim) {
      throw new Error(`einsum(): the number of subscripts in the equation (${n}) is more than the number of dimensions (${ndim}) for operand ${i}`);
    }
    return ndim - n;
  });
  const ellDims = Math.max(0, ...covered);
  const ellLabels = Array.from({ length: ellDims }, (_, j) => ELLIPSIS_BASE + j);

  // the output's labels: explicit, or implicit (ellipsis dims, then labels seen once, sorted)
  const counts = new Map<number, number>();
  for (const sub of inputs) for (const l of sub.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let outLabels: number[];
  if (output) {
    const seen = new Set<number>();
    for (const l of output.labels) {
      if (seen.has(l)) throw new Error(`einsum(): output subscript ${labelName(l)} appears more than once in the output`);
      if (!counts.has(l)) throw new Error(`einsum(): output subscript ${labelName(l)} does not appear in the equation for any input operand`);
      seen.add(l);
    }
    outLabels = [...output.labels];
    if (output.ellipsis !== null) outLabels.splice(output.ellipsis, 0, ...ellLabels);
  } else {
    const once = [...counts].filter(([, c]) => c === 1).map(([l]) => l).sort((x, y) => x - y);
    outLabels = inputs.some((s) => s.ellipsis !== null) ? [...ellLabels, ...once] : once;
  }

  // every operand's dims labelled; sizes checked (size 1 broadcasts); repeated labels -> diagonals
  const labelSize = new Map<number, number>();
  const terms: Term[] = inputs.map((sub, i) => {
    const x = ops[i]!;
    const labels = sub.ellipsis === null
      ? [...sub.labels]
      : [...sub.labels.slice(0, sub.ellipsis), ...ellLabels.slice(ellDims - covered[i]!), ...sub.labels.slice(sub.ellipsis)];
    const firstDim = new Map<number, number>();
    labels.forEach((l, d) => {
      const s = x.shape[d]!;
      const prev = firstDim.get(l);
      if (prev !== undefined) {
        if (s !== x.shape[prev]) {
          throw new Error(`einsum(): subscript ${labelName(l)} is repeated for operand ${i} but the sizes don't match, ${s} != ${x.shape[prev]}`);
        }
        return;
      }
      firstDim.set(l, d);
      const seen = labelSize.get(l);
      if (seen !== undefined && s !== seen && s !== 1 && seen !== 1) {
        if (l >= ELLIPSIS_BASE) {
          const local = l - ELLIPSIS_BASE - (ellDims - covered[i]!);
          throw new Error(`einsum(): dimension ${local} covered by ellipsis in operand ${i}has size ${s} which does not broadcast with previously seen ellipsis with size ${seen} for the respective dimension`);
        }
        throw new Error(`einsum(): subscript ${labelName(l)} has size ${s} for operand ${i} which does not broadcast with previously seen size ${seen}`);
      }
      if (seen === undefined || seen === 1) labelSize.set(l, s);
    });
    let term: Term = { x, labels };
    for (const l of new Set(labels)) {
      const dims = term.labels.flatMap((m, d) => (m === l ? [d] : []));
      if (dims.length > 1) term = { x: diagonal(term.x, dims), labels: term.labels.filter((m, d) => m !== l || d === dims[0]) };
    }
    return term;
  });

  // contract left to right, keeping the labels the output or later operands need
  const outSet = new Set(outLabels);
  const neededAfter = (i: number): Set<number> => new Set([...outLabels, ...terms.slice(i + 1).flatMap((tm) => tm.labels)]);
  let acc = sumOut(terms[0]!, (l) => neededAfter(0).has(l));
  for (let i = 1; i < terms.length; i++) acc = contract(acc, terms[i]!, neededAfter(i));
  acc = sumOut(acc, (l) => outSet.has(l));
  // always a new tensor (a view at least), even for 'ij->ij'
  return permute(acc.x, outLabels.map((l) => acc.labels.indexOf(l)));
}
