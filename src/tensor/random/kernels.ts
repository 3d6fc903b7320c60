/**
 * The CPU sampling kernels, following ATen's (cpu/DistributionTemplates.h, DistributionsHelper.h,
 * TransformationHelper.h) draw for draw, so a seed gives PyTorch's numbers:
 *
 * - uniform: float32 takes the low 24 bits of one 32-bit draw, float16 the low 11, float64 the
 *   low 53 bits of a 64-bit draw (two 32-bit draws, the first as the high word), each over 2^bits,
 *   then `u * (to - from) + from` as one fused multiply-add.
 * - normal: >= 16 contiguous elements fill with uniforms first and turn them into normals in
 *   blocks of 16 (Box-Muller pairs j and j + 8; the last partial block is redrawn and redone).
 *   float32 does that with the AVX2 kernel's float math; the rest pair per element in doubles,
 *   caching the sine sample in the generator for the next draw. Doubles go through glibc's own
 *   log/sin/cos (./libm.ts), since V8's differ in the last bit now and then.
 * - random_(from, to): `draw % range + from`, with a 64-bit draw when the range needs it.
 *
 * Elements are visited in memory order (as TensorIterator does for a single output), which is
 * the logical order for contiguous tensors.
 */
import type { DType } from '../../core/dtype.js';
import { roundToHalf, toHalfBits } from '../../core/float16.js';
import type { Tensor } from '../tensor.js';
import { fmaf, log256, sincos256, sincosOut } from './float-math.js';
import { cos, fma, log, sin } from './libm.js';
import type { Generator } from './generator.js';

const fround = Math.fround;
const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M11 = 2 ** -11;
const TWO_PI = 2 * Math.PI;
const TWO_PI_F = fround(2 * Math.PI);

// ---- element order and stores ----------------------------------------------------------------

/**
 * Element offsets in the order PyTorch writes them: memory order (dims sorted by stride), or
 * null when the tensor is contiguous and the order is simply offset + i.
 */
export function writeOrder(t: Tensor): Int32Array | null {
  if (t.isContiguous()) return null;
  const dims = [...t.shape.keys()].filter((d) => t.shape[d]! > 1);
  if (dims.some((d) => t.elementStrides[d] === 0)) {
    throw new Error(
      'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
    );
  }
  // outermost first: largest stride; ties keep the logical order
  dims.sort((a, b) => Math.abs(t.elementStrides[b]!) - Math.abs(t.elementStrides[a]!) || a - b);
  const n = t.numel();
  const out = new Int32Array(n);
  const sizes = dims.map((d) => t.shape[d]!);
  const strides = dims.map((d) => t.elementStrides[d]!);
  const index = new Array<number>(dims.length).fill(0);
  let off = t.offset;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++index[k]! < sizes[k]!) {
        off += strides[k]!;
        break;
      }
      index[k] = 0;
      off -= strides[k]! * (sizes[k]! - 1);
    }
  }
  return out;
}

/**
 * Stores values (already rounded to the tensor's dtype where that matters) into the tensor in
 * write order; integers are cast as C++ casts from int64 (values here are always in range).
 */
export function storeValues(t: Tensor, values: ArrayLike<number>): void {
  const order = writeOrder(t);
  const n = values.length;
  const at = (i: number): number => (order ? order[i]! : t.offset + i);
  const arr = t.storage.typed(t.dtype);
  if (t.dtype === 'int64' || t.dtype === 'uint64') {
    const a = arr as BigInt64Array | BigUint64Array;
    for (let i = 0; i < n; i++) a[at(i)] = BigInt(values[i]!);
  } else if (t.dtype === 'float16') {
    const a = arr as Uint16Array;
    for (let i = 0; i < n; i++) a[at(i)] = toHalfBits(values[i]!);
  } else if (t.dtype === 'bool') {
    const a = arr as Uint8Array;
    for (let i = 0; i < n; i++) a[at(i)] = values[i] ? 1 : 0;
  } else {
    const a = arr as Float64Array;
    if (!order && t.offset === 0 && n === a.length) a.set(values);
    else for (let i = 0; i < n; i++) a[at(i)] = values[i]!;
  }
  t.storage.version++;
}

/**
 * Where a kernel writes its values: straight into the tensor when it is a contiguous float32 or
 * float64 one, else into a scratch array that commit() then stores.
 */
