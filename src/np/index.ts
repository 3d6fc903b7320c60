/**
 * The NumPy face: `import { np } from 'kiln'`. Functions keep NumPy's names in camelCase
 * (`zeros_like` is `zerosLike`); see docs/numpy-names.md.
 */
import '../backend/default.js';

export { NDArray } from './ndarray.js';
export type { ArrayLike, NestedArray, NestedList } from './ndarray.js';
export type { DType, DTypeLike } from '../core/dtype.js';
export { Complex, complex } from '../core/complex.js';
export type { ComplexLike } from '../core/complex.js';
export type { Scalar } from './elements.js';
export { promoteTypes, resultType, canCast } from './dtypes.js';
export { broadcastShapes } from '../core/shape.js';
export { ValueError, IndexError, AxisError, OverflowError, ZeroDivisionError } from '../core/errors.js';
export type { Index, IndexItem } from './indexing.js';
export { array, asarray } from './convert.js';
export * from './creation.js';
export * from './ufuncs.js';
export * from './reductions.js';
export * from './manipulation.js';
export * from './products.js';
export * from './sorting.js';
export { sharesMemory, mayShareMemory, broadcastTo, broadcastArrays, reshape, transpose, swapaxes, moveaxis, squeeze, expandDims, ravel, copy } from './views.js';
export * as random from './random/index.js';
export * from './io/index.js';
export * as linalg from './linalg/index.js';
