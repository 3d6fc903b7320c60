/**
 * Moving between NDArrays and the Float64Array matrices the kernels work on. Every linalg function
 * validates its input here (NumPy's checks and messages), copies each matrix of a stack into a
 * row-major Float64Array, and builds its results from Float64Arrays again.
 */
import { KilnTypeError } from '../../core/errors.js';
import { contiguousStrides, sizeOf } from '../../core/shape.js';
import { Storage } from '../../core/storage.js';
import { NDArray, type ArrayLike } from '../ndarray.js';
import { asarray } from '../convert.js';
import { LinAlgError } from './errors.js';

/** The dtype of linalg results: float32 for float32 input, float64 otherwise (NumPy's _commonType). */
export type FloatDType = 'float32' | 'float64';

/** A stack of m x n matrices, each row-major and contiguous, all computed in float64. */
export interface Matrices {
  /** The leading (batch) axes. */
  readonly batch: number[];
  readonly rows: number;
  readonly cols: number;
  /** How many matrices: the product of `batch`. */
  readonly count: number;
  readonly data: Float64Array;
  /** The dtype results take (float32 stays float32; integers and bools become float64). */
  readonly dtype: FloatDType;
}

/** `asarray` plus NumPy's `_assert_stacked_2d`. */
export function atLeast2d(a: ArrayLike): NDArray {
  const x = asarray(a);
  if (x.ndim < 2) {
    throw new LinAlgError(`${x.ndim}-dimensional array given. Array must be at least two-dimensional`);
  }
  return x;
}

/** NumPy's `_assert_2d`, for functions that do not batch (lstsq). */
export function exactly2d(x: NDArray): NDArray {
  if (x.ndim !== 2) throw new LinAlgError(`${x.ndim}-dimensional array given. Array must be two-dimensional`);
  return x;
}

/** NumPy's `_assert_stacked_square`. */
export function assertSquare(x: NDArray): void {
  if (x.shape[x.ndim - 1] !== x.shape[x.ndim - 2]) {
    throw new LinAlgError('Last 2 dimensions of the array must be square');
  }
}

/** Validated stacked square input: the common case of inv, det, eig, cholesky, ... */
export function squareInput(a: ArrayLike): NDArray {
  const x = atLeast2d(a);
  assertSquare(x);
  return x;
}

/** The result dtype of linalg over these inputs; float16 has no LAPACK routines in NumPy either. */
export function floatType(...xs: NDArray[]): FloatDType {
  let out: FloatDType = 'float32';
  for (const x of xs) {
    if (x.dtype === 'float16') throw new KilnTypeError(`array type ${x.dtype} is unsupported in linalg`);
    if (x.dtype === 'complex64' || x.dtype === 'complex128') {
      throw new KilnTypeError(`linalg of complex matrices (${x.dtype}) is not supported by kiln yet`);
    }
    if (x.dtype !== 'float32') out = 'float64';
  }
  return out;
}

/** Copies an array of at least 2 dimensions into row-major float64 matrices. */
export function readMatrices(x: NDArray, dtype: FloatDType = floatType(x)): Matrices {
  const copy = x.astype('float64');
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const batch = x.shape.slice(0, -2);
  const data = copy.storage.typed('float64') as Float64Array;
  return { batch, rows, cols, count: sizeOf(batch), data: data.subarray(0, copy.size), dtype };
}

/** The k-th matrix of a stack, as a view into its data. */
export function matrixAt(m: Matrices, k: number): Float64Array {
  const size = m.rows * m.cols;
  return m.data.subarray(k * size, (k + 1) * size);
}

/** An NDArray of `shape` over float64 data (owned by the result), cast to `dtype`. */
export function fromFloat64(data: Float64Array, shape: readonly number[], dtype: FloatDType): NDArray {
  if (data.length !== sizeOf(shape)) throw new Error(`internal: ${data.length} values for shape ${shape}`);
  const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
  const out = new NDArray(new Storage(own.buffer), 'float64', [...shape], contiguousStrides(shape), 0, null);
  return dtype === 'float64' ? out : out.astype(dtype);
}

/** One value per matrix: a plain number for a single matrix (NumPy's scalar), else an array. */
export function scalarOrArray(values: Float64Array, batch: readonly number[], dtype: FloatDType): number | NDArray {
  if (batch.length === 0) return dtype === 'float32' ? Math.fround(values[0]!) : values[0]!;
  return fromFloat64(values, batch, dtype);
}

/** Runs `fn` on every matrix of a stack and gathers its fixed-size outputs into one array each. */
export function mapMatrices(m: Matrices, sizes: readonly number[], fn: (a: Float64Array, outs: Float64Array[], k: number) => void): Float64Array[] {
  const outs = sizes.map((s) => new Float64Array(s * m.count));
  for (let k = 0; k < m.count; k++) {
    fn(matrixAt(m, k), outs.map((o, i) => o.subarray(k * sizes[i]!, (k + 1) * sizes[i]!)), k);
  }
  return outs;
}

