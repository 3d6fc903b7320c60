/**
 * Bounded random integers as NumPy draws them (numpy/random/_bounded_integers.pyx.in and the
 * random_bounded_*_fill functions of distributions.c): a value in [0, rng] is drawn either by
 * Lemire's multiply-and-reject method (Generator) or by masked rejection (legacy RandomState),
 * with 32-bit draws for ranges that fit in 32 bits, and 8- and 16-bit dtypes cutting each
 * 32-bit draw into pieces. Which draws are made, and in which order, is what decides the stream.
 */
import { KilnTypeError, ValueError } from '../../core/errors.js';
import { type DType, type DTypeLike, toNumpyDType } from '../../core/dtype.js';
import { sizeOf } from '../../core/shape.js';
import { NDArray } from '../ndarray.js';
import { type BitGenerator, next64Big } from './bit-generator.js';
import { type Size, shapeOf } from './output.js';

/** The integer dtypes `integers`/`randint` can produce, with their bounds. */
export const INT_BOUNDS: Partial<Record<DType, [bigint, bigint, number]>> = {
  bool: [0n, 1n, 1],
  int8: [-(2n ** 7n), 2n ** 7n - 1n, 8],
  uint8: [0n, 2n ** 8n - 1n, 8],
  int16: [-(2n ** 15n), 2n ** 15n - 1n, 16],
  uint16: [0n, 2n ** 16n - 1n, 16],
  int32: [-(2n ** 31n), 2n ** 31n - 1n, 32],
  uint32: [0n, 2n ** 32n - 1n, 32],
  int64: [-(2n ** 63n), 2n ** 63n - 1n, 64],
  uint64: [0n, 2n ** 64n - 1n, 64],
};

