/**
 * Joining, splitting and rearranging arrays: concatenate, stack and its variants, split and its
 * variants, flip, tile, repeat, atleast1d/2d/3d. Joining, tile and repeat always copy (the result
 * dtype is NumPy's result_type of the inputs); split and flip return views, as in NumPy.
 */
import { type DType, type DTypeLike, dtypeInfo, promoteTypes, resultType, toNumpyDType } from '../core/dtype.js';
import { IndexError, KilnTypeError, ValueError, ZeroDivisionError } from '../core/errors.js';
import { normalizeAxis, shapesEqual, sizeOf } from '../core/shape.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { asarray, copyInto } from './convert.js';

export interface ConcatenateOptions {
  /** The axis to join along (default 0); null flattens every input first. */
  axis?: number | null;
  /** The result dtype (inputs are cast with 'same_kind' casting). */
  dtype?: DTypeLike;
  /** Write the result here; it must have the result's shape. */
  out?: NDArray;
}

export interface StackOptions {
  dtype?: DTypeLike;
}

export interface SplitOptions {
  axis?: number;
}

/** NumPy's 'same_kind' casting: safe casts, or casts within a kind or towards a higher kind. */
function canCastSameKind(from: DType, to: DType): boolean {
  const rank = { b: 0, u: 1, i: 2, f: 3, c: 4 } as const;
  return promoteTypes(from, to) === to || rank[dtypeInfo(from).kind] <= rank[dtypeInfo(to).kind];
}

/** `seq[i]` for a Python tuple: negative indices count from the end, others raise IndexError. */
function pyIndex(i: number, length: number): number {
  if (!Number.isInteger(i)) throw new KilnTypeError('tuple indices must be integers or slices, not float');
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw new IndexError('tuple index out of range');
  return j;
}

/** The view `a[..., start:stop, ...]` on one axis, with Python's clamping of slice bounds. */
function sliceAxis(a: NDArray, axis: number, start: number, stop: number): NDArray {
  const n = a.shape[axis]!;
  const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const lo = clamp(start);
  const length = Math.max(0, clamp(stop) - lo);
  const shape = [...a.shape];
  shape[axis] = length;
  return a.makeView(shape, a.elementStrides, a.offset + (length > 0 ? lo * a.elementStrides[axis]! : 0));
}

// ---- joining ------------------------------------------------------------------------------------

/** np.concatenate: joins arrays along an existing axis (null: flattens them first). Always copies. */
export function concatenate(arrays: readonly ArrayLike[], options: ConcatenateOptions = {}): NDArray {
  if (options.out !== undefined && options.dtype !== undefined) {
    throw new KilnTypeError('concatenate() only takes `out` or `dtype` as an argument, but both were provided.');
  }
  let xs = arrays.map((a) => asarray(a));
  if (xs.length === 0) throw new ValueError('need at least one array to concatenate');
  let axis = 0;
  if (options.axis === null) xs = xs.map((x) => x.ravel());
  else {
    const ndim = xs[0]!.ndim;
    if (ndim === 0) throw new ValueError('zero-dimensional arrays cannot be concatenated');
    axis = normalizeAxis(options.axis ?? 0, ndim);
  }
  const first = xs[0]!;
  const shape = [...first.shape];
  xs.forEach((x, i) => {
    if (i === 0) return;
    if (x.ndim !== first.ndim) {
      throw new ValueError(
        `all the input arrays must have same number of dimensions, but the array at index 0 has ${first.ndim} dimension(s) and the array at index ${i} has ${x.ndim} dimension(s)`,
      );
    }
    for (let d = 0; d < shape.length; d++) {
      if (d === axis) shape[d]! += x.shape[d]!;
      else if (shape[d] !== x.shape[d]) {
        throw new ValueError(
          `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${shape[d]} and the array at index ${i} has size ${x.shape[d]}`,
        );
      }
    }
  });
  const out = options.out;
  const dtype = out?.dtype ?? (options.dtype !== undefined ? toNumpyDType(options.dtype) : resultType(...xs.map((x) => x.dtype)));
  for (const x of xs) {
    if (!canCastSameKind(x.dtype, dtype)) {
      throw new KilnTypeError(`Cannot cast array data from dtype('${x.dtype}') to dtype('${dtype}') according to the rule 'same_kind'`);
    }
  }
  if (out && !shapesEqual(out.shape, shape)) throw new ValueError('Output array is the wrong shape');
  const result = out ?? NDArray.empty(shape, dtype);
  let position = 0;
  for (const x of xs) {
    const length = x.shape[axis]!;
    if (x.size > 0) {
      const src = out && x.storage === out.storage ? x.copy() : x; // an input may overlap the output
      copyInto(sliceAxis(result, axis, position, position + length), src);
    }
    position += length;
  }
  if (out) out.storage.version++;
  return result;
}

