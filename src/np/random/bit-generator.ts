/**
 * What a distribution needs from a bit generator (NumPy's bitgen_t): 64-bit, 32-bit and
 * double-precision draws. JS has no 64-bit integers that are cheap, so a 64-bit draw comes back
 * as two unsigned 32-bit halves.
 */
export interface BitGenerator {
  /** Draws 64 bits: returns the high 32 bits and leaves the low 32 bits in `lo`. */
  next64(): number;
  /** The low half of the last `next64()` draw. */
  lo: number;
  /** An unsigned 32-bit draw. */
  next32(): number;
  /** A double in [0, 1) with 53 random bits. */
  nextDouble(): number;
}

/** The next 64 bits as a BigInt, for the rare paths that need full 64-bit arithmetic. */
export function next64Big(bg: BitGenerator): bigint {
  const hi = bg.next64();
  return (BigInt(hi) << 32n) | BigInt(bg.lo);
}
