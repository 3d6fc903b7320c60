/**
 * NDArray: the NumPy face over a strided view. Attributes and the view-making methods live here;
 * math, reductions, indexing and printing live in their own files and are reached through the
 * methods at the bottom, so chaining (`a.add(b).sum()`) reads as in NumPy.
 */
import { inspect } from 'node:util';
import type { Complex, ComplexLike } from '../core/complex.js';
import { type DType, type DTypeLike, complexPart, dtypeInfo, isComplex, toNumpyDType } from '../core/dtype.js';
import { ValueError } from '../core/errors.js';
import {
  broadcastStrides, contiguousStrides, isContiguous, normalizeAxis, shapesEqual, sizeOf,
} from '../core/shape.js';
import { Storage } from '../core/storage.js';
import { reshapeStrides, resolveReshape } from '../core/reshape.js';
import type { View } from '../core/view.js';
import { backendFor } from '../backend/backend.js';
import { ELEMENTWISE } from '../core/elementwise-ops.js';
import { type Scalar, readScalar } from './elements.js';
import { type Index, getIndex, setIndex } from './indexing.js';
import { formatArray } from './print.js';
import * as ufuncs from './ufuncs.js';
import * as reductions from './reductions.js';
import * as sorting from './sorting.js';

/**
 * A value NumPy would turn into an array: an NDArray, a scalar (a complex number is a Complex or
 * any `{ re, im }` object), nested arrays or a typed array.
 */
export type ArrayLike = NDArray | number | boolean | bigint | ComplexLike | NestedArray | ArrayBufferView;
export interface NestedArray extends ReadonlyArray<number | boolean | bigint | ComplexLike | NDArray | NestedArray> {}
/** What `tolist()` returns: nested JS arrays of numbers or booleans (Complex values for complex arrays). */
export type NestedList = number | boolean | Complex | NestedList[];

export class NDArray implements View {
  /** The array that owns the memory this view looks into, or null if this array owns it. */
  readonly base: NDArray | null;
  /** False for views that must not be written (np.broadcast_to results), as NumPy's flags.writeable. */
  writeable = true;

  constructor(
    readonly storage: Storage,
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly elementStrides: readonly number[],
    readonly offset: number = 0,
    base: NDArray | null = null,
  ) {
    this.base = base;
  }

