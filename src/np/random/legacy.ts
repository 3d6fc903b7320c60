/**
 * NumPy's legacy RandomState (numpy/random/mtrand.pyx) over MT19937, and the module-level
 * functions (np.random.seed, rand, randn, randint, ...) that share one global RandomState.
 * The legacy samplers differ from Generator's: doubles from two 32-bit draws, normals by the
 * polar Box–Muller method that keeps its second value for the next call, integers by masked
 * rejection, and choice without replacement by a full permutation.
 */
import { type DTypeLike } from '../../core/dtype.js';
import { OverflowError } from '../../core/errors.js';
import { sizeOf } from '../../core/shape.js';
import { NDArray, type ArrayLike } from '../ndarray.js';
import { MT19937 } from './mt19937.js';
import { boundedIntegers, randomInterval } from './bounded.js';
import { type Indices, type Size, fillDoubles } from './output.js';
import { exactLog } from './exact-log.js';
import { permutationOf, shuffleInPlace } from './shuffle.js';
import { checkNonNegative } from './generator.js';
import {
  type ChoiceOptions, checkWithoutReplacement, choiceResult, readChoiceArgs, sampleUniqueWithP, sampleWithP,
} from './choice.js';

/** A legacy seed: an integer in [0, 2^32) or a non-empty list of them. */
export type LegacySeed = number | readonly number[];

/** choice's options; `shuffle` is not a legacy option. */
export type LegacyChoiceOptions = Omit<ChoiceOptions, 'shuffle'>;

export interface RandintOptions {
  /** Any integer dtype or 'bool' (default 'int64'). */
  dtype?: DTypeLike;
}

type Bound = number | bigint;

export class RandomState {
  readonly bitGenerator: MT19937;
  /** The polar method makes normals in pairs; the second waits here for the next call. */
  private hasGauss = false;
  private gauss = 0;

  constructor(seed?: LegacySeed | null) {
    this.bitGenerator = new MT19937(seed ?? undefined);
  }

  /** Reseeds as np.random.seed does (init_genrand for an integer, init_by_array for a list). */
  seed(seed?: LegacySeed | null): void {
    this.bitGenerator.seed(seed ?? undefined);
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** Floats in [0, 1). */
  randomSample(size?: null): number;
  randomSample(size: number | readonly number[]): NDArray;
  randomSample(size?: Size): number | NDArray {
    const bg = this.bitGenerator;
    return fillDoubles(size, () => bg.nextDouble());
  }

  random(size?: null): number;
  random(size: number | readonly number[]): NDArray;
  random(size?: Size): number | NDArray {
    return this.randomSample(size as number[]);
  }

  /** `rand(2, 3)`: floats in [0, 1) of that shape; `rand()` one float. */
  rand(): number;
  rand(...shape: [number, ...number[]]): NDArray;
  rand(...shape: number[]): number | NDArray;
  rand(...shape: number[]): number | NDArray {
    return shape.length === 0 ? this.randomSample() : this.randomSample(shape);
  }

  /** `randn(2, 3)`: standard normals of that shape; `randn()` one. */
  randn(): number;
  randn(...shape: [number, ...number[]]): NDArray;
  randn(...shape: number[]): number | NDArray;
  randn(...shape: number[]): number | NDArray {
    return shape.length === 0 ? this.standardNormal() : this.standardNormal(shape);
  }

  standardNormal(size?: null): number;
  standardNormal(size: number | readonly number[]): NDArray;
  standardNormal(size?: Size): number | NDArray {
    return fillDoubles(size, () => this.nextGauss());
  }

  normal(loc?: number, scale?: number, size?: null): number;
  normal(loc: number, scale: number, size: number | readonly number[]): NDArray;
  normal(loc = 0, scale = 1, size?: Size): number | NDArray {
    checkNonNegative(scale, 'scale');
    return fillDoubles(size, () => loc + scale * this.nextGauss());
  }

  /** low + (high - low) * random_sample(); legacy allows high < low. */
  uniform(low?: number, high?: number, size?: null): number;
  uniform(low: number, high: number, size: number | readonly number[]): NDArray;
  uniform(low = 0, high = 1, size?: Size): number | NDArray {
    const range = high - low;
    if (!Number.isFinite(range)) throw new OverflowError('Range exceeds valid bounds');
    const bg = this.bitGenerator;
    return fillDoubles(size, () => low + range * bg.nextDouble());
  }

  /** Exponential samples by inversion: -scale * log(1 - U). */
  exponential(scale?: number, size?: null): number;
  exponential(scale: number, size: number | readonly number[]): NDArray;
  exponential(scale = 1, size?: Size): number | NDArray {
    checkNonNegative(scale, 'scale');
    const bg = this.bitGenerator;
    return fillDoubles(size, () => scale * -exactLog(1.0 - bg.nextDouble()));
  }

  /** Integers in [low, high), `randint(high)` meaning [0, high), by masked rejection. */
  randint(low: Bound, high?: Bound | null, size?: null, options?: RandintOptions): Bound | boolean;
  randint(low: Bound, high: Bound | null | undefined, size: number | readonly number[], options?: RandintOptions): NDArray;
  randint(low: Bound, high?: Bound | null, size?: Size, options: RandintOptions = {}): NDArray | Bound | boolean {
    if (high === undefined || high === null) [low, high] = [0, low];
    return boundedIntegers(this.bitGenerator, low, high, size, options.dtype ?? 'int64', false, true);
  }

  /** A random sample of a 1-D array or of arange(a). */
  choice(a: number | ArrayLike, size: number | readonly number[], options?: LegacyChoiceOptions): NDArray;
  choice(a: number, size?: null, options?: LegacyChoiceOptions): number;
  choice(a: number | ArrayLike, size?: Size, options?: LegacyChoiceOptions): NDArray | number | boolean;
  choice(a: number | ArrayLike, size?: Size, options: LegacyChoiceOptions = {}): NDArray | number | boolean {
    const pop = readChoiceArgs(a, size, options.p, true);
    const count = pop.isScalar ? 1 : sizeOf(pop.shape);
    let indices: Indices;
    if (options.replace ?? true) {
      if (pop.p) {
        indices = sampleWithP(pop.p, this.randomSample(pop.shape).storage.typed('float64') as Float64Array);
      } else {
        const ints = this.randint(0, pop.size, pop.shape);
        indices = Array.from(ints.storage.typed('int64') as BigInt64Array, Number).slice(0, count);
      }
    } else {
      checkWithoutReplacement(pop, true);
      if (pop.p) {
        indices = sampleUniqueWithP(pop.p, count, (n) => this.randomSample(n).storage.typed('float64') as Float64Array);
      } else {
        const perm = this.permutation(pop.size);
        indices = Array.from(perm.storage.typed('int64') as BigInt64Array, Number).slice(0, count);
      }
    }
    return choiceResult(pop, indices);
  }

  /** Shuffles an array's rows (or a JS array) in place. */
  shuffle(x: NDArray | unknown[]): void {
    const bg = this.bitGenerator;
    shuffleInPlace(x, (i) => randomInterval(bg, i));
  }

  /** A shuffled copy along axis 0, or a shuffled arange(n). */
  permutation(x: number | ArrayLike): NDArray {
    const bg = this.bitGenerator;
    return permutationOf(x, (i) => randomInterval(bg, i), true);
  }

  /** The polar Box–Muller method with the cached second value (legacy_gauss). */
  private nextGauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    const bg = this.bitGenerator;
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * bg.nextDouble() - 1.0;
      x2 = 2.0 * bg.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * exactLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }
}

