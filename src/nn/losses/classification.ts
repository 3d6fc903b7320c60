/** Multi-class losses as modules: CrossEntropyLoss (logits) and NLLLoss (log-probabilities). */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/losses.js';
import { WeightedLoss } from './loss.js';

export class NLLLoss extends WeightedLoss {
  ignoreIndex: number;

  constructor(options: F.NLLOptions = {}) {
    super(options.weight, options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends WeightedLoss {
  ignoreIndex: number;
  labelSmoothing: number;

  constructor(options: F.CrossEntropyOptions = {}) {
    super(options.weight, options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}
