/**
 * Accuracy: the fraction of samples whose class is predicted, or (topK) is among the k highest
 * scores. Returns a JS number; NaN for no samples.
 *
 * Ties in top-k rank the lower class index first (a stable sort), which agrees with argmax for
 * k = 1.
 */
import { checkSameLength, fmtShape, type MetricInput, predictedLabels, readLabels, readValues } from './inputs.js';
import type { Metric } from './metric.js';

export interface AccuracyOptions {
  /** Count a sample as right when its class is among the k highest scores (default 1). */
  topK?: number;
}

/** Correct and total counts for one batch. */
function countCorrect(pred: MetricInput, target: MetricInput, topK: number, fn: string): [number, number] {
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`${fn}: topK must be a positive integer, got ${topK}`);
  const labels = readLabels(target, fn, 'target');
  if (topK === 1) {
    const { labels: predicted, numClasses } = predictedLabels(pred, fn);
    checkSameLength(predicted, labels, fn);
    const outOfRange = numClasses === undefined ? undefined : labels.find((t) => t >= numClasses);
    if (outOfRange !== undefined) throw new RangeError(`${fn}: target label ${outOfRange} is out of range for ${numClasses} classes`);
    let correct = 0;
    for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
    return [correct, labels.length];
  }
  const scores = readValues(pred, fn, 'pred');
  if (scores.shape.length !== 2) throw new Error(`${fn}: topK > 1 needs scores of shape (N, C), got shape ${fmtShape(scores.shape)}`);
  const [n, c] = scores.shape as [number, number];
  checkSameLength({ length: n }, labels, fn);
  if (topK > c) throw new RangeError(`${fn}: topK (${topK}) is larger than the number of classes (${c})`);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = labels[i]!;
    if (t >= c) throw new RangeError(`${fn}: target label ${t} is out of range for ${c} classes`);
    const st = scores.data[i * c + t]!;
    // the target's rank: classes scoring higher, and equal-scoring ones with a lower index
    let rank = 0;
    for (let j = 0; j < c && rank < topK; j++) {
      const s = scores.data[i * c + j]!;
      if (s > st || (s === st && j < t)) rank++;
    }
    if (rank < topK) correct++;
  }
  return [correct, n];
}

/** The fraction of samples predicted right: pred is scores (N, C) or labels (N); target labels (N). */
export function accuracy(pred: MetricInput, target: MetricInput, options: AccuracyOptions = {}): number {
  const [correct, total] = countCorrect(pred, target, options.topK ?? 1, 'accuracy');
  return correct / total;
}

/** The fraction of samples whose class is among the k highest scores of pred (N, C). */
export function topKAccuracy(pred: MetricInput, target: MetricInput, k: number): number {
  const [correct, total] = countCorrect(pred, target, k, 'topKAccuracy');
  return correct / total;
}

/** Accuracy accumulated over batches. */
export class Accuracy implements Metric<number> {
  readonly topK: number;
  private correct = 0;
  private total = 0;

  constructor(options: AccuracyOptions = {}) {
    this.topK = options.topK ?? 1;
    if (!Number.isInteger(this.topK) || this.topK < 1) throw new RangeError(`Accuracy: topK must be a positive integer, got ${this.topK}`);
  }

  update(pred: MetricInput, target: MetricInput): void {
    const [correct, total] = countCorrect(pred, target, this.topK, 'Accuracy.update');
    this.correct += correct;
    this.total += total;
  }

  compute(): number {
    return this.correct / this.total;
  }

  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
}
