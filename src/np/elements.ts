/**
 * Reading and writing single elements of a view as JS values (numbers, booleans, and Complex for
 * complex dtypes, whose element at offset p is stored at [2p, 2p + 1] of the float typed array).
 */
import { Complex, type ComplexLike, isComplexLike } from '../core/complex.js';
import { type DType, isBig, isComplex, isInteger } from '../core/dtype.js';
import { KilnTypeError } from '../core/errors.js';
import { fromHalfBits, toHalfBits } from '../core/float16.js';
import { fromBfloat16Bits, toBfloat16Bits } from '../core/bfloat16.js';
import type { View } from '../core/view.js';

/** A single element as JS holds it: what item(), tolist() and scalar indexing return. */
export type Scalar = number | boolean | Complex;

/** The element at an element offset, as a JS number (booleans for bool arrays). Real dtypes only. */
export function readElement(v: View, offset: number): number | boolean {
  if (isComplex(v.dtype)) throw new KilnTypeError(`internal: a ${v.dtype} element read as a real number`);
  const raw = v.storage.typed(v.dtype)[offset]!;
  if (v.dtype === 'bool') return raw !== 0;
  if (v.dtype === 'float16') return fromHalfBits(raw as number);
  if (v.dtype === 'bfloat16') return fromBfloat16Bits(raw as number);
  return typeof raw === 'bigint' ? Number(raw) : raw;
}

/** The element at an element offset as a JS value: a Complex for complex dtypes. */
export function readScalar(v: View, offset: number): Scalar {
  if (isComplex(v.dtype)) {
    const a = v.storage.typed(v.dtype) as Float32Array | Float64Array;
    return new Complex(a[2 * offset]!, a[2 * offset + 1]!);
  }
  return readElement(v, offset);
}

/** The element at an element offset, exactly: BigInt for 64-bit integer arrays. Real dtypes only. */
export function readElementExact(v: View, offset: number): number | boolean | bigint {
  if (isComplex(v.dtype)) throw new KilnTypeError(`internal: a ${v.dtype} element read as a real number`);
  const raw = v.storage.typed(v.dtype)[offset]!;
  if (v.dtype === 'bool') return raw !== 0;
  if (v.dtype === 'float16') return fromHalfBits(raw as number);
  if (v.dtype === 'bfloat16') return fromBfloat16Bits(raw as number);
  return raw;
}

/**
 * Python's TypeError for a complex number converted to a real type (float(z), int(z)); bool(z) is
 * its truth.
 */
export function complexToRealError(dtype: DType): KilnTypeError {
  return isInteger(dtype)
    ? new KilnTypeError("int() argument must be a string, a bytes-like object or a real number, not 'complex'")
    : new KilnTypeError("float() argument must be a string or a real number, not 'complex'");
}

/**
 * Stores a JS value at an element offset with NumPy's cast to the view's dtype. A complex value
 * goes into a complex or bool array only (Python's float() and int() refuse complex numbers).
 */
export function writeElement(v: View, offset: number, value: number | boolean | bigint | ComplexLike): void {
  if (isComplex(v.dtype)) {
    const a = v.storage.typed(v.dtype) as Float32Array | Float64Array;
    if (isComplexLike(value)) {
      a[2 * offset] = value.re;
      a[2 * offset + 1] = value.im;
    } else {
      a[2 * offset] = Number(value);
      a[2 * offset + 1] = 0;
    }
    return;
  }
  if (typeof value === 'object') {
    if (v.dtype !== 'bool') throw complexToRealError(v.dtype);
    value = value.re !== 0 || value.im !== 0;
  }
  const arr = v.storage.typed(v.dtype) as unknown as { [i: number]: number | bigint };
  if (v.dtype === 'bool') arr[offset] = typeof value === 'bigint' ? (value !== 0n ? 1 : 0) : value !== 0 && value !== false ? 1 : 0;
  else if (isBig(v.dtype)) {
    if (typeof value === 'bigint') arr[offset] = value;
    else {
      const n = Number(value);
      arr[offset] = Number.isFinite(n) ? BigInt(Math.trunc(n)) : -(2n ** 63n);
    }
  } else if (v.dtype === 'float16') arr[offset] = toHalfBits(Number(value));
  else if (v.dtype === 'bfloat16') arr[offset] = toBfloat16Bits(Number(value));
  else arr[offset] = Number(value);
}