  /** A new, C-contiguous array of `shape` with uninitialised (zeroed) memory. */
  static empty(shape: readonly number[], dtype: DType): NDArray {
    const storage = Storage.allocate(dtype, sizeOf(shape));
    return new NDArray(storage, dtype, [...shape], contiguousStrides(shape), 0, null);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get itemsize(): number {
    return dtypeInfo(this.dtype).itemsize;
  }

  get nbytes(): number {
    return this.size * this.itemsize;
  }

  /** Byte strides, as NumPy reports them. */
  get strides(): number[] {
    return this.elementStrides.map((s) => s * this.itemsize);
  }

  get device(): 'cpu' {
    return this.storage.device;
  }

  /** Whether the elements are laid out in C order without gaps (NumPy's flags.c_contiguous). */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.elementStrides);
  }

  get T(): NDArray {
    return this.transpose();
  }

  /**
   * The real part: for a complex array a float view of the same memory (writing to it writes the
   * array), for a real array the array's own view, as NumPy's `.real`.
   */
  get real(): NDArray {
    if (!isComplex(this.dtype)) return this.makeView(this.shape, this.elementStrides, this.offset);
    return this.partView(0);
  }

  /** Assigns to the real part (`a.real = 0`), as NumPy's `a.real = ...`. */
  set real(value: ArrayLike) {
    this.real.set([], value);
  }

  /**
   * The imaginary part: for a complex array a float view of the same memory; for a real array a
   * read-only array of zeros, as NumPy's `.imag`.
   */
  get imag(): NDArray {
    if (!isComplex(this.dtype)) {
      const zeros = NDArray.empty(this.shape, this.dtype);
      zeros.writeable = false;
      return zeros;
    }
    return this.partView(1);
  }

  /** Assigns to the imaginary part (`a.imag = 1`); only complex arrays have one to write. */
  set imag(value: ArrayLike) {
    if (!isComplex(this.dtype)) throw new TypeError('array does not have imaginary part to set');
    this.imag.set([], value);
  }

  /** Part 0 (re) or 1 (im) of a complex array as a float view: offsets and strides double. */
  private partView(part: 0 | 1): NDArray {
    const view = new NDArray(
      this.storage, complexPart(this.dtype), this.shape, this.elementStrides.map((s) => 2 * s), 2 * this.offset + part,
      this.base ?? this,
    );
    view.writeable = this.writeable;
    return view;
  }

  /** A view of the same memory with a new shape, strides and offset. */
  makeView(shape: readonly number[], elementStrides: readonly number[], offset: number): NDArray {
    const view = new NDArray(this.storage, this.dtype, shape, elementStrides, offset, this.base ?? this);
    view.writeable = this.writeable;
    return view;
  }

  // ---- views --------------------------------------------------------------------------------

  /** `a.reshape(2, 3)` or `a.reshape([2, 3])`; one dimension may be -1. A view when possible. */
  reshape(...shape: (number | readonly number[])[]): NDArray {
    const target = resolveReshape(this.size, flattenShapeArgs(shape));
    if (shapesEqual(target, this.shape)) return this.makeView(target, this.elementStrides, this.offset);
    const strides = reshapeStrides(this.shape, this.elementStrides, target);
    if (strides) return this.makeView(target, strides, this.offset);
    const copy = this.copy();
    return new NDArray(copy.storage, copy.dtype, target, contiguousStrides(target), 0, copy);
  }

  /** Reverses the axes, or permutes them as given: `a.transpose(1, 0, 2)`. */
  transpose(...axes: (number | readonly number[])[]): NDArray {
    let perm = flattenShapeArgs(axes);
    if (perm.length === 0) perm = this.shape.map((_, i) => this.ndim - 1 - i);
    if (perm.length !== this.ndim) throw new ValueError("axes don't match array");
    const seen = new Set<number>();
    const norm = perm.map((a) => normalizeAxis(a, this.ndim));
    for (const a of norm) {
      if (seen.has(a)) throw new ValueError('repeated axis in transpose');
      seen.add(a);
    }
    return this.makeView(norm.map((a) => this.shape[a]!), norm.map((a) => this.elementStrides[a]!), this.offset);
  }

  swapaxes(axis1: number, axis2: number): NDArray {
    const perm = this.shape.map((_, i) => i);
    const a = normalizeAxis(axis1, this.ndim);
    const b = normalizeAxis(axis2, this.ndim);
    [perm[a], perm[b]] = [perm[b]!, perm[a]!];
    return this.transpose(perm);
  }

  /** Moves axes to new positions, keeping the order of the others (np.moveaxis). */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): NDArray {
    const src = (typeof source === 'number' ? [source] : [...source]).map((a) => normalizeAxis(a, this.ndim));
    const dst = (typeof destination === 'number' ? [destination] : [...destination]).map((a) => normalizeAxis(a, this.ndim));
    if (src.length !== dst.length) {
      throw new ValueError('`source` and `destination` arguments must have the same number of elements');
    }
    const order = this.shape.map((_, i) => i).filter((i) => !src.includes(i));
    const pairs = dst.map((d, i) => [d, src[i]!] as const).sort((p, q) => p[0] - q[0]);
    for (const [d, s] of pairs) order.splice(d, 0, s);
    return this.transpose(order);
  }

  /** Removes axes of length one (all of them, or those named). */
  squeeze(axis?: number | readonly number[]): NDArray {
    let drop: number[];
    if (axis === undefined) drop = this.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    else {
      drop = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normalizeAxis(a, this.ndim));
      for (const a of drop) {
        if (this.shape[a] !== 1) throw new ValueError('cannot select an axis to squeeze out which has size not equal to one');
      }
    }
    const keep = this.shape.map((_, i) => i).filter((i) => !drop.includes(i));
    return this.makeView(keep.map((i) => this.shape[i]!), keep.map((i) => this.elementStrides[i]!), this.offset);
  }

  /** Inserts axes of length one at the given positions of the result (np.expand_dims). */
  expandDims(axis: number | readonly number[]): NDArray {
    const list = typeof axis === 'number' ? [axis] : [...axis];
    const outNdim = this.ndim + list.length;
    const positions = list.map((a) => normalizeAxis(a, outNdim));
    if (new Set(positions).size !== positions.length) throw new ValueError('repeated axis');
    const shape: number[] = [];
    const strides: number[] = [];
    let src = 0;
    for (let i = 0; i < outNdim; i++) {
      if (positions.includes(i)) {
        shape.push(1);
        strides.push(0);
      } else {
        shape.push(this.shape[src]!);
        strides.push(this.elementStrides[src]!);
        src++;
      }
    }
    return this.makeView(shape, strides, this.offset);
  }

  /** A 1-D view when the memory allows, else a copy (np.ravel). */
  ravel(): NDArray {
    return this.reshape(-1);
  }

  /** A 1-D copy, always (ndarray.flatten). */
  flatten(): NDArray {
    return this.copy().reshape(-1);
  }

  /** A read-only view with 0 strides on broadcast axes (np.broadcast_to). */
  broadcastTo(shape: number | readonly number[]): NDArray {
    const target = typeof shape === 'number' ? [shape] : [...shape];
    if (target.length < this.ndim) {
      throw new ValueError(
        `input operand has more dimensions than allowed by the axis remapping`,
      );
    }
    const view = this.makeView(target, broadcastStrides(this.shape, this.elementStrides, target), this.offset);
    view.writeable = false;
    return view;
  }

  // ---- copies -------------------------------------------------------------------------------

  /** A C-contiguous copy that owns its memory. */
  copy(): NDArray {
    return this.astype(this.dtype);
  }

  /** A copy converted to `dtype` with NumPy's casts (float to int truncates; nonzero is true). */
  astype(dtype: DTypeLike, options: { copy?: boolean } = {}): NDArray {
    // (a view the tensor face made over bfloat16 memory may still copy itself)
    const target = dtype === this.dtype ? this.dtype : toNumpyDType(dtype);
    if (options.copy === false && target === this.dtype) return this;
    const out = NDArray.empty(this.shape, target);
    backendFor(this).elementwise(ELEMENTWISE.copy, [this], out, this.dtype);
    return out;
  }

  /** Fills the array in place with a scalar. */
  fill(value: number | boolean | bigint | ComplexLike): this {
    setIndex(this, [], value);
    return this;
  }

  // ---- indexing -----------------------------------------------------------------------------

  /**
   * NumPy indexing: `a.get('1:3, ::2')`, `a.get([0, ':', null])`, `a.get(mask)`. Integers on every
   * axis give a scalar; basic slices give views; integer arrays and masks give copies.
   */
  get(index: Index): NDArray | Scalar {
    return getIndex(this, index);
  }

  /** `a[index] = value`, broadcasting the value: `a.set('5:8', 12)`, `a.set(mask, 0)`. */
  set(index: Index, value: ArrayLike): this {
    setIndex(this, index, value);
    return this;
  }

  /** The element at a flat index, or at one index per axis, as a JS number or boolean (a Complex for complex arrays). */
  item(...index: number[]): Scalar {
    let flat: number;
    if (index.length === 0) {
      if (this.size !== 1) throw new ValueError('can only convert an array of size 1 to a Python scalar');
      flat = 0;
    } else if (index.length === 1) {
      flat = index[0]! < 0 ? index[0]! + this.size : index[0]!;
      if (flat < 0 || flat >= this.size) throw new RangeError(`index ${index[0]} is out of bounds for size ${this.size}`);
    } else {
      const r = this.get(index);
      if (r instanceof NDArray) throw new ValueError('incorrect number of indices for array');
      return r;
    }
    let off = this.offset;
    for (let d = this.ndim - 1; d >= 0; d--) {
      const n = this.shape[d]!;
      off += (flat % n) * this.elementStrides[d]!;
      flat = Math.floor(flat / n);
    }
    return readScalar(this, off);
  }

  /** Nested JS arrays of numbers (booleans for bool arrays, Complex values for complex ones); a 0-d array gives its scalar. */
  tolist(): NestedList {
    const build = (dim: number, off: number): NestedList => {
      if (dim === this.ndim) return readScalar(this, off);
      const out: NestedList[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) out.push(build(dim + 1, off + i * this.elementStrides[dim]!));
      return out;
    };
    return build(0, this.offset);
  }

  /** All elements in C order as a fresh flat JS array. */
  toArray(): Scalar[] {
    const flat = this.ravel();
    const out: Scalar[] = [];
    for (let i = 0; i < flat.size; i++) out.push(readScalar(flat, flat.offset + i * (flat.elementStrides[0] ?? 0)));
    return out;
  }

  /** Iterates over the first axis, as NumPy does (`const [x, y] = np.loadtxt(f, {unpack: true})`). */
  *[Symbol.iterator](): Iterator<NDArray | Scalar> {
    if (this.ndim === 0) throw new TypeError('iteration over a 0-d array');
    for (let i = 0; i < this.shape[0]!; i++) yield this.get(i);
  }

  // ---- display ------------------------------------------------------------------------------

  /** NumPy's print format: `[[1. 2.]\n [3. 4.]]`. */
  toString(): string {
    return formatArray(this);
  }

  /** NumPy's repr: `array([1, 2], dtype=int32)`. */
  repr(): string {
    return formatArray(this, { repr: true });
  }

  [inspect.custom](): string {
    return this.repr();
  }

  // ---- math (the np.* functions are the contract; these chain) -------------------------------

  add(other: ArrayLike): NDArray { return ufuncs.add(this, other); }
  subtract(other: ArrayLike): NDArray { return ufuncs.subtract(this, other); }
  multiply(other: ArrayLike): NDArray { return ufuncs.multiply(this, other); }
  divide(other: ArrayLike): NDArray { return ufuncs.divide(this, other); }
  floorDivide(other: ArrayLike): NDArray { return ufuncs.floorDivide(this, other); }
  mod(other: ArrayLike): NDArray { return ufuncs.mod(this, other); }
  power(other: ArrayLike): NDArray { return ufuncs.power(this, other); }
  negative(): NDArray { return ufuncs.negative(this); }
  abs(): NDArray { return ufuncs.abs(this); }
  sqrt(): NDArray { return ufuncs.sqrt(this); }
  exp(): NDArray { return ufuncs.exp(this); }
  log(): NDArray { return ufuncs.log(this); }
  equal(other: ArrayLike): NDArray { return ufuncs.equal(this, other); }
  less(other: ArrayLike): NDArray { return ufuncs.less(this, other); }
  greater(other: ArrayLike): NDArray { return ufuncs.greater(this, other); }
  clip(min: ArrayLike | null, max: ArrayLike | null): NDArray { return ufuncs.clip(this, min, max); }
  round(decimals = 0): NDArray { return ufuncs.round(this, decimals); }

  sum(options?: reductions.ReduceOptions): NDArray | number | Complex { return reductions.sum(this, options); }
  prod(options?: reductions.ReduceOptions): NDArray | number | Complex { return reductions.prod(this, options); }
  mean(options?: reductions.ReduceOptions): NDArray | number | Complex { return reductions.mean(this, options); }
  std(options?: reductions.VarOptions): NDArray | number { return reductions.std(this, options); }
  var(options?: reductions.VarOptions): NDArray | number { return reductions.var_(this, options); }
  min(options?: reductions.ReduceOptions): Scalar | NDArray { return reductions.min(this, options); }
  max(options?: reductions.ReduceOptions): Scalar | NDArray { return reductions.max(this, options); }
  argmin(options?: reductions.ArgOptions): NDArray | number { return reductions.argmin(this, options); }
  argmax(options?: reductions.ArgOptions): NDArray | number { return reductions.argmax(this, options); }
  any(options?: reductions.ReduceOptions): NDArray | boolean { return reductions.any(this, options); }
  all(options?: reductions.ReduceOptions): NDArray | boolean { return reductions.all(this, options); }
  cumsum(options?: reductions.ScanOptions): NDArray { return reductions.cumsum(this, options); }
  cumprod(options?: reductions.ScanOptions): NDArray { return reductions.cumprod(this, options); }

  /** Sorts in place along `axis` (default -1), as ndarray.sort does. Stable; NaN last. */
  sort(options: { axis?: number } = {}): this {
    const axis = normalizeAxis(options.axis ?? -1, this.ndim);
    const lanes = this.swapaxes(axis, -1);
    backendFor(this).sort(lanes, lanes, null);
    this.storage.version++;
    return this;
  }
  argsort(options?: sorting.SortOptions): NDArray { return sorting.argsort(this, options); }
  nonzero(): NDArray[] { return sorting.nonzero(this); }
  searchsorted(v: ArrayLike, options?: sorting.SearchsortedOptions): NDArray | number {
    return sorting.searchsorted(this, v, options);
  }
}

function flattenShapeArgs(args: (number | readonly number[])[]): number[] {
  if (args.length === 1 && typeof args[0] !== 'number') return [...args[0]!];
  return args as number[];
}
