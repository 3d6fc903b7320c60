/**
 * nn.functional's stateless layers: activations, softmax, dropout, linear, embedding, the
 * normalisations (batch, layer, group, RMS, L2), oneHot and pad. Each is composed of tensor ops,
 * so its gradient comes from theirs; where a branch that the output doesn't use could overflow
 * (exp in elu), its input is clamped so no NaN leaks into the gradient.
 */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import { Tensor } from '../../tensor/tensor.js';

export { relu, sigmoid, tanh, silu, gelu, softplus, linear } from '../../tensor/index.js';

// ---- activations ------------------------------------------------------------------------------

/** clamp(x, minVal, maxVal), with the gradient flowing only strictly inside, as PyTorch's. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return kiln.where(kiln.le(x, minVal), minVal, kiln.where(kiln.ge(x, maxVal), maxVal, x));
}

/** min(max(x, 0), 6). */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

/** x where x > 0, negativeSlope · x elsewhere; `leakyRelu(x, 0.2)` or `leakyRelu(x, {negativeSlope: 0.2})`. */
export function leakyRelu(x: Tensor, negativeSlope: number | { negativeSlope?: number } = 0.01): Tensor {
  const slope = typeof negativeSlope === 'number' ? negativeSlope : negativeSlope.negativeSlope ?? 0.01;
  return kiln.where(kiln.gt(x, 0), x, kiln.mul(x, slope));
}

/** x where x > 0, alpha · (exp(x) - 1) elsewhere; `elu(x, 0.5)` or `elu(x, {alpha: 0.5})`. */
export function elu(x: Tensor, alpha: number | { alpha?: number } = 1): Tensor {
  const a = typeof alpha === 'number' ? alpha : alpha.alpha ?? 1;
  return kiln.where(kiln.gt(x, 0), x, kiln.mul(kiln.expm1(kiln.clamp(x, null, 0)), a));
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale · elu(x, alpha) with the self-normalising constants of Klambauer et al. (2017). */
export function selu(x: Tensor): Tensor {
  return kiln.mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/** x · tanh(softplus(x)). */
export function mish(x: Tensor): Tensor {
  return kiln.mul(x, kiln.tanh(kiln.softplus(x)));
}

/** log(sigmoid(x)) = -softplus(-x), without overflow. */
export function logsigmoid(x: Tensor): Tensor {
  return kiln.neg(kiln.softplus(kiln.neg(x)));
}

export interface SoftmaxOptions {
  /** Cast the input to this dtype first (to avoid overflow in float16, say). */
  dtype?: DType;
}

/** PyTorch's legacy choice when no dim is given: 0 for 0-, 1- and 3-D inputs, else 1. */
function softmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

function softmaxInput(x: Tensor, dim: number | null | undefined, options: SoftmaxOptions): [Tensor, number] {
  return [options.dtype ? x.to(options.dtype) : x, dim ?? softmaxDim(x.ndim)];
}

export function softmax(x: Tensor, dim?: number | null, options: SoftmaxOptions = {}): Tensor {
  const [input, d] = softmaxInput(x, dim, options);
  return kiln.softmax(input, d);
}

export function logSoftmax(x: Tensor, dim?: number | null, options: SoftmaxOptions = {}): Tensor {
  const [input, d] = softmaxInput(x, dim, options);
  return kiln.logSoftmax(input, d);
}

/** softmax(-x). */
export function softmin(x: Tensor, dim?: number | null, options: SoftmaxOptions = {}): Tensor {
  const [input, d] = softmaxInput(x, dim, options);
  return kiln.softmax(kiln.neg(input), d);
}

// ---- dropout ----------------------------------------------------------------------------------

function checkDropoutP(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
}

export interface DropoutOptions {
  p?: number;
  training?: boolean;
}

/** p and training given positionally (`dropout(x, 0.2, false)`) or by name (`dropout(x, {p: 0.2, training})`). */
function dropoutArgs(p: number | DropoutOptions, training: boolean): [number, boolean] {
  const [prob, train] = typeof p === 'number' ? [p, training] : [p.p ?? 0.5, p.training ?? true];
  checkDropoutP(prob);
  return [prob, train];
}

/**
 * Zeroes elements with probability p and scales the rest by 1 / (1 - p), drawing the mask as
 * PyTorch's CPU kernel does (bernoulli_(1 - p) on a tensor of the input's shape), so seeded runs
 * drop the same elements.
 */
export function dropout(x: Tensor, p: number | DropoutOptions = 0.5, training = true): Tensor {
  const [prob, train] = dropoutArgs(p, training);
  return dropoutWithNoise(x, prob, train, x.shape);
}

/** Drops whole channels: one draw per (batch, channel) pair, shared along the other dims. */
function featureDropout(x: Tensor, p: number, training: boolean): Tensor {
  return dropoutWithNoise(x, p, training, x.shape.map((d, i) => (i < 2 ? d : 1)));
}

function dropoutWithNoise(x: Tensor, p: number, training: boolean, noiseShape: readonly number[]): Tensor {
  if (!training || p === 0 || x.numel() === 0) return x;
  if (p === 1) return kiln.mul(x, 0);
  const noise = kiln.bernoulli_(kiln.empty(noiseShape, { dtype: x.dtype }), 1 - p).div_(1 - p);
  return kiln.mul(x, noise);
}

/** Channel-wise dropout for (N, C, L) or unbatched (C, L) inputs. */
export function dropout1d(x: Tensor, p: number | DropoutOptions = 0.5, training = true): Tensor {
  const [prob, train] = dropoutArgs(p, training);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new Error(`dropout1d: Expected 2D or 3D input, but received a ${x.ndim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`);
  }
  if (x.ndim === 2) return featureDropout(x.unsqueeze(0), prob, train).squeeze(0);
  return featureDropout(x, prob, train);
}

/**
 * Channel-wise dropout for (N, C, H, W) inputs. A 3-D input is taken as (N, C, L), as PyTorch
 * does today (it warns that this will change to unbatched (C, H, W)).
 */
export function dropout2d(x: Tensor, p: number | DropoutOptions = 0.5, training = true): Tensor {
  const [prob, train] = dropoutArgs(p, training);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new Error(`dropout2d: Expected 3D or 4D input, but received a ${x.ndim}D input.`);
  }
  return featureDropout(x, prob, train);
}

