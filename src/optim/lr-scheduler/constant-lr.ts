/** ConstantLR: the lr scaled by a constant factor for the first totalIters epochs (a warm-up). */
import { ValueError } from '../../core/errors.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, currentLrs } from './lr-scheduler.js';

export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, options: { factor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    const { factor = 1 / 3, totalIters = 5 } = options;
    if (factor > 1 || factor < 0) throw new ValueError('Constant multiplicative factor expected to be between 0 and 1.');
    super(optimizer, options.lastEpoch);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  getLr(): number[] {
    const lrs = currentLrs(this.optimizer);
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1 / this.factor));
  }

  override closedFormLr(): number[] {
    const done = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((base) => base * (this.factor + done * (1 - this.factor)));
  }
}
