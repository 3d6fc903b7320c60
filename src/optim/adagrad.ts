/** optim.Adagrad: each coordinate's step scaled by the root of its accumulated squared gradients. */
import { ValueError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/autograd/grad-mode.js';
import { fullLike, tensor } from '../tensor/creation.js';
import { Optimizer, type Closure, type ParamGroup, type ParamState, type Params } from './optimizer.js';

export interface AdagradOptions {
  lr?: number;
  /** The learning rate at step t is lr / (1 + (t - 1) lrDecay). */
  lrDecay?: number;
  weightDecay?: number;
  /** The starting value of the accumulated squares. */
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

export class Adagrad extends Optimizer {
  constructor(params: Params, options: AdagradOptions = {}) {
    const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false } = options;
    if (!(lr >= 0)) throw new ValueError(`Invalid learning rate: ${lr}`);
    if (!(lrDecay >= 0)) throw new ValueError(`Invalid lr_decay value: ${lrDecay}`);
    if (!(weightDecay >= 0)) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
    if (!(initialAccumulatorValue >= 0)) throw new ValueError(`Invalid initial_accumulator_value value: ${initialAccumulatorValue}`);
    if (!(eps >= 0)) throw new ValueError(`Invalid epsilon value: ${eps}`);
    super(params, { lr, lrDecay, eps, weightDecay, initialAccumulatorValue, maximize });
    // as PyTorch, the state exists from the start (so stateDict has it before any step), filled
    // with the constructor's initialAccumulatorValue even where a group sets its own
    for (const group of this.paramGroups) for (const p of group.params) this.initState(this.stateOf(p), p, initialAccumulatorValue);
  }

  private initState(state: ParamState, p: Tensor, initialAccumulatorValue: number): void {
    state.step = tensor(0, { dtype: 'float32' });
    state.sum = fullLike(p, initialAccumulatorValue);
  }

  /** PyTorch's update: step += 1; g (+ wd p); sum += g g; p -= lr / (1 + (step - 1) lrDecay) · g / (sqrt(sum) + eps). */
  step(closure?: Closure): Tensor | number | undefined {
    const loss = this.evaluate(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = group as ParamGroup & Required<AdagradOptions>;
        for (const p of group.params) {
          if (!p.grad) continue;
          const state = this.stateOf(p);
          // a group added later gets its state here
          if (state.step === undefined) this.initState(state, p, initialAccumulatorValue);
          const step = Number((state.step as Tensor).add_(1).item());
          let grad = maximize ? p.grad.neg() : p.grad;
          if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
          const clr = lr / (1 + (step - 1) * lrDecay);
          const sum = (state.sum as Tensor).addcmul_(grad, grad, { value: 1 });
          const std = sum.sqrt().add_(eps);
          p.addcdiv_(grad, std, { value: -clr });
        }
      }
    });
    return loss;
  }
}
