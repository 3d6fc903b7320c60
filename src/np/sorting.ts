/**
 * Sorting and searching: sort, argsort, partition, argpartition, lexsort, unique, nonzero,
 * flatnonzero, argwhere, countNonzero, searchsorted.
 *
 * kiln's sorts are always stable (NumPy's default quicksort is not, so `argsort` agrees with
 * NumPy's `kind='stable'`); every `kind` is accepted and gives the stable order. NaN sorts last,
 * -0.0 and 0.0 compare equal. Sorting runs in the backend's sort kernel; the ops whose result
 * size depends on the data (unique, nonzero, searchsorted, lexsort) read their sorted or
 * boolean input back on the host and build the result there.
 */
import { type DType, isComplex, isInteger, promoteTypes } from '../core/dtype.js';
import { KilnTypeError, ValueError } from '../core/errors.js';
import { fromHalfBits } from '../core/float16.js';
import { normalizeAxis, shapesEqual, sizeOf } from '../core/shape.js';
import { backendFor } from '../backend/backend.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { asarray } from './convert.js';
import { sum } from './reductions.js';

export interface SortOptions {
  /** The axis to sort along (default -1); null sorts the flattened array. */
  axis?: number | null;
  /** Accepted for NumPy compatibility; kiln's sort is always stable. */
  kind?: string;
  /** Accepted for NumPy compatibility; kiln's sort is always stable. */
  stable?: boolean;
}

export interface PartitionOptions {
  axis?: number | null;
  /** Only 'introselect', as NumPy. */
  kind?: string;
}

export interface UniqueOptions {
  /** Also return the index of each unique value's first occurrence. */
  returnIndex?: boolean;
  /** Also return the indices that rebuild the input from the unique values. */
  returnInverse?: boolean;
  /** Also return how often each unique value occurs. */
  returnCounts?: boolean;
  /** Find unique slices along this axis instead of unique elements of the flattened array. */
  axis?: number | null;
  /** Collapse all NaNs into one (default true, as NumPy 2). */
  equalNan?: boolean;
  /** Accepted for NumPy compatibility; the result is always sorted. */
  sorted?: boolean;
}

export interface SearchsortedOptions {
  /** 'left' gives the first suitable position, 'right' the last. */
  side?: 'left' | 'right';
  /** Integer indices that sort `a` into ascending order (e.g. from argsort). */
  sorter?: ArrayLike;
}

export interface CountNonzeroOptions {
  axis?: number | readonly number[] | null;
  keepdims?: boolean;
}

type Raw = { [i: number]: number | bigint; length: number };
type Scalar = number | bigint;
/** A read-only indexed sequence (JS's ArrayLike; that name is taken by NumPy's array-likes here). */
type Seq<T> = { readonly length: number; readonly [i: number]: T };

// ---- helpers --------------------------------------------------------------------------------

/** NumPy's check of `kind` (it looks at the first letter only). */
function checkSortKind(options: SortOptions): void {
  if (options.kind != null && options.stable != null) {
    throw new ValueError("`kind` and keyword parameters can't be provided at the same time. Use only one of them.");
  }
  if (options.kind != null && !/^[qhms]/i.test(options.kind)) {
    throw new ValueError(`sort kind must be one of 'quick', 'heap', or 'stable' (got '${options.kind}')`);
  }
}

/** Runs the backend's stable sort along `axis`, into new arrays (values, int64 indices). */
function sortAlong(x: NDArray, axis: number, wantValues: boolean, wantIndices: boolean): [NDArray, NDArray] {
  const values = NDArray.empty(wantValues ? x.shape : [0], x.dtype);
  const indices = NDArray.empty(wantIndices ? x.shape : [0], 'int64');
  backendFor(x).sort(
    x.swapaxes(axis, -1),
    wantValues ? values.swapaxes(axis, -1) : null,
    wantIndices ? indices.swapaxes(axis, -1) : null,
  );
  return [values, indices];
}

/**
 * x's elements in C order, read on the host: numbers (float16 decoded), or BigInt for 64-bit
 * integers. A contiguous array is read in place; others are copied first.
 */
