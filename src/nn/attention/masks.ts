/** Attention masks. */
import type { DType } from '../../core/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { causalMask } from '../functional/attention.js';

/**
 * The (sz, sz) causal mask for MultiheadAttention and the Transformer layers: float -inf above
 * the diagonal (future positions), 0 elsewhere.
 */
export function generateSquareSubsequentMask(sz: number, options: { dtype?: DType } = {}): Tensor {
  return causalMask(sz, sz, options.dtype);
}