/** The smallest all-ones mask covering `max` (gen_mask). */
function maskFor(max: number): number {
  let m = max;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

/** A value in [0, rng] from 32-bit draws, rng < 2^32 - 1 (buffered_bounded_lemire_uint32). */
function lemire32(bg: BitGenerator, rng: number): number {
  const excl = rng + 1;
  // m = draw * excl is up to 64 bits: split the draw so each partial product is exact.
  let x = bg.next32();
  let leftover = Math.imul(x, excl) >>> 0;
  if (leftover < excl) {
    const threshold = (4294967296 - excl) % excl;
    while (leftover < threshold) {
      x = bg.next32();
      leftover = Math.imul(x, excl) >>> 0;
    }
  }
  const t = (x >>> 16) * excl + Math.floor(((x & 0xffff) * excl) / 65536);
  return Math.floor(t / 65536);
}

/** Masked rejection with 32-bit draws (buffered_bounded_masked_uint32 and random_interval). */
function masked32(bg: BitGenerator, rng: number, mask: number): number {
  let v: number;
  while ((v = (bg.next32() & mask) >>> 0) > rng);
  return v;
}

/** A value in [0, rng] for 2^32 <= rng < 2^64 - 1, from 64-bit draws. */
function bounded64(bg: BitGenerator, rng: bigint, masked: boolean): bigint {
  if (masked) {
    let mask = rng;
    for (let s = 1n; s <= 32n; s *= 2n) mask |= mask >> s;
    let v: bigint;
    while ((v = next64Big(bg) & mask) > rng);
    return v;
  }
  const excl = rng + 1n;
  let m = next64Big(bg) * excl;
  let leftover = m & 0xffffffffffffffffn;
  if (leftover < excl) {
    const threshold = (0xffffffffffffffffn - rng) % excl;
    while (leftover < threshold) {
      m = next64Big(bg) * excl;
      leftover = m & 0xffffffffffffffffn;
    }
  }
  return m >> 64n;
}

/**
 * 8- and 16-bit draws carved from one 32-bit draw, low bits first. The buffer lives for one
 * fill (one call of integers/randint), as in NumPy.
 */
class SmallDraws {
  private buf = 0;
  private count = 0;
  constructor(private readonly bg: BitGenerator, private readonly bits: 1 | 8 | 16) {}

  next(): number {
    if (this.count === 0) {
      this.buf = this.bg.next32();
      this.count = 32 / this.bits - 1;
    } else {
      this.buf >>>= this.bits;
      this.count--;
    }
    return this.buf & (2 ** this.bits - 1);
  }
}

/** A value in [0, rng] for 8- and 16-bit dtypes (buffered_bounded_{lemire,masked}_uint{8,16}). */
function boundedSmall(draws: SmallDraws, bits: 8 | 16, rng: number, masked: boolean, mask: number): number {
  const full = 2 ** bits;
  if (rng === full - 1) return draws.next();
  if (masked) {
    let v: number;
    while ((v = draws.next() & mask) > rng);
    return v;
  }
  const excl = rng + 1;
  let m = draws.next() * excl;
  let leftover = m % full;
  if (leftover < excl) {
    const threshold = (full - excl) % excl;
    while (leftover < threshold) {
      m = draws.next() * excl;
      leftover = m % full;
    }
  }
  return Math.floor(m / full);
}

/**
 * Fills `out` (the dtype's own typed array, or the 32-bit words of a 64-bit one) with values
 * off + [0, rng], wrapped to the dtype's width, as random_bounded_*_fill does.
 */
export function fillBounded(
  bg: BitGenerator, dtype: DType, off: bigint, rng: bigint, count: number, masked: boolean,
  out: { [i: number]: number },
): void {
  const bits = INT_BOUNDS[dtype]![2];
  if (bits === 64) {
    fill64(bg, off, rng, count, masked, out);
    return;
  }
  const offN = Number(off);
  const rngN = Number(rng);
  const width = 2 ** bits;
  const mask = maskFor(rngN);
  if (bits === 1) {
    const draws = new SmallDraws(bg, 1);
    for (let i = 0; i < count; i++) out[i] = rngN === 0 ? offN : draws.next();
    return;
  }
  if (bits === 32) {
    for (let i = 0; i < count; i++) {
      const v = rngN === 0 ? 0 : rngN === width - 1 ? bg.next32() : masked ? masked32(bg, rngN, mask) : lemire32(bg, rngN);
      out[i] = (offN + v) % width;
    }
    return;
  }
  const draws = new SmallDraws(bg, bits as 8 | 16);
  for (let i = 0; i < count; i++) {
    const v = rngN === 0 ? 0 : boundedSmall(draws, bits as 8 | 16, rngN, masked, mask);
    out[i] = (offN + v) % width;
  }
}

/** 64-bit dtypes: `out` holds little-endian 32-bit words, two per value. */
function fill64(bg: BitGenerator, off: bigint, rng: bigint, count: number, masked: boolean, out: { [i: number]: number }): void {
  const offLo = Number(off & 0xffffffffn);
  const offHi = Number((off >> 32n) & 0xffffffffn);
  const write = (i: number, lo: number, hi: number): void => {
    const sum = offLo + lo;
    out[2 * i] = sum % 4294967296;
    out[2 * i + 1] = (offHi + hi + (sum >= 4294967296 ? 1 : 0)) % 4294967296;
  };
  if (rng === 0n) {
    for (let i = 0; i < count; i++) write(i, 0, 0);
  } else if (rng <= 0xffffffffn) {
    // Ranges that fit in 32 bits use 32-bit draws, even for 64-bit dtypes.
    const rngN = Number(rng);
    const mask = maskFor(rngN);
    for (let i = 0; i < count; i++) {
      const v = rngN === 4294967295 ? bg.next32() : masked ? masked32(bg, rngN, mask) : lemire32(bg, rngN);
      write(i, v, 0);
    }
  } else if (rng === 0xffffffffffffffffn) {
    for (let i = 0; i < count; i++) {
      const hi = bg.next64();
      write(i, bg.lo, hi);
    }
  } else {
    for (let i = 0; i < count; i++) {
      const v = bounded64(bg, rng, masked);
      write(i, Number(v & 0xffffffffn), Number(v >> 32n));
    }
  }
}

/** A value in [0, max] by masked rejection (random_interval), used by shuffles. */
export function randomInterval(bg: BitGenerator, max: number): number {
  if (max === 0) return 0;
  if (max <= 0xffffffff) return masked32(bg, max, maskFor(max));
  // Beyond 32 bits (arrays of more than 4 billion rows) the 64-bit draws are masked instead.
  const big = BigInt(max);
  let mask = big;
  for (let s = 1n; s <= 32n; s *= 2n) mask |= mask >> s;
  let v: bigint;
  while ((v = next64Big(bg) & mask) > big);
  return Number(v);
}

/** A value in [0, max] by Lemire's method (random_bounded_uint64 with off 0), used by choice. */
export function boundedLemire(bg: BitGenerator, max: number): number {
  if (max === 0) return 0;
  if (max < 0xffffffff) return lemire32(bg, max);
  if (max === 0xffffffff) return bg.next32();
  return Number(bounded64(bg, BigInt(max), false));
}

/**
 * Checks low/high for a dtype as NumPy does and returns the offset and range of the closed
 * interval [low, high - 1] (or [low, high] with endpoint), with NumPy's messages.
 */
export function boundedRange(dtype: DType, low: bigint, high: bigint, endpoint: boolean): { off: bigint; rng: bigint } {
  const [lb, ub, bits] = INT_BOUNDS[dtype]!;
  const top = endpoint ? high : high - 1n;
  if (low < lb) throw new ValueError(`low is out of bounds for ${dtype}`);
  if (top > ub) throw new ValueError(`high is out of bounds for ${dtype}`);
  if (low > top) {
    if (low === 0n) throw new ValueError(endpoint ? 'high < 0' : 'high <= 0');
    throw new ValueError(endpoint ? 'low > high' : 'low >= high');
  }
  const width = bits === 1 ? 2n : 1n << BigInt(bits);
  return { off: ((low % width) + width) % width, rng: top - low };
}

/** An integer argument as a BigInt, truncated as NumPy's int() does. */
export function toBigInt(v: number | bigint): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isFinite(v)) throw new ValueError(`cannot convert float ${v} to integer`);
  return BigInt(Math.trunc(v));
}

