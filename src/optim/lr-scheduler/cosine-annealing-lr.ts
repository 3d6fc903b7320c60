/**
 * CosineAnnealingLR: the lr follows half a cosine from its initial value down to etaMin over tMax
 * epochs (and, stepped further, back up: PyTorch's recursive form keeps oscillating).
 */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, currentLrs } from './lr-scheduler.js';

/** Python's %, whose result takes the divisor's sign. */
const pyMod = (a: number, b: number): number => ((a % b) + b) % b;

export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, tMax: number, options: { etaMin?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch);
    this.tMax = tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    const lrs = currentLrs(this.optimizer);
    if (t === 0) return lrs;
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2);
    }
    if (pyMod(t - 1 - tMax, 2 * tMax) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (lr - etaMin) + etaMin);
  }

  override closedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}