/** np.stack: joins same-shaped arrays along a new axis. */
export function stack(arrays: readonly ArrayLike[], options: { axis?: number; dtype?: DTypeLike; out?: NDArray } = {}): NDArray {
  const xs = arrays.map((a) => asarray(a));
  if (xs.length === 0) throw new ValueError('need at least one array to stack');
  if (xs.some((x) => !shapesEqual(x.shape, xs[0]!.shape))) throw new ValueError('all input arrays must have the same shape');
  const axis = normalizeAxis(options.axis ?? 0, xs[0]!.ndim + 1);
  return concatenate(xs.map((x) => x.expandDims(axis)), { axis, dtype: options.dtype, out: options.out });
}

/** np.vstack: stacks rows (1-D arrays become rows) along the first axis. */
export function vstack(arrays: readonly ArrayLike[], options: StackOptions = {}): NDArray {
  return concatenate(arrays.map((a) => atleast2d(a)), { axis: 0, dtype: options.dtype });
}

/** np.hstack: joins 1-D arrays end to end, others along the second axis. */
export function hstack(arrays: readonly ArrayLike[], options: StackOptions = {}): NDArray {
  const xs = arrays.map((a) => atleast1d(a));
  const axis = xs.length > 0 && xs[0]!.ndim === 1 ? 0 : 1;
  return concatenate(xs, { axis, dtype: options.dtype });
}

/** np.dstack: joins along the third axis (1-D (N,) becomes (1,N,1), 2-D (M,N) becomes (M,N,1)). */
export function dstack(arrays: readonly ArrayLike[]): NDArray {
  return concatenate(arrays.map((a) => atleast3d(a)), { axis: 2 });
}

/** np.column_stack: 1-D arrays become columns, then everything joins along the second axis. */
export function columnStack(arrays: readonly ArrayLike[]): NDArray {
  const xs = arrays.map((a) => {
    const x = asarray(a);
    return x.ndim < 2 ? atleast2d(x).T : x;
  });
  return concatenate(xs, { axis: 1 });
}

// ---- dimensions ---------------------------------------------------------------------------------

/** A view with at least `ndim` dimensions, inserting unit axes at the given positions. */
function atleast(ndim: number, positions: Record<number, number[]>) {
  return (a: ArrayLike): NDArray => {
    const x = asarray(a);
    return x.ndim >= ndim ? x : x.expandDims(positions[x.ndim]!);
  };
}
const to1d = atleast(1, { 0: [0] });
const to2d = atleast(2, { 0: [0, 1], 1: [0] });
const to3d = atleast(3, { 0: [0, 1, 2], 1: [0, 2], 2: [2] });

/** np.atleast_1d: one array gives one view; several give a list. */
export function atleast1d(array: ArrayLike): NDArray;
export function atleast1d(...arrays: ArrayLike[]): NDArray[];
export function atleast1d(...arrays: ArrayLike[]): NDArray | NDArray[] {
  return arrays.length === 1 ? to1d(arrays[0]!) : arrays.map(to1d);
}

/** np.atleast_2d: 0-d becomes (1,1), 1-D (N,) becomes (1,N). */
export function atleast2d(array: ArrayLike): NDArray;
export function atleast2d(...arrays: ArrayLike[]): NDArray[];
export function atleast2d(...arrays: ArrayLike[]): NDArray | NDArray[] {
  return arrays.length === 1 ? to2d(arrays[0]!) : arrays.map(to2d);
}

