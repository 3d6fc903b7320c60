/** optim.AdamW: Adam with decoupled weight decay (p *= 1 - lr·wd before the Adam step). */
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/autograd/grad-mode.js';
import { adamUpdate, checkAdamOptions, type AdamOptions } from './adam.js';
import { Optimizer, type Closure, type Params } from './optimizer.js';

/** AdamW's options: Adam's, with weightDecay defaulting to 0.01. */
export type AdamWOptions = AdamOptions;

export class AdamW extends Optimizer {
  constructor(params: Params, options: AdamWOptions = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, amsgrad = false, maximize = false } = options;
    checkAdamOptions(lr, eps, betas, weightDecay);
    super(params, { lr, betas, eps, weightDecay, amsgrad, maximize });
  }

  step(closure?: Closure): Tensor | number | undefined {
    const loss = this.evaluate(closure);
    noGrad(() => {
      for (const group of this.paramGroups) adamUpdate(this, group, true);
    });
    return loss;
  }
}