function hostElements(x: NDArray): Seq<Scalar> {
  if (isComplex(x.dtype)) throw new KilnTypeError('this function does not support complex arrays in kiln yet');
  const c = x.isContiguous ? x : x.copy();
  const raw = c.storage.typed(c.dtype).subarray(c.offset, c.offset + c.size);
  return c.dtype === 'float16' ? Float64Array.from(raw as Uint16Array, fromHalfBits) : raw;
}

/** An int64 array of `shape` holding `values` (C order). */
function int64Array(values: Seq<number>, shape: readonly number[]): NDArray {
  const out = NDArray.empty(shape, 'int64');
  const dst = out.storage.typed('int64') as BigInt64Array;
  for (let i = 0; i < values.length; i++) dst[i] = BigInt(values[i]!);
  return out;
}

/** NumPy's sort order for one dtype's values: NaN after everything else. */
function less(a: Scalar, b: Scalar): boolean {
  return a < b || (b !== b && a === a);
}

function compareScalars(a: Scalar, b: Scalar): number {
  return less(a, b) ? -1 : less(b, a) ? 1 : 0;
}

/** x's truth values in C order, one byte each (the cast kernel applies NumPy's test: NaN is true). */
function truthBytes(x: NDArray): Uint8Array {
  return x.astype('bool').storage.typed('bool') as Uint8Array;
}

/** Flat C-order positions of the nonzero (truthy) elements of x. */
function truePositions(x: NDArray): number[] {
  const bits = truthBytes(x);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i++) if (bits[i]) out.push(i);
  return out;
}

// ---- sorting --------------------------------------------------------------------------------

/** A sorted copy along `axis` (default -1; null flattens). Stable; NaN last. */
export function sort(a: ArrayLike, options: SortOptions = {}): NDArray {
  checkSortKind(options);
  let x = asarray(a);
  let axis = options.axis === undefined ? -1 : options.axis;
  if (axis === null) {
    x = x.ravel();
    axis = 0;
  }
  return sortAlong(x, normalizeAxis(axis, x.ndim), true, false)[0];
}

/** The int64 indices that sort `a` along `axis` (default -1; null flattens). Always stable. */
export function argsort(a: ArrayLike, options: SortOptions = {}): NDArray {
  checkSortKind(options);
  let x = asarray(a);
  let axis = options.axis === undefined ? -1 : options.axis;
  // NumPy treats a 0-d array as 1-d here (and flattens for axis=None)
  if (axis === null || x.ndim === 0) x = x.ravel();
  if (axis === null) axis = 0;
  return sortAlong(x, normalizeAxis(axis, x.ndim), false, true)[1];
}

/** Validates kth against an axis of length n, with NumPy's messages. */
function checkKth(kth: number | readonly number[], n: number): void {
  for (const k of typeof kth === 'number' ? [kth] : kth) {
    if (!Number.isInteger(k)) throw new KilnTypeError('Partition index must be integer');
    const kk = k < 0 ? k + n : k;
    if (kk < 0 || kk >= n) throw new ValueError(`kth(=${kk}) out of bounds (${n})`);
  }
}

function partitionArgs(a: ArrayLike, kth: number | readonly number[], options: PartitionOptions, flattenZeroD: boolean): [NDArray, number] {
  if (options.kind !== undefined && options.kind !== 'introselect') {
    throw new ValueError(`select kind must be 'introselect' (got '${options.kind}')`);
  }
  let x = asarray(a);
  let axis = options.axis === undefined ? -1 : options.axis;
  if (axis === null || (flattenZeroD && x.ndim === 0)) x = x.ravel();
  if (axis === null) axis = 0;
  const ax = normalizeAxis(axis, x.ndim);
  checkKth(kth, x.shape[ax]!);
  return [x, ax];
}

/**
 * np.partition: the element at each kth position is where a sort would put it, smaller ones
 * before and larger ones after. kiln returns the fully sorted array, which satisfies this.
 */
export function partition(a: ArrayLike, kth: number | readonly number[], options: PartitionOptions = {}): NDArray {
  const [x, ax] = partitionArgs(a, kth, options, false);
  return sortAlong(x, ax, true, false)[0];
}

/** np.argpartition: indices that partition `a` (kiln returns the stable sorting indices). */
export function argpartition(a: ArrayLike, kth: number | readonly number[], options: PartitionOptions = {}): NDArray {
  const [x, ax] = partitionArgs(a, kth, options, true);
  return sortAlong(x, ax, false, true)[1];
}

