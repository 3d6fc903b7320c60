/**
 * Shape ops: views where PyTorch makes views (view, reshape when possible, permute, transpose,
 * squeeze, unsqueeze, expand, narrow, split, chunk) and copies where it copies (cat, stack),
 * each with its gradient.
 */
import { reshapeStrides, resolveReshape } from '../../core/reshape.js';
import { withOut, type OutOption } from './out.js';
import { broadcastStrides, contiguousStrides } from '../../core/shape.js';
import { ELEMENTWISE as E } from '../../core/elementwise-ops.js';
import { needsGrad, record } from '../autograd/record.js';
import { Node } from '../autograd/node.js';
import { gradEdge } from '../autograd/engine.js';
import { markView } from '../autograd/views.js';
import { torchResultType } from '../dtype-rules.js';
import { Tensor } from '../tensor.js';
import { checkSameDevice, launchElementwise } from './launch.js';
import { sumToShape } from './reduce.js';
import { where } from './pointwise.js';

export type ShapeArgs = (number | readonly number[])[];

function flattenArgs(args: ShapeArgs): number[] {
  if (args.length === 1 && typeof args[0] !== 'number') return [...args[0]!];
  return args as number[];
}

/** Wraps a possibly negative dim, with PyTorch's message when it is out of range. */
export function wrapDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new Error(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** A view of x's memory, remembered as one so in-place ops on it update x's graph too. */
function viewOf(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return markView(x.makeView(shape, strides, offset), x);
}

/** A new view with x's own geometry (what PyTorch's no-op transposes return). */
function alias(x: Tensor, name: string): Tensor {
  return record(viewOf(x, x.shape, x.elementStrides, x.offset), name, [x], (g) => [g]);
}

function resolveShape(x: Tensor, shape: number[]): number[] {
  if (shape.filter((d) => d === -1).length > 1) throw new Error('only one dimension can be inferred');
  try {
    return resolveReshape(x.numel(), shape);
  } catch {
    throw new Error(`shape '[${shape.join(', ')}]' is invalid for input of size ${x.numel()}`);
  }
}

/** A view with the new shape; errors (as PyTorch) when the strides don't allow one. */
export function view(x: Tensor, ...shape: ShapeArgs): Tensor {
  const target = resolveShape(x, flattenArgs(shape));
  const strides = reshapeStrides(x.shape, x.elementStrides, target);
  if (!strides) {
    throw new Error("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  }
  const out = viewOf(x, target, strides, x.offset);
  return record(out, 'ViewBackward0', [x], (g) => [reshape(g, x.shape)]);
}

/**
 * A view when possible, else a copy. The nodes are PyTorch 1.13's: ReshapeAliasBackward0 for a
 * view (PyTorch 2 records ViewBackward0 there; kiln follows 1.13, the version its fixtures and
 * checks come from), UnsafeViewBackward0 for a copy.
 */
export function reshape(x: Tensor, ...shape: ShapeArgs): Tensor {
  const target = resolveShape(x, flattenArgs(shape));
  const strides = reshapeStrides(x.shape, x.elementStrides, target);
  if (strides) {
    const out = viewOf(x, target, strides, x.offset);
    return record(out, 'ReshapeAliasBackward0', [x], (g) => [reshape(g, x.shape)]);
  }
  const copy = launchElementwise(E.copy, [x], x.dtype, x.dtype);
  const out = copy.makeView(target, contiguousStrides(target), copy.offset);
  return record(out, 'UnsafeViewBackward0', [x], (g) => [reshape(g, x.shape)]);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = wrapDim(startDim, x.ndim);
  const e = wrapDim(endDim, x.ndim);
  if (s > e) throw new Error('flatten() has invalid args: start_dim cannot come after end_dim');
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

export function permute(x: Tensor, ...dims: ShapeArgs): Tensor {
  const perm = flattenArgs(dims).map((d) => wrapDim(d, x.ndim));
  if (perm.length !== x.ndim) {
    throw new Error(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${perm.length}`);
  }
  if (new Set(perm).size !== perm.length) throw new Error('permute(): duplicate dims are not allowed.');
  const out = viewOf(x, perm.map((d) => x.shape[d]!), perm.map((d) => x.elementStrides[d]!), x.offset);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return record(out, 'PermuteBackward0', [x], (g) => [permute(g, inverse)]);
}

/** dims a and b of x swapped, as a view (no node). */
function swapped(x: Tensor, a: number, b: number): Tensor {
  const shape = [...x.shape];
  const strides = [...x.elementStrides];
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  return viewOf(x, shape, strides, x.offset);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = wrapDim(dim0, x.ndim);
  const b = wrapDim(dim1, x.ndim);
  if (x.ndim === 0) return alias(x, 'TransposeBackward0');
  return record(swapped(x, a, b), 'TransposeBackward0', [x], (g) => [transpose(g, a, b)]);
}

/** The 2-D transpose (0-D and 1-D tensors come back as views of themselves). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  if (x.ndim < 2) return alias(x, 'TBackward0');
  return record(swapped(x, 0, 1), 'TBackward0', [x], (g) => [t(g)]);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof dim === 'number' ? [dim] : [...dim]).map((d) => wrapDim(d, x.ndim));
  const keep = x.shape.map((_, i) => i).filter((i) => !(dims.includes(i) && x.shape[i] === 1));
  const out = viewOf(x, keep.map((i) => x.shape[i]!), keep.map((i) => x.elementStrides[i]!), x.offset);
  // PyTorch's overloads: squeeze() 0, squeeze(dim) 1, squeeze(dims) 2
  const name = dim === undefined ? 'SqueezeBackward0' : typeof dim === 'number' ? 'SqueezeBackward1' : 'SqueezeBackward2';
  return record(out, name, [x], (g) => [reshape(g, x.shape)]);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = wrapDim(dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.elementStrides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.elementStrides[d]! * x.shape[d]! : 1);
  const out = viewOf(x, shape, strides, x.offset);
  return record(out, 'UnsqueezeBackward0', [x], (g) => [reshape(g, x.shape)]);
}

/** Re-inserts reduced dims (sorted ascending) as size-1 dims. */
export function unsqueezeDims(x: Tensor, dims: readonly number[]): Tensor {
  let out = x;
  for (const d of [...dims].sort((a, b) => a - b)) out = unsqueeze(out, d);
  return out;
}

/** A broadcast view; -1 keeps a size. */
export function expand(x: Tensor, ...sizes: ShapeArgs): Tensor {
  const target = flattenArgs(sizes);
  if (target.length < x.ndim) {
    throw new Error(`expand(${x.typeName()}{[${x.shape.join(', ')}]}, size=[${target.join(', ')}]): the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  }
  const lead = target.length - x.ndim;
  target.forEach((d, i) => {
    if (d === -1 && i < lead) throw new Error(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
  });
  const shape = target.map((d, i) => (d === -1 ? x.shape[i - lead]! : d));
  shape.forEach((d, i) => {
    const own = i >= lead ? x.shape[i - lead]! : 1;
    if (own !== d && own !== 1) {
      throw new Error(`The expanded size of the tensor (${d}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: [${target.join(', ')}].  Tensor sizes: [${x.shape.join(', ')}]`);
    }
  });
  const out = viewOf(x, shape, broadcastStrides(x.shape, x.elementStrides, shape), x.offset);
  return record(out, 'ExpandBackward0', [x], (g) => [sumToShape(g, x.shape)]);
}

/** The slice [start, start + length) of dim, as a view. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = wrapDim(dim, x.ndim);
  const size = x.shape[d]!;
  // PyTorch 1.13 wraps start as it wraps a dim, with the same message
  const s = wrapDim(start, size);
  if (length < 0 || s + length > size) {
    throw new Error(`start (${start}) + length (${length}) exceeds dimension size (${size}).`);
  }
  const shape = [...x.shape];
  shape[d] = length;
  const out = viewOf(x, shape, x.elementStrides, x.offset + s * x.elementStrides[d]!);
  // narrow is a slice in PyTorch, and records its node
  return record(out, 'SliceBackward0', [x], (g) => [embed(g, x.shape, d, s)]);
}

/** A zero tensor of `shape` with g placed at [start, start + g.shape[dim]) along dim (narrow's adjoint). */
function embed(g: Tensor, shape: readonly number[], dim: number, start: number): Tensor {
  const out = Tensor.empty(shape, g.dtype);
  const region = out.makeView(g.shape, out.elementStrides, start * out.elementStrides[dim]!);
  launchElementwise(E.copy, [g.detach()], g.dtype, g.dtype, region);
  return record(out, 'NarrowAdjoint', [g], (gg) => [narrow(gg, dim, start, g.shape[dim]!)]);
}

/** Pieces of `splitSize` (the last may be smaller), or of the listed sizes. */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = wrapDim(dim, x.ndim);
  const size = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (splitSize <= 0 && size > 0) throw new Error(`split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
    sizes = [];
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = [...splitSize];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== size) {
      throw new Error(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=[${sizes.join(', ')}]`);
    }
  }
  let start = 0;
  return sizes.map((n) => {
    const piece = narrow(x, d, start, n);
    start += n;
    return piece;
  });
}

/** `chunks` pieces of size ceil(n / chunks) (fewer when they run out), as torch.chunk. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (chunks <= 0) throw new Error('chunk expects `chunks` to be greater than 0, got: ' + chunks);
  const d = wrapDim(dim, x.ndim);
  const each = Math.ceil(x.shape[d]! / chunks);
  return split(x, Math.max(each, 1), d);
}

/**
 * UnbindBackward0: one node for all of unbind's outputs. Each output's own node hands its
 * gradient to a slot here; when this node runs, the pieces (zeros where none came) are stacked
 * once, so the backward of T steps costs O(T), not T full-size gradients.
 */
class UnbindNode extends Node {
  readonly slots: (Tensor | null)[];
  constructor(private readonly x: Tensor, private readonly dim: number) {
    super('UnbindBackward0', [gradEdge(x)], (g) => [g], [], [{ dtype: x.dtype, shape: x.shape }]);
    this.slots = new Array<Tensor | null>(x.shape[dim]!).fill(null);
  }

  override collect(): Tensor | undefined {
    if (this.slots.every((g) => g === null)) return undefined;
    const shape = this.x.shape.filter((_, k) => k !== this.dim);
    const pieces = this.slots.map((g) => g ?? Tensor.empty(shape, this.x.dtype));
    this.slots.fill(null);
    return stack(pieces, this.dim);
  }
}

/** The slices along dim, as views (torch.unbind); their gradients are stacked once in backward. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (x.ndim === 0) throw new Error('Dimension specified as 0 but tensor has no dimensions');
  const d = wrapDim(dim, x.ndim);
  const n = x.shape[d]!;
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x.elementStrides.filter((_, k) => k !== d);
  const step = x.elementStrides[d]!;
  const pieces = Array.from({ length: n }, (_, i) => viewOf(x, shape, strides, x.offset + i * step));
  if (!needsGrad([x])) return pieces;
  const gather = new UnbindNode(x, d);
  pieces.forEach((piece, i) => {
    const node = new Node('UnbindBackward0', [gather], (g) => {
      const prev = gather.slots[i];
      gather.slots[i] = prev ? prev.add(g) : g;
      return [];
    });
    node.output = piece;
    piece.requiresGrad = true;
    piece.gradFn = node;
  });
  return pieces;
}

/** Joins tensors along an existing dim (copies). */
export function cat(tensors: readonly Tensor[], dim = 0, options?: OutOption): Tensor {
  if (options?.out) return withOut('cat', options.out, [tensors], () => cat(tensors, dim));
  return join(tensors, dim, 'CatBackward0');
}

function join(tensors: readonly Tensor[], dim: number, name: string): Tensor {
  if (tensors.length === 0) throw new Error('torch.cat(): expected a non-empty list of Tensors');
  checkSameDevice(tensors);
  // PyTorch skips 1-D empty tensors in cat
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (parts.length === 0) return tensors[0]!.clone();
  const ref = parts[0]!;
  if (ref.ndim === 0) throw new Error('zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = wrapDim(dim, ref.ndim);
  parts.forEach((p, i) => {
    if (p.ndim !== ref.ndim) throw new Error(`Tensors must have same number of dimensions: got ${ref.ndim} and ${p.ndim}`);
    p.shape.forEach((s, k) => {
      if (k !== d && s !== ref.shape[k]) {
        throw new Error(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${s} for tensor number ${i} in the list.`);
      }
    });
  });
  const dtype = torchResultType(parts);
  const shape = [...ref.shape];
  shape[d] = parts.reduce((n, p) => n + p.shape[d]!, 0);
  const out = Tensor.empty(shape, dtype);
  let start = 0;
  for (const p of parts) {
    const region = out.makeView(p.shape, out.elementStrides, start * out.elementStrides[d]!);
    launchElementwise(E.copy, [p.detach()], p.dtype, dtype, region);
    start += p.shape[d]!;
  }
  return record(out, name, parts, (g) => split(g, parts.map((p) => p.shape[d]!), d).map((piece, i) => (
    piece.dtype === parts[i]!.dtype ? piece : piece.to(parts[i]!.dtype)
  )));
}

export const concat = cat;
export const concatenate = cat;

/** Joins tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0, options?: OutOption): Tensor {
  if (options?.out) return withOut('stack', options.out, [tensors], () => stack(tensors, dim));
  if (tensors.length === 0) throw new Error('stack expects a non-empty TensorList');
  const ref = tensors[0]!;
  tensors.forEach((p, i) => {
    if (p.shape.length !== ref.shape.length || p.shape.some((s, k) => s !== ref.shape[k])) {
      throw new Error(`stack expects each tensor to be equal size, but got [${ref.shape.join(', ')}] at entry 0 and [${p.shape.join(', ')}] at entry ${i}`);
    }
  });
  const d = wrapDim(dim, ref.ndim + 1);
  return join(tensors.map((p) => unsqueeze(p, d)), d, 'StackBackward0');
}

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new Error(`${lower ? 'tril' : 'triu'}: input tensor must have at least 2 dimensions`);
  const [n, m] = x.shape.slice(-2) as [number, number];
  const mask = Tensor.empty([n, m], 'bool');
  const bits = mask.storage.typed('bool') as Uint8Array;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) bits[i * m + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  }
  return where(mask, x, 0).to(x.dtype);
}

export const tril = (x: Tensor, diagonal = 0): Tensor => triangle(x, diagonal, true);
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle(x, diagonal, false);
