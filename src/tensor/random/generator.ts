/**
 * torch.Generator for the CPU: an mt19937 engine, the seed it was made from, and the cached second
 * Box-Muller sample that PyTorch keeps between calls. Draws are PyTorch's: random() is one 32-bit
 * output, random64() two of them with the first as the high word.
 */
import { webcrypto } from 'node:crypto';
import { Tensor } from '../tensor.js';
import { MT19937, MT_N } from './mt19937.js';

const U64 = (1n << 64n) - 1n;
const TWO_POW_32 = 4294967296;
const TWO_POW_M53 = 2 ** -53;

/** A fresh nondeterministic seed of 53 bits, so it survives as a JS number. */
function nondeterministicSeed(): number {
  const words = webcrypto.getRandomValues(new Uint32Array(2));
  return (words[0]! & 0x1fffff) * TWO_POW_32 + words[1]!;
}

/** A seed as PyTorch takes it: an integer in [-2^63, 2^64), negative ones wrapping to uint64. */
function toSeed(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === 'bigint') s = seed;
  else {
    if (!Number.isFinite(seed)) throw new TypeError(`manual_seed expected a long, but got ${seed}`);
    s = BigInt(Math.trunc(seed)); // Python's int(seed)
  }
  if (s < -(1n << 63n) || s > U64) throw new RangeError(`Overflow when unpacking long`);
  return s & U64;
}

export class Generator {
  readonly device = 'cpu' as const;
  /** The engine; exposed for the sampling kernels. */
  readonly engine = new MT19937();
  /** The second sample of the last per-element Box-Muller pair, used by the next normal draw. */
  nextDoubleNormal: number | null = null;
  /** PyTorch's float twin of the cache; no CPU kernel fills it, but the state layout carries it. */
  nextFloatNormal: number | null = null;
  private initial = 0n;

  constructor(device: 'cpu' = 'cpu') {
    if (device !== 'cpu') throw new Error(`Device type ${String(device)} is not supported for torch.Generator() api.`);
    this.setSeed(67280421310721n); // PyTorch's default_rng_seed_val
  }

  /** Seeds the generator (only the low 32 bits reach mt19937) and returns it, as torch does. */
  manualSeed(seed: number | bigint): this {
    this.setSeed(toSeed(seed));
    return this;
  }

  /** Seeds from the operating system's randomness and returns the seed. */
  seed(): number {
    const s = nondeterministicSeed();
    this.setSeed(BigInt(s));
    return s;
  }

  /** The seed the generator was last seeded with (a number: seeds past 2^53 lose low bits). */
  initialSeed(): number {
    return Number(this.initial);
  }

  /** The seed exactly, as a BigInt. */
  initialSeedBigInt(): bigint {
    return this.initial;
  }

  private setSeed(seed: bigint): void {
    this.initial = seed;
    this.engine.seed(Number(seed & 0xffffffffn));
    this.nextDoubleNormal = null;
    this.nextFloatNormal = null;
  }

  /** One 32-bit draw (CPUGeneratorImpl::random). */
  random(): number {
    return this.engine.nextUint32();
  }

  /** One 64-bit draw (CPUGeneratorImpl::random64) as a BigInt. */
  random64(): bigint {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The low 53 bits of a 64-bit draw over 2^53: PyTorch's uniform double in [0, 1). */
  randomDouble(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) * TWO_POW_M53;
  }

  /**
   * The state as torch.get_rng_state() lays it out (5056 bytes, little-endian): seed, left,
   * seeded, next, the 624 words widened to 64 bits, the legacy normal fields (normal_y holds the
   * cached sample), then the float cache.
   */
  getState(): Tensor {
    const out = Tensor.empty([5056], 'uint8');
    const bytes = out.storage.typed('uint8') as Uint8Array;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setBigUint64(0, this.initial, true);
    view.setInt32(8, this.engine.left, true);
    view.setInt32(12, 1, true);
    view.setBigUint64(16, BigInt(this.engine.next), true);
    for (let i = 0; i < MT_N; i++) view.setUint32(24 + 8 * i, this.engine.state[i]!, true);
    if (this.nextDoubleNormal !== null) {
      view.setFloat64(5024, this.nextDoubleNormal, true);
      view.setInt32(5040, 1, true);
    }
    if (this.nextFloatNormal !== null) {
      view.setFloat32(5048, this.nextFloatNormal, true);
      bytes[5052] = 1;
    }
    return out;
  }

  /** Restores a state from getState() (or torch.get_rng_state(), in its 5048- or 5056-byte forms). */
  setState(state: Tensor): this {
    if (state.dtype !== 'uint8') {
      throw new TypeError(`expected a torch.ByteTensor, but got ${state.typeName()}`);
    }
    const size = state.numel();
    if (size !== 5048 && size !== 5056) {
      throw new Error(
        `Expected either a CPUGeneratorImplStateLegacy of size 5048 or a CPUGeneratorImplState of size 5056 but found the input RNG state size to be ${size}`,
      );
    }
    const bytes = new Uint8Array(size);
    const src = state.contiguous();
    bytes.set((src.storage.typed('uint8') as Uint8Array).subarray(src.offset, src.offset + size));
    const view = new DataView(bytes.buffer);
    const left = view.getInt32(8, true);
    const seeded = view.getInt32(12, true) !== 0;
    const next = Number(view.getBigUint64(16, true));
    if (!seeded || left <= 0 || left > MT_N || next > MT_N) throw new Error('Invalid mt19937 state');
    this.initial = view.getBigUint64(0, true);
    this.engine.left = left;
    this.engine.next = next;
    for (let i = 0; i < MT_N; i++) this.engine.state[i] = view.getUint32(24 + 8 * i, true);
    this.nextDoubleNormal = view.getInt32(5040, true) !== 0 ? view.getFloat64(5024, true) : null;
    this.nextFloatNormal = size === 5056 && bytes[5052] !== 0 ? view.getFloat32(5048, true) : null;
    return this;
  }
}

/** The generator every random function uses unless given one; seeded unpredictably, as torch's is. */
export const defaultGenerator = new Generator();
defaultGenerator.seed();

/** torch.manual_seed: seeds the default generator and returns it. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** torch.seed: seeds the default generator nondeterministically and returns the seed. */
export function seed(): number {
  return defaultGenerator.seed();
}

/** torch.initial_seed: the default generator's seed. */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/** torch.get_rng_state: the default generator's state as a uint8 tensor. */
export function getRngState(): Tensor {
  return defaultGenerator.getState();
}

/** torch.set_rng_state. */
export function setRngState(state: Tensor): void {
  defaultGenerator.setState(state);
}
