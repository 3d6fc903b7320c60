/**
 * nn.MultiheadAttention (Vaswani et al., 2017): parameters as PyTorch's (`in_proj_weight`,
 * `in_proj_bias`, `out_proj.weight`, `out_proj.bias`; `q_proj_weight`, `k_proj_weight`,
 * `v_proj_weight` when key or value size differs from embedDim; `bias_k`, `bias_v` with
 * addBiasKv), so state dicts move between the two unchanged.
 */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { multiHeadAttentionForward } from '../functional/attention.js';
import * as init from '../init.js';
import { Linear } from '../layers/linear.js';
import { pyBool } from '../layers/repr.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights, in training (default 0). */
  dropout?: number;
  /** Learn biases for the input and output projections (default true). */
  bias?: boolean;
  /** Append a learned key and value to the sequences (default false). */
  addBiasKv?: boolean;
  /** Append an all-zero key and value to the sequences (default false). */
  addZeroAttn?: boolean;
  /** Size of the key features (default embedDim). */
  kdim?: number | null;
  /** Size of the value features (default embedDim). */
  vdim?: number | null;
  /** Inputs and output are (batch, seq, feature) instead of (seq, batch, feature). */
  batchFirst?: boolean;
  dtype?: DType;
}

export interface MultiheadAttentionForwardOptions {
  /** (N, S) or (S): bool true marks keys to ignore (padding); float values are added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** (L, S) or (N·heads, L, S): bool true marks pairs that may not attend; float is added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** A hint that attnMask is the causal mask (which must still be given). */
  isCausal?: boolean;
}

export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: Linear;
  bias_k: Parameter | null = null;
  bias_v: Parameter | null = null;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    if (embedDim <= 0 || numHeads <= 0) {
      throw new Error(`embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    }
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    const bias = options.bias ?? true;
    this.embedDim = embedDim;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.numHeads = numHeads;
    this.dropout = options.dropout ?? 0;
    this.batchFirst = options.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new Error('embed_dim must be divisible by num_heads');
    this.addZeroAttn = options.addZeroAttn ?? false;

    const empty = (shape: number[]): Parameter => new Parameter(kiln.empty(shape, { dtype }));
    if (this.sameEmbedDim) {
      this.in_proj_weight = empty([3 * embedDim, embedDim]);
    } else {
      this.q_proj_weight = empty([embedDim, embedDim]);
      this.k_proj_weight = empty([embedDim, this.kdim]);
      this.v_proj_weight = empty([embedDim, this.vdim]);
    }
    if (bias) this.in_proj_bias = empty([3 * embedDim]);
    // out_proj draws its default initialisation before in_proj's, as in PyTorch
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype });
    if (options.addBiasKv) {
      this.bias_k = empty([1, 1, embedDim]);
      this.bias_v = empty([1, 1, embedDim]);
    }
    this.resetParameters();
  }

  /** Whether key and value have embedDim features (then q, k, v share in_proj_weight). */
  get sameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  /** Xavier-uniform projections, zero biases, Xavier-normal bias_k and bias_v. */
  resetParameters(): void {
    if (this.in_proj_weight) init.xavierUniform_(this.in_proj_weight);
    for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) init.xavierUniform_(w);
    if (this.in_proj_bias) init.constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
    if (this.bias_k) init.xavierNormal_(this.bias_k);
    if (this.bias_v) init.xavierNormal_(this.bias_v);
  }

  /**
   * query (L, N, E), key (S, N, kdim), value (S, N, vdim) (batch first with batchFirst), or
   * unbatched (L, E)... Returns [output like query, weights (N, L, S) or (N, heads, L, S), or null].
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const swap = this.batchFirst && query.ndim === 3;
    // keep q, k, v identical when they were, so self-attention projects them in one product
    const toTimeMajor = (t: Tensor): Tensor => (swap ? kiln.transpose(t, 0, 1) : t);
    const q = toTimeMajor(query);
    const k = key === query ? q : toTimeMajor(key);
    const v = value === key ? k : toTimeMajor(value);
    const [out, weights] = multiHeadAttentionForward(
      q, k, v, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v,
      this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias,
      {
        training: this.training, keyPaddingMask: options.keyPaddingMask ?? null, needWeights: options.needWeights ?? true,
        attnMask: options.attnMask ?? null, averageAttnWeights: options.averageAttnWeights ?? true,
        isCausal: options.isCausal ?? false, useSeparateProjWeight: !this.sameEmbedDim,
        qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight, vProjWeight: this.v_proj_weight,
      },
    );
    return [swap ? kiln.transpose(out, 0, 1) : out, weights];
  }

  /** PyTorch prints the out_proj child only; the embed size is visible there. */
  override toString(): string {
    return `MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=${this.embedDim}, out_features=${this.embedDim}, bias=${pyBool(this.out_proj.bias !== null)})\n)`;
  }
}
