/**
 * PyTorch's CPU random functions: manualSeed / seed / initialSeed, Generator, rand, randn,
 * randint, randperm, normal, bernoulli, multinomial, the *Like variants, and the in-place fills
 * (uniform_, normal_, random_, bernoulli_, exponential_) that nn.init builds on.
 *
 * For a given seed the numbers are PyTorch 1.13's on an AVX2 CPU, bit for bit (see
 * ./random/kernels.ts for how each is drawn); test/fixtures/torch_random.json pins them.
 */
import { type DType, toDType } from '../core/dtype.js';
import { broadcastShapes } from '../core/shape.js';
import { isGradEnabled, noGrad } from './autograd/grad-mode.js';
import { Node } from './autograd/node.js';
import { finish, parseSizeArgs, type TensorOptions } from './creation.js';
import { getDefaultDtype } from './dtype-rules.js';
import { add, div, mul } from './ops/pointwise.js';
import { argmax } from './ops/reduce.js';
import { expand } from './ops/shape.js';
import { Tensor } from './tensor.js';
import { defaultGenerator, Generator } from './random/generator.js';
import {
  bernoulliScalarFill, bernoulliTensorFill, exponentialFill, multinomialWithReplacement, normalFill,
  randomFill, randomFromToFill, randpermValues, readValues, storeValues, uniformFill, writeOrder,
} from './random/kernels.js';

export { Generator, manualSeed, seed, initialSeed, getRngState, setRngState, defaultGenerator } from './random/generator.js';

export interface RandomOptions extends TensorOptions {
  /** The generator to draw from (default: the global one that manualSeed seeds). */
  generator?: Generator;
}

export interface GeneratorOption {
  generator?: Generator;
}

/** Sizes as `rand(2, 3)` or `rand([2, 3])`, with a trailing options object. */
export type RandomSizeArgs = (number | readonly number[] | RandomOptions)[];

// ---- helpers -------------------------------------------------------------------------------

/** PyTorch's scalar type names, as its dispatch errors print them. */
const SCALAR_NAMES: Partial<Record<DType, string>> = {
  float16: 'Half', float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', int16: 'Short',
  int8: 'Char', uint8: 'Byte', bool: 'Bool',
};

/** The C++ type names that random_'s bounds errors print. */
const C_NAMES: Partial<Record<DType, string>> = {
  float16: 'c10::Half', float32: 'float', float64: 'double', int64: 'long int', int32: 'int',
  int16: 'short int', int8: 'signed char', uint8: 'unsigned char', bool: 'bool',
};

