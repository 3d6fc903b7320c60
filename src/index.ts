/**
 * kiln: NumPy's arrays and PyTorch's tensors for TypeScript.
 * `import { np } from 'kiln'` is the NumPy face; `import * as kiln from 'kiln'` the tensor face.
 */
export * as np from './np/index.js';
export * from './tensor/index.js';
export { backends } from './backend/info.js';