/**
 * np.lexsort: indices that sort by several keys, the last key primary. `keys` is a list of
 * arrays of one shape, or an array whose first axis lists the keys.
 */
export function lexsort(keys: ArrayLike | readonly ArrayLike[], options: { axis?: number } = {}): NDArray {
  let list: NDArray[];
  if (keys instanceof NDArray) {
    list = keys.ndim === 0 ? [] : Array.from({ length: keys.shape[0]! }, (_, i) =>
      keys.makeView(keys.shape.slice(1), keys.elementStrides.slice(1), keys.offset + i * keys.elementStrides[0]!));
  } else if (Array.isArray(keys)) {
    list = (keys as readonly ArrayLike[]).map((k) => asarray(k));
  } else {
    list = [];
  }
  if (list.length === 0) throw new KilnTypeError('need sequence of keys with len > 0 in lexsort');
  const shape = list[0]!.shape;
  if (list.some((k) => !shapesEqual(k.shape, shape))) throw new ValueError('all keys need to be the same shape');
  if (shape.length === 0) return int64Array([0], []);
  const axis = normalizeAxis(options.axis ?? -1, shape.length);
  // each key with the sorted axis last, in C order, so lane l is the slice [l*n, (l+1)*n)
  const data = list.map((k) => hostElements(k.moveaxis(axis, -1)));
  const n = shape[axis]!;
  const lanes = n === 0 ? 0 : sizeOf(shape) / n;
  const result = new Float64Array(sizeOf(shape));
  const order: number[] = new Array(n);
  for (let l = 0; l < lanes; l++) {
    const base = l * n;
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((i, j) => {
      for (let k = data.length - 1; k >= 0; k--) {
        const c = compareScalars(data[k]![base + i]!, data[k]![base + j]!);
        if (c !== 0) return c;
      }
      return 0;
    });
    for (let i = 0; i < n; i++) result[base + i] = order[i]!;
  }
  const moved = [...shape.slice(0, axis), ...shape.slice(axis + 1), n];
  return int64Array(result, moved).moveaxis(-1, axis);
}

// ---- unique ---------------------------------------------------------------------------------

export function unique(
  a: ArrayLike, options?: UniqueOptions & { returnIndex?: false; returnInverse?: false; returnCounts?: false },
): NDArray;
export function unique(
  a: ArrayLike, options: UniqueOptions & ({ returnIndex: true } | { returnInverse: true } | { returnCounts: true }),
): NDArray[];
export function unique(a: ArrayLike, options?: UniqueOptions): NDArray | NDArray[];
/**
 * np.unique: the sorted unique elements of the flattened array (or unique slices along `axis`),
 * plus, when asked, in NumPy's order: first-occurrence indices, the inverse, and counts.
 */
export function unique(a: ArrayLike, options: UniqueOptions = {}): NDArray | NDArray[] {
  const x = asarray(a);
  const needOrder = Boolean(options.returnIndex || options.returnInverse);
  const parts = options.axis == null ? uniqueFlat(x, options.equalNan ?? true, needOrder) : uniqueAlong(x, options.axis);
  const extras = [
    options.returnIndex ? parts.index() : null,
    options.returnInverse ? parts.inverse() : null,
    options.returnCounts ? parts.counts() : null,
  ].filter((e): e is NDArray => e !== null);
  return extras.length === 0 ? parts.values : [parts.values, ...extras];
}

interface UniqueParts {
  values: NDArray;
  index: () => NDArray;
  inverse: () => NDArray;
  counts: () => NDArray;
}

/**
 * Shared by both forms of unique: given the stable sorting order of n items (`at(i)` is the
 * position of the i-th smallest) and where in that order each group starts, builds index,
 * inverse and counts.
 */
function groupParts(values: NDArray, at: (i: number) => number, starts: number[], n: number, inverseShape: readonly number[]): UniqueParts {
  return {
    values,
    index: () => int64Array(starts.map((s) => at(s)), [starts.length]),
    inverse: () => {
      const inv = new Float64Array(n);
      let group = -1;
      let next = 0;
      for (let i = 0; i < n; i++) {
        if (next < starts.length && starts[next] === i) {
          group++;
          next++;
        }
        inv[at(i)] = group;
      }
      return int64Array(inv, inverseShape);
    },
    counts: () => int64Array(starts.map((s, g) => (starts[g + 1] ?? n) - s), [starts.length]),
  };
}

