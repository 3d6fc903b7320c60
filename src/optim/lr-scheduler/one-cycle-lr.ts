/**
 * OneCycleLR: the 1cycle policy. Per batch, the lr climbs from maxLr / divFactor to maxLr over the
 * first pctStart of totalSteps, then anneals to initialLr / finalDivFactor (threePhase: back down to
 * the initial lr first); momentum (or Adam's beta1) moves the opposite way.
 */
import { ValueError } from '../../core/errors.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

export interface OneCycleLROptions {
  /** The number of steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

/** One phase of the cycle: it ends at endStep and runs between the named group options. */
interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** Whether momentum is Adam's beta1 (the optimizer has betas) rather than `momentum`. */
  useBeta1: boolean;

  constructor(optimizer: Optimizer, maxLr: number | number[], options: OneCycleLROptions = {}) {
    const {
      totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = options;
    const total = resolveTotalSteps(totalSteps, epochs, stepsPerEpoch);
    if (pctStart < 0 || pctStart > 1) throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    const groups = optimizer.paramGroups;
    const maxLrs = perGroup('max_lr', groups.length, maxLr);
    const maxMomentums = perGroup('max_momentum', groups.length, maxMomentum);
    const baseMomentums = perGroup('base_momentum', groups.length, baseMomentum);
    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum && !('momentum' in optimizer.defaults) && !useBeta1) {
      throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
    }
    if (lastEpoch === -1) {
      groups.forEach((group, i) => {
        group.initialLr = maxLrs[i]! / divFactor;
        group.maxLr = maxLrs[i];
        group.minLr = (group.initialLr as number) / finalDivFactor;
        if (!cycleMomentum) return;
        setMomentum(group, useBeta1, maxMomentums[i]!);
        group.maxMomentum = maxMomentums[i];
        group.baseMomentum = baseMomentums[i];
      });
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.phases = threePhase
      ? [
        { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
      ]
      : [
        { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      ];
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2) * cosOut;
  }

  getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(`Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          const lr = this.anneal(group[phase.startLr] as number, group[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            setMomentum(group, this.useBeta1, this.anneal(group[phase.startMomentum] as number, group[phase.endMomentum] as number, pct));
          }
          return lr;
        }
        startStep = phase.endStep;
      }
      throw new Error('unreachable: the last phase always applies');
    });
  }
}

function resolveTotalSteps(totalSteps?: number, epochs?: number, stepsPerEpoch?: number): number {
  if (totalSteps === undefined && epochs === undefined && stepsPerEpoch === undefined) {
    throw new ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
  }
  if (totalSteps !== undefined) {
    if (!(totalSteps > 0) || !Number.isInteger(totalSteps)) throw new ValueError(`Expected positive integer total_steps, but got ${totalSteps}`);
    return totalSteps;
  }
  if (!(epochs! > 0) || !Number.isInteger(epochs)) throw new ValueError(`Expected positive integer epochs, but got ${epochs}`);
  if (!(stepsPerEpoch! > 0) || !Number.isInteger(stepsPerEpoch)) {
    throw new ValueError(`Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
  }
  return epochs! * stepsPerEpoch!;
}

/** One value per group: a list (checked for length) or one value for all. */
function perGroup(name: string, n: number, value: number | number[]): number[] {
  if (!Array.isArray(value)) return Array.from({ length: n }, () => value);
  if (value.length !== n) throw new ValueError(`expected ${n} values for ${name}, got ${value.length}`);
  return value;
}

function setMomentum(group: Record<string, unknown>, useBeta1: boolean, momentum: number): void {
  if (useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
  else group.momentum = momentum;
}
