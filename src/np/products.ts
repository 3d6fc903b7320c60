/**
 * Products: matmul (batched, broadcasting, NumPy's 1-D rules), dot, vdot, inner, outer, tensordot,
 * kron, trace and diagonal. Every matrix product runs through the backend's batched matmul kernel;
 * the result dtype is NumPy's result_type of the inputs. Where NumPy returns a scalar (1-D with
 * 1-D, a 2-D trace) these return a JS number or boolean, as the reductions do.
 */
import type { Complex } from '../core/complex.js';
import { type DType, type DTypeLike, complexPart, dtypeInfo, isComplex, promoteTypes, resultType, toNumpyDType } from '../core/dtype.js';
import { AxisError, IndexError, KilnTypeError, ValueError, shapeString } from '../core/errors.js';
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf } from '../core/shape.js';
import { backendFor } from '../backend/backend.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { asarray, copyInto } from './convert.js';
import { sum } from './reductions.js';
import { add, conjugate, multiply, subtract } from './ufuncs.js';

/** What a product returns: an array, or a scalar where NumPy returns one (a Complex for complex results). */
export type ProductResult = NDArray | number | boolean | Complex;

export interface MatmulOptions {
  /** Write the result here; it must have the result's shape. */
  out?: NDArray;
  /** Cast the inputs to this dtype and compute in it. */
  dtype?: DTypeLike;
}

const SIGNATURE = '(n?,k),(k,m?)->(n?,m?)';

/** NumPy's 'same_kind' casting: safe casts, or casts within a kind or towards a higher kind. */
function canCastSameKind(from: DType, to: DType): boolean {
  const rank = { b: 0, u: 1, i: 2, f: 3, c: 4 } as const;
  return promoteTypes(from, to) === to || rank[dtypeInfo(from).kind] <= rank[dtypeInfo(to).kind];
}

/** A 0-d result as NumPy's scalar (a JS number, boolean or Complex), anything else unchanged. */
function scalarIfZeroD(r: NDArray): ProductResult {
  return r.ndim === 0 ? r.item() : r;
}

/** a (..., n, k) @ b (..., k, m) -> (..., n, m) in `dtype`, batch axes broadcast; k already checked. */
function batchedMatmul(a: NDArray, b: NDArray, dtype: DType, batch: readonly number[]): NDArray {
  const n = a.shape[a.ndim - 2]!;
  const m = b.shape[b.ndim - 1]!;
  if (isComplex(dtype)) {
    // (ar + i ai)(br + i bi) from four real products of the parts (float views, no copies); the
    // sums round as a real matmul's do, so results may differ from NumPy's zgemm in the last bits
    const part = complexPart(dtype);
    const ac = a.dtype === dtype ? a : a.astype(dtype);
    const bc = b.dtype === dtype ? b : b.astype(dtype);
    const mm = (x: NDArray, y: NDArray): NDArray => batchedMatmul(x, y, part, batch);
    const out = NDArray.empty([...batch, n, m], dtype);
    subtract(mm(ac.real, bc.real), mm(ac.imag, bc.imag), { out: out.real });
    add(mm(ac.real, bc.imag), mm(ac.imag, bc.real), { out: out.imag });
    return out;
  }
  const view = (x: NDArray): NDArray => {
    const shape = [...batch, ...x.shape.slice(-2)];
    return x.makeView(shape, broadcastStrides(x.shape, x.elementStrides, shape), x.offset);
  };
  const out = NDArray.empty([...batch, n, m], dtype);
  backendFor(a).matmul(view(a), view(b), out);
  return out;
}

/** 2-D a (n, k) @ b (k, m) in result_type(a, b). */
const matmul2d = (a: NDArray, b: NDArray): NDArray => batchedMatmul(a, b, resultType(a.dtype, b.dtype), []);

/**
 * np.matmul: the matrix product of the last two axes, broadcasting the leading (batch) axes. A 1-D
 * first operand gets a 1 prepended and a 1-D second operand a 1 appended, removed afterwards; two
 * 1-D operands give a scalar.
 */
