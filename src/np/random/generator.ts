/**
 * NumPy's Generator (numpy/random/_generator.pyx) over a PCG64 bit generator, and defaultRng.
 * For a seed, every method here makes the same draws as NumPy's, in the same order, so the
 * streams agree bit for bit (see the module notes in index.ts for the one caveat on logs).
 */
import type { DTypeLike } from '../../core/dtype.js';
import { OverflowError, ValueError } from '../../core/errors.js';
import { sizeOf } from '../../core/shape.js';
import { NDArray, type ArrayLike } from '../ndarray.js';
import { PCG64 } from './pcg64.js';
import { type SeedLike, SeedSequence } from './seed-sequence.js';
import { boundedIntegers, boundedLemire, boundedRange, fillBounded, randomInterval } from './bounded.js';
import { type Indices, type Size, fillDoubles, fillFloats } from './output.js';
import { nextFloat, standardExponential, standardExponentialF, standardNormal, standardNormalF } from './ziggurat.js';
import { permutationOf, shuffleInPlace } from './shuffle.js';
import {
  type ChoiceOptions, checkWithoutReplacement, choiceResult, readChoiceArgs, sampleUniqueWithP, sampleWithP,
} from './choice.js';

export interface FloatDTypeOption {
  /** 'float64' (default) or 'float32'. */
  dtype?: DTypeLike;
}

type Bound = number | bigint;

export interface IntegersOptions {
  /** Any integer dtype or 'bool' (default 'int64'). */
  dtype?: DTypeLike;
  /** Whether `high` itself may be drawn (default false). */
  endpoint?: boolean;
}

/** NumPy's check for a parameter that must not be negative (signbit, so -0 counts). */
export function checkNonNegative(value: number, name: string): void {
  if (value < 0 || Object.is(value, -0)) throw new ValueError(`${name} < 0`);
}

export class Generator {
  constructor(readonly bitGenerator: PCG64) {}

  /** Floats in [0, 1): 53 random bits for float64, 24 for float32. */
  random(size?: null, options?: FloatDTypeOption): number;
  random(size: number | readonly number[], options?: FloatDTypeOption): NDArray;
  random(size?: Size, options: FloatDTypeOption = {}): number | NDArray {
    const bg = this.bitGenerator;
    return fillFloats(size, options.dtype, () => bg.nextDouble(), () => nextFloat(bg), 'random');
  }

  /**
   * Integers in [low, high) (or [low, high] with endpoint), `integers(high)` meaning [0, high),
   * by Lemire's method as NumPy's Generator draws them.
   */
  integers(low: Bound, high?: Bound | null, size?: null, options?: IntegersOptions): Bound | boolean;
  integers(low: Bound, high: Bound | null | undefined, size: number | readonly number[], options?: IntegersOptions): NDArray;
  integers(low: Bound, high?: Bound | null, size?: Size, options: IntegersOptions = {}): NDArray | Bound | boolean {
    if (high === undefined || high === null) [low, high] = [0, low];
    return boundedIntegers(this.bitGenerator, low, high, size, options.dtype ?? 'int64', options.endpoint ?? false, false);
  }

  /** Standard normal samples by NumPy's ziggurat. */
  standardNormal(size?: null, options?: FloatDTypeOption): number;
  standardNormal(size: number | readonly number[], options?: FloatDTypeOption): NDArray;
  standardNormal(size?: Size, options: FloatDTypeOption = {}): number | NDArray {
    const bg = this.bitGenerator;
    return fillFloats(size, options.dtype, () => standardNormal(bg), () => standardNormalF(bg), 'standard_normal');
  }

  /** Normal samples: loc + scale * standardNormal. */
  normal(loc?: number, scale?: number, size?: null): number;
  normal(loc: number, scale: number, size: number | readonly number[]): NDArray;
  normal(loc = 0, scale = 1, size?: Size): number | NDArray {
    checkNonNegative(scale, 'scale');
    const bg = this.bitGenerator;
    return fillDoubles(size, () => loc + scale * standardNormal(bg));
  }

  /** Uniform samples in [low, high): low + (high - low) * random(). */
  uniform(low?: number, high?: number, size?: null): number;
  uniform(low: number, high: number, size: number | readonly number[]): NDArray;
  uniform(low = 0, high = 1, size?: Size): number | NDArray {
    const range = high - low;
    if (!Number.isFinite(range)) throw new OverflowError('high - low range exceeds valid bounds');
    checkNonNegative(range, 'high - low');
    const bg = this.bitGenerator;
    return fillDoubles(size, () => low + range * bg.nextDouble());
  }

  /** Standard exponential samples, by NumPy's ziggurat ('zig', default) or inversion ('inv'). */
  standardExponential(size?: null, options?: FloatDTypeOption & { method?: 'zig' | 'inv' }): number;
  standardExponential(size: number | readonly number[], options?: FloatDTypeOption & { method?: 'zig' | 'inv' }): NDArray;
  standardExponential(size?: Size, options: FloatDTypeOption & { method?: 'zig' | 'inv' } = {}): number | NDArray {
    const bg = this.bitGenerator;
    if (options.method === 'inv') {
      // NumPy 2 computes -log1p(-U) here; glibc's log1p and V8's both descend from fdlibm's and
      // agree on all but ~0.1% of inputs, where a correctly rounded log would miss ~7%.
      return fillFloats(size, options.dtype, () => -Math.log1p(-bg.nextDouble()),
        () => Math.fround(-Math.log1p(-nextFloat(bg))), 'standard_exponential');
    }
    return fillFloats(size, options.dtype, () => standardExponential(bg), () => standardExponentialF(bg), 'standard_exponential');
  }

