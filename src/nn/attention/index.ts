/** Attention layers: MultiheadAttention and the Transformer blocks built on it. */
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './multihead-attention.js';
export {
  TransformerEncoderLayer, TransformerEncoder, type Activation, type TransformerLayerOptions,
  type TransformerEncoderLayerForwardOptions, type TransformerEncoderOptions, type TransformerEncoderForwardOptions,
} from './transformer-encoder.js';
export {
  TransformerDecoderLayer, TransformerDecoder, type TransformerDecoderOptions, type TransformerDecoderForwardOptions,
} from './transformer-decoder.js';
export { Transformer, type TransformerOptions, type TransformerForwardOptions } from './transformer.js';
export { generateSquareSubsequentMask } from './masks.js';
export { deepCopy } from './clone.js';