export function matmul(x1: ArrayLike, x2: ArrayLike, options: MatmulOptions = {}): ProductResult {
  let a = asarray(x1);
  let b = asarray(x2);
  [a, b].forEach((x, i) => {
    if (x.ndim === 0) {
      throw new ValueError(
        `matmul: Input operand ${i} does not have enough dimensions (has 0, gufunc core with signature ${SIGNATURE} requires 1)`,
      );
    }
  });
  const a2 = a.ndim === 1 ? a.expandDims(0) : a;
  const b2 = b.ndim === 1 ? b.expandDims(1) : b;
  const k = a2.shape[a2.ndim - 1]!;
  const kb = b2.shape[b2.ndim - 2]!;
  if (k !== kb) {
    throw new ValueError(
      `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature ${SIGNATURE} (size ${kb} is different from ${k})`,
    );
  }
  const n = a2.shape[a2.ndim - 2]!;
  const m = b2.shape[b2.ndim - 1]!;
  let batch: number[];
  try {
    batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  } catch {
    const remapped = (x: NDArray): string =>
      `${shapeString(x.shape)}->(${[...x.shape.slice(0, -2), 'newaxis', 'newaxis'].join(',')})`;
    throw new ValueError(
      `operands could not be broadcast together with remapped shapes [original->remapped]: ${remapped(a)} ${remapped(b)}  and requested shape (${n},${m})`,
    );
  }
  let dtype = resultType(a.dtype, b.dtype);
  if (options.dtype !== undefined) {
    dtype = toNumpyDType(options.dtype);
    for (const x of [a, b]) {
      if (!canCastSameKind(x.dtype, dtype)) {
        throw new KilnTypeError(`Cannot cast ufunc 'matmul' input from dtype('${x.dtype}') to dtype('${dtype}') with casting rule 'same_kind'`);
      }
    }
  }
  // the core axes of the result, without those the 1-D rules added
  const core = [...(a.ndim === 1 ? [] : [n]), ...(b.ndim === 1 ? [] : [m])];
  const shape = [...batch, ...core];
  const out = options.out;
  if (out) checkMatmulOut(out, shape, core, dtype);
  const result = batchedMatmul(a2, b2, dtype, batch).reshape(shape);
  if (!out) return scalarIfZeroD(result);
  copyInto(out, result);
  out.storage.version++;
  return out;
}

function checkMatmulOut(out: NDArray, shape: number[], core: number[], dtype: DType): void {
  if (!shapesEqual(out.shape, shape)) {
    const outCore = out.shape.slice(out.ndim - core.length);
    const bad = core.findIndex((d, i) => outCore[i] !== d);
    if (out.ndim >= core.length && bad >= 0) {
      throw new ValueError(
        `matmul: Output operand 0 has a mismatch in its core dimension ${bad}, with gufunc signature ${SIGNATURE} (size ${outCore[bad]} is different from ${core[bad]})`,
      );
    }
    throw new ValueError(`non-broadcastable output operand with shape ${shapeString(out.shape)} doesn't match the broadcast shape ${shapeString(shape)}`);
  }
  if (!canCastSameKind(dtype, out.dtype)) {
    throw new KilnTypeError(`Cannot cast ufunc 'matmul' output from dtype('${dtype}') to dtype('${out.dtype}') with casting rule 'same_kind'`);
  }
}

/** Writes `result` into a dot-style `out`, which NumPy requires to match exactly. */
function intoOut(result: NDArray, out: NDArray | undefined): ProductResult {
  if (!out) return scalarIfZeroD(result);
  if (out.dtype !== result.dtype || !shapesEqual(out.shape, result.shape) || !out.isContiguous) {
    throw new ValueError('output array is not acceptable (must have the right datatype, number of dimensions, and be a C-Array)');
  }
  copyInto(out, result);
  out.storage.version++;
  return out;
}

/**
 * np.dot: scalars multiply; 1-D with 1-D is the inner product; otherwise a sum product over the
 * last axis of `a` and the second-to-last of `b` (the last, if `b` is 1-D).
 */
