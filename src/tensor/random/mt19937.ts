/**
 * The 32-bit Mersenne Twister exactly as PyTorch's CPU generator runs it (ATen's mt19937_engine):
 * seeded from the low 32 bits of the seed with the reference init_genrand recurrence, and with
 * PyTorch's `left`/`next` bookkeeping, so get_rng_state()/set_rng_state() byte layouts line up.
 */

export const MT_N = 624;
const MT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class MT19937 {
  /** The 624-word state vector. */
  readonly state = new Uint32Array(MT_N);
  /** Draws left before the state is regenerated, plus one (PyTorch's `left_`). */
  left = 1;
  /** Index of the next word to temper (PyTorch's `next_`). */
  next = 0;

  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** init_genrand: state[j] = 1812433253 * (s ^ (s >>> 30)) + j, in 32-bit arithmetic. */
  seed(seed32: number): void {
    const s = this.state;
    s[0] = seed32 >>> 0;
    for (let j = 1; j < MT_N; j++) {
      const prev = s[j - 1]! ^ (s[j - 1]! >>> 30);
      s[j] = (Math.imul(1812433253, prev) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
  }

  /** One tempered 32-bit output, as an unsigned number. */
  nextUint32(): number {
    if (--this.left === 0) this.regenerate();
    let y = this.state[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Refills the whole state vector (the twist). */
  private regenerate(): void {
    const s = this.state;
    this.left = MT_N;
    this.next = 0;
    let k = 0;
    for (; k < MT_N - MT_M; k++) {
      const y = (s[k]! & UPPER) | (s[k + 1]! & LOWER);
      s[k] = s[k + MT_M]! ^ (y >>> 1) ^ (s[k + 1]! & 1 ? MATRIX_A : 0);
    }
    for (; k < MT_N - 1; k++) {
      const y = (s[k]! & UPPER) | (s[k + 1]! & LOWER);
      s[k] = s[k + MT_M - MT_N]! ^ (y >>> 1) ^ (s[k + 1]! & 1 ? MATRIX_A : 0);
    }
    const y = (s[MT_N - 1]! & UPPER) | (s[0]! & LOWER);
    s[MT_N - 1] = s[MT_M - 1]! ^ (y >>> 1) ^ (s[0]! & 1 ? MATRIX_A : 0);
  }
}