const FLOAT_MAX: Partial<Record<DType, number>> = { float16: 65504, float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };
const FLOAT_DIGITS: Partial<Record<DType, number>> = { float16: 11, float32: 24, float64: 53 };
const INT_RANGE: Partial<Record<DType, [bigint, bigint]>> = {
  bool: [0n, 1n], int8: [-128n, 127n], uint8: [0n, 255n], int16: [-32768n, 32767n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

const isFloatDtype = (d: DType): boolean => d === 'float16' || d === 'float32' || d === 'float64';

function scalarName(d: DType): string {
  return SCALAR_NAMES[d] ?? d;
}

/** A double as C++'s ostream prints it (%g: six significant digits). */
function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e');
    const mant = m!.includes('.') ? m!.replace(/\.?0+$/, '') : m!;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = x.toFixed(Math.max(0, 5 - exp));
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function generatorOf(options: GeneratorOption | undefined): Generator {
  const g = options?.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw new TypeError('generator must be a kiln.Generator');
  return g;
}

/** Checks for an in-place fill: grad-requiring leaves can't be overwritten while recording. */
function checkInPlace(t: Tensor): void {
  if (!(t instanceof Tensor)) throw new TypeError(`expected a Tensor, got ${typeof t}`);
  if (isGradEnabled() && t.requiresGrad && t.isLeaf) {
    throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
  }
}

/** After an in-place fill: a graph-tracked tensor's values no longer depend on its inputs. */
function cutGraph(t: Tensor, name: string): Tensor {
  if (t.requiresGrad && !t.isLeaf && isGradEnabled()) t.gradFn = new Node(name, [], () => []);
  return t;
}

function floatDtype(options: TensorOptions): DType {
  return options.dtype ? toDType(options.dtype) : getDefaultDtype();
}

/** Lets the options object come early, as in `uniform_(t, {generator})`. */
function takeOptions<T extends unknown[]>(args: T): [T, GeneratorOption] {
  const at = args.findIndex((a) => typeof a === 'object' && a !== null && !(a instanceof Tensor));
  if (at < 0) return [args, {}];
  return [args.slice(0, at) as T, args[at] as GeneratorOption];
}

// ---- in-place fills ------------------------------------------------------------------------

/** t.uniform_(from = 0, to = 1): fills t with U[from, to). Returns t. */
export function uniform_(t: Tensor, from?: number | GeneratorOption, to?: number | GeneratorOption, options?: GeneratorOption): Tensor;
export function uniform_(t: Tensor, ...rest: (number | GeneratorOption | undefined)[]): Tensor {
  const [[from = 0, to = 1], options] = takeOptions(rest as number[]);
  checkInPlace(t);
  const d = t.dtype;
  if (!isFloatDtype(d)) throw new Error(`"check_uniform_bounds" not implemented for '${scalarName(d)}'`);
  const max = FLOAT_MAX[d]!;
  if (!(from >= -max && from <= max)) throw new Error(`from is out of bounds for ${C_NAMES[d]}`);
  if (!(to >= -max && to <= max)) throw new Error(`to is out of bounds for ${C_NAMES[d]}`);
  if (!(from <= to)) throw new Error(`uniform_ expects to return a [from, to) range, but found from=${fmt(from)} > to=${fmt(to)}`);
  if (!(to - from <= max)) {
    throw new Error(
      `uniform_ expects to-from <= std::numeric_limits<${d === 'float16' ? 'c10::Half' : C_NAMES[d]}>::max(), but found to=${fmt(to)} and from=${fmt(from)} which result in to-from to exceed the limit`,
    );
  }
  writeOrder(t); // rejects overlapping memory before any draw
  uniformFill(t, from, to, generatorOf(options));
  return cutGraph(t, 'UniformBackward0');
}

/** t.normal_(mean = 0, std = 1): fills t with N(mean, std^2). Returns t. */
export function normal_(t: Tensor, mean?: number | GeneratorOption, std?: number | GeneratorOption, options?: GeneratorOption): Tensor;
export function normal_(t: Tensor, ...rest: (number | GeneratorOption | undefined)[]): Tensor {
  const [[mean = 0, std = 1], options] = takeOptions(rest as number[]);
  checkInPlace(t);
  if (!(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${fmt(std)}`);
  if (!isFloatDtype(t.dtype)) throw new Error(`"normal_kernel_cpu" not implemented for '${scalarName(t.dtype)}'`);
  writeOrder(t);
  normalFill(t, mean, std, generatorOf(options));
  return cutGraph(t, 'NormalBackward0');
}

/** Shrinks random_'s bounds for floats so that casting a draw can't land outside [from, to). */
function updateFrom(from: bigint, d: DType): bigint {
  const cast = (v: bigint): bigint => BigInt(Math.round(castTo(d, Number(v))));
  const plus1 = cast(from + 1n);
  if (plus1 < from) {
    let f = from + 1n < 0n ? -(from + 1n) : from + 1n;
    let n = 0;
    while ((f >>= 1n) > 0n) n++;
    return plus1 + (1n << BigInt(n - FLOAT_DIGITS[d]! + 1));
  }
  return from;
}

function updateTo(to: bigint, d: DType): bigint {
  const cast = (v: bigint): bigint => BigInt(Math.round(castTo(d, Number(v))));
  const minus1 = cast(to - 1n);
  if (minus1 >= to) {
    let f = to - 1n < 0n ? -(to - 1n) : to - 1n;
    let n = 0;
    while ((f >>= 1n) > 0n) n++;
    return minus1 - (1n << BigInt(n - FLOAT_DIGITS[d]! + 1));
  }
  return to;
}

function castTo(d: DType, v: number): number {
  const out = Tensor.empty([1], d);
  storeValues(out, [v]);
  return Number(out.item());
}

function checkFromToInRange(from: bigint, toInc: bigint, d: DType): void {
  const name = C_NAMES[d] ?? d;
  if (isFloatDtype(d)) {
    const max = FLOAT_MAX[d]!;
    if (Number(from) < -max || Number(from) > max) throw new Error(`from is out of bounds for ${name}`);
    if (Number(toInc) < -max || Number(toInc) > max) throw new Error(`to - 1 is out of bounds for ${name}`);
    return;
  }
  const range = INT_RANGE[d];
  if (!range) throw new Error(`"random_from_to" not implemented for '${scalarName(d)}'`);
  if (from < range[0] || from > range[1]) throw new Error(`from is out of bounds for ${name}`);
  if (toInc < range[0] || toInc > range[1]) throw new Error(`to - 1 is out of bounds for ${name}`);
}

function toBig(x: number | bigint, what: string): bigint {
  if (typeof x === 'bigint') return x;
  if (!Number.isInteger(x)) throw new TypeError(`${what} must be an integer, got ${x}`);
  return BigInt(x);
}

/**
 * t.random_(from, to), t.random_(to) or t.random_(): integers drawn uniformly from [from, to)
 * (from defaults to 0; with no bounds, [0, 2^mantissa] for floats and [0, max] for integers).
 */
export function random_(t: Tensor, ...args: (number | bigint | GeneratorOption | null | undefined)[]): Tensor {
  checkInPlace(t);
  const options = (typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null ? args.pop() : {}) as GeneratorOption;
  const nums = args.filter((a) => a !== undefined) as (number | bigint | null)[];
  const gen = generatorOf(options);
  if (!SCALAR_NAMES[t.dtype]) throw new Error(`"random_" not implemented for '${t.dtype}'`);
  writeOrder(t);
  if (nums.length === 0) {
    randomFill(t, gen);
    return cutGraph(t, 'RandomBackward0');
  }
  let from = nums.length >= 2 ? toBig(nums[0]!, 'from') : 0n;
  const toArg = nums.length >= 2 ? nums[1] : nums[0];
  const d = t.dtype;
  if (toArg === null || toArg === undefined) {
    // [from, the dtype's largest exact integer]
    let toInc: bigint;
    if (isFloatDtype(d)) {
      toInc = d === 'float64' ? 2n ** 53n : 1n << BigInt(FLOAT_DIGITS[d]!);
      from = updateFrom(from, d);
      if (from >= toInc) {
        throw new Error(`random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from=${from} > to_inc=${toInc}`);
      }
    } else {
      toInc = INT_RANGE[d]?.[1] ?? 0n;
    }
    checkFromToInRange(from, toInc, d);
    randomFromToFill(t, toInc - from + 1n, from, gen);
    return cutGraph(t, 'RandomBackward0');
  }
  let to = toBig(toArg, 'to');
  if (from >= to) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
  if (isFloatDtype(d)) {
    from = updateFrom(from, d);
    to = updateTo(to, d);
    if (from >= to) {
      throw new Error(`random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${from} >= to=${to}`);
    }
  }
  checkFromToInRange(from, to - 1n, d);
  randomFromToFill(t, to - from, from, gen);
  return cutGraph(t, 'RandomBackward0');
}

/** t.bernoulli_(p = 0.5): 1 with probability p (a number, or a tensor broadcast to t). */
export function bernoulli_(t: Tensor, p?: number | Tensor | GeneratorOption, options?: GeneratorOption): Tensor;
export function bernoulli_(t: Tensor, ...rest: (number | Tensor | GeneratorOption | undefined)[]): Tensor {
  const [[p = 0.5], options] = takeOptions(rest as (number | Tensor)[]);
  checkInPlace(t);
  const gen = generatorOf(options);
  writeOrder(t);
  if (p instanceof Tensor) {
    const probs = readValues(expand(p, t.shape)); // logical order
    const order = writeOrder(t);
    bernoulliTensorFill(t, order ? reorder(probs, t, order) : probs, p.dtype === 'float64', gen);
  } else {
    if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${fmt(p)}`);
    bernoulliScalarFill(t, p, gen);
  }
  return cutGraph(t, 'BernoulliBackward0');
}

/** Logical-order values rearranged into t's write order. */
function reorder(values: Float64Array, t: Tensor, order: Int32Array): Float64Array {
  // map each memory offset back to its logical index
  const logical = new Map<number, number>();
  const idx = new Array<number>(t.ndim).fill(0);
  for (let i = 0; i < values.length; i++) {
    let off = t.offset;
    for (let k = 0; k < t.ndim; k++) off += idx[k]! * t.elementStrides[k]!;
    logical.set(off, i);
    for (let k = t.ndim - 1; k >= 0; k--) {
      if (++idx[k]! < t.shape[k]!) break;
      idx[k] = 0;
    }
  }
  return Float64Array.from(order, (off) => values[logical.get(off)!]!);
}

/** t.exponential_(lambd = 1): samples of Exp(lambd). */
export function exponential_(t: Tensor, lambd?: number | GeneratorOption, options?: GeneratorOption): Tensor;
export function exponential_(t: Tensor, ...rest: (number | GeneratorOption | undefined)[]): Tensor {
  const [[lambd = 1], options] = takeOptions(rest as number[]);
  checkInPlace(t);
  if (!(lambd >= 0)) throw new Error(`exponential_ expects lambda >= 0.0, but found lambda=${fmt(lambd)}`);
  if (!isFloatDtype(t.dtype)) throw new Error(`"exponential_cpu" not implemented for '${scalarName(t.dtype)}'`);
  writeOrder(t);
  exponentialFill(t, lambd, generatorOf(options));
  return cutGraph(t, 'ExponentialBackward0');
}

// ---- creation ------------------------------------------------------------------------------

/** torch.rand(*size): U[0, 1) in the default float dtype (or options.dtype). */
export function rand(...args: RandomSizeArgs): Tensor {
  const [sizes, options] = parseSizeArgs(args) as [number[], RandomOptions];
  const t = Tensor.empty(sizes, floatDtype(options));
  uniform_(t, 0, 1, options);
  return finish(t, options);
}

/** torch.randn(*size): N(0, 1). */
export function randn(...args: RandomSizeArgs): Tensor {
  const [sizes, options] = parseSizeArgs(args) as [number[], RandomOptions];
  const t = Tensor.empty(sizes, floatDtype(options));
  normal_(t, 0, 1, options);
  return finish(t, options);
}

/** torch.rand_like(t): U[0, 1) with t's shape and dtype. */
export function randLike(t: Tensor, options: RandomOptions = {}): Tensor {
  const out = Tensor.empty(t.shape, options.dtype ? toDType(options.dtype) : t.dtype);
  uniform_(out, 0, 1, options);
  return finish(out, options);
}

/** torch.randn_like(t). */
export function randnLike(t: Tensor, options: RandomOptions = {}): Tensor {
  const out = Tensor.empty(t.shape, options.dtype ? toDType(options.dtype) : t.dtype);
  normal_(out, 0, 1, options);
  return finish(out, options);
}

function checkSize(size: unknown, fn: string): number[] {
  if (!Array.isArray(size)) throw new TypeError(`${fn}(): size must be an array of integers, e.g. ${fn}(0, 10, [3])`);
  return parseSizeArgs([size])[0];
}

/**
 * torch.randint(high, size) or randint(low, high, size): integers uniform in [low, high), int64
 * unless options.dtype says otherwise. Bounds may be BigInts past 2^53.
 */
export function randint(high: number | bigint, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(low: number | bigint, high: number | bigint, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(...args: unknown[]): Tensor {
  const sizeAt = args.findIndex((a) => Array.isArray(a));
  if (sizeAt !== 1 && sizeAt !== 2) throw new TypeError('randint(): expected randint(high, size) or randint(low, high, size), with size an array');
  const options = (args[sizeAt + 1] ?? {}) as RandomOptions;
  const [low, high] = sizeAt === 1 ? [0, args[0]] : [args[0], args[1]];
  const t = Tensor.empty(checkSize(args[sizeAt], 'randint'), options.dtype ? toDType(options.dtype) : 'int64');
  random_(t, low as number | bigint, high as number | bigint, options);
  return finish(t, options);
}

/** torch.randint_like(t, high) or randint_like(t, low, high): t's shape and dtype. */
export function randintLike(t: Tensor, high: number | bigint, options?: RandomOptions): Tensor;
export function randintLike(t: Tensor, low: number | bigint, high: number | bigint, options?: RandomOptions): Tensor;
export function randintLike(t: Tensor, ...args: (number | bigint | RandomOptions | undefined)[]): Tensor {
  const options = (typeof args[args.length - 1] === 'object' ? args.pop() : {}) as RandomOptions;
  const [low, high] = args.length >= 2 ? [args[0], args[1]] : [0, args[0]];
  const out = Tensor.empty(t.shape, options.dtype ? toDType(options.dtype) : t.dtype);
  random_(out, low as number | bigint, high as number | bigint, options);
  return finish(out, options);
}

/** torch.randperm(n): a random permutation of 0..n-1 (int64 unless options.dtype). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n)) throw new TypeError(`randperm(): n must be an integer, got ${n}`);
  if (n < 0) throw new Error(`Trying to create tensor with negative dimension ${n}: [${n}]`);
  const dtype = options.dtype ? toDType(options.dtype) : 'int64';
  const digits = FLOAT_DIGITS[dtype];
  if (digits !== undefined && n > 2 ** digits + 1) {
    throw new Error(`n cannot be greater than ${2 ** digits + 1} for ${scalarName(dtype)} type.`);
  }
  const out = Tensor.empty([n], dtype);
  storeValues(out, randpermValues(n, generatorOf(options)));
  return finish(out, options);
}

/**
 * torch.normal, in its four forms:
 * normal(mean, std, size) with numbers; normal(meanTensor, std = 1); normal(mean, stdTensor);
 * normal(meanTensor, stdTensor) (shapes broadcast). Tensor forms sample N(0, 1) (or N(0, std))
 * and then scale and shift, as PyTorch does, so their numbers match too.
 */
export function normal(mean: number, std: number, size: readonly number[], options?: RandomOptions): Tensor;
export function normal(mean: Tensor, std?: number | Tensor, options?: RandomOptions): Tensor;
export function normal(mean: number, std: Tensor, options?: RandomOptions): Tensor;
export function normal(mean: number | Tensor, std: number | Tensor = 1, ...rest: unknown[]): Tensor {
  if (typeof mean === 'number' && typeof std === 'number') {
    const size = checkSize(rest[0], 'normal');
    const options = (rest[1] ?? {}) as RandomOptions;
    const t = Tensor.empty(size, floatDtype(options));
    normal_(t, mean, std, options);
    return finish(t, options);
  }
  const options = (rest[0] ?? {}) as RandomOptions;
  if (std instanceof Tensor) {
    const s = readValues(std);
    if (s.some((v) => !(v >= 0))) throw new Error('normal expects all elements of std >= 0.0');
  }
  return noGrad(() => {
    if (mean instanceof Tensor && typeof std === 'number') {
      const out = Tensor.empty(mean.shape, mean.dtype);
      normal_(out, 0, std, options);
      return add(out, mean.detach()).to(mean.dtype);
    }
    const like = mean instanceof Tensor ? mean : (std as Tensor);
    const shape = mean instanceof Tensor && std instanceof Tensor ? broadcastShapes(mean.shape, std.shape) : like.shape;
    const dtype = like.dtype;
    const out = Tensor.empty(shape, dtype);
    normal_(out, 0, 1, options);
    const m = mean instanceof Tensor ? mean.detach() : mean;
    return add(mul(out, (std as Tensor).detach()).to(dtype), m).to(dtype);
  });
}

/**
 * torch.bernoulli(input): 0/1 draws with probabilities `input`, in input's dtype;
 * bernoulli(input, p) draws with one probability p for every element.
 */
export function bernoulli(input: Tensor, p?: number | GeneratorOption, options: GeneratorOption = {}): Tensor {
  if (typeof p === 'object') {
    options = p;
    p = undefined;
  }
  const out = Tensor.empty(input.shape, input.dtype);
  if (p === undefined) {
    const probs = readValues(input);
    if (probs.some((v) => !(v >= 0 && v <= 1))) {
      throw new Error(
        'Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)',
      );
    }
    bernoulliTensorFill(out, probs, input.dtype === 'float64', generatorOf(options));
    return out;
  }
  return bernoulli_(out, p, options);
}

/**
 * torch.multinomial(input, numSamples, replacement = false): indices drawn by the weights in
 * each row of a 1-D or 2-D input. Without replacement (or for one sample) PyTorch takes the
 * top-k of input / Exp(1) noise; with replacement, a search in the normalized cumulative sums.
 */
export function multinomial(input: Tensor, numSamples: number, replacement?: boolean | GeneratorOption, options?: GeneratorOption): Tensor;
export function multinomial(input: Tensor, numSamples: number, ...rest: (boolean | GeneratorOption | undefined)[]): Tensor {
  const [[replacement = false], options] = takeOptions(rest as boolean[]);
  if (input.ndim < 1 || input.ndim > 2) throw new Error('prob_dist must be 1 or 2 dim');
  if (!isFloatDtype(input.dtype)) {
    throw new Error(`multinomial only supports floating-point dtypes for input, got: ${scalarName(input.dtype)}`);
  }
  if (!(numSamples > 0)) throw new Error('cannot sample n_sample <= 0 samples');
  const cats = input.shape[input.ndim - 1]!;
  const rows = input.ndim === 2 ? input.shape[0]! : 1;
  if (!replacement && numSamples > cats) {
    throw new Error('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  }
  if (cats > 2 ** 24) throw new Error('number of categories cannot exceed 2^24');
  const outShape = input.ndim === 2 ? [rows, numSamples] : [numSamples];
  const gen = generatorOf(options);
  const probs = readValues(input);
  const out = Tensor.empty(outShape, 'int64');
  if (out.numel() === 0) return out;
  if (replacement && numSamples > 1) {
    storeValues(out, multinomialWithReplacement(probs, rows, cats, numSamples, input.dtype, gen));
    return out;
  }
  if (probs.some((v) => !(v >= 0 && v < Infinity))) {
    throw new Error('probability tensor contains either `inf`, `nan` or element < 0');
  }
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < cats; j++) sum += probs[r * cats + j]!;
    if (sum === 0) throw new Error('invalid multinomial distribution (sum of probabilities <= 0)');
  }
  // s = top-k of p / q with q ~ Exp(1): the Gumbel-max trick without logs
  return noGrad(() => {
    const q = Tensor.empty(input.shape, input.dtype);
    exponential_(q, 1, { generator: gen });
    const scores = div(input.detach(), q);
    if (numSamples === 1) return argmax(scores, -1, true);
    const s = readValues(scores);
    const idx = new Float64Array(rows * numSamples);
    for (let r = 0; r < rows; r++) {
      const order = [...Array(cats).keys()].sort((a, b) => s[r * cats + b]! - s[r * cats + a]! || a - b);
      for (let k = 0; k < numSamples; k++) idx[r * numSamples + k] = order[k]!;
    }
    storeValues(out, idx);
    return out;
  });
}
