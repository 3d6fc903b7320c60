/** optim.RMSprop: gradients divided by a running root mean square, optionally centred, with momentum. */
import { ValueError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/autograd/grad-mode.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type Closure, type ParamGroup, type Params } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  /** Smoothing constant of the running average of squared gradients. */
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  /** Divide by an estimate of the gradient's variance rather than its second moment. */
  centered?: boolean;
  maximize?: boolean;
}

export class RMSprop extends Optimizer {
  constructor(params: Params, options: RMSpropOptions = {}) {
    const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = options;
    if (!(lr >= 0)) throw new ValueError(`Invalid learning rate: ${lr}`);
    if (!(eps >= 0)) throw new ValueError(`Invalid epsilon value: ${eps}`);
    if (!(momentum >= 0)) throw new ValueError(`Invalid momentum value: ${momentum}`);
    if (!(weightDecay >= 0)) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
    if (!(alpha >= 0)) throw new ValueError(`Invalid alpha value: ${alpha}`);
    super(params, { lr, momentum, alpha, eps, centered, weightDecay, maximize });
  }

  /**
   * PyTorch's update, in its order: g (+ wd p); v = alpha v + (1 - alpha) g g; centred:
   * a = alpha a + (1 - alpha) g, avg = sqrt(v - a a), else sqrt(v); avg += eps; with momentum
   * buf = momentum buf + g / avg, p -= lr buf; else p -= lr g / avg.
   */
  step(closure?: Closure): Tensor | number | undefined {
    const loss = this.evaluate(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group as ParamGroup & Required<RMSpropOptions>;
        for (const p of group.params) {
          if (!p.grad) continue;
          const state = this.stateOf(p);
          if (state.step === undefined) {
            state.step = 0;
            state.square_avg = zerosLike(p);
            if (momentum > 0) state.momentum_buffer = zerosLike(p);
            if (centered) state.grad_avg = zerosLike(p);
          }
          state.step = (state.step as number) + 1;
          let grad = maximize ? p.grad.neg() : p.grad;
          if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
          const squareAvg = state.square_avg as Tensor;
          squareAvg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
          let avg: Tensor;
          if (centered) {
            const gradAvg = state.grad_avg as Tensor;
            gradAvg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
            avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
          } else {
            avg = squareAvg.sqrt();
          }
          avg.add_(eps);
          if (momentum > 0) {
            const buf = state.momentum_buffer as Tensor;
            buf.mul_(momentum).addcdiv_(grad, avg);
            p.add_(buf, { alpha: -lr });
          } else {
            p.addcdiv_(grad, avg, { value: -lr });
          }
        }
      }
    });
    return loss;
  }
}
