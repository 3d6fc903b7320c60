/**
 * NumPy indexing for NDArray.get / NDArray.set, with NumPy 2's rules.
 *
 * An index is first turned into items (integers, slices, new axes, '...', integer arrays, masks),
 * then resolved against the array into a selection:
 * - all integers: one element (a scalar);
 * - basic indexing (integers, slices, None, '...'): a strided view, made without touching elements;
 * - advanced indexing (integer arrays, masks): the element offsets of the result, in C order, which
 *   `get` gathers into a new array and `set` scatters into (later duplicates win, as in NumPy).
 */
import { type ComplexLike, isComplexLike } from '../core/complex.js';
import { dtypeInfo, integerRange, isComplex, isInteger, type DType } from '../core/dtype.js';
import { IndexError, KilnTypeError, OverflowError, ValueError, shapeString } from '../core/errors.js';
import { type ParsedItem, parseIndex, parseIndexItem, resolveSlice } from '../core/index-parser.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, sizeOf } from '../core/shape.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { array, asarray, copyInto, scalarArray } from './convert.js';
import { type Scalar, complexToRealError, readElement, readScalar, writeElement } from './elements.js';
import { mayShareMemory } from './views.js';

/** Nested JS lists of integers or booleans: an integer index array or a mask. */
export type IndexList = readonly (number | boolean | IndexList)[];
/**
 * One item of an index: an integer, a slice string (':', '1:3', '::-1'), null (new axis), '...',
 * an integer array (a list or an NDArray), or a boolean mask (a list or an NDArray). A boolean
 * on its own is a 0-d mask, as in NumPy.
 */
export type IndexItem = number | boolean | string | null | IndexList | NDArray;
/**
 * A whole index: NumPy's notation as a string ('1:3, ::2'), a single item, or one item per axis.
 * A list made only of booleans is a mask, as a Python list of booleans is.
 */
export type Index = string | number | NDArray | readonly IndexItem[];

/** An index item after parsing; integer arrays and masks are NDArrays. */
type Item =
  | { readonly kind: 'int'; readonly value: number; readonly fromArray?: boolean }
  | { readonly kind: 'slice'; readonly start: number | null; readonly stop: number | null; readonly step: number | null }
  | { readonly kind: 'newaxis' }
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'array'; readonly array: NDArray }
  | { readonly kind: 'mask'; readonly array: NDArray };

const ONLY_VALID =
  'only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices';

// ---- from the user's index to items ---------------------------------------------------------------

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

function toItems(index: Index): Item[] {
  if (typeof index === 'string') return parseCached(index).map(fromParsed);
  if (Array.isArray(index)) {
    const list = index as readonly IndexItem[];
    if (list.length > 0 && list.every((x) => typeof x === 'boolean')) return [listItem(list as IndexList)];
    return list.map(toItem);
  }
  return [toItem(index as IndexItem)];
}

function toItem(x: IndexItem): Item {
  if (typeof x === 'number') {
    if (!Number.isInteger(x)) throw new IndexError(ONLY_VALID);
    return { kind: 'int', value: x };
  }
  if (typeof x === 'string') {
    // a string item holds one item ('1:3', '...'); parseIndexItem explains when it does not
    const items = parseCached(x);
    return fromParsed(items.length === 1 ? items[0]! : parseIndexItem(x));
  }
  if (x === null) return { kind: 'newaxis' };
  if (typeof x === 'boolean') return { kind: 'mask', array: scalarArray(x, 'bool') };
  if (x instanceof NDArray) return arrayItem(x);
  if (Array.isArray(x)) return listItem(x as IndexList);
  throw new IndexError(ONLY_VALID);
}

function fromParsed(p: ParsedItem): Item {
  if (p.kind === 'bool') return { kind: 'mask', array: scalarArray(p.value, 'bool') };
  if (p.kind === 'list') return listItem(p.value);
  return p;
}

/** A JS list as NumPy treats a Python list: booleans make a mask, integers an index array. */
function listItem(list: IndexList): Item {
  if (list.length === 0) return { kind: 'array', array: NDArray.empty([0], 'int64') };
  const arr = array(list as number[]);
  if (arr.dtype === 'bool') return { kind: 'mask', array: arr };
  if (!isInteger(arr.dtype)) throw new IndexError(ONLY_VALID);
  return { kind: 'array', array: arr };
}

