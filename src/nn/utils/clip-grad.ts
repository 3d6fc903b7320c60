/**
 * Gradient clipping, as torch.nn.utils: clipGradNorm_ scales all gradients together so their
 * joint norm is at most maxNorm; clipGradValue_ clamps each element. Both act in place on .grad.
 */
import { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../tensor/autograd/grad-mode.js';
import { tensor } from '../../tensor/creation.js';
import { div } from '../../tensor/ops/pointwise.js';
import { stack } from '../../tensor/ops/shape.js';

export interface ClipGradNormOptions {
  /** The p of the p-norm (default 2; Infinity for the max-norm). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite, instead of scaling by it. */
  errorIfNonfinite?: boolean;
}

/** The p-norm of all elements of t, as torch.norm(t, p). */
function vectorNorm(t: Tensor, p: number): Tensor {
  if (p === Infinity) return t.abs().amax();
  if (p === -Infinity) return t.abs().amin();
  if (p === 0) return t.ne(0).sum().to(t.dtype);
  if (p === 1) return t.abs().sum();
  if (p === 2) return t.mul(t).sum().sqrt();
  return t.abs().pow(p).sum().pow(1 / p);
}

/** A float as Python prints it: 2.0, inf. */
function pyFloat(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

const withGrads = (parameters: Tensor | Iterable<Tensor>): Tensor[] =>
  (parameters instanceof Tensor ? [parameters] : [...parameters]).filter((p) => p.grad !== null);

/**
 * Scales the gradients by maxNorm / (total norm + 1e-6) when that is below 1; the total norm is
 * the norm of the per-parameter norms (so of all gradients as one vector). Returns it, a tensor.
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const normType = options.normType ?? 2;
  const params = withGrads(parameters);
  if (params.length === 0) return tensor(0, { dtype: 'float32' });
  return noGrad(() => {
    const norms = params.map((p) => vectorNorm(p.grad!, normType));
    let total: Tensor;
    if (normType === Infinity) total = norms.length === 1 ? norms[0]! : stack(norms).amax();
    else total = vectorNorm(stack(norms), normType);
    if (options.errorIfNonfinite && !Number.isFinite(Number(total.item()))) {
      throw new Error(`The total norm of order ${pyFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite=false\``);
    }
    const coef = div(maxNorm, total.add(1e-6)).clamp(null, 1);
    for (const p of params) p.grad!.mul_(coef);
    return total;
  });
}

/** Clamps every gradient element into [-clipValue, clipValue]. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const p of withGrads(parameters)) p.grad!.clamp_(-clipValue, clipValue);
  });
}
