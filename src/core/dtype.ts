/**
 * dtypes: names, sizes, storage arrays and NumPy 2's promotion rules (including NEP 50's "weak"
 * Python scalars).
 *
 * bfloat16 is PyTorch's, not NumPy's: stored like float16 as raw bits in a Uint16Array (see
 * bfloat16.ts), promoted by PyTorch's rules (with float16 it meets at float32; with integers it
 * stays bfloat16), accepted by toDType for the tensor face and refused by toNumpyDType, which the
 * NumPy face resolves its dtype arguments with.
 *
 * Complex storage: complex64 and complex128 are stored as interleaved (re, im) pairs of float32 /
 * float64, exactly NumPy's memory layout. `Storage.typed('complex64')` is a Float32Array (and
 * `typed('complex128')` a Float64Array) over the whole buffer, so element i of a view lives at
 * [2 * i, 2 * i + 1] of that array. Strides and offsets stay counted in elements (itemsize 8 /
 * 16 bytes); kernels double them. The real and imaginary parts of a complex view are float views
 * of the same storage with offset * 2 and strides * 2 (imaginary: offset * 2 + 1).
 */
import type { ComplexLike } from './complex.js';
import { KilnTypeError, OverflowError } from './errors.js';

export const DTYPES = [
  'bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64',
  'float16', 'float32', 'float64', 'complex64', 'complex128', 'bfloat16',
] as const;

/**
 * A dtype name, exactly as NumPy spells it; 'bfloat16' (PyTorch's brain float) belongs to the
 * tensor face only: NumPy has no such type, and the NumPy face refuses it (see toNumpyDType).
 */
export type DType = (typeof DTYPES)[number];

/**
 * 'b' bool, 'i' signed integer, 'u' unsigned integer, 'f' floating point, 'c' complex floating
 * point (NumPy's dtype.kind).
 */
export type DTypeKind = 'b' | 'i' | 'u' | 'f' | 'c';

