/**
 * MT19937, the Mersenne Twister behind NumPy's legacy RandomState, seeded the legacy way:
 * an integer seed fills the state with Knuth's linear recurrence (init_genrand), a list of
 * integers goes through init_by_array, as RandomState.seed does (numpy/random/_mt19937.pyx).
 */
import { randomBytes } from 'node:crypto';
import { ValueError } from '../../core/errors.js';
import type { BitGenerator } from './bit-generator.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class MT19937 implements BitGenerator {
  readonly key = new Uint32Array(N);
  pos = N;
  lo = 0;

  /** Seeds from an integer in [0, 2^32), a list of them, or OS entropy when none is given. */
  constructor(seed?: number | readonly number[]) {
    this.seed(seed);
  }

  seed(seed?: number | readonly number[]): void {
    if (seed === undefined) {
      // NumPy fills the key from a fresh SeedSequence; any 624 random words serve.
      const words = new Uint32Array(randomBytes(4 * N).buffer);
      this.key.set(words);
      this.key[0] = 0x80000000;
      this.pos = N;
      return;
    }
    if (typeof seed === 'number') {
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('Seed must be between 0 and 2**32 - 1');
      this.initGenrand(seed);
      return;
    }
    if (seed.length === 0) throw new ValueError('Seed must be non-empty');
    for (const s of seed) {
      if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw new ValueError('Seed must be between 0 and 2**32 - 1');
    }
    this.initByArray(seed);
  }

  private initGenrand(seed: number): void {
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.key[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    this.pos = N;
  }

  private initByArray(init: readonly number[]): void {
    const mt = this.key;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, init.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1664525)) + init[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= init.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000; // MSB set: the state is never all zeros
    this.pos = N;
  }

  /** Regenerates the 624 words of state (the "twist"). */
  private generate(): void {
    const mt = this.key;
    let k = 0;
    for (; k < N - M; k++) {
      const y = (mt[k]! & UPPER) | (mt[k + 1]! & LOWER);
      mt[k] = mt[k + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; k < N - 1; k++) {
      const y = (mt[k]! & UPPER) | (mt[k + 1]! & LOWER);
      mt[k] = mt[k + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER) | (mt[0]! & LOWER);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  next32(): number {
    if (this.pos === N) this.generate();
    let y = this.key[this.pos++]!;
    // tempering
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Two 32-bit draws, the first one high (mt19937_next64). */
  next64(): number {
    const hi = this.next32();
    this.lo = this.next32();
    return hi;
  }

  /** 53 random bits from two draws (27 + 26 bits), as randomkit builds a double. */
  nextDouble(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}
