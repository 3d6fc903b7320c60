/**
 * Dropout, Dropout1d, Dropout2d: active only in training mode; the mask comes from kiln's
 * generator, so manualSeed makes it reproducible (and equal to PyTorch's for the same seed).
 */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/activations.js';
import { Module } from '../module.js';
import { pyBool, pyFloat } from './repr.js';

export interface DropoutOptions {
  /** Write the result into the input. */
  inplace?: boolean;
}

abstract class DropoutBase extends Module {
  readonly p: number;
  readonly inplace: boolean;

  /** `new nn.Dropout(0.2)` or `new nn.Dropout({p: 0.2})`. */
  constructor(p: number | (DropoutOptions & { p?: number }) = 0.5, options: DropoutOptions = {}) {
    super();
    const [prob, opts] = typeof p === 'number' ? [p, options] : [p.p ?? 0.5, p];
    if (!(prob >= 0 && prob <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${prob}`);
    this.p = prob;
    this.inplace = opts.inplace ?? false;
  }

  protected abstract drop(x: Tensor): Tensor;

  override forward(x: Tensor): Tensor {
    if (!this.inplace || !this.training) return this.drop(x);
    // computed on a copy, so the product's saved input isn't the tensor overwritten below
    return x.copy_(this.drop(x.clone()));
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/** Zeroes each element with probability p in training, scaling the rest by 1 / (1 - p). */
export class Dropout extends DropoutBase {
  protected drop(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training);
  }
}

/** Zeroes whole channels of (N, C, L) or (C, L) inputs. */
export class Dropout1d extends DropoutBase {
  protected drop(x: Tensor): Tensor {
    return F.dropout1d(x, this.p, this.training);
  }
}

/** Zeroes whole channels of (N, C, H, W) inputs. */
export class Dropout2d extends DropoutBase {
  protected drop(x: Tensor): Tensor {
    return F.dropout2d(x, this.p, this.training);
  }
}
