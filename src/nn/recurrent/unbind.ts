/** Splitting a sequence into its time steps for the recurrences. */
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * The slices x[0], x[1], ... along dim 0, as views. Each slice's gradient is a zero tensor of x's
 * full size with the slice filled in, so slicing T steps straight from x costs O(T²) in backward;
 * halving recursively brings that to O(T log T).
 */
export function unbind(x: Tensor): Tensor[] {
  const n = x.shape[0]!;
  if (n <= 4) return Array.from({ length: n }, (_, t) => x.get(t));
  const half = n >> 1;
  return [...unbind(kiln.narrow(x, 0, 0, half)), ...unbind(kiln.narrow(x, 0, half, n - half))];
}
