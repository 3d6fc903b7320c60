/** Splitting a sequence into its time steps for the recurrences. */
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * The slices x[0], x[1], ... along dim 0, as views: kiln.unbind, whose backward stacks the
 * steps' gradients once (PyTorch's UnbindBackward0), so T steps cost O(T) in backward.
 */
export function unbind(x: Tensor): Tensor[] {
  return kiln.unbind(x, 0);
}
