/**
 * Attention, composed of tensor ops (so its gradients come from theirs):
 * scaledDotProductAttention with PyTorch 2's semantics, and multiHeadAttentionForward, the
 * computation behind nn.MultiheadAttention (PyTorch's F.multi_head_attention_forward).
 */
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { dropout } from './activations.js';

const isFloat = (t: Tensor): boolean => t.dtype === 'float16' || t.dtype === 'bfloat16' || t.dtype === 'float32' || t.dtype === 'float64';
const torchSize = (t: Tensor): string => `torch.Size([${t.shape.join(', ')}])`;
const pyTuple = (xs: readonly number[]): string => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);

export interface ScaledDotProductAttentionOptions {
  /**
   * Bool (true = may attend, the opposite of MultiheadAttention's attnMask) or float (added to
   * the scores); broadcast to (..., L, S).
   */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights; applied whenever > 0, as PyTorch's function does. */
  dropoutP?: number;
  /** Attend only to keys at or before the query's position (top-left aligned when L ≠ S). */
  isCausal?: boolean;
  /** Multiplies the scores (default 1/√E). */
  scale?: number | null;
}

/**
 * softmax(Q Kᵀ · scale + mask) V for query (..., L, E), key (..., S, E), value (..., S, Ev);
 * batch dims broadcast. A query row whose keys are all masked gets NaN, as in PyTorch's
 * reference formula.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const { attnMask = null, dropoutP = 0, isCausal = false, scale = null } = options;
  if (query.dtype !== key.dtype || query.dtype !== value.dtype) {
    throw new Error(`Expected query, key, and value to have the same dtype, but got query.dtype: ${query.dtype} key.dtype: ${key.dtype} and value.dtype: ${value.dtype} instead.`);
  }
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new Error(`Expected query, key, and value to all be at least 2 dimensional, but got query.dim: ${query.ndim} key.dim: ${key.ndim} and value.dim: ${value.ndim} instead.`);
  }
  if (isCausal && attnMask) throw new Error('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
  if (attnMask && attnMask.dtype !== 'bool' && !isFloat(attnMask)) {
    throw new Error(`Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${attnMask.dtype} and query.dtype: ${query.dtype} instead.`);
  }
  const [L, S, E] = [query.shape.at(-2)!, key.shape.at(-2)!, query.shape.at(-1)!];
  let scores = kiln.matmul(query, kiln.transpose(key, -2, -1));
  scores = kiln.mul(scores, scale ?? 1 / Math.sqrt(E));
  // query i may attend to keys j ≤ i: -inf above the diagonal
  if (isCausal) scores = kiln.add(scores, kiln.triu(kiln.full([L, S], -Infinity, { dtype: query.dtype }), 1));
  if (attnMask) scores = kiln.add(scores, additiveMask(attnMask, query.dtype, true));
  let weights = kiln.softmax(scores, -1);
  if (dropoutP > 0) weights = dropout(weights, dropoutP, true);
  return kiln.matmul(weights, value);
}

/**
 * A mask as the float to add to the scores: float masks as they are; bool masks become 0 where
 * attending is allowed and -inf where not (true means allowed in scaledDotProductAttention and
 * blocked in MultiheadAttention).
 */
function additiveMask(mask: Tensor, dtype: Tensor['dtype'], trueMeansAttend: boolean): Tensor {
  if (mask.dtype !== 'bool') return mask;
  const blocked = trueMeansAttend ? kiln.logicalNot(mask) : mask;
  return kiln.maskedFill(kiln.zeros(mask.shape, { dtype }), blocked, -Infinity);
}

/** A key padding or attention mask as a float mask (PyTorch's _canonical_mask). */
function canonicalMask(mask: Tensor | null | undefined, name: string, dtype: Tensor['dtype']): Tensor | null {
  if (!mask) return null;
  if (mask.dtype !== 'bool' && !isFloat(mask)) throw new Error(`only bool and floating types of ${name} are supported`);
  return additiveMask(mask, dtype, false);
}

export interface MultiHeadAttentionOptions {
  /** Dropout is applied only in training (default true). */
  training?: boolean;
  /** (N, S) or (S): bool true (or float -inf) marks keys to ignore; float values are added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** (L, S) or (N·heads, L, S): bool true marks pairs that may not attend; float is added. */
  attnMask?: Tensor | null;
  /** Return the weights averaged over heads (default true) rather than per head. */
  averageAttnWeights?: boolean;
  /** A hint that attnMask is the causal mask; attnMask must then be given. */
  isCausal?: boolean;
  /** Project q, k and v with separate weights (needed when key or value size differs). */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
}