export type TypedArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  new (length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

export interface DTypeInfo {
  readonly name: DType;
  readonly kind: DTypeKind;
  readonly itemsize: number;
  /**
   * The typed array that stores elements (float16 and bfloat16 are stored as raw bits in a
   * Uint16Array; a complex element is two consecutive entries, re then im, of a Float32Array or
   * Float64Array).
   */
  readonly array: TypedArrayConstructor;
  /** NumPy's array-protocol type string (`<f8`), used by .npy files (bfloat16: ml_dtypes' `<V2`). */
  readonly typestr: string;
}

const info = (
  name: DType, kind: DTypeKind, itemsize: number, array: TypedArrayConstructor, typestr: string,
): DTypeInfo => ({ name, kind, itemsize, array, typestr });

const TABLE: Record<DType, DTypeInfo> = {
  bool: info('bool', 'b', 1, Uint8Array, '|b1'),
  int8: info('int8', 'i', 1, Int8Array, '|i1'),
  uint8: info('uint8', 'u', 1, Uint8Array, '|u1'),
  int16: info('int16', 'i', 2, Int16Array, '<i2'),
  uint16: info('uint16', 'u', 2, Uint16Array, '<u2'),
  int32: info('int32', 'i', 4, Int32Array, '<i4'),
  uint32: info('uint32', 'u', 4, Uint32Array, '<u4'),
  int64: info('int64', 'i', 8, BigInt64Array, '<i8'),
  uint64: info('uint64', 'u', 8, BigUint64Array, '<u8'),
  float16: info('float16', 'f', 2, Uint16Array, '<f2'),
  float32: info('float32', 'f', 4, Float32Array, '<f4'),
  float64: info('float64', 'f', 8, Float64Array, '<f8'),
  complex64: info('complex64', 'c', 8, Float32Array, '<c8'),
  complex128: info('complex128', 'c', 16, Float64Array, '<c16'),
  bfloat16: info('bfloat16', 'f', 2, Uint16Array, '<V2'),
};

/** Spellings NumPy accepts besides the canonical names. */
const ALIASES: Record<string, DType> = {
  bool_: 'bool', '?': 'bool', b1: 'bool',
  i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32', i8: 'int64', u8: 'uint64',
  f2: 'float16', f4: 'float32', f8: 'float64', half: 'float16', single: 'float32', double: 'float64',
  float: 'float64', int: 'int64', intp: 'int64', uint: 'uint64', ubyte: 'uint8', byte: 'int8',
  short: 'int16', ushort: 'uint16', intc: 'int32', uintc: 'uint32', longlong: 'int64', ulonglong: 'uint64',
  int_: 'int64', uintp: 'uint64', long: 'int64', ulong: 'uint64',
  // one-letter type codes (Linux: 'l' is 64-bit)
  b: 'int8', B: 'uint8', h: 'int16', H: 'uint16', i: 'int32', I: 'uint32', l: 'int64', L: 'uint64',
  q: 'int64', Q: 'uint64', p: 'int64', P: 'uint64', e: 'float16', f: 'float32', d: 'float64',
  c8: 'complex64', c16: 'complex128', F: 'complex64', D: 'complex128', csingle: 'complex64',
  cdouble: 'complex128', complex: 'complex128',
};

/** Anything a dtype argument may be: a name or an alias. */
export type DTypeLike = DType | string;

/**
 * Resolves a dtype argument to its canonical name, or throws NumPy's error for unknown ones.
 * Accepts 'bfloat16' (the tensor face's); NumPy's functions resolve with toNumpyDType.
 */
export function toDType(dtype: DTypeLike): DType {
  if (typeof dtype === 'string') {
    if (Object.hasOwn(TABLE, dtype)) return dtype as DType;
    const stripped = dtype.replace(/^[<>=|]/, '');
    if (Object.hasOwn(ALIASES, stripped)) return ALIASES[stripped]!;
    if (Object.hasOwn(TABLE, stripped) && stripped !== 'bfloat16') return stripped as DType;
  }
  throw new KilnTypeError(`data type '${String(dtype)}' not understood`);
}

/** The dtypes NumPy itself has: every kiln dtype but bfloat16. */
export type NumpyDType = Exclude<DType, 'bfloat16'>;

/**
 * toDType for the NumPy face: NumPy has no bfloat16, so `np.array(x, {dtype: 'bfloat16'})` and
 * `a.astype('bfloat16')` raise NumPy's own TypeError ("data type 'bfloat16' not understood").
 */
export function toNumpyDType(dtype: DTypeLike): NumpyDType {
  const d = toDType(dtype);
  if (d === 'bfloat16') throw new KilnTypeError(`data type '${String(dtype)}' not understood`);
  return d;
}

export function dtypeInfo(dtype: DType): DTypeInfo {
  return TABLE[dtype];
}

export const isFloat = (d: DType): boolean => TABLE[d].kind === 'f';
/** complex64 or complex128. */
export const isComplex = (d: DType): d is 'complex64' | 'complex128' => TABLE[d].kind === 'c';
/** Floats and complex numbers: NumPy's `inexact`. */
export const isInexact = (d: DType): boolean => TABLE[d].kind === 'f' || TABLE[d].kind === 'c';

/** The float type of a complex type's parts (complex64 -> float32); other dtypes map to themselves. */
export function complexPart(d: DType): DType {
  return d === 'complex64' ? 'float32' : d === 'complex128' ? 'float64' : d;
}

/**
 * The complex type whose parts hold a float type: float16, bfloat16 and float32 -> complex64,
 * float64 -> complex128.
 */
export function complexFor(d: DType): 'complex64' | 'complex128' {
  if (isComplex(d)) return d;
  return d === 'float16' || d === 'bfloat16' || d === 'float32' ? 'complex64' : 'complex128';
}
export const isInteger = (d: DType): boolean => TABLE[d].kind === 'i' || TABLE[d].kind === 'u';
export const isBool = (d: DType): boolean => d === 'bool';
/** int64 and uint64 hold values beyond 2^53 and are computed with BigInt to stay exact. */
export const isBig = (d: DType): boolean => d === 'int64' || d === 'uint64';

/** The integer range of an integer dtype, as numbers (bounds of 64-bit types are approximate). */
export function integerRange(d: DType): [number, number] {
  const bits = TABLE[d].itemsize * 8;
  return TABLE[d].kind === 'u' ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

const SIGNED = ['int8', 'int16', 'int32', 'int64'] as const;
const FLOATS = ['float16', 'float32', 'float64'] as const;

/** The smallest float that holds every value of an integer type, as NumPy promotes int + float. */
function floatForInteger(d: DType): DType {
  const size = TABLE[d].itemsize;
  return size === 1 ? 'float16' : size === 2 ? 'float32' : 'float64';
}

/**
 * The smallest inexact dtype `d` casts to safely (itself for floats and complex numbers; bool and
 * 8-bit ints give float16).
 */
export function safeFloatFor(d: DType): DType {
  const k = TABLE[d].kind;
  return k === 'f' || k === 'c' ? d : floatForInteger(d);
}

/** NumPy 2's `np.promote_types(a, b)`; pairs with bfloat16 follow torch.promote_types. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ka = TABLE[a].kind;
  const kb = TABLE[b].kind;
  if (ka === 'b') return b;
  if (kb === 'b') return a;
  if (ka === 'c' || kb === 'c') {
    // the float that holds both (a complex type counts as its parts), made complex
    const fa = ka === 'c' ? complexPart(a) : ka === 'f' ? a : floatForInteger(a);
    const fb = kb === 'c' ? complexPart(b) : kb === 'f' ? b : floatForInteger(b);
    return complexFor(promoteTypes(fa, fb));
  }
  if (a === 'bfloat16' || b === 'bfloat16') {
    // PyTorch's rules (NumPy has no bfloat16): with integers it stays bfloat16; with float16, whose
    // range it exceeds and whose precision it lacks, it meets at float32; wider floats win
    const other = a === 'bfloat16' ? b : a;
    const k = TABLE[other].kind;
    if (k === 'i' || k === 'u') return 'bfloat16';
    return other === 'float16' ? 'float32' : other;
  }
  if (ka === 'f' || kb === 'f') {
    const fa = ka === 'f' ? a : floatForInteger(a);
    const fb = kb === 'f' ? b : floatForInteger(b);
    return FLOATS.indexOf(fa as (typeof FLOATS)[number]) > FLOATS.indexOf(fb as (typeof FLOATS)[number]) ? fa : fb;
  }
  const sa = TABLE[a].itemsize;
  const sb = TABLE[b].itemsize;
  if (ka === kb) return sa >= sb ? a : b;
  // one signed, one unsigned
  const [signed, unsigned] = ka === 'i' ? [a, b] : [b, a];
  const ss = TABLE[signed].itemsize;
  const su = TABLE[unsigned].itemsize;
  if (ss > su) return signed;
  if (su === 8) return 'float64';
  return SIGNED[Math.log2(su) + 1]!;
}

/**
 * NumPy's type numbers. With several dtypes NumPy lets the one with the highest number lead (float16
 * is last): each dtype is promoted with it, then the results with each other.
 */
const TYPE_NUM: Record<DType, number> = {
  bool: 0, int8: 1, uint8: 2, int16: 3, uint16: 4, int32: 5, uint32: 6, int64: 7, uint64: 8,
  float32: 11, float64: 12, complex64: 14, complex128: 15, float16: 23, bfloat16: 24,
};

/**
 * `np.result_type` over several dtypes. Not a left-to-right fold of promoteTypes: NumPy gives
 * result_type(int8, uint8, float16) = float16, where folding would pass through int16 to float32.
 */
export function resultType(...dtypes: DType[]): DType {
  if (dtypes.length === 0) throw new KilnTypeError('at least one array or dtype is required');
  const main = dtypes.reduce((a, b) => (TYPE_NUM[b] > TYPE_NUM[a] ? b : a));
  return dtypes.map((d) => promoteTypes(main, d)).reduce(promoteTypes);
}

/**
 * A Python scalar in NEP 50's sense: its kind matters but not its precision, so it takes the
 * array's dtype when the kinds allow.
 */
export type WeakScalarKind = 'bool' | 'int' | 'float' | 'complex';

/**
 * Whether a JS number stands for a Python int: whole and inside the 64-bit integer range. JS has
 * one number type, so `2` is taken as Python's `2` and `2.5` as `2.5`; a whole number past 2**64
 * (1e20) cannot be an exact integer, so it is taken as the float it is.
 */
export function isPyInt(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) < 2 ** 64;
}

export function weakKind(value: number | boolean | bigint | ComplexLike): WeakScalarKind {
  if (typeof value === 'object') return 'complex';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  return isPyInt(value) ? 'int' : 'float';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The exact range of an integer dtype. */
export function bigIntRange(d: DType): [bigint, bigint] {
  const bits = BigInt(TABLE[d].itemsize * 8);
  return TABLE[d].kind === 'u' ? [0n, 2n ** bits - 1n] : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
}

/** Whether a Python int (a whole number or a bigint) fits an integer dtype exactly. */
export function pyIntFits(value: number | bigint, d: DType): boolean {
  if (typeof value === 'number' && Number.isSafeInteger(value) && TABLE[d].itemsize < 8) {
    const [lo, hi] = integerRange(d); // exact below 64 bits
    return value >= lo && value <= hi;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return d === 'int64' || value >= 0;
  const v = BigInt(value);
  const [lo, hi] = bigIntRange(d);
  return v >= lo && v <= hi;
}

/** NumPy's OverflowError when a Python int is converted to an integer dtype it does not fit (NEP 50). */
export function checkPyIntFits(value: number | bigint, d: DType): void {
  if (pyIntFits(value, d)) return;
  const v = BigInt(value);
  // NumPy converts through a C long first (an unsigned one for uint32 and uint64)
  const unsignedLong = d === 'uint32' || d === 'uint64';
  const viaLong = (v >= INT64_MIN && v <= INT64_MAX) || (unsignedLong && v >= 0n && v <= UINT64_MAX);
  throw new OverflowError(viaLong ? `Python integer ${v} out of bounds for ${d}` : 'Python int too large to convert to C long');
}

/**
 * The dtype NumPy gives a Python int on its own: int64, or uint64 past int64's range; null past
 * uint64's (NumPy makes an object array, which kiln does not have).
 */
export function pyIntDType(value: number | bigint): 'int64' | 'uint64' | null {
  if (pyIntFits(value, 'int64')) return 'int64';
  return pyIntFits(value, 'uint64') ? 'uint64' : null;
}

/** The dtype a weak scalar takes on its own (NumPy's defaults on Linux). */
export function defaultDTypeFor(kind: WeakScalarKind): DType {
  return kind === 'bool' ? 'bool' : kind === 'int' ? 'int64' : kind === 'float' ? 'float64' : 'complex128';
}

/** Promotes an array dtype with a weak Python scalar of the given kind (NEP 50). */
export function promoteWithWeak(d: DType, kind: WeakScalarKind): DType {
  const k = TABLE[d].kind;
  if (kind === 'bool') return d;
  if (kind === 'int') return k === 'b' ? 'int64' : d;
  if (kind === 'float') return k === 'f' || k === 'c' ? d : 'float64';
  // a Python complex: floats keep their precision (float32 + 1j is complex64), others complex128
  return k === 'c' ? d : k === 'f' ? complexFor(d) : 'complex128';
}

/**
 * Result dtype of several operands where some are weak scalars (NEP 50): the strong dtypes are
 * promoted together first, then each weak kind raises the result only across kinds.
 */
export function resultTypeWeak(strong: DType[], weak: WeakScalarKind[]): DType {
  if (strong.length === 0) {
    const order: WeakScalarKind[] = ['bool', 'int', 'float', 'complex'];
    const top = weak.reduce((a, b) => (order.indexOf(a) >= order.indexOf(b) ? a : b));
    return defaultDTypeFor(top);
  }
  let d = resultType(...strong);
  for (const w of weak) d = promoteWithWeak(d, w);
  return d;
}

/** Whether NumPy's 'safe' casting allows `from` to become `to` without losing values. */
export function canCastSafely(from: DType, to: DType): boolean {
  return promoteTypes(from, to) === to;
}
