/** optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov and weight decay. */
import { ValueError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/autograd/grad-mode.js';
import { Optimizer, required, type Closure, type ParamGroup, type Params } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (required: in the options here or in every group). */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  /** Ascend the objective instead of descending it. */
  maximize?: boolean;
}

export class SGD extends Optimizer {
  constructor(params: Params, options: SGDOptions = {}) {
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
    if (lr !== undefined && lr < 0) throw new ValueError(`Invalid learning rate: ${lr}`);
    if (momentum < 0) throw new ValueError(`Invalid momentum value: ${momentum}`);
    if (weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new ValueError('Nesterov momentum requires a momentum and zero dampening');
    super(params, { lr: lr ?? required, momentum, dampening, weightDecay, nesterov, maximize });
  }

  /**
   * PyTorch's update, in its order: d = g (+ wd p); buf = momentum buf + (1 - dampening) d (the
   * first step: buf = d); d = d + momentum buf (Nesterov) or buf; p -= lr d.
   */
  step(closure?: Closure): Tensor | number | undefined {
    const loss = this.evaluate(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group as ParamGroup & Required<SGDOptions>;
        for (const p of group.params) {
          if (!p.grad) continue;
          let d = maximize ? p.grad.neg() : p.grad;
          if (weightDecay !== 0) d = d.add(p, { alpha: weightDecay });
          const state = this.stateOf(p);
          let buf = (state.momentum_buffer as Tensor | null | undefined) ?? null;
          if (momentum !== 0) {
            if (buf === null) buf = d.clone();
            else buf.mul_(momentum).add_(d, { alpha: 1 - dampening });
            d = nesterov ? d.add(buf, { alpha: momentum }) : buf;
          }
          state.momentum_buffer = buf;
          p.add_(d, { alpha: -lr });
        }
      }
    });
    return loss;
  }
}