/** PyTorch's _mha_shape_check: validates ranks; returns whether the input is batched. */
function mhaShapeCheck(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  if (query.ndim === 3) {
    if (key.ndim !== 3 || value.ndim !== 3) {
      throw new Error(`For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    }
    if (kpm && kpm.ndim !== 2) throw new Error(`For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${kpm.ndim}-D tensor instead`);
    if (attnMask && attnMask.ndim !== 2 && attnMask.ndim !== 3) {
      throw new Error(`For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
    }
    return true;
  }
  if (query.ndim === 2) {
    if (key.ndim !== 2 || value.ndim !== 2) {
      throw new Error(`For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    }
    if (kpm && kpm.ndim !== 1) throw new Error(`For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${kpm.ndim}-D tensor instead`);
    if (attnMask) {
      if (attnMask.ndim !== 2 && attnMask.ndim !== 3) {
        throw new Error(`For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
      }
      const want = [numHeads, query.shape[0]!, key.shape[0]!];
      if (attnMask.ndim === 3 && attnMask.shape.some((d, i) => d !== want[i])) {
        throw new Error(`Expected \`attn_mask\` shape to be ${pyTuple(want)} but got ${torchSize(attnMask)}`);
      }
    }
    return false;
  }
  throw new Error(`query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
}

/** Appends one zero column (a key every query may attend to) to a float mask. */
const padKey = (mask: Tensor | null): Tensor | null => (mask ? kiln.cat([mask, kiln.zeros([...mask.shape.slice(0, -1), 1], { dtype: mask.dtype })], -1) : null);

/**
 * Multi-head attention on time-major inputs: query (L, N, E), key (S, N, Ek), value (S, N, Ev),
 * or unbatched (L, E) etc. Returns [output (L, N, E), weights (N, L, S) averaged or
 * (N, heads, L, S) per head, or null]. Arguments in PyTorch's order.
 */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
  addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
  options: MultiHeadAttentionOptions = {},
): [Tensor, Tensor | null] {
  const { training = true, needWeights = true, averageAttnWeights = true, isCausal = false, useSeparateProjWeight = false } = options;
  let kpm = options.keyPaddingMask ?? null;
  const rawMask = options.attnMask ?? null;
  const batched = mhaShapeCheck(query, key, value, kpm, rawMask, numHeads);
  if (!batched) {
    [query, key, value] = [query, key, value].map((t) => kiln.unsqueeze(t, 1)) as [Tensor, Tensor, Tensor];
    if (kpm) kpm = kiln.unsqueeze(kpm, 0);
  }
  const [tgtLen, bsz, embedDim] = query.shape as [number, number, number];
  if (embedDim !== embedDimToCheck) throw new Error(`was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / numHeads);
  if (headDim * numHeads !== embedDim) throw new Error(`embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (useSeparateProjWeight) {
    if (key.shape[0] !== value.shape[0] || key.shape[1] !== value.shape[1]) {
      throw new Error(`key's sequence and batch dims torch.Size([${key.shape[0]}, ${key.shape[1]}]) do not match value's torch.Size([${value.shape[0]}, ${value.shape[1]}])`);
    }
  } else if (key.shape.some((d, i) => d !== value.shape[i])) {
    throw new Error(`key shape ${torchSize(key)} does not match value shape ${torchSize(value)}`);
  }
  if (isCausal && !rawMask) {
    throw new Error('Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.');
  }

  // in-projection: self-attention (one tensor for q, k, v) takes one product for all three
  let q: Tensor, k: Tensor, v: Tensor;
  if (!useSeparateProjWeight) {
    if (!inProjWeight) throw new Error('use_separate_proj_weight is False but in_proj_weight is None');
    if (query === key && key === value) {
      [q, k, v] = kiln.chunk(kiln.linear(query, inProjWeight, inProjBias), 3, -1) as [Tensor, Tensor, Tensor];
    } else {
      const [wq, wk, wv] = kiln.chunk(inProjWeight, 3, 0) as [Tensor, Tensor, Tensor];
      const [bq, bk, bv] = inProjBias ? kiln.chunk(inProjBias, 3, 0) : [null, null, null];
      [q, k, v] = [kiln.linear(query, wq, bq), kiln.linear(key, wk, bk), kiln.linear(value, wv, bv)];
    }
  } else {
    const { qProjWeight, kProjWeight, vProjWeight } = options;
    if (!qProjWeight) throw new Error('use_separate_proj_weight is True but q_proj_weight is None');
    if (!kProjWeight) throw new Error('use_separate_proj_weight is True but k_proj_weight is None');
    if (!vProjWeight) throw new Error('use_separate_proj_weight is True but v_proj_weight is None');
    const [bq, bk, bv] = inProjBias ? kiln.chunk(inProjBias, 3, 0) : [null, null, null];
    [q, k, v] = [kiln.linear(query, qProjWeight, bq), kiln.linear(key, kProjWeight, bk), kiln.linear(value, vProjWeight, bv)];
  }

  // masks become float masks to add to the scores; a 2-D attention mask gets a batch dim
  let attnMask = canonicalMask(rawMask, 'attn_mask', q.dtype);
  let padMask = canonicalMask(kpm, 'key_padding_mask', q.dtype);
  if (attnMask) {
    const srcLen = key.shape[0]!;
    if (attnMask.ndim === 2) {
      if (attnMask.shape[0] !== tgtLen || attnMask.shape[1] !== srcLen) {
        throw new Error(`The shape of the 2D attn_mask is ${torchSize(attnMask)}, but should be ${pyTuple([tgtLen, srcLen])}.`);
      }
      attnMask = kiln.unsqueeze(attnMask, 0);
    } else if (attnMask.ndim === 3) {
      const want = [bsz * numHeads, tgtLen, srcLen];
      if (attnMask.shape.some((d, i) => d !== want[i])) {
        throw new Error(`The shape of the 3D attn_mask is ${torchSize(attnMask)}, but should be ${pyTuple(want)}.`);
      }
    } else {
      throw new Error(`attn_mask's dimension ${attnMask.ndim} is not supported`);
    }
  }

  // learned bias keys/values: one more key position for every batch element
  if (biasK && biasV) {
    k = kiln.cat([k, kiln.expand(biasK, [1, bsz, embedDim])], 0);
    v = kiln.cat([v, kiln.expand(biasV, [1, bsz, embedDim])], 0);
    attnMask = padKey(attnMask);
    padMask = padKey(padMask);
  } else if (biasK || biasV) {
    throw new Error('bias_k and bias_v must both be given or both be None');
  }

  // (seq, N, E) -> (N·heads, seq, headDim)
  const heads = (t: Tensor): Tensor => kiln.transpose(kiln.reshape(t, [t.shape[0]!, bsz * numHeads, headDim]), 0, 1);
  q = heads(q);
  k = heads(k);
  v = heads(v);
  if (addZeroAttn) {
    const zeros = kiln.zeros([bsz * numHeads, 1, headDim], { dtype: k.dtype });
    k = kiln.cat([k, zeros], 1);
    v = kiln.cat([v, zeros], 1);
    attnMask = padKey(attnMask);
    padMask = padKey(padMask);
  }
  const srcLen = k.shape[1]!;

  if (padMask) {
    if (padMask.shape[0] !== bsz || padMask.shape[1] !== srcLen) {
      throw new Error(`expecting key_padding_mask shape of ${pyTuple([bsz, srcLen])}, but got ${torchSize(padMask)}`);
    }
    const perHead = kiln.reshape(kiln.expand(kiln.reshape(padMask, [bsz, 1, 1, srcLen]), [bsz, numHeads, 1, srcLen]), [bsz * numHeads, 1, srcLen]);
    attnMask = attnMask ? kiln.add(attnMask, perHead) : perHead;
  }

  let scores = kiln.bmm(kiln.mul(q, 1 / Math.sqrt(headDim)), kiln.transpose(k, 1, 2));
  if (attnMask) scores = kiln.add(scores, attnMask);
  let weights = kiln.softmax(scores, -1);
  if (training && dropoutP > 0) weights = dropout(weights, dropoutP, true);
  const attn = kiln.reshape(kiln.transpose(kiln.bmm(weights, v), 0, 1), [tgtLen * bsz, embedDim]);
  let output = kiln.reshape(kiln.linear(attn, outProjWeight, outProjBias), [tgtLen, bsz, embedDim]);
  if (!batched) output = kiln.squeeze(output, 1);
  if (!needWeights) return [output, null];

  let w = kiln.reshape(weights, [bsz, numHeads, tgtLen, srcLen]);
  if (averageAttnWeights) w = kiln.mean(w, 1);
  return [output, batched ? w : kiln.squeeze(w, 0)];
}