export function dot(x1: ArrayLike, x2: ArrayLike, options: { out?: NDArray } = {}): ProductResult {
  const a = asarray(x1);
  const b = asarray(x2);
  if (a.ndim === 0 || b.ndim === 0) return intoOut(multiply(a, b), options.out);
  const k = a.shape[a.ndim - 1]!;
  const bAxis = b.ndim === 1 ? 0 : b.ndim - 2;
  if (b.shape[bAxis] !== k) {
    throw new ValueError(
      `shapes ${shapeString(a.shape)} and ${shapeString(b.shape)} not aligned: ${k} (dim ${a.ndim - 1}) != ${b.shape[bAxis]} (dim ${bAxis})`,
    );
  }
  // (rows, k) @ (k, cols): b's contracted axis moves first, its other axes flatten into columns
  const rows = sizeOf(a.shape.slice(0, -1));
  const bRest = b.ndim === 1 ? [] : [...b.shape.slice(0, -2), b.shape[b.ndim - 1]!];
  const bm = (b.ndim === 1 ? b : b.moveaxis(-2, 0)).reshape([k, sizeOf(bRest)]);
  const result = matmul2d(a.reshape([rows, k]), bm).reshape([...a.shape.slice(0, -1), ...bRest]);
  return intoOut(result, options.out);
}

/** np.vdot: the dot product of the flattened arrays (a scalar), conjugating the first if it is complex. */
export function vdot(x1: ArrayLike, x2: ArrayLike): number | boolean | Complex {
  let a = asarray(x1).ravel();
  if (isComplex(a.dtype)) a = conjugate(a);
  const b = asarray(x2).ravel().reshape([a.size]);
  return dot(a, b) as number | boolean | Complex;
}

/** np.inner: a sum product over the last axes; the result has shape a.shape[:-1] + b.shape[:-1]. */
export function inner(x1: ArrayLike, x2: ArrayLike): ProductResult {
  const a = asarray(x1);
  const b = asarray(x2);
  if (a.ndim === 0 || b.ndim === 0) return scalarIfZeroD(multiply(a, b));
  const k = a.shape[a.ndim - 1]!;
  const kb = b.shape[b.ndim - 1]!;
  if (k !== kb) {
    // NumPy reports b with its last axis moved to the front
    const bShape = [kb, ...b.shape.slice(0, -1)];
    throw new ValueError(`shapes ${shapeString(a.shape)} and ${shapeString(bShape)} not aligned: ${k} (dim ${a.ndim - 1}) != ${kb} (dim 0)`);
  }
  const rowsA = sizeOf(a.shape.slice(0, -1));
  const rowsB = sizeOf(b.shape.slice(0, -1));
  const result = matmul2d(a.reshape([rowsA, k]), b.reshape([rowsB, k]).T);
  return scalarIfZeroD(result.reshape([...a.shape.slice(0, -1), ...b.shape.slice(0, -1)]));
}

/** np.outer: out[i, j] = a.ravel()[i] * b.ravel()[j]. */
export function outer(x1: ArrayLike, x2: ArrayLike, options: { out?: NDArray } = {}): NDArray {
  const a = asarray(x1).ravel();
  const b = asarray(x2).ravel();
  return multiply(a.reshape([a.size, 1]), b.reshape([1, b.size]), options.out ? { out: options.out } : {});
}

/**
 * np.tensordot: sums products over `axes` of a and b. A number N means the last N axes of a with
 * the first N of b; a pair of lists names the axes of each.
 */
