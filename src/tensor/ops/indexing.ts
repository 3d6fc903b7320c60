/**
 * Tensor indexing with NDArray's notation and PyTorch's rules (`t.get('1:3, ::2')`,
 * `t.set(mask, 0)`), and gather, scatter, scatterAdd, indexSelect, take, maskedSelect, indexAdd.
 *
 * Every selection becomes the C-order positions of the selected elements in its source. The
 * backend reads elements by position (take) and writes or adds them back (put); these are each
 * other's adjoint, so one pair of recorded primitives (takeAt, addAt) gives every op here its
 * gradient, to any order.
 */
import { integerRange, isInteger, type DType } from '../../core/dtype.js';
import { ELEMENTWISE as E } from '../../core/elementwise-ops.js';
import { IndexError, ValueError } from '../../core/errors.js';
import { type ParsedItem, parseIndex, parseIndexItem, resolveSlice } from '../../core/index-parser.js';
import { broadcastStrides, contiguousStrides, isContiguous, shapesEqual, sizeOf } from '../../core/shape.js';
import { backendFor } from '../../backend/backend.js';
import { array, scalarArray } from '../../np/convert.js';
import type { Index, IndexItem } from '../../np/indexing.js';
import { NDArray } from '../../np/ndarray.js';
import { gradEdge } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Node } from '../autograd/node.js';
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import { allocTensor } from '../alloc.js';
import { copyRows, gatherLast, usesRows } from './rows.js';
import { Tensor } from '../tensor.js';
import type { Scalar, TensorLike } from '../types.js';
import { broadcastShape, checkSameDevice, launchElementwise } from './launch.js';
import { add, inPlace, mul, torchTypeName, where } from './pointwise.js';
import { addAt, positionsTensor, takeAt } from './positions.js';
import { sumToShape } from './reduce.js';
import { expand, reshape, wrapDim } from './shape.js';

/** One index item: NDArray's items, or a Tensor (int64/int32 indices; bool or uint8 masks). */
export type TensorIndexItem = IndexItem | Tensor;
/** NDArray's index notation, with Tensors allowed where NDArrays are. */
export type TensorIndex = Index | TensorIndexItem | readonly TensorIndexItem[] | readonly unknown[];

// ---- positions and the two primitives ----------------------------------------------------------

/** i * step for i < n: the positions one axis adds. */
function axisSteps(n: number, step: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = i * step;
  return out;
}

/** base + l0[i0] + l1[i1] + ... for every (i0, i1, ...) in C order. */
function outerSum(base: number, lists: readonly Float64Array[]): Float64Array {
  let acc = new Float64Array([base]);
  for (const list of lists) {
    const next = new Float64Array(acc.length * list.length);
    let k = 0;
    for (let i = 0; i < acc.length; i++) {
      for (let j = 0; j < list.length; j++) next[k++] = acc[i]! + list[j]!;
    }
    acc = next;
  }
  return acc;
}

/** A bool tensor of `shape`, true at the positions (a constant, for gradients). */
function maskAt(positions: Tensor, shape: readonly number[]): Tensor {
  const mask = Tensor.empty(shape, 'bool');
  const one = Tensor.fromView(scalarArray(true, 'bool'));
  backendFor(mask).put(one.makeView(positions.shape, positions.shape.map(() => 0), 0), positions, mask, false);
  return mask;
}

/** g with zeros where the positions were overwritten (the gradient of what they replaced). */
function zeroAt(g: Tensor, positions: Tensor): Tensor {
  return where(maskAt(positions, g.shape), 0, g);
}

/**
 * A tensor's values as numbers in C order (for index tensors). A contiguous int64 or int32 index
 * on the CPU is read directly (an int64 as its two 32-bit words, rounding once above 2^53 as the
 * cast does), into `into` when it is long enough (a scratch array the caller owns).
 */
function readInts(t: Tensor, into?: Float64Array): Float64Array {
  const n = sizeOf(t.shape);
  if ((t.dtype === 'int64' || t.dtype === 'int32') && t.storage.device === 'cpu' && isContiguous(t.shape, t.elementStrides)) {
    const out = into && into.length >= n ? into.subarray(0, n) : new Float64Array(n);
    const words = t.storage.typed('int32') as Int32Array;
    if (t.dtype === 'int32') {
      for (let i = 0, p = t.offset; i < n; i++) out[i] = words[p++]!;
    } else {
      for (let i = 0, p = 2 * t.offset; i < n; i++, p += 2) out[i] = words[p + 1]! * 4294967296 + (words[p]! >>> 0);
    }
    return out;
  }
  const c = Tensor.empty(t.shape, 'float64');
  launchElementwise(E.copy, [t.detach()], t.dtype, 'float64', c);
  return c.storage.typed('float64') as Float64Array;
}

