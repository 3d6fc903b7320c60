/** np.linalg.matrixPower: integer powers of square matrices, in the input dtype as NumPy. */
import { type DType, dtypeInfo, isBig } from '../../core/dtype.js';
import { KilnTypeError } from '../../core/errors.js';
import { NDArray, type ArrayLike } from '../ndarray.js';
import { inv } from './solve.js';
import { fromFloat64, squareInput } from './stack.js';

/**
 * a raised to the integer power n for each square matrix of a stack: repeated squaring with
 * NumPy's order of products; n = 0 gives the identity (in a's dtype) and n < 0 powers of inv(a).
 */
export function matrixPower(a: ArrayLike, n: number): NDArray {
  let x = squareInput(a);
  if (!Number.isInteger(n)) throw new KilnTypeError('exponent must be an integer');
  if (dtypeInfo(x.dtype).kind === 'c') throw new KilnTypeError(`linalg of complex matrices (${x.dtype}) is not supported by kiln yet`);
  if (n === 0) return identityLike(x);
  if (n < 0) {
    x = inv(x);
    n = -n;
  }
  if (n === 1) return x;
  if (n === 2) return matmulStack(x, x);
  if (n === 3) return matmulStack(matmulStack(x, x), x);
  let z: NDArray | null = null;
  let result: NDArray | null = null;
  while (n > 0) {
    z = z === null ? x : matmulStack(z, z);
    const bit = n % 2;
    n = Math.floor(n / 2);
    if (bit) result = result === null ? z : matmulStack(result, z);
  }
  return result!;
}

function identityLike(x: NDArray): NDArray {
  const n = x.shape[x.ndim - 1]!;
  const out = NDArray.empty(x.shape, x.dtype);
  const data = out.storage.typed(x.dtype) as unknown as { [i: number]: number | bigint };
  // float16 is stored as raw bits: 0x3c00 is 1.0
  const one = isBig(x.dtype) ? 1n : x.dtype === 'float16' ? 0x3c00 : 1;
  for (let k = 0; k < out.size; k += n * n) for (let i = 0; i < n; i++) data[k + i * n + i] = one;
  return out;
}

/**
 * Products of two equal-shape stacks of n x n matrices with their dtype's arithmetic: floats in
 * float64 then rounded to the dtype, integers exactly with wraparound, bools as or-of-ands.
 */
function matmulStack(a: NDArray, b: NDArray): NDArray {
  const dtype = a.dtype;
  const n = a.shape[a.ndim - 1]!;
  if (dtypeInfo(dtype).kind === 'f') {
    const x = a.astype('float64').storage.typed('float64') as Float64Array;
    const y = b.astype('float64').storage.typed('float64') as Float64Array;
    const z = new Float64Array(a.size);
    forEachProduct(a.size, n, (base, i, j) => {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += x[base + i * n + k]! * y[base + k * n + j]!;
      z[base + i * n + j] = sum;
    });
    const out = fromFloat64(z, a.shape, 'float64');
    return dtype === 'float64' ? out : out.astype(dtype);
  }
  return integerProduct(a.copy(), b.copy(), n, dtype);
}

/** Calls fn(base, i, j) for every output element of a stack of n x n products. */
function forEachProduct(size: number, n: number, fn: (base: number, i: number, j: number) => void): void {
  for (let base = 0; base < size; base += n * n) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) fn(base, i, j);
  }
}

function integerProduct(a: NDArray, b: NDArray, n: number, dtype: DType): NDArray {
  const out = NDArray.empty(a.shape, dtype);
  const x = a.storage.typed(dtype) as unknown as Indexed<number | bigint>;
  const y = b.storage.typed(dtype) as unknown as Indexed<number | bigint>;
  const z = out.storage.typed(dtype) as unknown as { [i: number]: number | bigint };
  if (dtype === 'bool') {
    forEachProduct(out.size, n, (base, i, j) => {
      let any = 0;
      for (let k = 0; k < n && !any; k++) any = Number(x[base + i * n + k]) && Number(y[base + k * n + j]) ? 1 : 0;
      z[base + i * n + j] = any;
    });
    return out;
  }
  const big = isBig(dtype);
  let maxA = 0;
  let maxB = 0;
  for (let i = 0; i < out.size; i++) {
    maxA = Math.max(maxA, Math.abs(Number(x[i])));
    maxB = Math.max(maxB, Math.abs(Number(y[i])));
  }
  if (maxA * maxB * n < 2 ** 53) {
    // Exact in doubles; typed-array stores wrap exact integers modulo 2^bits as NumPy does.
    forEachProduct(out.size, n, (base, i, j) => {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Number(x[base + i * n + k]) * Number(y[base + k * n + j]);
      z[base + i * n + j] = big ? BigInt(sum) : sum;
    });
    return out;
  }
  const bits = dtypeInfo(dtype).itemsize * 8;
  const signed = dtypeInfo(dtype).kind === 'i';
  forEachProduct(out.size, n, (base, i, j) => {
    let sum = 0n;
    for (let k = 0; k < n; k++) sum += BigInt(x[base + i * n + k]!) * BigInt(y[base + k * n + j]!);
    // 64-bit typed arrays wrap BigInts themselves; smaller ones need the wrapped value as a number
    z[base + i * n + j] = big ? sum : Number(signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum));
  });
  return out;
}

type Indexed<T> = { readonly [i: number]: T };