export function tensordot(
  x1: ArrayLike, x2: ArrayLike, axes: number | readonly [number | readonly number[], number | readonly number[]] = 2,
): NDArray {
  const a = asarray(x1);
  const b = asarray(x2);
  let axesA: number[];
  let axesB: number[];
  if (typeof axes === 'number') {
    axesA = Array.from({ length: Math.max(0, axes) }, (_, i) => i - axes);
    axesB = Array.from({ length: Math.max(0, axes) }, (_, i) => i);
  } else {
    axesA = typeof axes[0] === 'number' ? [axes[0]] : [...axes[0]];
    axesB = typeof axes[1] === 'number' ? [axes[1]] : [...axes[1]];
  }
  // Python tuple indexing, as NumPy's tensordot does
  const at = (shape: readonly number[], i: number): number => {
    const j = i < 0 ? i + shape.length : i;
    if (j < 0 || j >= shape.length) throw new IndexError('tuple index out of range');
    return j;
  };
  let equal = axesA.length === axesB.length;
  for (let i = 0; equal && i < axesA.length; i++) {
    axesA[i] = at(a.shape, axesA[i]!);
    axesB[i] = at(b.shape, axesB[i]!);
    if (a.shape[axesA[i]!] !== b.shape[axesB[i]!]) equal = false;
  }
  if (!equal) throw new ValueError('shape-mismatch for sum');
  const freeA = a.shape.map((_, i) => i).filter((i) => !axesA.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !axesB.includes(i));
  const k = sizeOf(axesA.map((i) => a.shape[i]!));
  const outA = freeA.map((i) => a.shape[i]!);
  const outB = freeB.map((i) => b.shape[i]!);
  const am = a.transpose([...freeA, ...axesA]).reshape([sizeOf(outA), k]);
  const bm = b.transpose([...axesB, ...freeB]).reshape([k, sizeOf(outB)]);
  return matmul2d(am, bm).reshape([...outA, ...outB]);
}

/** np.kron: the Kronecker product, a block array of b scaled by each element of a. */
export function kron(x1: ArrayLike, x2: ArrayLike): NDArray {
  let a = asarray(x1);
  let b = asarray(x2);
  if (a.ndim === 0 || b.ndim === 0) return multiply(a, b);
  const nd = Math.max(a.ndim, b.ndim);
  const lead = (x: NDArray): NDArray => (x.ndim < nd ? x.expandDims(Array.from({ length: nd - x.ndim }, (_, i) => i)) : x);
  a = lead(a);
  b = lead(b);
  // a's axes at even positions, b's at odd ones: the product is (a0, b0, a1, b1, ...)
  const product = multiply(
    a.expandDims(Array.from({ length: nd }, (_, i) => 2 * i + 1)),
    b.expandDims(Array.from({ length: nd }, (_, i) => 2 * i)),
  );
  return product.reshape(a.shape.map((d, i) => d * b.shape[i]!));
}

export interface DiagonalOptions {
  /** Offset of the diagonal: positive above the main diagonal (along axis2), negative below. */
  offset?: number;
  axis1?: number;
  axis2?: number;
}

function checkAxis(name: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis)) throw new KilnTypeError(`'${axis}' cannot be interpreted as an integer`);
  if (axis < -ndim || axis >= ndim) throw new AxisError(`${name}: axis ${axis} is out of bounds for array of dimension ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

/** np.diagonal: a view of the diagonal of axis1/axis2, which becomes the last axis. */
export function diagonal(a: ArrayLike, options: DiagonalOptions = {}): NDArray {
  const x = asarray(a);
  if (x.ndim < 2) throw new ValueError('diag requires an array of at least two dimensions');
  const ax1 = checkAxis('axis1', options.axis1 ?? 0, x.ndim);
  const ax2 = checkAxis('axis2', options.axis2 ?? 1, x.ndim);
  if (ax1 === ax2) throw new ValueError('axis1 and axis2 cannot be the same');
  const offset = options.offset ?? 0;
  const n1 = x.shape[ax1]!;
  const n2 = x.shape[ax2]!;
  const s1 = x.elementStrides[ax1]!;
  const s2 = x.elementStrides[ax2]!;
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const start = length === 0 ? 0 : offset >= 0 ? offset * s2 : -offset * s1;
  const rest = x.shape.map((_, i) => i).filter((i) => i !== ax1 && i !== ax2);
  return x.makeView(
    [...rest.map((i) => x.shape[i]!), length],
    [...rest.map((i) => x.elementStrides[i]!), s1 + s2],
    x.offset + start,
  );
}

/** np.trace: the sum along a diagonal (a scalar for 2-D input), with sum's result dtype. */
export function trace(a: ArrayLike, options: DiagonalOptions & { dtype?: DTypeLike } = {}): ProductResult {
  const d = diagonal(a, options);
  const total = sum(d, { axis: -1, ...(options.dtype !== undefined ? { dtype: options.dtype } : {}) }) as NDArray;
  return scalarIfZeroD(total);
}