/** The coordinates of a mask's true elements, one list per axis (PyTorch's nonzero). */
function maskCoordinates(mask: Tensor): Float64Array[] {
  const c = Tensor.empty(mask.shape, 'bool');
  launchElementwise(E.copy, [mask.detach()], mask.dtype, 'bool', c);
  const bits = c.storage.typed('bool') as Uint8Array;
  let count = 0;
  for (let k = 0; k < bits.length; k++) if (bits[k]) count++;
  const coords = mask.shape.map(() => new Float64Array(count));
  const at = new Array<number>(mask.ndim).fill(0);
  for (let k = 0, j = 0; k < bits.length; k++) {
    if (bits[k]) {
      for (let d = 0; d < at.length; d++) coords[d]![j] = at[d]!;
      j++;
    }
    for (let d = at.length - 1; d >= 0; d--) {
      if (++at[d]! < mask.shape[d]!) break;
      at[d] = 0;
    }
  }
  return coords;
}

/** PyTorch treats a 0-d tensor as 1-d of size 1 in gather, scatter and friends. */
const nonEmpty = (shape: readonly number[]): readonly number[] => (shape.length === 0 ? [1] : shape);

// ---- from the user's index to items ------------------------------------------------------------

type Item =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'slice'; readonly start: number | null; readonly stop: number | null; readonly step: number | null }
  | { readonly kind: 'newaxis' }
  | { readonly kind: 'ellipsis' }
  /** A 0-d mask: a new axis of length 1 (true) or 0 (false). */
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'array'; readonly index: Tensor }
  | { readonly kind: 'mask'; readonly mask: Tensor };

const ONLY_VALID = 'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices';

/** Parsed strings, kept so that a loop indexing with the same string parses it once. */
const parsed = new Map<string, ParsedItem[]>();

function parseCached(text: string): ParsedItem[] {
  let items = parsed.get(text);
  if (!items) {
    items = parseIndex(text);
    if (parsed.size >= 1024) parsed.clear();
    parsed.set(text, items);
  }
  return items;
}

function toItems(index: TensorIndex): Item[] {
  if (typeof index === 'string') return parseCached(index).map(fromParsed);
  if (Array.isArray(index)) {
    // a list made only of booleans is a mask, as a Python list of booleans is
    if (index.length > 0 && index.every((x) => typeof x === 'boolean')) return [listItem(index as boolean[])];
    return index.map((x) => toItem(x as TensorIndexItem));
  }
  return [toItem(index as TensorIndexItem)];
}

function toItem(x: TensorIndexItem): Item {
  if (typeof x === 'number') {
    if (!Number.isInteger(x)) throw new IndexError(`${ONLY_VALID} (got float)`);
    return { kind: 'int', value: x };
  }
  if (typeof x === 'boolean') return { kind: 'bool', value: x };
  if (x === null) return { kind: 'newaxis' };
  if (typeof x === 'string') {
    const items = parseCached(x);
    return fromParsed(items.length === 1 ? items[0]! : parseIndexItem(x));
  }
  if (x instanceof Tensor) return tensorItem(x);
  if (x instanceof NDArray) return tensorItem(Tensor.fromView(x));
  if (Array.isArray(x)) return listItem(x);
  throw new IndexError(ONLY_VALID);
}

function fromParsed(p: ParsedItem): Item {
  if (p.kind === 'bool') return { kind: 'bool', value: p.value };
  if (p.kind === 'list') return listItem(p.value);
  return p;
}

/** A JS list as PyTorch treats a Python list: booleans make a mask, integers an index tensor. */
function listItem(list: readonly unknown[]): Item {
  if (list.length === 0) return { kind: 'array', index: Tensor.empty([0], 'int64') };
  const a = array(list as number[]);
  if (a.dtype !== 'bool' && !isInteger(a.dtype)) throw new IndexError(ONLY_VALID);
  return tensorItem(Tensor.fromView(a));
}

