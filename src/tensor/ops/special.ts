/** Special functions on tensors: erf and the activation built on it (gelu). */
import { ELEMENTWISE as E } from '../../core/elementwise-ops.js';
import { record } from '../autograd/record.js';
import { category, getDefaultDtype } from '../dtype-rules.js';
import type { Tensor } from '../tensor.js';
import { launchElementwise } from './launch.js';
import { add, exp, mul, neg, square, sub, tanh } from './pointwise.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const KAPPA = 0.044715;

/** The error function; d/dx erf(x) = 2/√π · exp(-x²). */
export function erf(x: Tensor): Tensor {
  const dtype = category(x.dtype) === 2 ? x.dtype : getDefaultDtype();
  const y = launchElementwise(E.erf, [x], dtype, dtype);
  return record(y, 'ErfBackward0', [x], (g) => [mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI))], [x]);
}

/**
 * GELU: x · Φ(x) = x/2 · (1 + erf(x/√2)) (PyTorch's default), or with approximate: 'tanh'
 * x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³))). One elementwise op; the gradient is PyTorch's
 * GeluBackward0 formula written with ops, so it differentiates again.
 */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new Error(`approximate argument must be either none or tanh, got '${String(approximate)}'`);
  }
  const dtype = category(x.dtype) === 2 ? x.dtype : getDefaultDtype();
  const tanhForm = approximate === 'tanh';
  const y = launchElementwise(tanhForm ? E.geluTanh : E.gelu, [x], dtype, dtype);
  return record(y, 'GeluBackward0', [x], (g) => [mul(g, tanhForm ? geluTanhSlope(x) : geluSlope(x))], [x]);
}

/** d/dx x·Φ(x) = Φ(x) + x·φ(x). */
function geluSlope(x: Tensor): Tensor {
  const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
  const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
  return add(cdf, mul(x, pdf));
}

/** d/dx of the tanh form: (1 + t)/2 + x/2 · (1 - t²) · √(2/π) (1 + 3·0.044715 x²), t = tanh(inner). */
function geluTanhSlope(x: Tensor): Tensor {
  const x2 = square(x);
  const t = tanh(mul(mul(x, add(mul(x2, KAPPA), 1)), SQRT_2_OVER_PI));
  const left = mul(add(t, 1), 0.5);
  const right = mul(mul(mul(x, 0.5), sub(1, square(t))), mul(add(mul(x2, 3 * KAPPA), 1), SQRT_2_OVER_PI));
  return add(left, right);
}