/**
 * Bounded integers of any integer dtype, shared by Generator.integers (Lemire) and
 * RandomState.randint (masked). A scalar comes back as a number (a bigint when a bound was a
 * bigint, a boolean for 'bool').
 */
export function boundedIntegers(
  bg: BitGenerator, low: number | bigint, high: number | bigint, size: Size,
  dtypeLike: DTypeLike, endpoint: boolean, masked: boolean,
): NDArray | number | bigint | boolean {
  const dtype = toNumpyDType(dtypeLike);
  if (!(dtype in INT_BOUNDS)) throw new KilnTypeError(`Unsupported dtype dtype('${dtype}') for ${masked ? 'randint' : 'integers'}`);
  const isScalar = size === undefined || size === null;
  const shape = isScalar ? [] : shapeOf(size);
  if (!isScalar && sizeOf(shape) === 0) return NDArray.empty(shape, dtype);
  const { off, rng } = boundedRange(dtype, toBigInt(low), toBigInt(high), endpoint);
  const out = NDArray.empty(shape, dtype);
  const typed = out.storage.typed(dtype);
  // 64-bit values are written as two 32-bit words (little-endian, as the typed arrays are here)
  const target = dtype === 'int64' || dtype === 'uint64' ? new Uint32Array(out.storage.buffer) : typed;
  fillBounded(bg, dtype, off, rng, out.size, masked, target as unknown as { [i: number]: number });
  if (!isScalar) return out;
  const v = typed[0]!;
  if (dtype === 'bool') return v !== 0;
  if (typeof v === 'bigint') return typeof low === 'bigint' || typeof high === 'bigint' ? v : Number(v);
  return v;
}