function arrayItem(a: NDArray): Item {
  if (a.dtype === 'bool') return { kind: 'mask', array: a };
  if (!isInteger(a.dtype)) throw new IndexError('arrays used as indices must be of integer (or boolean) type');
  // NumPy takes a 0-d integer array as an integer, except that the result is always a copy
  if (a.ndim === 0) return { kind: 'int', value: Number(readElement(a, a.offset)), fromArray: true };
  return { kind: 'array', array: a };
}

// ---- from items to a selection ---------------------------------------------------------------------

/** An advanced index (an integer array, or a mask over one or more axes) on the intermediate view. */
interface Advanced {
  /** The axes of the intermediate view it replaces. */
  readonly viewAxes: readonly number[];
  readonly shape: readonly number[];
  /** How many index arrays NumPy sees in it (a k-d mask is k of them), for the error message. */
  readonly arrays: number;
  /**
   * The storage offset it adds at each position of its shape, in C order. Integer arrays are read
   * and bounds-checked only when asked, so that errors come in NumPy's order.
   */
  readonly offsets: () => Float64Array;
}

type Selection =
  | { readonly kind: 'scalar'; readonly offset: number }
  /** Basic indexing; `copy` when a 0-d integer array was among the integers (NumPy copies then). */
  | { readonly kind: 'view'; readonly view: NDArray; readonly copy: boolean }
  | {
    readonly kind: 'advanced';
    readonly shape: number[];
    /** Storage offsets of the result's elements, in C order (bounds are checked when they are made). */
    readonly offsets: () => Float64Array;
    /** Set when the index is one mask over every axis: NumPy's own rules for the assigned value. */
    readonly fullMask: boolean;
  };

/** An index turned into items and checked as a whole against the array. */
interface Prepared {
  readonly items: Item[];
  /** How many axes the '...' stands for. */
  readonly ellipsisDims: number;
  /** Whether there are integer arrays or masks. */
  readonly advanced: boolean;
}

/**
 * The first of NumPy's checks, on the index as a whole: too many indices, a second '...', the
 * shapes of masks. Integers and slices are checked next, axis by axis (in `select`), then the
 * broadcast of the index arrays, and last (when `offsets` is called) their bounds.
 */
function prepare(a: NDArray, index: Index): Prepared {
  const items = toItems(index);
  let consumed = 0;
  let ellipses = 0;
  let advanced = false;
  for (const it of items) {
    if (it.kind === 'ellipsis') ellipses++;
    else if (it.kind === 'mask') {
      consumed += it.array.ndim;
      advanced = true;
    } else if (it.kind !== 'newaxis') {
      consumed++;
      if (it.kind === 'array') advanced = true;
    }
  }
  if (ellipses > 1) throw new IndexError("an index can only have a single ellipsis ('...')");
  if (consumed > a.ndim) {
    throw new IndexError(`too many indices for array: array is ${a.ndim}-dimensional, but ${consumed} were indexed`);
  }
  const ellipsisDims = a.ndim - consumed;
  if (advanced) checkMasks(a, items, ellipsisDims);
  return { items, ellipsisDims, advanced };
}

/**
 * Resolves a prepared index against `a`: one element, a view, or the offsets of a gather.
 * `beforeBroadcast` runs between the integers and slices and the index arrays' broadcast, where
 * NumPy converts the value of an advanced assignment.
 */
