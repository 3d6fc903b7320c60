/**
 * Loss functions, as torch.nn.functional's: mseLoss, l1Loss, smoothL1Loss, huberLoss, crossEntropy,
 * nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv, cosineEmbeddingLoss.
 *
 * Each is composed of tensor ops in PyTorch's order, so autograd gives the gradients. Only
 * binaryCrossEntropy records its own backward: PyTorch clamps log(x) at -100 in the forward but
 * divides by max(x (1 - x), 1e-12) in the backward, which no composition reproduces at x = 0 or 1.
 */
import { IndexError, ValueError } from '../../core/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../tensor/autograd/grad-mode.js';
import { record } from '../../tensor/autograd/record.js';
import { category } from '../../tensor/dtype-rules.js';
import { clamp, resultShape, sub, torchTypeName, where } from '../../tensor/ops/pointwise.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  /** 'mean' (default) averages the elementwise losses, 'sum' adds them, 'none' returns them. */
  reduction?: Reduction;
}

// ---- shared pieces ----------------------------------------------------------------------------

const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];

function checkReduction(reduction: string, allowed = REDUCTIONS): void {
  if (!allowed.includes(reduction)) throw new ValueError(`${reduction} is not a valid value for reduction`);
}

function applyReduction(loss: Tensor, reduction: string): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}

/** `torch.Size([3, 1])`, as PyTorch's Python-side messages print a shape. */
function sizeString(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** `[3, 1]`, as PyTorch's C++ messages print a shape. */
function listString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

const warned = new Set<string>();
/** A UserWarning, once per message (Python's default warning filter). */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, 'UserWarning');
}

/** The elementwise regression losses broadcast a differently shaped target, with PyTorch's warning. */
function warnIfBroadcast(input: Tensor, target: Tensor): void {
  if (sameShape(input.shape, target.shape)) return;
  warnOnce(`Using a target size (${sizeString(target.shape)}) that is different to the input size (${sizeString(input.shape)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`);
}

/** A weight of shape (C,) viewed to broadcast along the class dim of an (N, C, d1, ...) input. */
function alongClassDim(weight: Tensor, ndim: number, classDim: number): Tensor {
  return weight.reshape(Array.from({ length: ndim }, (_, i) => (i === classDim ? weight.numel() : 1)));
}

// ---- regression -------------------------------------------------------------------------------

/** Mean squared error: (input - target)². */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  warnIfBroadcast(input, target);
  const diff = input.sub(target);
  return applyReduction(diff.mul(diff), reduction);
}

/** Mean absolute error: |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  warnIfBroadcast(input, target);
  return applyReduction(input.sub(target).abs(), reduction);
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1); 0 gives the L1 loss. */
  beta?: number;
}

/** 0.5 z² / beta where z = |input - target| < beta, else z - 0.5 beta. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  const beta = options.beta ?? 1;
  checkReduction(reduction);
  if (beta < 0) throw new Error('smooth_l1_loss does not support negative values for beta.');
  warnIfBroadcast(input, target);
  if (beta === 0) {
    // the L1 loss, but with PyTorch's gradient -1 (not 0) where input equals target
    const d = input.sub(target);
    return applyReduction(where(d.gt(0), d, d.neg()), reduction);
  }
  const z = input.sub(target).abs();
  const loss = where(z.lt(beta), z.mul(0.5).mul(z).div(beta), z.sub(0.5 * beta));
  return applyReduction(loss, reduction);
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** 0.5 z² where z = |input - target| < delta, else delta (z - 0.5 delta). */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  const delta = options.delta ?? 1;
  checkReduction(reduction);
  if (!(delta > 0)) throw new Error('huber_loss does not support non-positive values for delta.');
  warnIfBroadcast(input, target);
  const z = input.sub(target).abs();
  const loss = where(z.lt(delta), z.mul(0.5).mul(z), z.sub(0.5 * delta).mul(delta));
  return applyReduction(loss, reduction);
}

// ---- negative log-likelihood and cross-entropy ------------------------------------------------