/** np.atleast_3d: 0-d becomes (1,1,1), (N,) becomes (1,N,1), (M,N) becomes (M,N,1). */
export function atleast3d(array: ArrayLike): NDArray;
export function atleast3d(...arrays: ArrayLike[]): NDArray[];
export function atleast3d(...arrays: ArrayLike[]): NDArray | NDArray[] {
  return arrays.length === 1 ? to3d(arrays[0]!) : arrays.map(to3d);
}

// ---- splitting ----------------------------------------------------------------------------------

type Sections = number | readonly number[] | NDArray;

const axisOf = (options: number | SplitOptions | undefined): number =>
  (typeof options === 'number' ? options : options?.axis) ?? 0;

/**
 * np.array_split: views of `a` split into `sections` nearly equal parts (the first `size % sections`
 * one longer), or at the given indices (Python slice rules: out-of-range indices clamp).
 */
export function arraySplit(a: ArrayLike, indicesOrSections: Sections, options?: number | SplitOptions): NDArray[] {
  const x = asarray(a);
  const axis = pyIndex(axisOf(options), x.ndim);
  const total = x.shape[axis]!;
  let points: number[];
  if (typeof indicesOrSections === 'number') {
    const sections = Math.trunc(indicesOrSections);
    if (sections <= 0) throw new ValueError('number sections must be larger than 0.');
    const each = Math.floor(total / sections);
    const extras = total % sections;
    points = [0];
    for (let i = 0; i < sections; i++) points.push(points[i]! + each + (i < extras ? 1 : 0));
  } else {
    const list = indicesOrSections instanceof NDArray ? indicesOrSections.toArray().map(Number) : [...indicesOrSections];
    points = [0, ...list, total];
  }
  const parts: NDArray[] = [];
  for (let i = 0; i + 1 < points.length; i++) parts.push(sliceAxis(x, axis, points[i]!, points[i + 1]!));
  return parts;
}

/** np.split: like arraySplit, but a number of sections must divide the axis exactly. */
export function split(a: ArrayLike, indicesOrSections: Sections, options?: number | SplitOptions): NDArray[] {
  if (typeof indicesOrSections === 'number') {
    const x = asarray(a);
    const total = x.shape[pyIndex(axisOf(options), x.ndim)]!;
    if (indicesOrSections === 0) throw new ZeroDivisionError('integer modulo by zero');
    // Python's modulo takes the divisor's sign
    const rem = ((total % indicesOrSections) + indicesOrSections) % indicesOrSections;
    if (rem !== 0) throw new ValueError('array split does not result in an equal division');
  }
  return arraySplit(a, indicesOrSections, options);
}

/** np.hsplit: splits along the second axis (the first for 1-D arrays). */
export function hsplit(a: ArrayLike, indicesOrSections: Sections): NDArray[] {
  const x = asarray(a);
  if (x.ndim === 0) throw new ValueError('hsplit only works on arrays of 1 or more dimensions');
  return split(x, indicesOrSections, { axis: x.ndim > 1 ? 1 : 0 });
}

/** np.vsplit: splits along the first axis of an array of 2 or more dimensions. */
export function vsplit(a: ArrayLike, indicesOrSections: Sections): NDArray[] {
  const x = asarray(a);
  if (x.ndim < 2) throw new ValueError('vsplit only works on arrays of 2 or more dimensions');
  return split(x, indicesOrSections, { axis: 0 });
}

/** np.dsplit: splits along the third axis of an array of 3 or more dimensions. */
export function dsplit(a: ArrayLike, indicesOrSections: Sections): NDArray[] {
  const x = asarray(a);
  if (x.ndim < 3) throw new ValueError('dsplit only works on arrays of 3 or more dimensions');
  return split(x, indicesOrSections, { axis: 2 });
}

// ---- rearranging --------------------------------------------------------------------------------

/** np.flip: a view with the order of elements reversed along the given axes (all by default). */
export function flip(a: ArrayLike, options: { axis?: number | readonly number[] | null } = {}): NDArray {
  const x = asarray(a);
  const list = options.axis == null ? x.shape.map((_, i) => i) : typeof options.axis === 'number' ? [options.axis] : [...options.axis];
  const axes = list.map((ax) => normalizeAxis(ax, x.ndim));
  if (new Set(axes).size !== axes.length) throw new ValueError('repeated axis');
  const strides = [...x.elementStrides];
  let offset = x.offset;
  for (const ax of axes) {
    if (x.shape[ax]! > 0) offset += (x.shape[ax]! - 1) * strides[ax]!;
    strides[ax] = -strides[ax]!;
  }
  return x.makeView(x.shape, strides, offset);
}

