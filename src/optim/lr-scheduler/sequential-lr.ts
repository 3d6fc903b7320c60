/**
 * SequentialLR: schedules one after another, switching at the milestone epochs; the usual warm-up
 * is `new SequentialLR(opt, [new LinearLR(opt, {startFactor: 0.1, totalIters: 5}),
 * new CosineAnnealingLR(opt, 95)], [5])`. Each schedule restarts from epoch 0 at its milestone.
 */
import { ValueError } from '../../core/errors.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, copyFields } from './lr-scheduler.js';

export class SequentialLR extends LRScheduler {
  schedulers: LRScheduler[];
  milestones: number[];

  constructor(optimizer: Optimizer, schedulers: readonly LRScheduler[], milestones: readonly number[], options: { lastEpoch?: number } = {}) {
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(`Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`);
    }
    super(optimizer, 0);
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    // back to the initial lrs, the others' construction steps undone, then the first one's step
    for (const group of optimizer.paramGroups) group.lr = group.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  getLr(): number[] {
    return this.getLastLr();
  }

  override step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx]!;
    // at its milestone a schedule starts over from epoch 0 (closed form)
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  /** Its own fields, and each schedule's state dict under `schedulers`. */
  override stateDict(): Record<string, unknown> {
    return { ...copyFields(this, ['optimizer', 'schedulers']), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    Object.assign(this, copyFields(stateDict, ['optimizer', 'schedulers']));
    (stateDict.schedulers as Record<string, unknown>[]).forEach((s, i) => this.schedulers[i]!.loadStateDict(s));
  }
}