function select(a: NDArray, { items, ellipsisDims, advanced }: Prepared, beforeBroadcast?: () => void): Selection {
  if (!advanced && ellipsisDims === 0 && items.every((it) => it.kind === 'int')) {
    return { kind: 'scalar', offset: scalarOffset(a, items as { value: number }[]) };
  }

  // Walk the items, building a view that keeps the advanced axes (they are gathered later).
  const shape: number[] = [];
  const strides: number[] = [];
  const adv: Advanced[] = [];
  let advAxes = 0;
  let offset = a.offset;
  let axis = 0;
  // NumPy's rule for where the advanced dimensions go: in place of the advanced indices if these
  // (integers included) are all next to each other, else first. A '...' or None between splits them.
  let insertAt = 0;
  let run: 'before' | 'in' | 'after' | 'split' = 'before';
  const keepAxis = (n: number, stride: number): void => {
    shape.push(n);
    strides.push(stride);
  };
  const addAdvanced = (x: Advanced): void => {
    adv.push(x);
    advAxes += x.viewAxes.length;
  };
  for (const it of items) {
    const isAdvanced = advanced && (it.kind === 'int' || it.kind === 'array' || it.kind === 'mask');
    if (isAdvanced) {
      if (run === 'before') {
        insertAt = shape.length - advAxes;
        run = 'in';
      } else if (run === 'after') run = 'split';
    } else if (run === 'in') run = 'after';

    switch (it.kind) {
      case 'int':
        offset += checkIndex(it.value, a.shape[axis]!, axis) * a.elementStrides[axis]!;
        axis++;
        break;
      case 'slice': {
        const s = resolveSlice(it.start, it.stop, it.step, a.shape[axis]!);
        if (s.length > 0) offset += s.start * a.elementStrides[axis]!;
        keepAxis(s.length, a.elementStrides[axis]! * s.step);
        axis++;
        break;
      }
      case 'newaxis':
        keepAxis(1, 0);
        break;
      case 'ellipsis':
        for (let k = ellipsisDims; k > 0; k--, axis++) keepAxis(a.shape[axis]!, a.elementStrides[axis]!);
        break;
      case 'array': {
        const [index, n, stride, arrayAxis] = [it.array, a.shape[axis]!, a.elementStrides[axis]!, axis];
        addAdvanced({ viewAxes: [shape.length], shape: index.shape, arrays: 1, offsets: () => indexOffsets(index, n, stride, arrayAxis) });
        keepAxis(n, stride);
        axis++;
        break;
      }
      case 'mask': {
        // a 0-d mask adds an axis of length 1 and keeps it (true) or empties it (false)
        if (it.array.ndim === 0) {
          const found = new Float64Array(readElement(it.array, it.array.offset) ? 1 : 0);
          addAdvanced({ viewAxes: [shape.length], shape: [found.length], arrays: 1, offsets: () => found });
          keepAxis(1, 0);
          break;
        }
        const k = it.array.ndim;
        const found = maskOffsets(it.array, a.elementStrides.slice(axis, axis + k));
        const viewAxes = Array.from({ length: k }, (_, j) => shape.length + j);
        addAdvanced({ viewAxes, shape: [found.length], arrays: k, offsets: () => found });
        for (let j = 0; j < k; j++, axis++) keepAxis(a.shape[axis]!, a.elementStrides[axis]!);
        break;
      }
    }
  }
  for (; axis < a.ndim; axis++) keepAxis(a.shape[axis]!, a.elementStrides[axis]!);

  if (!advanced) {
    const copy = items.some((it) => it.kind === 'int' && it.fromArray === true);
    return { kind: 'view', view: a.makeView(shape, strides, offset), copy };
  }
  const fullMask = items.length === 1 && items[0]!.kind === 'mask' && a.ndim > 0 && items[0]!.array.ndim === a.ndim;
  beforeBroadcast?.();
  return selectAdvanced(shape, strides, offset, adv, run === 'split' ? 0 : insertAt, fullMask);
}

/** NumPy checks every mask's shape against the axes it covers before anything else. */
function checkMasks(a: NDArray, items: Item[], ellipsisDims: number): void {
  let axis = 0;
  for (const it of items) {
    if (it.kind === 'ellipsis') axis += ellipsisDims;
    else if (it.kind === 'mask') {
      it.array.shape.forEach((m, j) => {
        const n = a.shape[axis + j]!;
        // NumPy skips the check for a mask axis of length 0 (it then selects nothing)
        if (m !== n && m !== 0) {
          throw new IndexError(
            `boolean index did not match indexed array along axis ${axis + j}; size of axis is ${n} but size of corresponding boolean axis is ${m}`,
          );
        }
      });
      axis += it.array.ndim;
    } else if (it.kind !== 'newaxis') axis++;
  }
}

