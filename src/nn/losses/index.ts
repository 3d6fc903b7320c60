/** Loss modules: `new nn.CrossEntropyLoss({labelSmoothing: 0.1}).forward(logits, target)`. */
export { MSELoss, L1Loss, SmoothL1Loss, HuberLoss } from './regression.js';
export { CrossEntropyLoss, NLLLoss } from './classification.js';
export { BCELoss, BCEWithLogitsLoss } from './binary.js';
export { KLDivLoss } from './kl-div.js';
export { CosineEmbeddingLoss } from './cosine-embedding.js';