function valuesFor(t: Tensor): Float32Array | Float64Array {
  const n = t.numel();
  if ((t.dtype === 'float32' || t.dtype === 'float64') && t.isContiguous()) {
    return (t.storage.typed(t.dtype) as Float32Array | Float64Array).subarray(t.offset, t.offset + n);
  }
  return new Float64Array(n);
}

function commit(t: Tensor, values: Float32Array | Float64Array): void {
  if (values.buffer === t.storage.buffer) t.storage.version++;
  else storeValues(t, values);
}

/** The values of a float tensor in logical order, as doubles. */
export function readValues(t: Tensor): Float64Array {
  const c = t.detach().to('float64', { copy: true }).contiguous();
  return (c.storage.typed('float64') as Float64Array).subarray(c.offset, c.offset + c.numel());
}

/** Rounds a double to a float dtype the way static_cast<scalar_t>(double) does. */
function castFloat(dtype: DType): (v: number) => number {
  if (dtype === 'float32') return fround;
  if (dtype === 'float16') return (v) => roundToHalf(fround(v)); // Half's constructor takes a float
  return (v) => v;
}

// ---- uniform -------------------------------------------------------------------------------

/** uniform_(from, to) for a float tensor (bounds already checked). */
export function uniformFill(t: Tensor, from: number, to: number, gen: Generator): void {
  const n = t.numel();
  const out = valuesFor(t);
  if (t.dtype === 'float64') {
    const range = to - from;
    if (from === 0 && range === 1) for (let i = 0; i < n; i++) out[i] = gen.randomDouble();
    else for (let i = 0; i < n; i++) out[i] = fma(gen.randomDouble(), range, from);
  } else if (t.dtype === 'float32') {
    const f = fround(from);
    const range = fround(fround(to) - f);
    if (f === 0 && range === 1) for (let i = 0; i < n; i++) out[i] = (gen.random() & 0xffffff) * TWO_POW_M24;
    else for (let i = 0; i < n; i++) out[i] = fmaf((gen.random() & 0xffffff) * TWO_POW_M24, range, f);
  } else {
    const f = roundToHalf(from);
    const range = roundToHalf(roundToHalf(to) - f); // Half - Half is a Half
    for (let i = 0; i < n; i++) out[i] = roundToHalf(fmaf((gen.random() & 0x7ff) * TWO_POW_M11, range, f));
  }
  commit(t, out);
}

// ---- normal --------------------------------------------------------------------------------

/** One sample of at::normal_distribution<double>: Box-Muller with the sine cached. */
export function normalDouble(gen: Generator, mean: number, std: number): number {
  let z: number;
  if (gen.nextDoubleNormal !== null) {
    z = gen.nextDoubleNormal;
    gen.nextDoubleNormal = null;
  } else {
    const u1 = gen.randomDouble();
    const u2 = gen.randomDouble();
    const r = Math.sqrt(-2 * log(1 - u2));
    const theta = TWO_PI * u1;
    gen.nextDoubleNormal = r * sin(theta);
    z = r * cos(theta);
  }
  return mean === 0 ? z * std : fma(z, std, mean);
}

/** normal_(mean, std) for a float tensor (std already checked). */
export function normalFill(t: Tensor, mean: number, std: number, gen: Generator): void {
  const n = t.numel();
  if (n >= 16 && t.isContiguous()) {
    if (t.dtype === 'float32') return normalFillFloat(t, mean, std, gen);
    return normalFillBlocks(t, mean, std, gen);
  }
  const cast = castFloat(t.dtype);
  const out = valuesFor(t);
  for (let i = 0; i < n; i++) out[i] = cast(normalDouble(gen, mean, std));
  commit(t, out);
}

/** The AVX2 kernel (normal_fill_AVX2) for float32, one lane at a time. */
function normalFillFloat(t: Tensor, mean: number, std: number, gen: Generator): void {
  const n = t.numel();
  const data = (t.storage.typed('float32') as Float32Array).subarray(t.offset, t.offset + n);
  for (let i = 0; i < n; i++) data[i] = (gen.random() & 0xffffff) * TWO_POW_M24;
  const m = fround(mean);
  const s = fround(std);
  for (let i = 0; i + 16 <= n; i += 16) normalBlockFloat(data, i, m, s);
  if (n % 16 !== 0) {
    for (let i = n - 16; i < n; i++) data[i] = (gen.random() & 0xffffff) * TWO_POW_M24;
    normalBlockFloat(data, n - 16, m, s);
  }
  t.storage.version++;
}

