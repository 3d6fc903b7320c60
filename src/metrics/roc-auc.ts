/**
 * ROC AUC for binary targets: the area under the ROC curve, equal to the probability that a
 * random positive scores above a random negative, with ties counting one half (the trapezoids
 * sklearn's roc_auc_score integrates give exactly this). Computed from average ranks in
 * O(N log N). Returns a JS number.
 */
import { checkSameLength, fmtShape, type MetricInput, readValues } from './inputs.js';
import type { Metric } from './metric.js';

function readBinary(scores: MetricInput, target: MetricInput, fn: string): [Float64Array, Float64Array] {
  const s = readValues(scores, fn, 'scores');
  const t = readValues(target, fn, 'target');
  if (s.shape.length !== 1) throw new Error(`${fn}: scores must have shape (N) (one score per sample, higher meaning class 1), got shape ${fmtShape(s.shape)}`);
  if (t.shape.length !== 1) throw new Error(`${fn}: target must have shape (N), got shape ${fmtShape(t.shape)}`);
  checkSameLength(s.data, t.data, fn);
  for (const x of s.data) if (Number.isNaN(x)) throw new Error(`${fn}: scores contain NaN`);
  for (const y of t.data) if (y !== 0 && y !== 1) throw new Error(`${fn}: target must be binary (0 or 1), found ${y}`);
  return [s.data, t.data];
}

function auc(scores: Float64Array, target: Float64Array, fn: string): number {
  const n = scores.length;
  let positives = 0;
  for (const y of target) positives += y;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new Error(`${fn}: Only one class present in y_true. ROC AUC score is not defined in that case.`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  // Sum of the (1-based, tie-averaged) ranks of the positives: the Mann-Whitney U statistic.
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (target[order[k]!] === 1) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** ROC AUC of scores (N) (probabilities or logits of class 1) against binary targets (N). */
export function rocAuc(scores: MetricInput, target: MetricInput): number {
  const [s, t] = readBinary(scores, target, 'rocAuc');
  return auc(s, t, 'rocAuc');
}

/** ROC AUC over batches (keeps every score: the AUC is not a sum over batches). */
export class RocAuc implements Metric<number> {
  private scores: number[] = [];
  private targets: number[] = [];

  update(scores: MetricInput, target: MetricInput): void {
    const [s, t] = readBinary(scores, target, 'RocAuc.update');
    for (let i = 0; i < s.length; i++) {
      this.scores.push(s[i]!);
      this.targets.push(t[i]!);
    }
  }

  compute(): number {
    return auc(Float64Array.from(this.scores), Float64Array.from(this.targets), 'RocAuc');
  }

  reset(): void {
    this.scores = [];
    this.targets = [];
  }
}