/** The global RandomState behind np.random.seed, rand, randn, ... (seeded from the OS). */
const globalState = new RandomState();

export const seed = (s?: LegacySeed | null): void => globalState.seed(s);

export function rand(): number;
export function rand(...shape: [number, ...number[]]): NDArray;
export function rand(...shape: number[]): number | NDArray;
export function rand(...shape: number[]): number | NDArray {
  return globalState.rand(...shape);
}

export function randn(): number;
export function randn(...shape: [number, ...number[]]): NDArray;
export function randn(...shape: number[]): number | NDArray;
export function randn(...shape: number[]): number | NDArray {
  return globalState.randn(...shape);
}

export function randomSample(size?: null): number;
export function randomSample(size: number | readonly number[]): NDArray;
export function randomSample(size?: Size): number | NDArray {
  return globalState.randomSample(size as number[]);
}
export { randomSample as random };

export function standardNormal(size?: null): number;
export function standardNormal(size: number | readonly number[]): NDArray;
export function standardNormal(size?: Size): number | NDArray {
  return globalState.standardNormal(size as number[]);
}

export function randint(low: Bound, high?: Bound | null, size?: null, options?: RandintOptions): Bound | boolean;
export function randint(low: Bound, high: Bound | null | undefined, size: number | readonly number[], options?: RandintOptions): NDArray;
export function randint(low: Bound, high?: Bound | null, size?: Size, options?: RandintOptions): NDArray | Bound | boolean {
  return globalState.randint(low, high, size as number[], options);
}

export function uniform(low?: number, high?: number, size?: null): number;
export function uniform(low: number, high: number, size: number | readonly number[]): NDArray;
export function uniform(low?: number, high?: number, size?: Size): number | NDArray {
  return globalState.uniform(low ?? 0, high ?? 1, size as number[]);
}

export function normal(loc?: number, scale?: number, size?: null): number;
export function normal(loc: number, scale: number, size: number | readonly number[]): NDArray;
export function normal(loc?: number, scale?: number, size?: Size): number | NDArray {
  return globalState.normal(loc ?? 0, scale ?? 1, size as number[]);
}

export function exponential(scale?: number, size?: null): number;
export function exponential(scale: number, size: number | readonly number[]): NDArray;
export function exponential(scale?: number, size?: Size): number | NDArray {
  return globalState.exponential(scale ?? 1, size as number[]);
}

export function choice(a: number | ArrayLike, size: number | readonly number[], options?: LegacyChoiceOptions): NDArray;
export function choice(a: number, size?: null, options?: LegacyChoiceOptions): number;
export function choice(a: number | ArrayLike, size?: Size, options?: LegacyChoiceOptions): NDArray | number | boolean;
export function choice(a: number | ArrayLike, size?: Size, options?: LegacyChoiceOptions): NDArray | number | boolean {
  return globalState.choice(a, size, options);
}
export const shuffle = (x: NDArray | unknown[]): void => globalState.shuffle(x);
export const permutation = (x: number | ArrayLike): NDArray => globalState.permutation(x);
