/** StepLR: the lr multiplied by gamma every stepSize epochs. */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, currentLrs } from './lr-scheduler.js';

export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, stepSize: number, options: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch);
    this.stepSize = stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  getLr(): number[] {
    const lrs = currentLrs(this.optimizer);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
