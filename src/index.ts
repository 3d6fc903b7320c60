/**
 * kiln: NumPy's arrays and PyTorch's tensors for TypeScript.
 * `import { np } from 'kiln'` is the NumPy face; the tensor face arrives at the top level.
 */
export * as np from './np/index.js';
export { backends } from './backend/info.js';