// ---- linear and embedding ---------------------------------------------------------------------

/** y_k = x1ᵀ W_k x2 + b_k over the last dims of x1 (in1) and x2 (in2); weight is (out, in1, in2). */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const [out, in1, in2] = weight.shape as [number, number, number];
  if (weight.ndim !== 3) throw new Error(`bilinear(): weight must be 3-D, got ${weight.ndim}-D`);
  if (x1.shape[x1.ndim - 1] !== in1) throw new Error(`bilinear(): input1 size does not match weight size: got ${x1.shape[x1.ndim - 1]} but expected ${in1}`);
  if (x2.shape[x2.ndim - 1] !== in2) throw new Error(`bilinear(): input2 size does not match weight size: got ${x2.shape[x2.ndim - 1]} but expected ${in2}`);
  const batch = x1.shape.slice(0, -1);
  const a = x1.reshape(-1, in1);
  const b = x2.reshape(-1, in2);
  if (a.shape[0] !== b.shape[0]) throw new Error(`bilinear(): input batch dimensions do not match: got ${a.shape[0]} and ${b.shape[0]}`);
  // (B, in1) @ (in1, out·in2) gives x1ᵀW_k for every k; then a dot with x2 along in2
  const left = kiln.matmul(a, weight.permute(1, 0, 2).reshape(in1, out * in2)).reshape(-1, out, in2);
  let y = kiln.sum(kiln.mul(left, b.unsqueeze(1)), -1);
  if (bias) y = kiln.add(y, bias);
  return y.reshape([...batch, out]);
}

export interface EmbeddingOptions {
  /** The row at this index gets no gradient (it is the padding token's). */
  paddingIdx?: number | null;
  /** Rows looked up with a larger norm are rescaled to this norm, in place, first. */
  maxNorm?: number | null;
  /** The p of the norm for maxNorm (default 2). */
  normType?: number;
}