/** unique of the flattened array; the sorting order is only computed when index or inverse need it. */
function uniqueFlat(x: NDArray, equalNan: boolean, needOrder: boolean): UniqueParts {
  const flat = x.ravel();
  const n = flat.size;
  // at(i) is the position in `source` of the i-th smallest item
  let source: NDArray;
  let at: (i: number) => number;
  if (needOrder) {
    source = flat.isContiguous ? flat : flat.copy();
    const order = Array.from(hostElements(sortAlong(flat, 0, false, true)[1]), Number);
    at = (i) => order[i]!;
  } else {
    source = sortAlong(flat, 0, true, false)[0];
    at = (i) => i;
  }
  const src = hostElements(source);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = src[at(i)]!;
    const prev = i > 0 ? src[at(i - 1)]! : undefined;
    const same = prev !== undefined && (v === prev || (equalNan && v !== v && prev !== prev));
    if (!same) starts.push(i);
  }
  // copy the raw elements (keeps float16 bits and int64 exact)
  const raw = source.storage.typed(source.dtype) as unknown as Raw;
  const values = NDArray.empty([starts.length], x.dtype);
  const dst = values.storage.typed(x.dtype) as unknown as Raw;
  starts.forEach((s, g) => (dst[g] = raw[source.offset + at(s)]!));
  return groupParts(values, at, starts, n, x.shape);
}