function normalBlockFloat(data: Float32Array, at: number, mean: number, std: number): void {
  const plain = mean === 0 && std === 1;
  for (let j = at; j < at + 8; j++) {
    const u1 = fround(1 - data[j]!);
    const u2 = data[j + 8]!;
    const radius = fround(Math.sqrt(fround(-2 * log256(u1))));
    sincos256(fround(TWO_PI_F * u2));
    const n1 = fround(radius * sincosOut[1]!);
    const n2 = fround(radius * sincosOut[0]!);
    data[j] = plain ? n1 : fmaf(n1, std, mean);
    data[j + 8] = plain ? n2 : fmaf(n2, std, mean);
  }
}

/** normal_fill<scalar_t> for float64 and float16: uniforms first, then Box-Muller per 16. */
function normalFillBlocks(t: Tensor, mean: number, std: number, gen: Generator): void {
  const n = t.numel();
  const half = t.dtype === 'float16';
  const data = half ? new Float64Array(n) : (valuesFor(t) as Float64Array);
  const draw = half ? () => (gen.random() & 0x7ff) * TWO_POW_M11 : () => gen.randomDouble();
  const block = half ? normalBlockHalf : normalBlockDouble;
  const m = half ? roundToHalf(mean) : mean;
  const s = half ? roundToHalf(std) : std;
  for (let i = 0; i < n; i++) data[i] = draw();
  for (let i = 0; i + 16 <= n; i += 16) block(data, i, m, s);
  if (n % 16 !== 0) {
    for (let i = n - 16; i < n; i++) data[i] = draw();
    block(data, n - 16, m, s);
  }
  commit(t, data);
}

function normalBlockDouble(data: Float64Array, at: number, mean: number, std: number): void {
  for (let j = at; j < at + 8; j++) {
    const radius = Math.sqrt(-2 * log(1 - data[j]!));
    const theta = TWO_PI * data[j + 8]!;
    data[j] = fma(radius * cos(theta), std, mean);
    data[j + 8] = fma(radius * sin(theta), std, mean);
  }
}

/**
 * The same in c10::Half: each named value is a Half, the arithmetic between them float. logf,
 * cosf and sinf are taken as V8's double results rounded to float; glibc's float versions can
 * differ in the float's last bit, which the rounding to Half almost always hides.
 */
function normalBlockHalf(data: Float64Array, at: number, mean: number, std: number): void {
  const h = (v: number): number => roundToHalf(fround(v));
  for (let j = at; j < at + 8; j++) {
    const u1 = h(1 - data[j]!);
    const radius = h(Math.sqrt(fround(-2 * fround(Math.log(u1)))));
    const theta = h(TWO_PI * data[j + 8]!);
    data[j] = h(fmaf(fround(radius * fround(Math.cos(theta))), std, mean));
    data[j + 8] = h(fmaf(fround(radius * fround(Math.sin(theta))), std, mean));
  }
}

// ---- integers ------------------------------------------------------------------------------

/** random_(from, to) with range = to - from (>= 1), for any dtype (bounds already checked). */
export function randomFromToFill(t: Tensor, range: bigint, base: bigint, gen: Generator): void {
  const n = t.numel();
  const wide = range >= 1n << 32n && ['int64', 'float64', 'float32'].includes(t.dtype);
  const small = !wide && base >= -(2n ** 52n) && base <= 2n ** 52n;
  if (small) {
    // range < 2^32 here, so the arithmetic stays exact in doubles
    const r = Number(range);
    const b = Number(base);
    const cast = t.dtype.startsWith('float') ? castFloat(t.dtype) : (v: number) => v;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = cast((gen.random() % r) + b);
    storeValues(t, out);
    return;
  }
  const values = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    const draw = wide ? gen.random64() : BigInt(gen.random());
    values[i] = BigInt.asIntN(64, (draw % range) + base);
  }
  storeBigInts(t, values);
}

