/** LambdaLR: each group's lr is its initial lr times lrLambda(epoch). */
import { ValueError } from '../../core/errors.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

export type LrLambda = (epoch: number) => number;

export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  /** One function for every group, or one per group. */
  constructor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[], options: { lastEpoch?: number } = {}) {
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda) && lrLambda.length !== n) throw new ValueError(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
    super(optimizer, options.lastEpoch);
    this.lrLambdas = Array.isArray(lrLambda) ? [...lrLambda] : Array.from({ length: n }, () => lrLambda as LrLambda);
    this.initialStep();
  }

  getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i]!(this.lastEpoch));
  }
}
