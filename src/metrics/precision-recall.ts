/**
 * Precision, recall and F1 for multi-class labels, with sklearn's averages and zero-division
 * convention (a ratio with nothing to divide by counts as 0: a class never predicted has
 * precision 0, a class never present has recall 0, and F1 is 0 when both are):
 *
 * - 'macro': the unweighted mean over classes;
 * - 'weighted': the mean weighted by each class's support (its number of true samples);
 * - 'micro': from true positives, predictions and supports summed over classes;
 * - 'none': one value per class, a float64 tensor (C);
 * - 'binary': the value for class `posLabel` (default 1) of binary labels.
 *
 * Which classes take part: with numClasses, all of 0..numClasses-1 (sklearn's `labels=range(C)`);
 * without, the classes that occur in pred or target (sklearn's default). Scalar averages come
 * back as JS numbers.
 */
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ConfusionCounts, ConfusionMatrix } from './confusion-matrix.js';
import type { MetricInput } from './inputs.js';
import type { Metric } from './metric.js';

export type Average = 'macro' | 'micro' | 'weighted' | 'none' | 'binary';

export interface ClassificationOptions {
  /** How per-class values are combined (default 'macro'). */
  average?: Average;
  /** The number of classes; every class takes part in the averages. */
  numClasses?: number;
  /** The positive class for average 'binary' (default 1). */
  posLabel?: number;
}

type Score = 'precision' | 'recall' | 'f1';
const AVERAGES: readonly Average[] = ['macro', 'micro', 'weighted', 'none', 'binary'];

/** a / b, or 0 when b is 0 (sklearn's zero_division default). */
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** One class's score from its true positives, predictions and support. */
function classScore(score: Score, tp: number, predicted: number, support: number): number {
  if (score === 'precision') return ratio(tp, predicted);
  if (score === 'recall') return ratio(tp, support);
  return ratio(2 * tp, predicted + support);
}

/** A score from confusion counts, averaged as asked. */
export function scoreFromCounts(
  score: Score, counts: ConfusionCounts, average: Average, allClasses: boolean, posLabel: number, fn: string,
): number | Tensor {
  const { size, data } = counts;
  const tp = new Float64Array(size);
  const predicted = new Float64Array(size);
  const support = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const c = data[i * size + j]!;
      support[i]! += c;
      predicted[j]! += c;
    }
    tp[i] = data[i * size + i]!;
  }
  const perClass = Array.from(tp, (t, c) => classScore(score, t, predicted[c]!, support[c]!));
  if (average === 'none') return tensor(perClass, { dtype: 'float64' });
  if (average === 'binary') {
    if (size > 2) throw new Error(`${fn}: average 'binary' needs binary labels (0 and 1), but labels go up to ${size - 1}; choose average 'macro', 'micro', 'weighted' or 'none'`);
    if (posLabel !== 0 && posLabel !== 1) throw new RangeError(`${fn}: posLabel must be 0 or 1, got ${posLabel}`);
    return posLabel < size ? perClass[posLabel]! : 0;
  }
  const classes = [...perClass.keys()].filter((c) => allClasses || support[c]! > 0 || predicted[c]! > 0);
  if (average === 'macro') return classes.reduce((s, c) => s + perClass[c]!, 0) / classes.length;
  if (average === 'weighted') {
    const total = classes.reduce((s, c) => s + support[c]!, 0);
    return ratio(classes.reduce((s, c) => s + perClass[c]! * support[c]!, 0), total);
  }
  const sum = (a: Float64Array): number => classes.reduce((s, c) => s + a[c]!, 0);
  return classScore(score, sum(tp), sum(predicted), sum(support));
}

function checkAverage(average: Average, fn: string): void {
  if (!AVERAGES.includes(average)) throw new RangeError(`${fn}: average must be one of ${AVERAGES.map((a) => `'${a}'`).join(', ')}, got '${String(average)}'`);
}

function compute(score: Score, fn: string, pred: MetricInput, target: MetricInput, options: ClassificationOptions): number | Tensor {
  const average = options.average ?? 'macro';
  checkAverage(average, fn);
  const m = new ConfusionMatrix(options.numClasses);
  m.accumulate(pred, target, fn);
  return scoreFromCounts(score, m.counts(), average, options.numClasses !== undefined, options.posLabel ?? 1, fn);
}

/** Precision: of the samples predicted as a class, the fraction that are that class. */
export function precision(pred: MetricInput, target: MetricInput, options: ClassificationOptions & { average: 'none' }): Tensor;
export function precision(pred: MetricInput, target: MetricInput, options?: ClassificationOptions): number;
export function precision(pred: MetricInput, target: MetricInput, options: ClassificationOptions = {}): number | Tensor {
  return compute('precision', 'precision', pred, target, options);
}

/** Recall: of the samples of a class, the fraction predicted as that class. */
export function recall(pred: MetricInput, target: MetricInput, options: ClassificationOptions & { average: 'none' }): Tensor;
export function recall(pred: MetricInput, target: MetricInput, options?: ClassificationOptions): number;
export function recall(pred: MetricInput, target: MetricInput, options: ClassificationOptions = {}): number | Tensor {
  return compute('recall', 'recall', pred, target, options);
}

/** F1: the harmonic mean of precision and recall, 2·tp / (2·tp + fp + fn) per class. */
export function f1Score(pred: MetricInput, target: MetricInput, options: ClassificationOptions & { average: 'none' }): Tensor;
export function f1Score(pred: MetricInput, target: MetricInput, options?: ClassificationOptions): number;
export function f1Score(pred: MetricInput, target: MetricInput, options: ClassificationOptions = {}): number | Tensor {
  return compute('f1', 'f1Score', pred, target, options);
}

/** A score accumulated over batches (through a confusion matrix). */
abstract class ClassificationMetric implements Metric<number | Tensor> {
  readonly average: Average;
  private readonly matrix: ConfusionMatrix;

  constructor(private readonly score: Score, private readonly name: string, private readonly options: ClassificationOptions) {
    this.average = options.average ?? 'macro';
    checkAverage(this.average, name);
    this.matrix = new ConfusionMatrix(options.numClasses);
  }

  update(pred: MetricInput, target: MetricInput): void {
    this.matrix.accumulate(pred, target, `${this.name}.update`);
  }

  /** A JS number, or a float64 tensor (C) for average 'none'. */
  compute(): number | Tensor {
    const { numClasses, posLabel = 1 } = this.options;
    return scoreFromCounts(this.score, this.matrix.counts(), this.average, numClasses !== undefined, posLabel, this.name);
  }

  reset(): void {
    this.matrix.reset();
  }
}

export class Precision extends ClassificationMetric {
  constructor(options: ClassificationOptions = {}) {
    super('precision', 'Precision', options);
  }
}

export class Recall extends ClassificationMetric {
  constructor(options: ClassificationOptions = {}) {
    super('recall', 'Recall', options);
  }
}

export class F1Score extends ClassificationMetric {
  constructor(options: ClassificationOptions = {}) {
    super('f1', 'F1Score', options);
  }
}