/** random_() without bounds: [0, 2^mantissa] for floats, [0, max] for integers. */
export function randomFill(t: Tensor, gen: Generator): void {
  const n = t.numel();
  const values = new Array<bigint>(n);
  const d = t.dtype;
  const wide = d === 'float64' || d === 'int64';
  const modulus: Record<string, bigint> = {
    bool: 2n, int8: 128n, uint8: 256n, int16: 32768n, int32: 2n ** 31n, int64: 2n ** 63n,
    float16: 2049n, float32: 2n ** 24n + 1n, float64: 2n ** 53n + 1n,
  };
  const mod = modulus[d]!;
  for (let i = 0; i < n; i++) {
    const draw = wide ? gen.random64() : BigInt(gen.random());
    values[i] = d === 'bool' ? draw & 1n : draw % mod;
  }
  storeBigInts(t, values);
}

function storeBigInts(t: Tensor, values: bigint[]): void {
  if (t.dtype === 'int64' || t.dtype === 'uint64') {
    const order = writeOrder(t);
    const a = t.storage.typed(t.dtype) as BigInt64Array;
    for (let i = 0; i < values.length; i++) a[order ? order[i]! : t.offset + i] = values[i]!;
    t.storage.version++;
    return;
  }
  // int64 -> float goes through one rounding; a Half is made from that float
  const cast = t.dtype.startsWith('float') ? castFloat(t.dtype) : (v: number) => v;
  storeValues(t, values.map((v) => cast(Number(v))));
}

/** randperm's shuffle: PyTorch's swap with a 32-bit draw for n below 2^32 / 20, else inside-out. */
export function randpermValues(n: number, gen: Generator): Float64Array {
  const out = new Float64Array(n);
  if (n < Math.floor(0xffffffff / 20)) {
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const z = gen.random() % (n - i);
      const keep = out[i]!;
      out[i] = out[z + i]!;
      out[z + i] = keep;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const z = Number(gen.random64() % BigInt(i + 1));
    out[i] = out[z]!;
    out[z] = i;
  }
  return out;
}

// ---- bernoulli, exponential, multinomial ---------------------------------------------------

/** bernoulli_(p) with one probability: a 53-bit uniform below p. */
export function bernoulliScalarFill(t: Tensor, p: number, gen: Generator): void {
  const n = t.numel();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = gen.randomDouble() < p ? 1 : 0;
  storeValues(t, out);
}

/**
 * bernoulli_(p) with one probability per element (p already expanded to t's shape, in t's write
 * order): float64 probabilities compare with a 53-bit uniform, others with a 24-bit float one.
 */
export function bernoulliTensorFill(t: Tensor, p: Float64Array, pDouble: boolean, gen: Generator): void {
  const n = t.numel();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = pDouble ? gen.randomDouble() : (gen.random() & 0xffffff) * TWO_POW_M24;
    out[i] = u < p[i]! ? 1 : 0;
  }
  storeValues(t, out);
}

/** exponential_(lambda): -1 / lambda * log(1 - u) from a 53-bit uniform. */
export function exponentialFill(t: Tensor, lambda: number, gen: Generator): void {
  const n = t.numel();
  const cast = castFloat(t.dtype);
  const out = new Float64Array(n);
  const scale = -1 / lambda;
  for (let i = 0; i < n; i++) out[i] = cast(scale * log(1 - gen.randomDouble()));
  storeValues(t, out);
}

/**
 * multinomial with replacement: per row, the cumulative distribution in the input's precision
 * (float32 sums round as float32), normalized, then a binary search for each 53-bit uniform.
 */
export function multinomialWithReplacement(
  probs: Float64Array, rows: number, cats: number, samples: number, dtype: DType, gen: Generator,
): Float64Array {
  const round = dtype === 'float64' ? (v: number) => v : fround; // Half accumulates in float too
  const out = new Float64Array(rows * samples);
  const cum = new Float64Array(cats);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < cats; j++) {
      const v = probs[r * cats + j]!;
      if (!(v >= 0)) throw new Error('invalid multinomial distribution (encountering probability entry < 0)');
      if (!Number.isFinite(v)) {
        throw new Error('invalid multinomial distribution (encountering probability entry = infinity or NaN)');
      }
      sum = round(sum + v);
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new Error('invalid multinomial distribution (sum of probabilities <= 0)');
    for (let j = 0; j < cats; j++) cum[j] = round(cum[j]! / sum);
    cum[cats - 1] = 1;
    for (let s = 0; s < samples; s++) {
      const u = gen.randomDouble();
      let left = 0;
      let right = cats;
      while (right - left > 0) {
        const mid = left + Math.floor((right - left) / 2);
        if (cum[mid]! < u) left = mid + 1;
        else right = mid;
      }
      out[r * samples + s] = left;
    }
  }
  return out;
}