function tensorItem(t: Tensor): Item {
  // uint8 tensors are masks in PyTorch (its old spelling of bool)
  if (t.dtype === 'bool' || t.dtype === 'uint8') {
    return t.ndim === 0 ? { kind: 'bool', value: Boolean(t.item()) } : { kind: 'mask', mask: t };
  }
  if (!isInteger(t.dtype)) throw new IndexError('tensors used as indices must be long, int, byte or bool tensors');
  // a 0-d integer tensor is an integer (so the result is a view), as PyTorch takes it
  return t.ndim === 0 ? { kind: 'int', value: Number(t.item()) } : { kind: 'array', index: t };
}

// ---- from items to a selection -----------------------------------------------------------------

/** An advanced index on one axis of the basic view: its values (C order) and shape. */
interface Advanced {
  readonly dim: number;
  readonly values: Float64Array;
  readonly shape: readonly number[];
}

/**
 * An index resolved against x. Integers, slices, None and '...' make a view of x (shape, strides,
 * offset); the same view over x's C-order positions is `start + sum_d i_d * steps[d]`. Index
 * tensors and masks (as coordinates) then pick along axes of that view, PyTorch's order of
 * operations: `t[0, :, [0, 1]]` selects first, so its result is (n, 2), not NumPy's (2, n).
 */
interface Selection {
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
  readonly start: number;
  readonly steps: number[];
  readonly advanced: Advanced[];
  /** Whether any item besides '...' shaped the view (PyTorch's message for leaves differs). */
  readonly isView: boolean;
  /** PyTorch's name for the node of a basic selection. */
  readonly name: string;
}

