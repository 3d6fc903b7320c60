/** Value types shared by the tensor face. */
import type { Tensor } from './tensor.js';

/** A JS scalar as PyTorch treats a Python scalar (a "wrapped number"). */
export type Scalar = number | boolean;

/** What tensor ops accept as an operand. */
export type TensorLike = Tensor | Scalar;
