/** Convolution, pooling and resampling layers. */
export { Conv1d, Conv2d, type ConvModuleOptions, type PaddingMode } from './conv.js';
export { ConvTranspose1d, ConvTranspose2d, type ConvTransposeModuleOptions } from './conv-transpose.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, type Pooled, type MaxPoolModuleOptions, type AvgPoolModuleOptions, type AvgPool2dModuleOptions } from './pooling.js';
export { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './adaptive.js';
export { Upsample, type UpsampleOptions } from './upsample.js';
export { Unfold, Fold } from './fold.js';
