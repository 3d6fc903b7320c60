/**
 * kiln.metrics: evaluation metrics, as functions of one batch of predictions and as streaming
 * accumulators (`update` per batch, `compute`, `reset`). Scalar metrics return JS numbers;
 * per-class results and the confusion matrix return tensors.
 */
export type { MetricInput } from './inputs.js';
export type { Metric } from './metric.js';
export { accuracy, topKAccuracy, Accuracy, type AccuracyOptions } from './accuracy.js';
export { confusionMatrix, ConfusionMatrix } from './confusion-matrix.js';
export {
  precision, recall, f1Score, Precision, Recall, F1Score, type Average, type ClassificationOptions,
} from './precision-recall.js';
export { rocAuc, RocAuc } from './roc-auc.js';
export {
  meanSquaredError, meanAbsoluteError, r2Score, MeanSquaredError, MeanAbsoluteError, R2Score,
} from './regression.js';
export { Mean } from './mean.js';
