/** Regression losses as modules: MSELoss, L1Loss, SmoothL1Loss, HuberLoss. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/losses.js';
import { Loss } from './loss.js';

export class MSELoss extends Loss {
  constructor(options: F.ReductionOptions = {}) {
    super(options.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends Loss {
  constructor(options: F.ReductionOptions = {}) {
    super(options.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  beta: number;

  constructor(options: F.SmoothL1Options = {}) {
    super(options.reduction);
    this.beta = options.beta ?? 1;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  delta: number;

  constructor(options: F.HuberOptions = {}) {
    super(options.reduction);
    this.delta = options.delta ?? 1;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}
