/** Flatten and Unflatten: reshape a range of dims into one, and one dim into several. */
import { wrapDim } from '../../tensor/ops/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { pyTuple } from './repr.js';

export interface FlattenOptions {
  startDim?: number;
  endDim?: number;
}

/** Flattens dims startDim..endDim (default: all but the batch dim). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(options: FlattenOptions = {}) {
    super();
    this.startDim = options.startDim ?? 1;
    this.endDim = options.endDim ?? -1;
  }

  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `unflattenedSize` (one entry may be -1, inferred). */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  override forward(x: Tensor): Tensor {
    const d = wrapDim(this.dim, x.ndim);
    const sizes = this.unflattenedSize;
    const size = x.shape[d]!;
    const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const inferred = sizes.filter((s) => s === -1).length;
    if (inferred > 1 || (inferred === 1 ? known === 0 || size % known !== 0 : known !== size)) {
      throw new Error(`unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${this.dim} (${size}) in the input tensor`);
    }
    return x.reshape([...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
