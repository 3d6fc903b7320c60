/** kiln.autograd: grad(outputs, inputs) and gradcheck. */
import type { Tensor } from '../tensor.js';
import { onesLike } from '../creation.js';
import { runBackward } from './engine.js';

export interface GradOptions {
  /** Gradients w.r.t. each output (required for non-scalar outputs). */
  gradOutputs?: (Tensor | null)[] | Tensor | null;
  retainGraph?: boolean;
  /** Build the graph of the gradient itself, so it can be differentiated again. */
  createGraph?: boolean;
  allowUnused?: boolean;
}

/** torch.autograd.grad: the gradients of outputs w.r.t. inputs, without touching .grad. */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? [...outputs] : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? [...inputs] : [inputs as Tensor];
  const given = options.gradOutputs === undefined || options.gradOutputs === null
    ? []
    : Array.isArray(options.gradOutputs) ? options.gradOutputs : [options.gradOutputs as Tensor];
  const grads = outs.map((o, i) => {
    const g = given[i];
    if (g) return g;
    if (o.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
    return onesLike(o);
  });
  return runBackward(outs, grads, {
    inputs: ins,
    retainGraph: options.retainGraph ?? options.createGraph ?? false,
    createGraph: options.createGraph ?? false,
    allowUnused: options.allowUnused ?? false,
  });
}

export { gradcheck } from './gradcheck.js';
