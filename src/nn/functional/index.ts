/** nn.functional: the stateless forms of the layers (relu, conv2d, crossEntropy, ...). */
export * from './activations.js';
export * from './conv.js';
export * from './attention.js';
export * from './losses.js';