function select(x: Tensor, index: TensorIndex): Selection {
  const items = toItems(index);
  let consumed = 0;
  let ellipses = 0;
  for (const it of items) {
    if (it.kind === 'ellipsis') ellipses++;
    else if (it.kind === 'mask') consumed += it.mask.ndim;
    else if (it.kind === 'int' || it.kind === 'slice' || it.kind === 'array') consumed++;
    if (it.kind === 'array' || it.kind === 'mask') checkSameDevice([x, it.kind === 'array' ? it.index : it.mask]);
  }
  if (ellipses > 1) throw new IndexError("an index can only have a single ellipsis ('...')");
  if (consumed > x.ndim) {
    // PyTorch's message for `t[0]` on a 0-d tensor (a tuple of items gets the general one)
    if (x.ndim === 0 && typeof index === 'number') {
      throw new IndexError('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
    }
    throw new IndexError(`too many indices for tensor of dimension ${x.ndim}`);
  }

  const positionStrides = contiguousStrides(x.shape);
  const shape: number[] = [];
  const strides: number[] = [];
  const steps: number[] = [];
  const advanced: Advanced[] = [];
  let offset = x.offset;
  let start = 0;
  let dim = 0;
  const keep = (n: number, stride: number, step: number): void => {
    shape.push(n);
    strides.push(stride);
    steps.push(step);
  };
  const keepAxis = (): void => {
    keep(x.shape[dim]!, x.elementStrides[dim]!, positionStrides[dim]!);
    dim++;
  };
  for (const it of items) {
    switch (it.kind) {
      case 'int': {
        const n = x.shape[dim]!;
        if (it.value < -n || it.value >= n) {
          throw new IndexError(`index ${it.value} is out of bounds for dimension ${dim} with size ${n}`);
        }
        const i = it.value < 0 ? it.value + n : it.value;
        offset += i * x.elementStrides[dim]!;
        start += i * positionStrides[dim]!;
        dim++;
        break;
      }
      case 'slice': {
        const step = it.step ?? 1;
        if (step === 0) throw new ValueError('slice step cannot be zero');
        if (step < 0) throw new ValueError('step must be greater than zero');
        const s = resolveSlice(it.start, it.stop, step, x.shape[dim]!);
        if (s.length > 0) {
          offset += s.start * x.elementStrides[dim]!;
          start += s.start * positionStrides[dim]!;
        }
        keep(s.length, x.elementStrides[dim]! * step, positionStrides[dim]! * step);
        dim++;
        break;
      }
      case 'newaxis':
        keep(1, 0, 0);
        break;
      case 'ellipsis':
        for (let k = x.ndim - consumed; k > 0; k--) keepAxis();
        break;
      case 'bool':
        keep(1, 0, 0);
        advanced.push({ dim: shape.length - 1, values: new Float64Array(it.value ? 1 : 0), shape: [it.value ? 1 : 0] });
        break;
      case 'array':
        advanced.push({ dim: shape.length, values: readInts(it.index), shape: it.index.shape });
        keepAxis();
        break;
      case 'mask': {
        const m = it.mask;
        m.shape.forEach((n, j) => {
          if (n !== x.shape[dim + j]) {
            throw new IndexError(
              `The shape of the mask [${m.shape.join(', ')}] at index ${j} does not match the shape of the indexed tensor [${x.shape.join(', ')}] at index ${dim + j}`,
            );
          }
        });
        // a k-d mask is k index tensors: the coordinates of its true elements
        for (const coords of maskCoordinates(m)) {
          advanced.push({ dim: shape.length, values: coords, shape: [coords.length] });
          keepAxis();
        }
        break;
      }
    }
  }
  while (dim < x.ndim) keepAxis();
  const kinds = new Set(items.map((it) => it.kind));
  const name = kinds.has('int') ? 'SelectBackward0' : kinds.has('slice') ? 'SliceBackward0' : kinds.has('newaxis') ? 'UnsqueezeBackward0' : 'AliasBackward0';
  const isView = items.some((it) => it.kind !== 'ellipsis');
  return { shape, strides, offset, start, steps, advanced, isView, name };
}

/** The positions in x of a basic selection's elements. */
function basicPositions(sel: Selection, x: Tensor): Tensor {
  const values = outerSum(sel.start, sel.shape.map((n, d) => axisSteps(n, sel.steps[d]!)));
  return positionsTensor(values, sel.shape, x.numel());
}

/**
 * The shape and positions in x of an advanced selection. The index tensors broadcast together;
 * their axes replace the indexed ones when those are next to each other, else they come first.
 */
function advancedPositions(sel: Selection, x: Tensor): { shape: number[]; positions: Tensor } {
  const adv = sel.advanced;
  let b: number[];
  try {
    b = broadcastShape(adv.map((a) => a.shape));
  } catch {
    throw new IndexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${adv.map((a) => `[${a.shape.join(', ')}]`).join(', ')}`);
  }
  const size = sizeOf(b);
  const table = new Float64Array(size);
  if (size > 0) {
    adv.forEach((a, k) => {
      const n = sel.shape[a.dim]!;
      const step = sel.steps[a.dim]!;
      const pick = shapesEqual(a.shape, b) ? null : outerSum(0, b.map((m, d) => axisSteps(m, broadcastStrides(a.shape, contiguousStrides(a.shape), b)[d]!)));
      for (let i = 0; i < size; i++) {
        const v = a.values[pick ? pick[i]! : i]!;
        // PyTorch numbers the dimension among the index tensors
        if (v < -n || v >= n) throw new IndexError(`index ${v} is out of bounds for dimension ${k} with size ${n}`);
        table[i]! += (v < 0 ? v + n : v) * step;
      }
    });
  }
  const dims = adv.map((a) => a.dim);
  const first = Math.min(...dims);
  const adjacent = dims.every((d) => d - first < dims.length);
  const rest = sel.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const before = adjacent ? rest.filter((d) => d < first) : [];
  const after = rest.filter((d) => !before.includes(d));
  const axis = (d: number): Float64Array => axisSteps(sel.shape[d]!, sel.steps[d]!);
  const shape = [...before.map((d) => sel.shape[d]!), ...b, ...after.map((d) => sel.shape[d]!)];
  const values = outerSum(sel.start, [...before.map(axis), table, ...after.map(axis)]);
  return { shape, positions: positionsTensor(values, shape, x.numel()) };
}

// ---- get and set -------------------------------------------------------------------------------

/**
 * `x[index]`: a view for integers, slices, None and '...' (a 0-d view when every axis gets an
 * integer), a copy when there are index tensors or masks.
 */
export function get(x: Tensor, index: TensorIndex): Tensor {
  const sel = select(x, index);
  if (sel.advanced.length === 0) {
    const out = x.makeView(sel.shape, sel.strides, sel.offset);
    return record(out, sel.name, [x], (g) => [addAt(g, basicPositions(sel, x), x.shape)]);
  }
  if (picksRows(sel, x) && usesRows(x)) return getRows(x, sel);
  return takeAt(x, advancedPositions(sel, x).positions, 'IndexBackward0');
}

/** Whether a selection is `x[index]` with one index tensor (or 1-D mask) on dim 0 and nothing else. */
function picksRows(sel: Selection, x: Tensor): boolean {
  if (sel.advanced.length !== 1 || sel.advanced[0]!.dim !== 0 || x.ndim === 0) return false;
  if (sel.offset !== x.offset || !shapesEqual(sel.shape, x.shape)) return false;
  return sel.strides.every((s, d) => s === x.elementStrides[d] || x.shape[d]! <= 1);
}

/** `x[index]` by whole rows: out has the index's shape followed by x's rows. */
function getRows(x: Tensor, sel: Selection): Tensor {
  const adv = sel.advanced[0]!;
  const n = x.shape[0]!;
  const rows = new Float64Array(adv.values.length);
  for (let i = 0; i < rows.length; i++) {
    const v = adv.values[i]!;
    if (v < -n || v >= n) throw new IndexError(`index ${v} is out of bounds for dimension 0 with size ${n}`);
    rows[i] = v < 0 ? v + n : v;
  }
  const out = allocTensor([...adv.shape, ...x.shape.slice(1)], x.dtype);
  copyRows(x, 1, n, sizeOf(x.shape) / Math.max(n, 1), rows, out);
  if (!wantsGrad(x)) return out;
  let positions: Tensor | null = null;
  return record(out, 'IndexBackward0', [x], (g) => [addAt(g, (positions ??= advancedPositions(sel, x).positions), x.shape)]);
}

/**
 * `x[index] = value`, in place: value (a number, boolean or tensor) is cast to x's dtype and
 * broadcast to the selection. With index tensors, a repeated position takes the last value.
 */
export function set<T extends Tensor>(x: T, index: TensorIndex, value: TensorLike): T {
  const sel = select(x, index);
  const isAdvanced = sel.advanced.length > 0;
  if (isGradEnabled() && x.requiresGrad && x.isLeaf) {
    throw new Error(`a ${sel.isView && !isAdvanced ? 'view of a ' : ''}leaf Variable that requires grad is being used in an in-place operation.`);
  }
  const v = value instanceof Tensor ? value : scalarValue(value, x.dtype);
  checkSameDevice([x, v]);
  const advanced = isAdvanced ? advancedPositions(sel, x) : null;
  const shape = advanced ? advanced.shape : sel.shape;
  // PyTorch drops a value's leading 1s before broadcasting it to the selection
  let lead = 0;
  while (lead < v.ndim && v.shape[lead] === 1) lead++;
  const fitted = v.detach().makeView(v.shape.slice(lead), v.elementStrides.slice(lead), v.offset);

  if (advanced) {
    if (!broadcastsTo(fitted.shape, shape)) {
      throw new Error(`shape mismatch: value tensor of shape [${v.shape.join(', ')}] cannot be broadcast to indexing result of shape [${shape.join(', ')}]`);
    }
    // a fresh copy in x's dtype also protects against a value that overlaps x
    const values = Tensor.empty(shape, x.dtype);
    launchElementwise(E.copy, [fitted], v.dtype, x.dtype, values);
    backendFor(x).put(values, advanced.positions, x, false);
  } else {
    const source = expand(fitted, shape); // PyTorch's errors for values that don't fit
    const safe = v.storage === x.storage ? launchElementwise(E.copy, [source], v.dtype, v.dtype) : source;
    launchElementwise(E.copy, [safe], v.dtype, x.dtype, x.makeView(sel.shape, sel.strides, sel.offset));
  }
  x.storage.version++;

  if (needsGrad([x, v])) {
    let cached: Tensor | null = null;
    const positions = (): Tensor => (cached ??= advanced ? advanced.positions : basicPositions(sel, x));
    const prev = x.requiresGrad ? gradEdge(x) : null;
    const meta = [{ dtype: x.dtype, shape: [...x.shape] }, { dtype: v.dtype, shape: [...v.shape] }];
    x.requiresGrad = true;
    x.gradFn = new Node(advanced ? 'IndexPutBackward0' : 'CopySlices', [prev, v.requiresGrad ? gradEdge(v) : null], (g) => [
      prev ? zeroAt(g, positions()) : null,
      v.requiresGrad ? reshape(sumToShape(takeAt(g, positions()), fitted.shape), v.shape) : null,
    ], [], meta);
  }
  return x;
}

/** A scalar as a 0-d tensor of x's dtype, refusing integers that don't fit as PyTorch does. */
function scalarValue(value: Scalar, dtype: DType): Tensor {
  if (typeof value === 'number' && isInteger(dtype) && Number.isFinite(value)) {
    const [lo, hi] = integerRange(dtype);
    const n = Math.trunc(value);
    if (n < lo || n > hi) throw new Error(`value cannot be converted to type ${dtype}_t without overflow`);
  }
  return Tensor.fromView(scalarArray(value, dtype));
}

function broadcastsTo(from: readonly number[], target: readonly number[]): boolean {
  if (from.length > target.length) return false;
  const lead = target.length - from.length;
  return from.every((d, i) => d === 1 || d === target[lead + i]);
}

// ---- gather, scatter and friends ----------------------------------------------------------------

/**
 * Positions in a source of `sourceShape` of a grid of `gridShape` whose coordinate along `dim`
 * is `values[k]` (one per grid element, C order) and elsewhere the grid's own.
 */
function alongDim(sourceShape: readonly number[], gridShape: readonly number[], dim: number, values: Float64Array): Float64Array {
  const strides = contiguousStrides(sourceShape);
  const positions = outerSum(0, gridShape.map((n, d) => (d === dim ? new Float64Array(n) : axisSteps(n, strides[d]!))));
  for (let k = 0; k < positions.length; k++) positions[k]! += values[k]! * strides[dim]!;
  return positions;
}

/** Throws PyTorch's gather/scatter message for an index outside [0, size). */
function checkBounds(values: Float64Array, dim: number, size: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= size) throw new Error(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  }
}

/** Scratch for index values read by the row paths, grown as needed (fresh memory is slow to touch). */
let scratch = new Float64Array(1024);
function scratchFor(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}

/** out[i][j][k] = x[i][index[i][j][k]][k] (dim = 1), as torch.gather. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  if (index.dtype !== 'int64') throw new Error('gather(): Expected dtype int64 for index');
  checkSameDevice([x, index]);
  const d = wrapDim(dim, x.ndim);
  const xs = nonEmpty(x.shape);
  const is = nonEmpty(index.shape);
  if (is.length !== xs.length) throw new Error('Index tensor must have the same number of dimensions as input tensor');
  is.forEach((n, k) => {
    if (k !== d && n > xs[k]!) {
      throw new Error(`Size does not match at dimension ${k} expected index [${index.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${d}`);
    }
  });
  const rowPath = d === xs.length - 1 && usesRows(x);
  // the row path reads the index into scratch memory, kept (copied) only for a gradient
  let values = readInts(index, rowPath ? scratchFor(index.numel()) : undefined);
  checkBounds(values, d, xs[d]!);
  if (rowPath) {
    // along the last dim each output row reads one row of x: no positions needed
    const out = allocTensor(index.shape, x.dtype);
    if (values.length > 0) gatherLast(x, xs, is, values, out);
    if (!wantsGrad(x)) return out;
    values = values.slice();
    let positions: Tensor | null = null;
    return record(out, 'GatherBackward0', [x], (g) => [
      addAt(g, (positions ??= positionsTensor(alongDim(xs, is, d, values), index.shape, x.numel())), x.shape),
    ]);
  }
  const positions = positionsTensor(alongDim(xs, is, d, values), index.shape, x.numel());
  return takeAt(x, positions, 'GatherBackward0');
}

/** A detached view of the leading block of t with `shape` (the part of src that scatter reads). */
function leadingBlock(t: Tensor, shape: readonly number[]): Tensor {
  if (shape.length === 0) return t.makeView([], [], t.offset);
  return t.makeView(shape, t.ndim === 0 ? [0] : t.elementStrides, t.offset);
}

/** The gradient of scatter's src: g at the written positions, placed in the block src gave. */
function srcGrad(g: Tensor, positions: Tensor, src: Tensor): Tensor {
  const taken = takeAt(g, positions);
  if (shapesEqual(taken.shape, src.shape)) return taken;
  const block = outerSum(0, nonEmpty(taken.shape).map((n, d) => axisSteps(n, contiguousStrides(nonEmpty(src.shape))[d]!)));
  return addAt(taken, positionsTensor(block, taken.shape, src.numel()), src.shape);
}

function scatterInto(x: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, accumulate: boolean): Tensor {
  const op = accumulate ? 'scatter_add' : 'scatter';
  if (index.dtype !== 'int64') throw new Error(`${op}(): Expected dtype int64 for index`);
  checkSameDevice(src instanceof Tensor ? [x, index, src] : [x, index]);
  const d = wrapDim(dim, x.ndim);
  const xs = nonEmpty(x.shape);
  const is = nonEmpty(index.shape);
  if (is.length !== xs.length) throw new Error('Index tensor must have the same number of dimensions as self tensor');
  const tooBig = (n: number, k: number): boolean => k !== d && n > xs[k]!;
  if (src instanceof Tensor) {
    if (src.dtype !== x.dtype) throw new Error(`${op}(): Expected self.dtype to be equal to src.dtype`);
    const ss = nonEmpty(src.shape);
    if (ss.length !== is.length) throw new Error('Index tensor must have the same number of dimensions as src tensor');
    if (is.some((n, k) => tooBig(n, k) || n > ss[k]!)) {
      throw new Error(`Expected index [${index.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${d} and to be smaller size than src [${src.shape.join(', ')}]`);
    }
  } else if (is.some(tooBig)) {
    throw new Error(`Expected index [${index.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${d}`);
  }
  const values = readInts(index);
  checkBounds(values, d, xs[d]!);
  const positions = positionsTensor(alongDim(xs, is, d, values), index.shape, x.numel());
  const block = src instanceof Tensor
    ? leadingBlock(src.detach(), index.shape)
    : Tensor.fromView(scalarArray(src, x.dtype)).makeView(index.shape, index.shape.map(() => 0), 0);
  const out = Tensor.empty(x.shape, x.dtype);
  launchElementwise(E.copy, [x.detach()], x.dtype, x.dtype, out);
  backendFor(out).put(block, positions, out, accumulate);
  const name = accumulate ? 'ScatterAddBackward0' : src instanceof Tensor ? 'ScatterBackward0' : 'ScatterBackward1';
  return record(out, name, [x, src], (g) => [
    x.requiresGrad ? (accumulate ? g : zeroAt(g, positions)) : null,
    src instanceof Tensor && src.requiresGrad ? srcGrad(g, positions, src) : null,
  ]);
}

/** A copy of x with src's values written along dim at `index` (out of place), as torch.scatter. */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | Scalar): Tensor {
  return scatterInto(x, dim, index, src, false);
}

/** A copy of x with src's values added along dim at `index` (repeats sum), as torch.scatter_add. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterInto(x, dim, index, src, true);
}

export function scatter_<T extends Tensor>(x: T, dim: number, index: Tensor, src: Tensor | Scalar): T {
  return inPlace(x, scatter(x, dim, index, src));
}

export function scatterAdd_<T extends Tensor>(x: T, dim: number, index: Tensor, src: Tensor): T {
  return inPlace(x, scatterAdd(x, dim, index, src));
}

/** The values of a 1-D (or 0-d) index for indexSelect and indexAdd, checked as PyTorch does. */
function vectorIndex(index: Tensor, op: string, size: number): Float64Array {
  if (index.dtype !== 'int64' && index.dtype !== 'int32') throw new Error(`${op}(): Expected dtype int32 or int64 for index`);
  if (index.ndim > 1) throw new IndexError(`${op}(): Index is supposed to be a vector`);
  const values = readInts(index);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= size) throw new IndexError('index out of range in self');
  }
  return values;
}

/** Positions of x's slices along dim picked by `values`, for every other coordinate of `shape`. */
function slicesAlong(xShape: readonly number[], shape: readonly number[], dim: number, values: Float64Array): Float64Array {
  const strides = contiguousStrides(xShape);
  return outerSum(0, shape.map((n, d) => (d === dim ? values.map((v) => v * strides[d]!) : axisSteps(n, strides[d]!))));
}

/** The slices of x along dim at the positions in a 1-D index, as torch.index_select. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkSameDevice([x, index]);
  const d = wrapDim(dim, x.ndim);
  const xs = nonEmpty(x.shape);
  const values = vectorIndex(index, 'index_select', xs[d]!);
  const shape = [...xs];
  shape[d] = values.length;
  const outShape = x.ndim === 0 && values.length === 1 ? [] : shape;
  if (usesRows(x)) {
    // whole slices copied at once: x read as [outer, n, inner]
    const out = allocTensor(outShape, x.dtype);
    let outer = 1;
    for (let k = 0; k < d; k++) outer *= xs[k]!;
    const inner = sizeOf(xs) / Math.max(outer * xs[d]!, 1);
    if (values.length > 0 && inner > 0) copyRows(x, outer, xs[d]!, inner, values, out);
    if (!wantsGrad(x)) return out;
    let positions: Tensor | null = null;
    return record(out, 'IndexSelectBackward0', [x], (g) => [
      addAt(g, (positions ??= positionsTensor(slicesAlong(xs, shape, d, values), outShape, x.numel())), x.shape),
    ]);
  }
  const positions = positionsTensor(slicesAlong(xs, shape, d, values), outShape, x.numel());
  return takeAt(x, positions, 'IndexSelectBackward0');
}

/** x.flatten()[index], shaped as index; negative indices count from the end, as torch.take. */
export function take(x: Tensor, index: Tensor): Tensor {
  if (index.dtype !== 'int64') throw new Error(`take(): Expected a long tensor for index, but got ${torchTypeName(index.dtype)}`);
  checkSameDevice([x, index]);
  const n = x.numel();
  const values = readInts(index).map((v) => {
    if (v < -n || v >= n) throw new IndexError(`out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    return v < 0 ? v + n : v;
  });
  return takeAt(x, positionsTensor(values, index.shape, n), 'TakeBackward0');
}

/** The elements of x where mask (broadcast together with x) is true, as a 1-D tensor. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== 'bool' && mask.dtype !== 'uint8') throw new Error('masked_select: expected BoolTensor or ByteTensor for mask');
  checkSameDevice([x, mask]);
  const shape = broadcastShape([x.shape, mask.shape]);
  const full = Tensor.empty(shape, 'bool');
  launchElementwise(E.copy, [mask.detach()], mask.dtype, 'bool', full);
  const bits = full.storage.typed('bool') as Uint8Array;
  const picked: number[] = [];
  for (let k = 0; k < bits.length; k++) if (bits[k]) picked.push(k);
  const positions = positionsTensor(Float64Array.from(picked), [picked.length], bits.length);
  // reading through expand gives the gradient its sum over broadcast axes
  return takeAt(expand(x, shape), positions, 'MaskedSelectBackward0');
}

export interface IndexAddOptions {
  /** Multiplier for source. */
  alpha?: number;
}

/** A copy of x with alpha * source's slices added along dim at `index` (repeats sum), as torch.index_add. */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, options: IndexAddOptions = {}): Tensor {
  checkSameDevice([x, index, source]);
  const d = wrapDim(dim, x.ndim);
  const xs = nonEmpty(x.shape);
  const ss = nonEmpty(source.shape);
  const values = vectorIndex(index, 'index_add_', xs[d]!);
  if (source.dtype !== x.dtype) {
    throw new Error(`index_add_(): self (${torchTypeName(x.dtype)}) and source (${torchTypeName(source.dtype)}) must have the same scalar type`);
  }
  if (values.length !== (ss[d] ?? 1)) {
    throw new Error(`index_add_(): Number of indices (${values.length}) should be equal to source.size(dim): (${ss[d] ?? 1}), for dim: ${d}`);
  }
  const xSlice = xs.filter((_, k) => k !== d);
  const sSlice = ss.filter((_, k) => k !== d);
  const bad = sSlice.findIndex((n, k) => n !== xSlice[k]);
  if (sSlice.length !== xSlice.length || bad >= 0) {
    throw new Error(`index_add_(): Source/destination tensor must have same slice shapes. Destination slice shape: [${xSlice.join(', ')}] and source slice shape: [${sSlice.join(', ')}]`);
  }
  const alpha = options.alpha ?? 1;
  const scaled = alpha === 1 ? source : mul(source, alpha);
  const positions = positionsTensor(slicesAlong(xs, ss, d, values), source.shape, x.numel());
  return add(x, addAt(scaled, positions, x.shape, 'IndexAddBackward0'));
}

export function indexAdd_<T extends Tensor>(x: T, dim: number, index: Tensor, source: Tensor, options: IndexAddOptions = {}): T {
  return inPlace(x, indexAdd(x, dim, index, source, options));
}
