/** optim.Adam, and the update it shares with AdamW (which differs only in how weight decay acts). */
import { ValueError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/autograd/grad-mode.js';
import { tensor, zerosLike } from '../tensor/creation.js';
import { maximum } from '../tensor/ops/pointwise.js';
import { Optimizer, type Closure, type ParamGroup, type Params } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  /** Decay rates of the running averages of the gradient and its square. */
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** Normalise by the largest second moment seen so far (AMSGrad). */
  amsgrad?: boolean;
  maximize?: boolean;
}

/** PyTorch's checks, shared by Adam and AdamW. */
export function checkAdamOptions(lr: number, eps: number, betas: [number, number], weightDecay: number): void {
  if (!(lr >= 0)) throw new ValueError(`Invalid learning rate: ${lr}`);
  if (!(eps >= 0)) throw new ValueError(`Invalid epsilon value: ${eps}`);
  if (!(betas[0] >= 0 && betas[0] < 1)) throw new ValueError(`Invalid beta parameter at index 0: ${betas[0]}`);
  if (!(betas[1] >= 0 && betas[1] < 1)) throw new ValueError(`Invalid beta parameter at index 1: ${betas[1]}`);
  if (!(weightDecay >= 0)) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
}

export class Adam extends Optimizer {
  constructor(params: Params, options: AdamOptions = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false } = options;
    checkAdamOptions(lr, eps, betas, weightDecay);
    super(params, { lr, betas, eps, weightDecay, amsgrad, maximize });
  }

  step(closure?: Closure): Tensor | number | undefined {
    const loss = this.evaluate(closure);
    noGrad(() => {
      for (const group of this.paramGroups) adamUpdate(this, group, false);
    });
    return loss;
  }
}

/**
 * One Adam/AdamW step over a group, PyTorch's single-tensor update in its order: step += 1;
 * (Adam) g += wd p, (AdamW) p *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g g;
 * p -= lr / (1 - b1^t) · m / (sqrt(v) / sqrt(1 - b2^t) + eps), with v the running max for AMSGrad.
 */
export function adamUpdate(optimizer: Optimizer, group: ParamGroup, decoupled: boolean): void {
  const { lr, betas, eps, weightDecay, amsgrad, maximize } = group as Required<AdamOptions> & ParamGroup;
  const [beta1, beta2] = betas;
  for (const p of group.params) {
    if (!p.grad) continue;
    const state = optimizer.stateOf(p);
    if (state.step === undefined) {
      state.step = tensor(0, { dtype: 'float32' });
      state.exp_avg = zerosLike(p);
      state.exp_avg_sq = zerosLike(p);
      if (amsgrad) state.max_exp_avg_sq = zerosLike(p);
    }
    let grad = maximize ? p.grad.neg() : p.grad;
    const stepT = (state.step as Tensor).add_(1);
    if (decoupled) p.mul_(1 - lr * weightDecay);
    else if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
    const expAvg = state.exp_avg as Tensor;
    const expAvgSq = state.exp_avg_sq as Tensor;
    // in place, as PyTorch (these write straight into the state: no temporaries but the scaled grads)
    expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    const step = Number(stepT.item());
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const stepSize = lr / biasCorrection1;
    let second = expAvgSq;
    if (amsgrad) {
      const maxSq = state.max_exp_avg_sq as Tensor;
      maxSq.copy_(maximum(maxSq, expAvgSq));
      second = maxSq;
    }
    const denom = second.sqrt().div_(Math.sqrt(biasCorrection2)).add_(eps);
    p.addcdiv_(expAvg, denom, { value: -stepSize });
  }
}