export interface NLLOptions extends ReductionOptions {
  /** A rescaling weight for each class, shape (C,). */
  weight?: Tensor | null;
  /** A target value that contributes nothing, to the loss or to the mean's denominator (default -100). */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood of class indices: input (N, C), (C,) or (N, C, d1, ...) holds
 * log-probabilities, target (N), () or (N, d1, ...) class indices (int64). The mean divides by the
 * summed weights of the counted targets, as PyTorch's.
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  const ignoreIndex = options.ignoreIndex ?? -100;
  const weight = options.weight ?? null;
  checkReduction(reduction);
  checkNLLShapes(input, target);
  const classDim = input.ndim === 1 ? 0 : 1;
  const nClasses = input.shape[classDim]!;
  if (weight && (weight.ndim !== 1 || weight.numel() !== nClasses)) {
    throw new Error(`weight tensor should be defined either for all ${nClasses} classes or no classes but got weight tensor of shape: ${listString(weight.shape)}`);
  }
  if (target.dtype !== 'int64') throw new Error(`expected scalar type Long but found ${torchTypeName(target.dtype)}`);
  const ignored = target.eq(ignoreIndex);
  checkTargetsInRange(target, ignored, nClasses);
  // ignored targets read class 0, then get weight 0
  const safe = target.maskedFill(ignored, 0);
  const picked = input.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
  const classWeight = weight ? weight.indexSelect(0, safe.reshape(-1)).reshape(target.shape) : ignored.logicalNot().to(input.dtype);
  const w = weight ? classWeight.maskedFill(ignored, 0) : classWeight;
  const loss = picked.mul(w).neg();
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  // when every target is ignored the mean is PyTorch's 0/0 = NaN, and the gradient stays 0
  const total = w.sum();
  const empty = total.eq(0);
  return where(empty, NaN, loss.sum().div(where(empty, 1, total)));
}

/** nll_loss_nd's shape checks, with the wording of the PyTorch kernel each case reaches. */
function checkNLLShapes(input: Tensor, target: Tensor): void {
  if (input.ndim < 1) throw new ValueError(`Expected 1 or more dimensions (got ${input.ndim})`);
  if (input.ndim !== 1 && input.shape[0] !== target.shape[0]) {
    throw new ValueError(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`);
  }
  if (input.ndim <= 2) {
    if (target.ndim > 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
    const noBatchDim = input.ndim === 1 && target.ndim === 0;
    if (!noBatchDim && input.shape[0] !== target.shape[0]) {
      throw new Error(`size mismatch (got input: ${listString(input.shape)}, target: ${listString(target.shape)})`);
    }
  } else if (input.ndim === 4) {
    if (target.ndim !== 3) {
      throw new Error(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.ndim}`);
    }
    if (!sameShape(target.shape, [input.shape[0]!, ...input.shape.slice(2)])) {
      throw new Error(`size mismatch (got input: ${listString(input.shape)} , target: ${listString(target.shape)}`);
    }
  } else if (!sameShape(target.shape.slice(1), input.shape.slice(2))) {
    throw new Error(`Expected target size ${listString([input.shape[0]!, ...input.shape.slice(2)])}, got ${listString(target.shape)}`);
  }
}

/** PyTorch's IndexError for the first class index outside [0, C) that is not ignored. */
function checkTargetsInRange(target: Tensor, ignored: Tensor, nClasses: number): void {
  const bad = target.lt(0).logicalOr(target.ge(nClasses)).logicalAnd(ignored.logicalNot());
  if (!bad.any().item()) return;
  const values = target.reshape(-1).tolist() as number[];
  const flags = bad.reshape(-1).tolist() as boolean[];
  throw new IndexError(`Target ${values[flags.indexOf(true)]} is out of bounds.`);
}

export interface CrossEntropyOptions extends NLLOptions {
  /** Mixes the target with the uniform distribution: (1 - s) target + s / C (default 0). */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of unnormalised logits: input (N, C), (C,) or (N, C, d1, ...); target either class
 * indices (int64, the input's shape without C) or class probabilities (the input's shape). Computed
 * from logSoftmax, so large logits are stable.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  const ignoreIndex = options.ignoreIndex ?? -100;
  const labelSmoothing = options.labelSmoothing ?? 0;
  const weight = options.weight ?? null;
  checkReduction(reduction);
  // as PyTorch: a target shaped like the input holds probabilities
  if (sameShape(input.shape, target.shape)) {
    if (category(target.dtype) !== 2) {
      throw new Error(`Expected floating point type for target with class probabilities, got ${torchTypeName(target.dtype)}`);
    }
    if (ignoreIndex >= 0) throw new Error('ignore_index is not supported for floating point target');
    return crossEntropyProbabilities(input, target, weight, reduction, labelSmoothing);
  }
  if (labelSmoothing > 0) {
    checkLabelSmoothing(labelSmoothing);
    return crossEntropySmoothed(input, target, weight, reduction, ignoreIndex, labelSmoothing);
  }
  const classDim = input.ndim === 1 ? 0 : 1;
  return nllLoss(input.logSoftmax(classDim), target, { weight, reduction, ignoreIndex });
}

