/** AdaptiveAvgPool1d/2d and AdaptiveMaxPool2d: pooling to a fixed output size, whatever the input's. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/conv.js';
import { Module } from '../module.js';
import type { Pooled } from './pooling.js';
import { pyGiven } from './repr.js';

abstract class AdaptivePool extends Module {
  constructor(readonly outputSize: F.AdaptiveSize) {
    super();
  }

  override extraRepr(): string {
    return `output_size=${pyGiven(this.outputSize)}`;
  }
}

/** Averages (N, C, L) or (C, L) input down (or up) to outputSize. */
export class AdaptiveAvgPool1d extends AdaptivePool {
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool1d(x, this.outputSize);
  }
}

/** Averages (N, C, H, W) or (C, H, W) input to outputSize (an int, or [h, w] where null keeps a size). */
export class AdaptiveAvgPool2d extends AdaptivePool {
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** Max-pools (N, C, H, W) or (C, H, W) input to outputSize; [values, indices] with returnIndices. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptivePool {
  readonly returnIndices: boolean;

  constructor(outputSize: F.AdaptiveSize, options: { returnIndices?: R } = {}) {
    super(outputSize);
    this.returnIndices = options.returnIndices ?? false;
  }

  override forward(x: Tensor): Pooled<R> {
    return F.adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.returnIndices }) as Pooled<R>;
  }
}
