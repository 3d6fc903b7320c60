/** The basic layers: affine maps, reshaping, dropout, embedding, activations, normalisation. */
export { Identity, Linear, Bilinear, type LinearOptions } from './linear.js';
export { Flatten, Unflatten, type FlattenOptions } from './flatten.js';
export { Dropout, Dropout1d, Dropout2d, type DropoutOptions } from './dropout.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export {
  ReLU, ReLU6, Hardtanh, LeakyReLU, ELU, SELU, SiLU, Mish, GELU, Sigmoid, Tanh, LogSigmoid, Softplus, Softmax, LogSoftmax,
  Softmin, type InplaceOptions,
} from './activation.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, type BatchNormOptions } from './batchnorm.js';
export {
  LayerNorm, GroupNorm, RMSNorm, type LayerNormOptions, type GroupNormOptions, type RMSNormOptions,
} from './normalization.js';