function checkLabelSmoothing(s: number): void {
  if (s > 1) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${s}`);
}

/** -sum(target · logSoftmax(input) · weight) over classes; the mean divides by N · d1 · ... */
function crossEntropyProbabilities(input: Tensor, target: Tensor, weight: Tensor | null, reduction: string, labelSmoothing: number): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const nClasses = input.shape[classDim]!;
  if (weight && (weight.ndim !== 1 || weight.numel() !== nClasses)) {
    throw new Error(`cross_entropy: weight tensor should be defined either for all ${nClasses} classes or no classes but got weight tensor of shape: ${listString(weight.shape)}`);
  }
  const logp = input.logSoftmax(classDim);
  let probs = target;
  if (labelSmoothing > 0) {
    checkLabelSmoothing(labelSmoothing);
    probs = target.mul(1 - labelSmoothing).add(labelSmoothing / nClasses);
  }
  let terms = logp.mul(probs);
  if (weight) terms = terms.mul(input.ndim > 1 ? alongClassDim(weight, input.ndim, 1) : weight);
  if (reduction === 'none') return terms.sum(classDim).neg();
  const total = terms.sum().neg();
  if (reduction === 'sum') return total;
  return total.div(input.numel() / nClasses);
}

/**
 * Label smoothing with class indices: (1 - s) · NLL + s / C · (the loss against the uniform
 * distribution), whose mean divides by the same weight total as the NLL's.
 */
function crossEntropySmoothed(input: Tensor, target: Tensor, weight: Tensor | null, reduction: string, ignoreIndex: number, s: number): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const logp = input.logSoftmax(classDim);
  const nll = nllLoss(logp, target, { weight, reduction: reduction as Reduction, ignoreIndex });
  const nClasses = logp.shape[classDim]!;
  const ignored = target.eq(ignoreIndex);
  const weighted = weight ? logp.mul(alongClassDim(weight, logp.ndim, classDim)) : logp;
  const smooth = weighted.sum(classDim).neg().maskedFill(ignored, 0);
  let uniform: Tensor;
  if (reduction === 'none') uniform = smooth;
  else if (reduction === 'sum') uniform = smooth.sum();
  else if (weight) {
    const counted = weight.indexSelect(0, target.maskedFill(ignored, 0).reshape(-1)).maskedFill(ignored.reshape(-1), 0);
    uniform = smooth.sum().div(counted.sum());
  } else {
    uniform = smooth.sum().div(ignored.logicalNot().sum());
  }
  return nll.mul(1 - s).add(uniform.mul(s / nClasses));
}

// ---- binary cross-entropy ---------------------------------------------------------------------

export interface BCEOptions extends ReductionOptions {
  /** A rescaling weight, broadcast to the target's shape. */
  weight?: Tensor | null;
}

/** Gradients of BCE are divided by max(x (1 - x), EPSILON), as PyTorch's. */
const BCE_EPSILON = 1e-12;

/**
 * Binary cross-entropy of probabilities: -w (t log x + (1 - t) log(1 - x)), each log clamped at
 * -100 so that x = 0 or 1 gives a finite loss.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  if (!sameShape(input.shape, target.shape)) {
    throw new ValueError(`Using a target size (${sizeString(target.shape)}) that is different to the input size (${sizeString(input.shape)}) is deprecated. Please ensure they have the same size.`);
  }
  // the weight broadcasts to the target's shape (PyTorch's message when it can't)
  const weight = options.weight ? options.weight.expand(resultShape(target, options.weight)) : null;
  const outside = input.ge(0).logicalAnd(input.le(1)).logicalNot();
  if (outside.any().item()) throw new Error('all elements of input should be between 0 and 1');
  const n = input.numel();
  const out = noGrad(() => {
    const logx = clamp(input.log(), -100);
    const log1mx = clamp(input.neg().log1p(), -100);
    let loss = target.sub(1).mul(log1mx).sub(target.mul(logx));
    if (weight) loss = loss.mul(weight);
    return applyReduction(loss, reduction);
  });
  const scale = (g: Tensor): Tensor => {
    const weighted = weight ? g.mul(weight) : g;
    return reduction === 'mean' ? weighted.div(n) : weighted;
  };
  return record(out, 'BinaryCrossEntropyBackward0', [input, target], (g) => [
    input.requiresGrad ? scale(g.mul(input.sub(target)).div(clamp(sub(1, input).mul(input), BCE_EPSILON))) : null,
    // d/dt = -logit(x), PyTorch's binary_cross_entropy_target_backward
    target.requiresGrad ? scale(g.mul(input.div(sub(1, input)).log().neg())) : null,
  ], [input, target]);
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** A weight for the positive examples of each class, broadcast along the last dim. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy of logits, without forming sigmoid(x): with m = max(-x, 0),
 * (1 - t) x + lw (log(exp(-m) + exp(-x - m)) + m), lw = 1 + (posWeight - 1) t, stable for any x.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  if (!sameShape(input.shape, target.shape)) {
    throw new ValueError(`Target size (${sizeString(target.shape)}) must be the same as input size (${sizeString(input.shape)})`);
  }
  const maxVal = clamp(input.neg(), 0);
  const logTerm = maxVal.neg().exp().add(input.neg().sub(maxVal).exp()).log();
  let loss: Tensor;
  if (options.posWeight) {
    const logWeight = options.posWeight.sub(1).mul(target).add(1);
    loss = sub(1, target).mul(input).add(logWeight.mul(logTerm.add(maxVal)));
  } else {
    loss = sub(1, target).mul(input).add(maxVal).add(logTerm);
  }
  if (options.weight) loss = loss.mul(options.weight);
  return applyReduction(loss, reduction);
}

// ---- KL divergence ----------------------------------------------------------------------------

export interface KLDivOptions {
  /** 'mean' (the default, over every element), 'batchmean' (over the batch: the true KL), 'sum', 'none'. */
  reduction?: Reduction | 'batchmean';
  /** Whether the target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * KL(target ‖ input) pointwise, with input as log-probabilities: target (log target - input), or
 * exp(target) (target - input) when logTarget. A zero target contributes 0 (PyTorch's xlogy), and,
 * as in PyTorch, a NaN gradient with respect to itself.
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction, [...REDUCTIONS, 'batchmean']);
  if (reduction === 'mean') {
    warnOnce("reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.");
  }
  let out: Tensor;
  if (options.logTarget) out = target.exp().mul(target.sub(input));
  else out = where(target.eq(0), 0, target.mul(target.log())).sub(target.mul(input));
  if (reduction !== 'batchmean') return applyReduction(out, reduction);
  const total = out.sum();
  return input.ndim === 0 ? total : total.div(input.shape[0]!);
}

// ---- cosine embedding -------------------------------------------------------------------------

export interface CosineEmbeddingOptions extends ReductionOptions {
  /** For target -1 the loss is max(0, cos - margin) (default 0). */
  margin?: number;
}

/** Keeps the squared norms away from 0, as PyTorch's EPSILON. */
const COSINE_EPSILON = 1e-12;

/**
 * Pulls pairs together (target 1: 1 - cos) or pushes them apart (target -1: max(0, cos - margin));
 * other target values contribute 0.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: CosineEmbeddingOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  const margin = options.margin ?? 0;
  checkReduction(reduction);
  const dim = target.ndim;
  if (dim !== 0 && dim !== 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
  const sizes = `${listString(input1.shape)} and ${listString(input2.shape)}.`;
  if (dim === 1 && (input1.ndim !== 2 || input2.ndim !== 2)) {
    throw new Error(`1D target tensor expects 2D input tensors, but found inputs with sizes ${sizes}`);
  }
  if (dim === 0 && (input1.ndim !== 1 || input2.ndim !== 1)) {
    throw new Error(`0D target tensor expects 1D input tensors, but found inputs with sizes ${sizes}`);
  }
  const prodSum = input1.mul(input2).sum(dim);
  const magSquare1 = input1.mul(input1).sum(dim).add(COSINE_EPSILON);
  const magSquare2 = input2.mul(input2).sum(dim).add(COSINE_EPSILON);
  const cos = prodSum.div(magSquare1.mul(magSquare2).sqrt());
  const pos = sub(1, cos);
  const neg = clamp(cos.sub(margin), 0);
  const loss = where(target.eq(1), pos, 0).add(where(target.eq(-1), neg, 0));
  return applyReduction(loss, reduction);
}
