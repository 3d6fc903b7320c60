/**
 * The streaming metric protocol: `update` with each batch, `compute` for the value over every
 * batch since the last `reset`, so an evaluation loop need not hold all predictions at once.
 */
import type { MetricInput } from './inputs.js';

export interface Metric<R = number> {
  update(pred: MetricInput, target: MetricInput): void;
  compute(): R;
  reset(): void;
}
