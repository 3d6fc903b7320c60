/** Binary losses as modules: BCELoss (probabilities) and BCEWithLogitsLoss (logits). */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/losses.js';
import { WeightedLoss } from './loss.js';

export class BCELoss extends WeightedLoss {
  constructor(options: F.BCEOptions = {}) {
    super(options.weight, options.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(options: F.BCEWithLogitsOptions = {}) {
    super(options.weight, options.reduction);
    // a buffer, as in PyTorch (stateDict key `pos_weight`)
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }

  get posWeight(): Tensor | null {
    return this.getBuffer('pos_weight');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
