/**
 * TransformerEncoderLayer (self-attention then a feed-forward block, each in a residual with
 * layer norm, after or, with normFirst, before) and TransformerEncoder (a stack of copies of one
 * layer). Submodule names are PyTorch's (`self_attn`, `linear1`, `norm1`, `layers.0...`).
 */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ModuleList } from '../containers.js';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/normalization.js';
import { Module } from '../module.js';
import { deepCopy } from './clone.js';
import { MultiheadAttention } from './multihead-attention.js';

export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** The feed-forward block's activation (default 'relu'). */
  activation?: Activation;
  /** The layer norms' eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are (batch, seq, feature) instead of (seq, batch, feature). */
  batchFirst?: boolean;
  /** Normalise before attention and feed-forward (pre-LN) instead of after (default false). */
  normFirst?: boolean;
  /** Learn biases in the linear layers and layer norms (default true). */
  bias?: boolean;
  dtype?: DType;
}

export interface TransformerEncoderLayerForwardOptions {
  /** (L, L) or (N·heads, L, L) attention mask: bool true = may not attend, float is added. */
  srcMask?: Tensor | null;
  /** (N, L): bool true marks padding positions. */
  srcKeyPaddingMask?: Tensor | null;
  /** A hint that srcMask is the causal mask. */
  isCausal?: boolean;
}

/** The activation as a function; a Module stays a registered submodule, as in PyTorch. */
export function activationFn(a: Activation): (x: Tensor) => Tensor {
  if (a === 'relu') return kiln.relu;
  if (a === 'gelu') return (x) => kiln.gelu(x);
  if (a instanceof Module) return (x) => a.forward(x) as Tensor;
  if (typeof a === 'function') return a;
  throw new Error(`activation should be relu/gelu, not ${String(a)}`);
}

export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  activation: Activation;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, batchFirst = false, bias = true, dtype } = options;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst, dtype });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, dtype });
    this.normFirst = options.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.activation = options.activation ?? 'relu';
    activationFn(this.activation);
  }

  /** src (L, N, E), (N, L, E) with batchFirst, or unbatched (L, E); returns the same shape. */
  override forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const { srcMask = null, srcKeyPaddingMask = null, isCausal = false } = options;
    const sa = (x: Tensor): Tensor => this.dropout1.forward(
      this.self_attn.forward(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, needWeights: false, isCausal })[0],
    );
    const ff = (x: Tensor): Tensor => feedForward(this, x, this.dropout2);
    let x = src;
    if (this.normFirst) {
      x = kiln.add(x, sa(this.norm1.forward(x)));
      x = kiln.add(x, ff(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(kiln.add(x, sa(x)));
      x = this.norm2.forward(kiln.add(x, ff(x)));
    }
    return x;
  }
}

/** linear2(dropout(act(linear1(x)))), then the block's closing dropout. */
export function feedForward(layer: { linear1: Linear; dropout: Dropout; linear2: Linear; activation: Activation }, x: Tensor, closing: Dropout): Tensor {
  const hidden = activationFn(layer.activation)(layer.linear1.forward(x));
  return closing.forward(layer.linear2.forward(layer.dropout.forward(hidden)));
}

export interface TransformerEncoderOptions {
  /** Applied to the last layer's output (PyTorch's Transformer passes a LayerNorm). */
  norm?: Module | null;
  /** Accepted for PyTorch's signature; kiln has no nested tensors, so it changes nothing. */
  enableNestedTensor?: boolean;
  maskCheck?: boolean;
}

export interface TransformerEncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/** numLayers deep copies of encoderLayer (equal weights at the start, as PyTorch's), run in turn. */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options: TransformerEncoderOptions = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopy(encoderLayer)));
    this.numLayers = numLayers;
    this.norm = options.norm ?? null;
  }

  override forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    const layerOptions = { srcMask: options.mask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null, isCausal: options.isCausal ?? false };
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, layerOptions);
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}