/** unique(a, {axis}): unique slices along axis, compared element by element (NaN never equal). */
function uniqueAlong(x: NDArray, axis: number): UniqueParts {
  const ax = normalizeAxis(axis, x.ndim);
  const moved = x.moveaxis(ax, 0).copy(); // rows are the slices, contiguous
  const n = moved.shape[0]!;
  const rest = moved.shape.slice(1);
  const rowLen = sizeOf(rest);
  const data = hostElements(moved);
  const compareRows = (i: number, j: number): number => {
    for (let k = 0; k < rowLen; k++) {
      const c = compareScalars(data[i * rowLen + k]!, data[j * rowLen + k]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  const rowsEqual = (i: number, j: number): boolean => {
    for (let k = 0; k < rowLen; k++) if (data[i * rowLen + k] !== data[j * rowLen + k]) return false;
    return true;
  };
  const order = Array.from({ length: n }, (_, i) => i).sort(compareRows);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || !rowsEqual(order[i]!, order[i - 1]!)) starts.push(i);
  const raw = moved.storage.typed(moved.dtype) as unknown as Raw;
  const out = NDArray.empty([starts.length, ...rest], x.dtype);
  const dst = out.storage.typed(x.dtype) as unknown as Raw;
  starts.forEach((s, g) => {
    for (let k = 0; k < rowLen; k++) dst[g * rowLen + k] = raw[order[s]! * rowLen + k]!;
  });
  return groupParts(out.moveaxis(0, ax), (i) => order[i]!, starts, n, [n]);
}

// ---- nonzero and friends --------------------------------------------------------------------

/** The int64 indices of the nonzero elements, one array per axis (np.nonzero). */
export function nonzero(a: ArrayLike): NDArray[] {
  const x = asarray(a);
  if (x.ndim === 0) {
    throw new ValueError('Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.');
  }
  const flat = truePositions(x);
  const coords = x.shape.map(() => new Float64Array(flat.length));
  flat.forEach((p, k) => {
    for (let d = x.ndim - 1; d >= 0; d--) {
      coords[d]![k] = p % x.shape[d]!;
      p = Math.floor(p / x.shape[d]!);
    }
  });
  return coords.map((c) => int64Array(c, [flat.length]));
}

/** Indices of the nonzero elements of the flattened array (np.flatnonzero). */
export function flatnonzero(a: ArrayLike): NDArray {
  const positions = truePositions(asarray(a).ravel());
  return int64Array(positions, [positions.length]);
}

/** The indices of the nonzero elements, one row per element: shape (N, ndim) (np.argwhere). */
export function argwhere(a: ArrayLike): NDArray {
  const x = asarray(a);
  if (x.ndim === 0) return NDArray.empty([truePositions(x).length, 0], 'int64');
  const coords = nonzero(x);
  const count = coords[0]!.size;
  // (ndim, N) transposed to (N, ndim), then made contiguous
  return stackColumns(coords, count);
}

function stackColumns(columns: NDArray[], count: number): NDArray {
  const out = NDArray.empty([count, columns.length], 'int64');
  const dst = out.storage.typed('int64') as BigInt64Array;
  columns.forEach((col, d) => {
    const src = col.storage.typed('int64') as BigInt64Array;
    for (let k = 0; k < count; k++) dst[k * columns.length + d] = src[k]!;
  });
  return out;
}

/** How many elements are nonzero: a number over all axes, an int64 array with `axis`. */
export function countNonzero(a: ArrayLike, options: CountNonzeroOptions = {}): NDArray | number {
  const x = asarray(a);
  if (options.axis == null && !options.keepdims) {
    const bits = truthBytes(x);
    let count = 0;
    for (let i = 0; i < bits.length; i++) count += bits[i]!;
    return count;
  }
  return sum(x.astype('bool'), { axis: options.axis ?? null, keepdims: options.keepdims ?? false, dtype: 'int64' }) as NDArray | number;
}

// ---- searchsorted ---------------------------------------------------------------------------

/** np.asarray of a Python scalar: an integer past int64's range becomes uint64. */
function asarrayLikePython(v: ArrayLike): NDArray {
  const whole = typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
  return whole && (v as number | bigint) >= 2 ** 63 ? asarray(v, { dtype: 'uint64' }) : asarray(v);
}

export function searchsorted(a: ArrayLike, v: number | boolean | bigint, options?: SearchsortedOptions): number;
export function searchsorted(a: ArrayLike, v: ArrayLike, options?: SearchsortedOptions): NDArray;
/**
 * Where `v` would be inserted into the ascending 1-D `a` to keep it sorted (np.searchsorted):
 * a number for a scalar `v`, an int64 array of v's shape otherwise. `a` and `v` are compared in
 * their common dtype, with NaN sorting last.
 */
export function searchsorted(a: ArrayLike, v: ArrayLike, options: SearchsortedOptions = {}): NDArray | number {
  const side = options.side ?? 'left';
  if (side !== 'left' && side !== 'right') throw new ValueError(`search side must be 'left' or 'right' (got '${String(side)}')`);
  const arr = asarray(a);
  if (arr.ndim === 0) throw new ValueError('object of too small depth for desired array');
  if (arr.ndim > 1) throw new ValueError('object too deep for desired array');
  const keys = asarrayLikePython(v);
  // NumPy converts a Python scalar v to an array first, so no NEP 50 weak promotion here
  const dtype: DType = promoteTypes(arr.dtype, keys.dtype);
  const hay = hostElements(arr.astype(dtype, { copy: false }));
  const needles = hostElements(keys.astype(dtype, { copy: false }));
  const n = hay.length;
  let sorter: number[] | null = null;
  if (options.sorter !== undefined) {
    const s = asarray(options.sorter);
    if (!isInteger(s.dtype)) throw new KilnTypeError('sorter must only contain integers');
    if (s.ndim !== 1) throw new KilnTypeError('could not parse sorter argument');
    if (s.size !== n) throw new ValueError('sorter.size must equal a.size');
    sorter = Array.from(hostElements(s), Number);
  }
  const at = (i: number): Scalar => {
    if (!sorter) return hay[i]!;
    const j = sorter[i]!;
    if (j < 0 || j >= n) throw new ValueError('Sorter index out of range.');
    return hay[j]!;
  };
  // 'left' finds the first position whose value is not less than the key, 'right' the first greater
  const before = side === 'left' ? less : (x: Scalar, y: Scalar) => !less(y, x);
  const out = new Float64Array(needles.length);
  // NumPy's search, including its hint: after a smaller key, the previous answer bounds the next
  let lo = 0;
  let hi = n;
  let last = needles[0];
  for (let k = 0; k < needles.length; k++) {
    const key = needles[k]!;
    if (before(last!, key)) hi = n;
    else {
      lo = 0;
      hi = hi < n ? hi + 1 : n;
    }
    last = key;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      if (before(at(mid), key)) lo = mid + 1;
      else hi = mid;
    }
    out[k] = lo;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return out[0]!;
  return int64Array(out, keys.shape);
}
