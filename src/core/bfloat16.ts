/**
 * bfloat16 ("brain float"): the top 16 bits of a float32 — sign, the same 8 exponent bits, 7
 * mantissa bits. Like float16 it is stored as raw bit patterns in a Uint16Array and converted at
 * the edges of each kernel. NumPy has no bfloat16; it is a dtype of the tensor face only.
 *
 * Conversions follow PyTorch's c10::BFloat16: a value becomes a float32 first (so a float64 is
 * rounded twice, as `static_cast<BFloat16>(double)` does), then its bits are rounded to nearest,
 * ties to even, by adding 0x7fff plus the lowest kept bit and dropping the low half. Overflow
 * rounds to infinity; subnormals keep what their top 7 mantissa bits hold; NaN becomes the quiet
 * NaN 0x7fc0 (PyTorch's scalar conversion; its vectorised one writes 0xffff, also a NaN).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The canonical NaN pattern c10::BFloat16 gives. */
export const BFLOAT16_NAN = 0x7fc0;

/** Rounds a number to the nearest bfloat16 (through float32, ties to even) and returns its bit pattern. */
export function toBfloat16Bits(value: number): number {
  f32[0] = value;
  if (value !== value) return BFLOAT16_NAN;
  const bits = u32[0]!;
  // adding 0x7fff (0x8000 when the kept lowest bit is odd) carries into the kept half exactly when
  // the dropped half is above the tie, or at the tie with an odd kept half; a carry out of the
  // mantissa moves into the exponent, and past the largest finite value into infinity
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

const table = new Float32Array(65536);
{
  const bits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) bits[h] = h << 16;
}

/** The value of a bfloat16 bit pattern (exact: widening to float32 only appends zero bits). */
export function fromBfloat16Bits(bits: number): number {
  return table[bits & 0xffff]!;
}

/** Rounds a number to the nearest bfloat16 value. */
export function roundToBfloat16(value: number): number {
  return table[toBfloat16Bits(value)]!;
}