/** @internal paddingIdx, negative ones counted from the end, checked against the table size (nn.Embedding uses it too). */
export function resolvePaddingIdx(paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  if (paddingIdx >= numEmbeddings) throw new Error('Padding_idx must be within num_embeddings');
  if (paddingIdx < -numEmbeddings) throw new Error('Padding_idx must be within num_embeddings');
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/** The rows of `weight` at `indices`, shaped (...indices.shape, embeddingDim). */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new Error(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${indices.typeName()} instead (while checking arguments for embedding)`);
  }
  if (weight.ndim !== 2) throw new Error("'weight' must be 2-D");
  const pad = resolvePaddingIdx(options.paddingIdx, weight.shape[0]!);
  if (options.maxNorm !== undefined && options.maxNorm !== null) {
    embeddingRenorm_(weight, indices, options.maxNorm, options.normType ?? 2);
  }
  const flat = indices.reshape(-1);
  let rows = kiln.indexSelect(weight, 0, flat);
  if (pad !== null) {
    // same values, but the padding positions read a detached table, so that row gets no gradient
    const keep = kiln.ne(flat, pad).unsqueeze(1);
    rows = kiln.where(keep, rows, kiln.indexSelect(weight.detach(), 0, flat));
  }
  return rows.reshape([...indices.shape, weight.shape[1]!]);
}

/** Rescales, in place, each row looked up whose norm exceeds maxNorm (PyTorch's embedding_renorm_). */
function embeddingRenorm_(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  const used = new Set((indices.reshape(-1).tolist() as number[]).map(Number));
  kiln.noGrad(() => {
    for (const i of used) {
      const row = weight.get(i);
      const norm = Number(vectorNorm(row, normType, 0, false).item());
      if (norm > maxNorm) row.mul_(maxNorm / (norm + 1e-7));
    }
  });
}

// ---- normalisation ----------------------------------------------------------------------------

/**
 * The p-norm along dim. A zero vector's norm is 0 with a zero gradient (the root's derivative at 0
 * is infinite, so it is taken on a stand-in value there), as PyTorch's norm backward gives.
 */
function vectorNorm(x: Tensor, p: number, dim: number | number[], keepdim: boolean): Tensor {
  if (p === Infinity) return kiln.amax(kiln.abs(x), dim, keepdim);
  const s = p === 2 ? kiln.sum(kiln.mul(x, x), dim, keepdim) : kiln.sum(kiln.pow(kiln.abs(x), p), dim, keepdim);
  const zero = kiln.eq(s, 0);
  const safe = kiln.where(zero, 1, s);
  return kiln.where(zero, 0, p === 2 ? kiln.sqrt(safe) : kiln.pow(safe, 1 / p));
}

export interface NormalizeOptions {
  p?: number;
  dim?: number;
  eps?: number;
}

/** x / max(‖x‖_p, eps) along dim (default: L2 along dim 1). */
export function normalize(x: Tensor, options: NormalizeOptions = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  const denom = kiln.clamp(vectorNorm(x, p, dim, true), eps);
  return kiln.div(x, denom);
}

/** Mean and biased variance over dims, kept for broadcasting. */
function moments(x: Tensor, dims: number[]): [Tensor, Tensor] {
  return [kiln.mean(x, dims, true), kiln.var(x, dims, { correction: 0, keepdim: true })];
}

/** (x - mean) / √(var + eps). */
function standardize(x: Tensor, mean: Tensor, variance: Tensor, eps: number): Tensor {
  return kiln.mul(kiln.sub(x, mean), kiln.rsqrt(kiln.add(variance, eps)));
}

function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined, shape?: number[]): Tensor {
  let out = y;
  if (weight) out = kiln.mul(out, shape ? weight.reshape(shape) : weight);
  if (bias) out = kiln.add(out, shape ? bias.reshape(shape) : bias);
  return out;
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones) rather than the running ones. */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over every dim but 1 (the channels). Training normalises with the batch mean
 * and biased variance and moves the running statistics (when given) toward the batch mean and the
 * unbiased variance, in place; otherwise the running statistics normalise.
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {},
): Tensor {
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (x.ndim < 2) throw new Error(`batch_norm(): expected an input with at least 2 dims, got ${x.ndim}`);
  const channels = x.shape[1]!;
  for (const [name, t] of [['weight', weight], ['bias', bias], ['running_mean', runningMean], ['running_var', runningVar]] as const) {
    if (t && t.numel() !== channels) throw new Error(`${name} should contain ${channels} elements not ${t.numel()}`);
  }
  const shape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  let mean: Tensor;
  let variance: Tensor;
  if (training) {
    const n = x.numel() / channels;
    if (n === 1) throw new Error(`Expected more than 1 value per channel when training, got input size torch.Size([${x.shape.join(', ')}])`);
    [mean, variance] = moments(x, dims);
    kiln.noGrad(() => {
      if (runningMean) runningMean.copy_(kiln.add(kiln.mul(mean.reshape(channels), momentum), kiln.mul(runningMean, 1 - momentum)));
      if (runningVar) {
        const unbiased = kiln.mul(variance.reshape(channels), n / (n - 1));
        runningVar.copy_(kiln.add(kiln.mul(unbiased, momentum), kiln.mul(runningVar, 1 - momentum)));
      }
    });
  } else {
    if (!runningMean || !runningVar) throw new Error('running_mean and running_var must be defined in evaluation mode');
    mean = runningMean.reshape(shape);
    variance = runningVar.reshape(shape);
  }
  return affine(standardize(x, mean, variance, eps), weight, bias, shape);
}

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/** The trailing dims `normalizedShape` names, checked against the input's shape. */
function trailingDims(x: Tensor, normalizedShape: number | readonly number[]): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const tail = x.shape.slice(x.ndim - shape.length);
  if (shape.length === 0 || shape.length > x.ndim || tail.some((d, i) => d !== shape[i])) {
    throw new Error(`Given normalized_shape=[${shape.join(', ')}], expected input with shape [*, ${shape.join(', ')}], but got input of size[${x.shape.join(', ')}]`);
  }
  return shape.map((_, i) => x.ndim - shape.length + i);
}

/** Normalises over the trailing `normalizedShape` dims of each sample. */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options: LayerNormOptions = {}): Tensor {
  const dims = trailingDims(x, normalizedShape);
  const [mean, variance] = moments(x, dims);
  return affine(standardize(x, mean, variance, options.eps ?? 1e-5), options.weight, options.bias);
}

/** Normalises each of numGroups groups of channels of each sample; weight and bias are per channel. */
export function groupNorm(x: Tensor, numGroups: number, options: LayerNormOptions = {}): Tensor {
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  if (x.ndim < 2 || c % numGroups !== 0) {
    throw new Error(`Expected number of channels in input to be divisible by num_groups, but got input of shape [${x.shape.join(', ')}] and num_groups=${numGroups}`);
  }
  const groups = x.reshape(n, numGroups, (c / numGroups) * x.shape.slice(2).reduce((a, b) => a * b, 1));
  const [mean, variance] = moments(groups, [2]);
  const y = standardize(groups, mean, variance, options.eps ?? 1e-5).reshape(x.shape);
  return affine(y, options.weight, options.bias, x.shape.map((d, i) => (i === 1 ? d : 1)));
}

export interface RMSNormOptions {
  weight?: Tensor | null;
  /** Added to the mean square; default: the machine epsilon of the input's dtype. */
  eps?: number | null;
}

const MACHINE_EPS: Partial<Record<DType, number>> = { float16: 2 ** -10, bfloat16: 2 ** -7, float32: 2 ** -23, float64: 2 ** -52 };

/** x / √(mean(x²) + eps) over the trailing `normalizedShape` dims, times weight (PyTorch 2.4's rms_norm). */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], options: RMSNormOptions = {}): Tensor {
  const dims = trailingDims(x, normalizedShape);
  const eps = options.eps ?? MACHINE_EPS[x.dtype] ?? 2 ** -23;
  const y = kiln.mul(x, kiln.rsqrt(kiln.add(kiln.mean(kiln.mul(x, x), dims, true), eps)));
  return options.weight ? kiln.mul(y, options.weight) : y;
}

// ---- encoding and padding ---------------------------------------------------------------------

/** int64 one-hot vectors along a new last dim; numClasses -1 means max + 1. */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  if (indices.dtype !== 'int64') throw new Error('one_hot is only applicable to index tensor.');
  const values = (indices.reshape(-1).tolist() as number[]).map(Number);
  let n = numClasses;
  if (values.length === 0) {
    if (n <= 0) throw new Error('Can not infer total number of classes from empty tensor.');
  } else {
    const min = Math.min(...values);
    const max = Math.max(...values);
    if (min < 0) throw new Error('Class values must be non-negative.');
    if (n === -1) n = max + 1;
    else if (max >= n) throw new Error('Class values must be smaller than num_classes.');
  }
  const out = kiln.zeros([...indices.shape, n], { dtype: 'int64' });
  return values.length === 0 ? out : out.scatter(-1, indices.unsqueeze(-1), 1);
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export interface PadOptions {
  mode?: PadMode;
  /** The fill for 'constant' (default 0). */
  value?: number;
}

/**
 * Pads the last len(pad)/2 dims: pad = [lastBefore, lastAfter, secondLastBefore, ...], PyTorch's
 * order. Negative constant padding crops.
 */
export function pad(x: Tensor, padding: readonly number[], options: PadOptions = {}): Tensor {
  const mode = options.mode ?? 'constant';
  if (padding.length % 2 !== 0) throw new Error('Padding length must be divisible by 2');
  if (padding.length / 2 > x.ndim) throw new Error('Padding length too large');
  let out = x;
  for (let k = 0; k < padding.length / 2; k++) {
    const dim = x.ndim - 1 - k;
    const before = padding[2 * k]!;
    const after = padding[2 * k + 1]!;
    const size = out.shape[dim]!;
    if (size + before + after < 0) {
      throw new Error(`The input size ${size}, plus negative padding ${before} and ${after} resulted in a negative output size, which is invalid. Check dimension ${dim} of your input.`);
    }
    out = mode === 'constant' ? padConstant(out, dim, before, after, options.value ?? 0) : padByIndex(out, dim, before, after, mode, x.shape);
  }
  return out === x ? x.clone() : out;
}

function padConstant(x: Tensor, dim: number, before: number, after: number, value: number): Tensor {
  let y = x;
  if (before < 0) y = y.narrow(dim, -before, y.shape[dim]! + before);
  if (after < 0) y = y.narrow(dim, 0, y.shape[dim]! + after);
  const block = (n: number): Tensor => kiln.full(y.shape.map((d, i) => (i === dim ? n : d)), value, { dtype: x.dtype });
  const parts = [...(before > 0 ? [block(before)] : []), y, ...(after > 0 ? [block(after)] : [])];
  return parts.length > 1 ? kiln.cat(parts, dim) : y;
}

/** Reflect, replicate and circular padding: one indexSelect along dim (its gradient sums repeats). */
function padByIndex(x: Tensor, dim: number, before: number, after: number, mode: PadMode, inputShape: readonly number[]): Tensor {
  if (before === 0 && after === 0) return x;
  const n = x.shape[dim]!;
  if (before < 0 || after < 0) throw new Error(`negative padding is only supported in 'constant' mode, got (${before}, ${after}) with mode '${mode}'`);
  const range = (from: number, count: number, step = 1): number[] => Array.from({ length: count }, (_, i) => from + i * step);
  let left: number[];
  let right: number[];
  if (mode === 'reflect') {
    if (before >= n || after >= n) {
      throw new Error(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${dim} of input [${inputShape.join(', ')}]`);
    }
    left = range(before, before, -1);
    right = range(n - 2, after, -1);
  } else if (mode === 'replicate') {
    if (n === 0) throw new Error(`input tensor must have a non-zero size along dim ${dim} for replicate padding`);
    left = new Array<number>(before).fill(0);
    right = new Array<number>(after).fill(n - 1);
  } else if (mode === 'circular') {
    if (before > n || after > n) throw new Error('Padding value causes wrapping around more than once.');
    left = range(n - before, before);
    right = range(0, after);
  } else {
    throw new Error(`Unrecognised padding mode ${String(mode)}`);
  }
  const index = kiln.tensor([...left, ...range(0, n), ...right], { dtype: 'int64' });
  return kiln.indexSelect(x, dim, index);
}
