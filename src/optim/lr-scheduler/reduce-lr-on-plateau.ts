/**
 * ReduceLROnPlateau: multiplies the lr by `factor` once a metric has stopped improving for
 * `patience` epochs (step(metric) once per epoch), then waits `cooldown` epochs.
 */
import { ValueError } from '../../core/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { Optimizer } from '../optimizer.js';
import { copyFields } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): a lower metric is better; 'max': higher is better. */
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  /** How much better than the best counts as an improvement (relative or absolute). */
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  /** A lower bound on the lr, for all groups or one per group. */
  minLr?: number | number[];
  /** Reductions smaller than eps are skipped. */
  eps?: number;
}

export class ReduceLROnPlateau {
  optimizer: Optimizer;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  cooldownCounter = 0;
  minLrs: number[];
  eps: number;
  best: number;
  numBadEpochs = 0;
  lastEpoch = 0;
  lastLr: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    if (factor >= 1) throw new ValueError('Factor should be < 1.0.');
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${(optimizer as object)?.constructor?.name} is not an Optimizer`);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr) && minLr.length !== n) throw new ValueError(`expected ${n} min_lrs, got ${minLr.length}`);
    if (mode !== 'min' && mode !== 'max') throw new ValueError(`mode ${String(mode)} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new ValueError(`threshold mode ${String(thresholdMode)} is unknown!`);
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : Array.from({ length: n }, () => minLr);
    this.eps = eps;
    this.best = this.modeWorse();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one epoch's metric, reducing the lr after `patience` epochs without improvement. */
  step(metric: number | Tensor, epoch?: number): void {
    const current = metric instanceof Tensor ? Number(metric.item()) : Number(metric);
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown don't count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const newLr = Math.max(group.lr * this.factor, this.minLrs[i]!);
      if (group.lr - newLr > this.eps) group.lr = newLr;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every field but the optimizer, copied. */
  stateDict(): Record<string, unknown> {
    return copyFields(this, ['optimizer']);
  }

  loadStateDict(stateDict: Record<string, unknown>): void {
    Object.assign(this, copyFields(stateDict, ['optimizer']));
  }
}
