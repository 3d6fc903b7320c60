/**
 * optim.lrScheduler.LRScheduler: the base of the epoch-based schedules. A schedule sets each
 * group's lr on every step(): getLr() is PyTorch's chainable form (from the current lr, so
 * schedules compose), closedFormLr() the form from the base lr used when an epoch is given.
 *
 * Subclasses set their own fields, then call initialStep() at the end of their constructor
 * (PyTorch does that step inside the base constructor, before which Python subclasses have
 * already set their fields; TypeScript can't set fields before super()).
 */
import { Optimizer } from '../optimizer.js';

export abstract class LRScheduler {
  optimizer: Optimizer;
  /** Each group's initial lr (its `initialLr`). */
  baseLrs: number[];
  /** The index of the last epoch (-1 before the first step). */
  lastEpoch: number;
  /** How many times step() ran, the initial step included (PyTorch's _step_count). */
  stepCount = 0;
  /** The lrs set by the last step. */
  lastLr: number[] = [];

  constructor(optimizer: Optimizer, lastEpoch = -1) {
    if (!(optimizer instanceof Optimizer)) {
      throw new TypeError(`${(optimizer as object)?.constructor?.name ?? typeof optimizer} is not an Optimizer`);
    }
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) if (!('initialLr' in group)) group.initialLr = group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (!('initialLr' in group)) throw new Error(`param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The lrs for this.lastEpoch from the current ones (PyTorch's get_lr). */
  abstract getLr(): number[];

  /** The lrs for this.lastEpoch from the base lrs, where the schedule has such a form (else null). */
  closedFormLr(): number[] | null {
    return null;
  }

  /** Resets the step count and takes the first step (epoch 0). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Advances one epoch and sets every group's lr. Given an epoch (deprecated in PyTorch), jumps to
   * it with the closed form.
   */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = values[i]!));
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lrs set by the last step (PyTorch's get_last_lr()). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every field but the optimizer (and functions, which don't serialise), copied. */
  stateDict(): Record<string, unknown> {
    return copyFields(this, ['optimizer']);
  }

  loadStateDict(stateDict: Record<string, unknown>): void {
    Object.assign(this, copyFields(stateDict, ['optimizer']));
  }
}

/** A deep copy of an object's own fields except `skip` and functions (LambdaLR's lambdas). */
export function copyFields(from: object, skip: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(from)) {
    if (skip.includes(k) || typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function'))) continue;
    out[k] = structuredClone(v);
  }
  return out;
}

/** The current lr of every group. */
export function currentLrs(optimizer: Optimizer): number[] {
  return optimizer.paramGroups.map((g) => g.lr);
}