/** The result of advanced indexing on the intermediate view (shape, strides, offset). */
function selectAdvanced(
  shape: number[], strides: number[], offset: number, adv: Advanced[], insertAt: number, fullMask: boolean,
): Selection {
  let b: number[];
  try {
    b = broadcastShapes(...adv.map((x) => x.shape));
  } catch {
    const shapes = adv.filter((x) => x.shape.length > 0).flatMap((x) => Array<string>(x.arrays).fill(shapeString(x.shape)));
    throw new IndexError(`shape mismatch: indexing arrays could not be broadcast together with shapes ${shapes.join(' ')} `);
  }
  // result axes: the view's basic axes, with the broadcast index axes inserted as one block
  const replaced = new Set(adv.flatMap((x) => x.viewAxes));
  const basic = shape.map((_, i) => i).filter((i) => !replaced.has(i));
  const before = basic.slice(0, insertAt);
  const after = basic.slice(insertAt);
  const resultShape = [...before.map((i) => shape[i]!), ...b, ...after.map((i) => shape[i]!)];
  const offsets = (): Float64Array => {
    const table = broadcastTable(adv, b);
    const axisOffsets = (i: number): Float64Array => stridedOffsets(0, [shape[i]!], [strides[i]!]);
    return outerSum(offset, [...before.map(axisOffsets), table, ...after.map(axisOffsets)]);
  };
  return { kind: 'advanced', shape: resultShape, offsets, fullMask };
}

/** The storage offset each position of the broadcast index arrays adds (their sum). */
function broadcastTable(adv: Advanced[], b: number[]): Float64Array {
  const size = sizeOf(b);
  // NumPy does not look at the index values when the broadcast selects nothing
  if (size === 0) return new Float64Array(0);
  if (adv.length === 1) return adv[0]!.offsets();
  const table = new Float64Array(size);
  for (const x of adv) {
    const own = x.offsets();
    if (own.length === size) {
      for (let i = 0; i < size; i++) table[i]! += own[i]!;
    } else {
      const positions = stridedOffsets(0, b, broadcastStrides(x.shape, contiguousStrides(x.shape), b));
      for (let i = 0; i < size; i++) table[i]! += own[positions[i]!]!;
    }
  }
  return table;
}

/** The storage offset of one element, with every axis given an integer. */
function scalarOffset(a: NDArray, items: { value: number }[]): number {
  let offset = a.offset;
  items.forEach((it, axis) => {
    offset += checkIndex(it.value, a.shape[axis]!, axis) * a.elementStrides[axis]!;
  });
  return offset;
}

/** A possibly negative index, wrapped, with NumPy's IndexError when it is outside the axis. */
function checkIndex(i: number, n: number, axis: number): number {
  if (i < -n || i >= n) throw new IndexError(`index ${i} is out of bounds for axis ${axis} with size ${n}`);
  return i < 0 ? i + n : i;
}

/** An integer index array's values, bounds-checked, wrapped and times the axis stride, in C order. */
function indexOffsets(index: NDArray, n: number, stride: number, axis: number): Float64Array {
  const typed = index.storage.typed(index.dtype);
  const at = stridedOffsets(index.offset, index.shape, index.elementStrides);
  const out = new Float64Array(at.length);
  for (let k = 0; k < at.length; k++) out[k] = checkIndex(Number(typed[at[k]!]!), n, axis) * stride;
  return out;
}

/**
 * The storage offsets (relative to the first element) of the elements a mask selects over axes
 * with these strides, in C order: np.nonzero, already combined with the strides.
 */
function maskOffsets(mask: NDArray, strides: readonly number[]): Float64Array {
  const bits = mask.storage.typed('bool');
  const at = mask.isContiguous ? null : stridedOffsets(mask.offset, mask.shape, mask.elementStrides);
  const targets = stridedOffsets(0, mask.shape, strides);
  const size = targets.length;
  let count = 0;
  for (let k = 0; k < size; k++) if (bits[at ? at[k]! : mask.offset + k]) count++;
  const out = new Float64Array(count);
  for (let k = 0, j = 0; k < size; k++) if (bits[at ? at[k]! : mask.offset + k]) out[j++] = targets[k]!;
  return out;
}

/** Storage offsets of every element of a strided view, in C order. */
function stridedOffsets(offset: number, shape: readonly number[], strides: readonly number[]): Float64Array {
  return outerSum(offset, shape.map((n, d) => {
    const list = new Float64Array(n);
    for (let i = 0; i < n; i++) list[i] = i * strides[d]!;
    return list;
  }));
}

/** base + l0[i0] + l1[i1] + ... for every (i0, i1, ...) in C order. */
function outerSum(base: number, lists: readonly Float64Array[]): Float64Array {
  let acc = new Float64Array([base]);
  for (const list of lists) {
    const next = new Float64Array(acc.length * list.length);
    let k = 0;
    for (let i = 0; i < acc.length; i++) {
      const p = acc[i]!;
      for (let j = 0; j < list.length; j++) next[k++] = p + list[j]!;
    }
    acc = next;
  }
  return acc;
}

