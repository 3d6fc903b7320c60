/**
 * Regression metrics: mean squared error, mean absolute error and R² (the coefficient of
 * determination). pred and target must have the same shape (a silent broadcast of (N, 1)
 * against (N) is a classic bug, so it is refused). All return JS numbers.
 *
 * R² follows sklearn's r2_score: for (N, D) targets it is computed per output column and
 * averaged; a column whose target is constant scores 1 when predicted exactly and 0 otherwise;
 * fewer than two samples give NaN.
 */
import { fmtShape, type MetricInput, readValues, type Values } from './inputs.js';
import type { Metric } from './metric.js';

function readPair(pred: MetricInput, target: MetricInput, fn: string): [Values, Values] {
  const p = readValues(pred, fn, 'pred');
  const t = readValues(target, fn, 'target');
  if (p.shape.length !== t.shape.length || p.shape.some((d, i) => d !== t.shape[i])) {
    throw new Error(`${fn}: pred and target must have the same shape, got ${fmtShape(p.shape)} and ${fmtShape(t.shape)}`);
  }
  return [p, t];
}

/** Sums of squared and absolute errors over a batch. */
function errorSums(pred: MetricInput, target: MetricInput, fn: string): { squared: number; absolute: number; count: number } {
  const [p, t] = readPair(pred, target, fn);
  let squared = 0;
  let absolute = 0;
  for (let i = 0; i < p.data.length; i++) {
    const d = p.data[i]! - t.data[i]!;
    squared += d * d;
    absolute += Math.abs(d);
  }
  return { squared, absolute, count: p.data.length };
}

export function meanSquaredError(pred: MetricInput, target: MetricInput): number {
  const s = errorSums(pred, target, 'meanSquaredError');
  return s.squared / s.count;
}

export function meanAbsoluteError(pred: MetricInput, target: MetricInput): number {
  const s = errorSums(pred, target, 'meanAbsoluteError');
  return s.absolute / s.count;
}

export function r2Score(pred: MetricInput, target: MetricInput): number {
  const m = new R2Score();
  m.accumulate(pred, target, 'r2Score');
  return m.compute();
}

/** Mean squared error over batches. */
export class MeanSquaredError implements Metric<number> {
  private sum = 0;
  private count = 0;

  update(pred: MetricInput, target: MetricInput): void {
    const s = errorSums(pred, target, 'MeanSquaredError.update');
    this.sum += s.squared;
    this.count += s.count;
  }

  compute(): number {
    return this.sum / this.count;
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
}

/** Mean absolute error over batches. */
export class MeanAbsoluteError implements Metric<number> {
  private sum = 0;
  private count = 0;

  update(pred: MetricInput, target: MetricInput): void {
    const s = errorSums(pred, target, 'MeanAbsoluteError.update');
    this.sum += s.absolute;
    this.count += s.count;
  }

  compute(): number {
    return this.sum / this.count;
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
}

/**
 * R² over batches. Per output column it keeps the count, the target's mean and its sum of squared
 * deviations (merged batch by batch with Chan's formula, which stays accurate where the
 * sum-of-squares shortcut cancels), and the residual sum of squares.
 */
export class R2Score implements Metric<number> {
  private count = 0;
  private outputs = -1;
  private mean = new Float64Array(0);
  private m2 = new Float64Array(0);
  private residual = new Float64Array(0);

  update(pred: MetricInput, target: MetricInput): void {
    this.accumulate(pred, target, 'R2Score.update');
  }

  /** update, naming `fn` in errors. */
  accumulate(pred: MetricInput, target: MetricInput, fn: string): void {
    const [p, t] = readPair(pred, target, fn);
    if (t.shape.length === 0 || t.shape.length > 2) {
      throw new Error(`${fn}: expected targets of shape (N) or (N, outputs), got ${fmtShape(t.shape)}`);
    }
    const n = t.shape[0]!;
    const d = t.shape.length === 2 ? t.shape[1]! : 1;
    if (this.outputs === -1) {
      this.outputs = d;
      this.mean = new Float64Array(d);
      this.m2 = new Float64Array(d);
      this.residual = new Float64Array(d);
    } else if (d !== this.outputs) {
      throw new Error(`${fn}: this batch has ${d} outputs, earlier ones had ${this.outputs}`);
    }
    if (n === 0) return;
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += t.data[i * d + j]!;
      const batchMean = sum / n;
      let batchM2 = 0;
      let res = 0;
      for (let i = 0; i < n; i++) {
        const y = t.data[i * d + j]!;
        batchM2 += (y - batchMean) ** 2;
        res += (y - p.data[i * d + j]!) ** 2;
      }
      const total = this.count + n;
      const delta = batchMean - this.mean[j]!;
      this.m2[j] = this.m2[j]! + batchM2 + (delta * delta * this.count * n) / total;
      this.mean[j] = this.mean[j]! + (delta * n) / total;
      this.residual[j]! += res;
    }
    this.count += n;
  }

  compute(): number {
    if (this.count < 2) return NaN;
    let sum = 0;
    for (let j = 0; j < this.outputs; j++) {
      const ssTot = this.m2[j]!;
      const ssRes = this.residual[j]!;
      // sklearn's force_finite: a constant target scores 1 if matched exactly, else 0
      sum += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
    }
    return sum / this.outputs;
  }

  reset(): void {
    this.count = 0;
    this.outputs = -1;
    this.mean = new Float64Array(0);
    this.m2 = new Float64Array(0);
    this.residual = new Float64Array(0);
  }
}
