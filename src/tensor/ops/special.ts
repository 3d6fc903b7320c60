/** Special functions on tensors: erf and the activations built on it (gelu). */
import { ELEMENTWISE as E } from '../../core/elementwise-ops.js';
import { record } from '../autograd/record.js';
import { category, getDefaultDtype } from '../dtype-rules.js';
import type { Tensor } from '../tensor.js';
import { launchElementwise } from './launch.js';
import { add, exp, mul, neg, square, tanh, pow } from './pointwise.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** The error function; d/dx erf(x) = 2/√π · exp(-x²). */
export function erf(x: Tensor): Tensor {
  const dtype = category(x.dtype) === 2 ? x.dtype : getDefaultDtype();
  const y = launchElementwise(E.erf, [x], dtype, dtype);
  return record(y, 'ErfBackward0', [x], (g) => [mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI))], [x]);
}

/**
 * GELU: x · Φ(x) = x/2 · (1 + erf(x/√2)) (PyTorch's default), or with approximate: 'tanh'
 * x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³))).
 */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  if (options.approximate === 'tanh') {
    const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}
