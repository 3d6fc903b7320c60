/**
 * TransformerDecoderLayer (self-attention on the target, cross-attention to the encoder's
 * memory, then a feed-forward block, each in a residual with layer norm) and TransformerDecoder
 * (a stack of copies of one layer). Submodule names are PyTorch's (`self_attn`,
 * `multihead_attn`, `norm3`, `layers.0...`).
 */
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ModuleList } from '../containers.js';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/normalization.js';
import { Module } from '../module.js';
import { deepCopy } from './clone.js';
import { MultiheadAttention } from './multihead-attention.js';
import { activationFn, feedForward, type Activation, type TransformerLayerOptions } from './transformer-encoder.js';

export interface TransformerDecoderForwardOptions {
  /** Self-attention mask on the target, usually generateSquareSubsequentMask(T). */
  tgtMask?: Tensor | null;
  /** Cross-attention mask (T, S). */
  memoryMask?: Tensor | null;
  /** (N, T): bool true marks target padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** (N, S): bool true marks memory (source) padding. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Hints that tgtMask / memoryMask are causal masks. */
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  activation: Activation;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, batchFirst = false, bias = true, dtype } = options;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst, dtype });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst, dtype });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, dtype });
    this.normFirst = options.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.norm3 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
    this.activation = options.activation ?? 'relu';
    activationFn(this.activation);
  }

  /** tgt (T, N, E) and memory (S, N, E) (batch first with batchFirst); returns tgt's shape. */
  override forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderForwardOptions = {}): Tensor {
    const sa = (x: Tensor): Tensor => this.dropout1.forward(this.self_attn.forward(x, x, x, {
      attnMask: options.tgtMask ?? null, keyPaddingMask: options.tgtKeyPaddingMask ?? null, needWeights: false, isCausal: options.tgtIsCausal ?? false,
    })[0]);
    const mha = (x: Tensor): Tensor => this.dropout2.forward(this.multihead_attn.forward(x, memory, memory, {
      attnMask: options.memoryMask ?? null, keyPaddingMask: options.memoryKeyPaddingMask ?? null, needWeights: false, isCausal: options.memoryIsCausal ?? false,
    })[0]);
    const ff = (x: Tensor): Tensor => feedForward(this, x, this.dropout3);
    let x = tgt;
    if (this.normFirst) {
      x = kiln.add(x, sa(this.norm1.forward(x)));
      x = kiln.add(x, mha(this.norm2.forward(x)));
      x = kiln.add(x, ff(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(kiln.add(x, sa(x)));
      x = this.norm2.forward(kiln.add(x, mha(x)));
      x = this.norm3.forward(kiln.add(x, ff(x)));
    }
    return x;
  }
}

export interface TransformerDecoderOptions {
  /** Applied to the last layer's output (PyTorch's Transformer passes a LayerNorm). */
  norm?: Module | null;
}

/** numLayers deep copies of decoderLayer, run in turn, each attending to the same memory. */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, options: TransformerDecoderOptions = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopy(decoderLayer)));
    this.numLayers = numLayers;
    this.norm = options.norm ?? null;
  }

  override forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, options);
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}