/** np.fliplr: reverses the second axis. */
export function fliplr(a: ArrayLike): NDArray {
  const x = asarray(a);
  if (x.ndim < 2) throw new ValueError('Input must be >= 2-d.');
  return flip(x, { axis: 1 });
}

/** np.flipud: reverses the first axis. */
export function flipud(a: ArrayLike): NDArray {
  const x = asarray(a);
  if (x.ndim < 1) throw new ValueError('Input must be >= 1-d.');
  return flip(x, { axis: 0 });
}

function checkCount(n: number): void {
  if (!Number.isInteger(n)) throw new KilnTypeError(`'${n}' cannot be interpreted as an integer`);
}

/** np.tile: the array repeated `reps` times along each axis (reps and a.ndim are aligned right). */
export function tile(a: ArrayLike, reps: number | readonly number[]): NDArray {
  let x = asarray(a);
  let tup = typeof reps === 'number' ? [reps] : [...reps];
  tup.forEach(checkCount);
  if (tup.some((r) => r < 0)) throw new ValueError('negative dimensions are not allowed');
  if (x.ndim < tup.length) x = x.expandDims(Array.from({ length: tup.length - x.ndim }, (_, i) => i));
  if (tup.length < x.ndim) tup = [...new Array<number>(x.ndim - tup.length).fill(1), ...tup];
  // a view of shape (r0, s0, r1, s1, ...) with zero strides on the repeat axes, copied once
  const shape: number[] = [];
  const strides: number[] = [];
  x.shape.forEach((s, i) => {
    shape.push(tup[i]!, s);
    strides.push(0, x.elementStrides[i]!);
  });
  const out = NDArray.empty(shape, x.dtype);
  copyInto(out, x.makeView(shape, strides, x.offset));
  return out.reshape(x.shape.map((s, i) => s * tup[i]!));
}

/**
 * np.repeat: each element repeated `repeats` times along `axis` (flattened when axis is omitted);
 * `repeats` is a count or one count per element along the axis.
 */
export function repeat(a: ArrayLike, repeats: number | readonly number[] | NDArray, options: { axis?: number | null } = {}): NDArray {
  let x = asarray(a);
  let axis = 0;
  if (options.axis == null) x = x.ravel();
  else {
    if (x.ndim === 0) x = x.reshape(1); // NumPy treats a 0-d array as 1-D when an axis is given
    axis = normalizeAxis(options.axis, x.ndim);
  }
  const n = x.shape[axis]!;
  if (typeof repeats === 'number') {
    checkCount(repeats);
    if (repeats < 0) throw new ValueError('negative dimensions are not allowed');
    // a view with a zero-stride axis of length `repeats` after `axis`, copied once
    const shape = [...x.shape.slice(0, axis + 1), repeats, ...x.shape.slice(axis + 1)];
    const strides = [...x.elementStrides.slice(0, axis + 1), 0, ...x.elementStrides.slice(axis + 1)];
    const out = NDArray.empty(shape, x.dtype);
    copyInto(out, x.makeView(shape, strides, x.offset));
    return out.reshape(x.shape.map((s, i) => (i === axis ? s * repeats : s)));
  }
  const counts = repeats instanceof NDArray ? repeats.toArray().map(Number) : [...repeats];
  if (counts.length === 1) return repeat(x, counts[0]!, { axis }); // one count applies to every element
  counts.forEach(checkCount);
  if (counts.length !== n) throw new ValueError(`operands could not be broadcast together with shape (${n},) (${counts.length},)`);
  if (counts.some((c) => c < 0)) throw new ValueError('repeats may not contain negative values.');
  const shape = [...x.shape];
  shape[axis] = counts.reduce((s, c) => s + c, 0);
  const out = NDArray.empty(shape, x.dtype);
  if (sizeOf(shape) === 0) return out;
  let position = 0;
  counts.forEach((c, i) => {
    if (c === 0) return;
    copyInto(sliceAxis(out, axis, position, position + c), sliceAxis(x, axis, i, i + 1));
    position += c;
  });
  return out;
}
