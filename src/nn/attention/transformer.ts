/**
 * nn.Transformer: an encoder and a decoder stack, each closed by a LayerNorm, with every weight
 * matrix re-initialised Xavier-uniform as PyTorch does. All arguments are optional, so they come
 * in one options object: `new nn.Transformer({dModel: 64, nhead: 4})`.
 */
import type { Tensor } from '../../tensor/tensor.js';
import * as init from '../init.js';
import { LayerNorm } from '../layers/normalization.js';
import { Module } from '../module.js';
import { generateSquareSubsequentMask } from './masks.js';
import { TransformerDecoder, TransformerDecoderLayer } from './transformer-decoder.js';
import { TransformerEncoder, TransformerEncoderLayer, type TransformerLayerOptions } from './transformer-encoder.js';

export interface TransformerOptions extends TransformerLayerOptions {
  /** Feature size of inputs and outputs (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  /** Use this module instead of building an encoder stack. */
  customEncoder?: Module | null;
  customDecoder?: Module | null;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options: TransformerOptions = {}) {
    super();
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, layerNormEps = 1e-5, bias = true, dtype } = options;
    const layerOptions: TransformerLayerOptions = {
      dimFeedforward: options.dimFeedforward ?? 2048, dropout: options.dropout ?? 0.1, activation: options.activation ?? 'relu',
      layerNormEps, batchFirst: options.batchFirst ?? false, normFirst: options.normFirst ?? false, bias, dtype,
    };
    this.encoder = options.customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), numEncoderLayers, {
      norm: new LayerNorm(dModel, { eps: layerNormEps, bias, dtype }),
    });
    this.decoder = options.customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), numDecoderLayers, {
      norm: new LayerNorm(dModel, { eps: layerNormEps, bias, dtype }),
    });
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = options.batchFirst ?? false;
    for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform_(p);
  }

  /** The (sz, sz) causal mask: float -inf above the diagonal. */
  static generateSquareSubsequentMask(sz: number): Tensor {
    return generateSquareSubsequentMask(sz);
  }

  /** src (S, N, E) and tgt (T, N, E) (batch first with batchFirst); returns (T, N, E). */
  override forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    const batched = src.ndim === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    if (batched && src.shape[batchDim] !== tgt.shape[batchDim]) throw new Error('the batch number of src and tgt must be equal');
    if (src.shape.at(-1) !== this.dModel || tgt.shape.at(-1) !== this.dModel) {
      throw new Error('the feature number of src and tgt must be equal to d_model');
    }
    const memory = this.encoder.forward(src, {
      mask: options.srcMask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null, isCausal: options.srcIsCausal ?? false,
    }) as Tensor;
    return this.decoder.forward(tgt, memory, {
      tgtMask: options.tgtMask ?? null, memoryMask: options.memoryMask ?? null,
      tgtKeyPaddingMask: options.tgtKeyPaddingMask ?? null, memoryKeyPaddingMask: options.memoryKeyPaddingMask ?? null,
      tgtIsCausal: options.tgtIsCausal ?? false, memoryIsCausal: options.memoryIsCausal ?? false,
    }) as Tensor;
  }
}
