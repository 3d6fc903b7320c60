/** Attention masks. */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * The (sz, sz) causal mask for MultiheadAttention and the Transformer layers: float -inf above
 * the diagonal (future positions), 0 elsewhere.
 */
export function generateSquareSubsequentMask(sz: number, options: { dtype?: DType } = {}): Tensor {
  return kiln.triu(kiln.full([sz, sz], -Infinity, { dtype: options.dtype ?? kiln.getDefaultDtype() }), 1);
}
