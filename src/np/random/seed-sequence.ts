/**
 * NumPy's SeedSequence (numpy/random/bit_generator.pyx): turns a user seed of any size into
 * well-mixed 32-bit words. The seed is split into little-endian 32-bit words, hashed into a pool
 * of four words, and the pool is hashed again to give as many words as a bit generator needs.
 * Matching it word for word is what makes `defaultRng(42)` start where NumPy's does.
 */
import { randomBytes } from 'node:crypto';
import { KilnTypeError, ValueError } from '../../core/errors.js';

/** A seed as NumPy takes one: a non-negative integer or a (nested) list of them. */
export type SeedLike = number | bigint | readonly SeedLike[];

const POOL_SIZE = 4;
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;

/** A seed as little-endian uint32 words, each integer of a list contributing its own words. */
export function seedWords(seed: SeedLike): number[] {
  if (Array.isArray(seed)) return (seed as readonly SeedLike[]).flatMap(seedWords);
  if (typeof seed === 'number' && !Number.isInteger(seed)) {
    throw new KilnTypeError(`SeedSequence expects int or sequence of ints for entropy not ${seed}`);
  }
  let n = BigInt(seed as number | bigint);
  if (n < 0n) throw new ValueError('expected non-negative integer');
  const words = [Number(n & 0xffffffffn)];
  for (n >>= 32n; n > 0n; n >>= 32n) words.push(Number(n & 0xffffffffn));
  return words;
}

export class SeedSequence {
  /** The mixed entropy pool every generated word is drawn from. */
  readonly pool: Uint32Array;
  /** The entropy it was built from (fresh from the OS when no seed was given). */
  readonly entropy: SeedLike;

  constructor(entropy?: SeedLike) {
    // NumPy draws 128 bits from the OS when no seed is given.
    this.entropy = entropy ?? BigInt('0x' + randomBytes(16).toString('hex'));
    this.pool = mixEntropy(seedWords(this.entropy));
  }

  /** `n` words of state (NumPy's generate_state); uint64 words pair consecutive uint32 words. */
  generateState(n: number, dtype?: 'uint32'): Uint32Array;
  generateState(n: number, dtype: 'uint64'): BigUint64Array;
  generateState(n: number, dtype: 'uint32' | 'uint64' = 'uint32'): Uint32Array | BigUint64Array {
    const words = new Uint32Array(dtype === 'uint64' ? 2 * n : n);
    let hashConst = INIT_B;
    for (let i = 0; i < words.length; i++) {
      let v = (this.pool[i % POOL_SIZE]! ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      words[i] = (v ^ (v >>> XSHIFT)) >>> 0;
    }
    if (dtype === 'uint32') return words;
    // Little-endian pairing, as NumPy does it on every platform.
    const out = new BigUint64Array(n);
    for (let i = 0; i < n; i++) out[i] = (BigInt(words[2 * i + 1]!) << 32n) | BigInt(words[2 * i]!);
    return out;
  }
}

/** Hashes the entropy words into the pool (NumPy's mix_entropy). */
function mixEntropy(entropy: number[]): Uint32Array {
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    return (v ^ (v >>> XSHIFT)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> XSHIFT)) >>> 0;
  };
  const pool = new Uint32Array(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i]! : 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst]!, hashmix(entropy[src]!));
  }
  return pool;
}
