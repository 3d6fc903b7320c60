/**
 * torch.autograd.gradcheck: compares analytical gradients (one backward per output element)
 * with central finite differences, in float64.
 */
import { Tensor } from '../tensor.js';
import { runBackward } from './engine.js';
import { readElement, writeElement } from '../../np/elements.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw with the mismatch (default) or return false. */
  raiseException?: boolean;
}

function flatValues(t: Tensor): number[] {
  const c = t.contiguous().detach();
  const out: number[] = [];
  for (let i = 0; i < c.numel(); i++) out.push(Number(readElement(c, c.offset + i)));
  return out;
}

/**
 * Checks fn's gradients w.r.t. every input that requires grad. Inputs should be float64 (as
 * PyTorch warns); outputs may be one tensor or several.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const outputsOf = (): Tensor[] => {
    const r = fn(...inputs);
    return Array.isArray(r) ? r : [r];
  };
  const diffInputs = inputs.filter((t) => t.requiresGrad);
  for (const t of diffInputs) {
    if (!t.isContiguous()) throw new Error('gradcheck expects contiguous inputs');
  }
  const outputs = outputsOf();
  for (const [oi, out] of outputs.entries()) {
    if (!out.requiresGrad) continue;
    const n = out.numel();
    // analytical: one row of the Jacobian per output element
    const analytical = diffInputs.map((t) => Array.from({ length: t.numel() }, () => new Float64Array(n)));
    for (let j = 0; j < n; j++) {
      const g = Tensor.empty(out.shape, out.dtype);
      writeElement(g, j, 1);
      const grads = runBackward([outputsOf()[oi]!], [g], { inputs: diffInputs, allowUnused: true });
      grads.forEach((gi, k) => {
        if (!gi) return;
        flatValues(gi).forEach((v, i) => (analytical[k]![i]![j] = v));
      });
    }
    // numerical: perturb each input element both ways
    for (const [k, t] of diffInputs.entries()) {
      for (let i = 0; i < t.numel(); i++) {
        const original = Number(readElement(t, t.offset + i));
        const evalAt = (v: number): number[] => {
          writeElement(t, t.offset + i, v);
          // with grad enabled, as fn may itself differentiate (checking a gradient's gradient)
          return flatValues(outputsOf()[oi]!);
        };
        const plus = evalAt(original + eps);
        const minus = evalAt(original - eps);
        writeElement(t, t.offset + i, original);
        for (let j = 0; j < n; j++) {
          const numeric = (plus[j]! - minus[j]!) / (2 * eps);
          const a = analytical[k]![i]![j]!;
          if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
            if (options.raiseException === false) return false;
            throw new Error(
              `Jacobian mismatch for output ${oi} with respect to input ${inputs.indexOf(t)},\nnumerical:${numeric}\nanalytical:${a}\n(at input element ${i}, output element ${j})`,
            );
          }
        }
      }
    }
  }
  return true;
}
