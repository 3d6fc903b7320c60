/** KLDivLoss: the Kullback-Leibler divergence of a target from log-probabilities. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/losses.js';
import { Module } from '../module.js';

export class KLDivLoss extends Module {
  reduction: NonNullable<F.KLDivOptions['reduction']>;
  logTarget: boolean;

  constructor(options: F.KLDivOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.logTarget = options.logTarget ?? false;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
