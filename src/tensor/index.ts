/** The tensor face: `import * as kiln from 'kiln'` gives PyTorch's names. */
import '../backend/default.js';

export { Tensor } from './tensor.js';
export type { Scalar, TensorLike } from './types.js';
export * from './creation.js';
export {
  add, sub, mul, div, trueDivide, floorDivide, remainder, pow, neg, negative, abs, square, exp, log, log2, log10,
  log1p, expm1, sqrt, rsqrt, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, sigmoid, reciprocal, floor, ceil,
  trunc, sign, round, relu, silu, softplus, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot,
  isnan, isinf, isfinite, maximum, minimum, clamp, clamp as clip, clampMin, clampMax, where, maskedFill, clone,
  addcmul, addcdiv, lerp,
} from './ops/pointwise.js';
export type { AlphaOptions, DivOptions, ValueOptions, OutOption } from './ops/pointwise.js';
export {
  sum, mean, prod, var_ as var, std, amax, amin, max, min, argmax, argmin, all, any, logsumexp, softmax, logSoftmax,
  cumsum,
} from './ops/reduce.js';
export type { Dims, VarOptions, DtypeOption } from './ops/reduce.js';
export {
  reshape, view, flatten, permute, transpose, t, squeeze, unsqueeze, expand, narrow, split, chunk, cat, concat,
  concatenate, stack, tril, triu, unbind,
} from './ops/shape.js';
export { gather, scatter, scatter_, scatterAdd, scatterAdd_, indexSelect, indexAdd, indexAdd_, take, maskedSelect } from './ops/indexing.js';
export type { TensorIndex, TensorIndexItem, IndexAddOptions } from './ops/indexing.js';
export { matmul, mm, bmm, mv, dot, outer, addmm, addmv, baddbmm, linear, einsum, type AddOptions } from './ops/linalg.js';
export { getDefaultDtype, setDefaultDtype, torchPromoteTypes as promoteTypes, torchResultType } from './dtype-rules.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode.js';
export * as autograd from './autograd/index.js';
export * from './random.js';
export { erf, gelu } from './ops/special.js';
