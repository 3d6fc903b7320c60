/** MultiStepLR: the lr multiplied by gamma at each milestone epoch (twice if listed twice). */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, currentLrs } from './lr-scheduler.js';

export class MultiStepLR extends LRScheduler {
  /** How many times each milestone was given (PyTorch's Counter). */
  milestones: Record<number, number>;
  gamma: number;

  constructor(optimizer: Optimizer, milestones: readonly number[], options: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch);
    this.milestones = {};
    for (const m of milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  getLr(): number[] {
    const lrs = currentLrs(this.optimizer);
    const count = this.milestones[this.lastEpoch];
    if (count === undefined) return lrs;
    return lrs.map((lr) => lr * this.gamma ** count);
  }

  override closedFormLr(): number[] {
    // milestones passed so far, repeats counted (bisect_right over the sorted list)
    let passed = 0;
    for (const [m, count] of Object.entries(this.milestones)) if (Number(m) <= this.lastEpoch) passed += count;
    return this.baseLrs.map((base) => base * this.gamma ** passed);
  }
}
