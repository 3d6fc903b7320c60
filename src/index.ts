/**
 * kiln: NumPy's arrays and PyTorch's tensors for TypeScript.
 * `import { np } from 'kiln'` is the NumPy face; `import * as kiln from 'kiln'` the tensor face.
 */
export * as np from './np/index.js';
export * from './tensor/index.js';
export { backends, getNumThreads, setNumThreads } from './backend/info.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as metrics from './metrics/index.js';
export * as data from './data/index.js';
export * from './deploy/index.js';