// ---- get and set -----------------------------------------------------------------------------------

/** `a[index]`: a scalar, a view (basic indexing) or a new array (advanced indexing). */
export function getIndex(a: NDArray, index: Index): NDArray | Scalar {
  const sel = select(a, prepare(a, index));
  if (sel.kind === 'scalar') return readScalar(a, sel.offset);
  if (sel.kind === 'view') return sel.copy ? sel.view.copy() : sel.view;
  const offsets = sel.offsets();
  const out = NDArray.empty(sel.shape, a.dtype);
  const src = a.storage.typed(a.dtype);
  const dst = out.storage.typed(a.dtype);
  if (isComplex(a.dtype)) {
    // a complex element is two entries of the float typed array
    for (let i = 0; i < offsets.length; i++) {
      dst[2 * i] = src[2 * offsets[i]!]!;
      dst[2 * i + 1] = src[2 * offsets[i]! + 1]!;
    }
  } else for (let i = 0; i < offsets.length; i++) dst[i] = src[offsets[i]!]!;
  return out;
}

/** `a[index] = value`, broadcasting the value and casting it to a's dtype as NumPy does. */
export function setIndex(a: NDArray, index: Index, value: ArrayLike): void {
  if (!a.writeable) throw new ValueError('assignment destination is read-only');
  const sel = select(a, prepare(a, index), () => {
    if (!(value instanceof NDArray)) value = toValueArray(value, a.dtype);
  });
  if (sel.kind === 'scalar') setElement(a, sel.offset, value);
  else if (sel.kind === 'view') setView(a, sel.view, value);
  else setAdvanced(a, sel, value);
  a.storage.version++;
}

/**
 * One element: a scalar, or a sequence treated as Python's int(), float() or bool() treat it
 * (bool takes the truth of a list, or of an array with one element).
 */
function setElement(a: NDArray, offset: number, value: ArrayLike): void {
  if (typeof value !== 'object' || isComplexLike(value)) {
    checkPythonScalar(value, a.dtype);
    writeElement(a, offset, value);
    return;
  }
  if (Array.isArray(value)) {
    if (a.dtype === 'bool') writeElement(a, offset, value.length > 0);
    else if (isInteger(a.dtype)) {
      throw new KilnTypeError("int() argument must be a string, a bytes-like object or a real number, not 'list'");
    } else throw new ValueError('setting an array element with a sequence.');
    return;
  }
  const v = asarray(value);
  if (v.ndim > 0 && !(a.dtype === 'bool' && v.size === 1)) throw new ValueError('setting an array element with a sequence.');
  copyInto(a.makeView([], [], offset), v.reshape([]));
}

/** Basic indexing: write through the view. */
function setView(a: NDArray, view: NDArray, value: ArrayLike): void {
  let v: NDArray;
  if (value instanceof NDArray) {
    // read from a copy when the value overlaps the destination, as NumPy does
    v = stripLeadingOnes(mayShareMemory(value, a) ? value.copy() : value, view.ndim);
  } else {
    if (Array.isArray(value) && listDepth(value) > view.ndim) {
      throw new ValueError(
        `setting an array element with a sequence. The requested array would exceed the maximum number of dimension of ${view.ndim}.`,
      );
    }
    v = toValueArray(value, a.dtype);
  }
  if (!broadcastsTo(v.shape, view.shape)) {
    throw new ValueError(`could not broadcast input array from shape ${shapeString(v.shape)} into shape ${shapeString(view.shape)}`);
  }
  copyInto(view, v);
}

