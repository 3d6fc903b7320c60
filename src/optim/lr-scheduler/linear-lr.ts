/** LinearLR: the lr scaled by a factor moving linearly from startFactor to endFactor over totalIters epochs (a warm-up). */
import { ValueError } from '../../core/errors.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, currentLrs } from './lr-scheduler.js';

export interface LinearLROptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
  lastEpoch?: number;
}

export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    if (startFactor > 1 || startFactor < 0) throw new ValueError('Starting multiplicative factor expected to be between 0 and 1.');
    if (endFactor > 1 || endFactor < 0) throw new ValueError('Ending multiplicative factor expected to be between 0 and 1.');
    super(optimizer, options.lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    const lrs = currentLrs(this.optimizer);
    if (t === 0) return lrs.map((lr) => lr * s);
    if (t > n) return lrs;
    return lrs.map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  override closedFormLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((base) => base * (s + ((e - s) * Math.min(n, t)) / n));
  }
}