  /** Exponential samples with the given scale (1 / rate). */
  exponential(scale?: number, size?: null): number;
  exponential(scale: number, size: number | readonly number[]): NDArray;
  exponential(scale = 1, size?: Size): number | NDArray {
    checkNonNegative(scale, 'scale');
    const bg = this.bitGenerator;
    return fillDoubles(size, () => scale * standardExponential(bg));
  }

  /**
   * A random sample of `a` (an array, along axis 0) or of arange(a) (an integer): with or
   * without replacement, uniform or with probabilities p.
   */
  choice(a: number | ArrayLike, size: number | readonly number[], options?: ChoiceOptions): NDArray;
  choice(a: number, size?: null, options?: ChoiceOptions): number;
  choice(a: number | ArrayLike, size?: Size, options?: ChoiceOptions): NDArray | number | boolean;
  choice(a: number | ArrayLike, size?: Size, options: ChoiceOptions = {}): NDArray | number | boolean {
    const pop = readChoiceArgs(a, size, options.p, false);
    const count = pop.isScalar ? 1 : sizeOf(pop.shape);
    let indices: Indices;
    if (options.replace ?? true) {
      if (pop.p) {
        const u = this.random(pop.shape);
        indices = sampleWithP(pop.p, u.storage.typed('float64') as Float64Array);
      } else {
        indices = count === 0 ? [] : sampleIndices(this.bitGenerator, pop.size, count);
      }
    } else {
      checkWithoutReplacement(pop, false);
      if (pop.p) {
        indices = sampleUniqueWithP(pop.p, count, (n) => this.random(n).storage.typed('float64') as Float64Array);
      } else {
        indices = sampleWithoutReplacement(this.bitGenerator, pop.size, count, options.shuffle ?? true);
      }
    }
    return choiceResult(pop, indices);
  }

  /** Shuffles an array's rows (or a JS array) in place. */
  shuffle(x: NDArray | unknown[]): void {
    const bg = this.bitGenerator;
    shuffleInPlace(x, (i) => randomInterval(bg, i));
  }

  /** A shuffled copy of an array along axis 0, or a shuffled arange(n). */
  permutation(x: number | ArrayLike): NDArray {
    const bg = this.bitGenerator;
    return permutationOf(x, (i) => randomInterval(bg, i), false);
  }

  /** `length` random bytes (little-endian uint32 draws, cut to length). */
  bytes(length: number): Uint8Array {
    const words = Math.floor((length - 1) / 4) + 1;
    const ints = this.integers(0, 4294967296, words, { dtype: 'uint32' });
    return new Uint8Array(ints.storage.buffer, 0, length).slice();
  }
}

/** `count` indices in [0, n) with replacement: integers(0, n, size, dtype=int64). */
function sampleIndices(bg: PCG64, n: number, count: number): number[] {
  const words = new Uint32Array(2 * count);
  const { off, rng } = boundedRange('int64', 0n, BigInt(n), false);
  fillBounded(bg, 'int64', off, rng, count, false, words);
  return Array.from({ length: count }, (_, i) => words[2 * i]! + words[2 * i + 1]! * 4294967296);
}

/**
 * `count` distinct indices in [0, n): Floyd's algorithm, or a partial shuffle of the tail of
 * arange(n) when many indices of a large population are wanted (NumPy's heuristic and draws).
 */
function sampleWithoutReplacement(bg: PCG64, n: number, count: number, shuffle: boolean): number[] {
  const cutoff = shuffle ? 50 : 20;
  if (n > 10000 && count > Math.floor(n / cutoff)) {
    const idx = Array.from({ length: n }, (_, i) => i);
    shuffleTail(bg, idx, n, Math.max(n - count, 1));
    return idx.slice(n - count);
  }
  const out: number[] = [];
  const seen = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const v = boundedLemire(bg, j);
    const pick = seen.has(v) ? j : v;
    seen.add(pick);
    out.push(pick);
  }
  if (shuffle) shuffleTail(bg, out, count, 1);
  return out;
}

/** Fisher–Yates over positions n-1 down to `first`, with Lemire draws (_shuffle_int). */
function shuffleTail(bg: PCG64, data: number[], n: number, first: number): void {
  for (let i = n - 1; i >= first; i--) {
    const j = boundedLemire(bg, i);
    [data[i], data[j]] = [data[j]!, data[i]!];
  }
}

/**
 * A Generator over PCG64 (NumPy's default_rng): from a seed (a non-negative integer, a bigint
 * or a list of them), a SeedSequence, a PCG64, or fresh OS entropy when none is given.
 */
export function defaultRng(seed?: SeedLike | SeedSequence | PCG64 | Generator | null): Generator {
  if (seed instanceof Generator) return seed;
  if (seed instanceof PCG64) return new Generator(seed);
  return new Generator(new PCG64(seed ?? undefined));
}