/** Advanced indexing: cast and broadcast the value to the result's shape, then scatter it. */
function setAdvanced(a: NDArray, sel: Extract<Selection, { kind: 'advanced' }>, value: ArrayLike): void {
  const v = value instanceof NDArray ? value : toValueArray(value, a.dtype);
  let fitted: NDArray;
  if (sel.fullMask) {
    // NumPy's boolean assignment: a 0-d or 1-d value, with one element or one per true element
    if (v.ndim > 1) {
      throw new KilnTypeError(`NumPy boolean array indexing assignment requires a 0 or 1-dimensional input, input has ${v.ndim} dimensions`);
    }
    const count = sel.shape[0]!;
    if (v.size !== 1 && v.size !== count) {
      throw new ValueError(
        `NumPy boolean array indexing assignment cannot assign ${v.size} input values to the ${count} output values where the mask is true`,
      );
    }
    fitted = v.reshape(v.size === 1 ? [] : [count]);
  } else {
    fitted = stripLeadingOnes(v, sel.shape.length);
    if (!broadcastsTo(fitted.shape, sel.shape)) {
      throw new ValueError(
        `shape mismatch: value array of shape ${shapeString(v.shape)} could not be broadcast to indexing result of shape ${shapeString(sel.shape)}`,
      );
    }
  }
  // NumPy checks the index bounds after the value's shape
  const offsets = sel.offsets();
  // a contiguous copy in a's dtype also protects against a value that overlaps a
  const values = NDArray.empty(sel.shape, a.dtype);
  copyInto(values, fitted);
  const src = values.storage.typed(a.dtype);
  const dst = a.storage.typed(a.dtype);
  if (isComplex(a.dtype)) {
    for (let i = 0; i < offsets.length; i++) {
      dst[2 * offsets[i]!] = src[2 * i]!;
      dst[2 * offsets[i]! + 1] = src[2 * i + 1]!;
    }
  } else for (let i = 0; i < offsets.length; i++) dst[offsets[i]!] = src[i]!;
}

/** A JS value (scalar, nested list, typed array) as an array of `dtype`, with NEP 50's checks. */
function toValueArray(value: Exclude<ArrayLike, NDArray>, dtype: DType): NDArray {
  if (typeof value !== 'object' || isComplexLike(value)) {
    checkPythonScalar(value, dtype);
    return scalarArray(value, dtype);
  }
  if (ArrayBuffer.isView(value)) return asarray(value);
  if (isInteger(dtype)) forEachLeaf(value, (x) => checkPythonScalar(x, dtype));
  return array(value, { dtype });
}

/**
 * NEP 50: a Python scalar written into an integer array must fit it (floats are truncated first),
 * with Python's and NumPy's errors.
 */
function checkPythonScalar(value: number | boolean | bigint | ComplexLike, dtype: DType): void {
  // Python's float() and int() refuse a complex number (bool() takes its truth)
  if (typeof value === 'object') {
    if (!isComplex(dtype) && dtype !== 'bool') throw complexToRealError(dtype);
    return;
  }
  if (!isInteger(dtype) || typeof value === 'boolean') return;
  let n: bigint;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new ValueError('cannot convert float NaN to integer');
    if (!Number.isFinite(value)) throw new OverflowError('cannot convert float infinity to integer');
    const [lo, hi] = integerRange(dtype);
    const t = Math.trunc(value);
    if (t >= lo && t <= hi && dtypeInfo(dtype).itemsize < 8) return;
    n = BigInt(t);
  } else n = value;
  // beyond 64 bits Python's own conversion fails first
  if (n < -(2n ** 63n) || n >= (dtype === 'uint64' ? 2n ** 64n : 2n ** 63n)) {
    throw new OverflowError('Python int too large to convert to C long');
  }
  const bits = BigInt(dtypeInfo(dtype).itemsize * 8);
  const [lo, hi] = dtype.startsWith('u') ? [0n, 2n ** bits - 1n] : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
  if (n < lo || n > hi) throw new OverflowError(`Python integer ${n} out of bounds for ${dtype}`);
}

function forEachLeaf(value: unknown, fn: (x: number | boolean | bigint) => void): void {
  if (Array.isArray(value)) for (const x of value) forEachLeaf(x, fn);
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') fn(value);
}

/** How deeply a JS list nests (what np.asarray would make its ndim, NDArray leaves included). */
function listDepth(value: unknown): number {
  let depth = 0;
  while (Array.isArray(value)) {
    depth++;
    value = value[0];
  }
  return value instanceof NDArray ? depth + value.ndim : depth;
}

/** NumPy drops leading length-1 axes of a value that has more axes than its destination. */
function stripLeadingOnes(v: NDArray, ndim: number): NDArray {
  let k = 0;
  while (v.ndim - k > ndim && v.shape[k] === 1) k++;
  return k === 0 ? v : v.makeView(v.shape.slice(k), v.elementStrides.slice(k), v.offset);
}

function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[lead + i]);
}
