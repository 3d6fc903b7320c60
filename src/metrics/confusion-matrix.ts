/**
 * The confusion matrix: counts[i][j] = samples of true class i predicted as class j (rows are the
 * true class, as in sklearn), an int64 tensor (C, C). Precision, recall and F1 are read off it.
 */
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkNumClasses, checkSameLength, type MetricInput, predictedLabels, readLabels } from './inputs.js';
import type { Metric } from './metric.js';

/** Counts as plain numbers: `size` classes, row-major, rows the true class. */
export interface ConfusionCounts {
  size: number;
  data: Float64Array;
}

/** The confusion matrix accumulated over batches; without numClasses it grows with the labels seen. */
export class ConfusionMatrix implements Metric<Tensor> {
  readonly numClasses: number | undefined;
  private size: number;
  private data: Float64Array;

  constructor(numClasses?: number) {
    checkNumClasses(numClasses, 'ConfusionMatrix');
    this.numClasses = numClasses;
    this.size = numClasses ?? 0;
    this.data = new Float64Array(this.size * this.size);
  }

  update(pred: MetricInput, target: MetricInput): void {
    this.accumulate(pred, target, 'ConfusionMatrix.update');
  }

  /** update, naming `fn` in errors (the metric functions share this class). */
  accumulate(pred: MetricInput, target: MetricInput, fn: string): void {
    const { labels: predicted, numClasses: scoreClasses } = predictedLabels(pred, fn);
    const truth = readLabels(target, fn, 'target');
    checkSameLength(predicted, truth, fn);
    if (this.numClasses !== undefined && scoreClasses !== undefined && scoreClasses !== this.numClasses) {
      throw new Error(`${fn}: pred has scores for ${scoreClasses} classes, but numClasses is ${this.numClasses}`);
    }
    let needed = scoreClasses ?? 0;
    for (let i = 0; i < truth.length; i++) needed = Math.max(needed, predicted[i]! + 1, truth[i]! + 1);
    if (this.numClasses !== undefined && needed > this.numClasses) {
      const bad = [...truth, ...predicted].find((x) => x >= this.numClasses!);
      throw new RangeError(`${fn}: label ${bad} is out of range for numClasses ${this.numClasses}`);
    }
    this.grow(needed);
    for (let i = 0; i < truth.length; i++) this.data[truth[i]! * this.size + predicted[i]!]! += 1;
  }

  /** The counts so far as an int64 tensor (C, C). */
  compute(): Tensor {
    return tensor(Array.from(this.data), { dtype: 'int64' }).reshape(this.size, this.size);
  }

  /** The counts so far as plain numbers (what precision and recall are computed from). */
  counts(): ConfusionCounts {
    return { size: this.size, data: this.data.slice() };
  }

  reset(): void {
    this.size = this.numClasses ?? 0;
    this.data = new Float64Array(this.size * this.size);
  }

  private grow(size: number): void {
    if (size <= this.size) return;
    const data = new Float64Array(size * size);
    for (let i = 0; i < this.size; i++) data.set(this.data.subarray(i * this.size, (i + 1) * this.size), i * size);
    this.size = size;
    this.data = data;
  }
}

/**
 * The confusion matrix of one set of predictions: pred is scores (N, C) or labels (N), target
 * labels (N). numClasses defaults to the largest label seen plus one (or C of the scores).
 */
export function confusionMatrix(pred: MetricInput, target: MetricInput, numClasses?: number): Tensor {
  const m = new ConfusionMatrix(numClasses);
  m.accumulate(pred, target, 'confusionMatrix');
  return m.compute();
}
