/** Unfold and Fold: im2col and col2im as layers. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/conv.js';
import { Module } from '../module.js';
import { pyGiven } from './repr.js';

/** Extracts sliding blocks of (N, C, H, W) input as columns (N, C * kh * kw, L). */
export class Unfold extends Module {
  readonly dilation: F.Size2;
  readonly padding: F.Size2;
  readonly stride: F.Size2;

  constructor(readonly kernelSize: F.Size2, options: F.UnfoldOptions = {}) {
    super();
    this.dilation = options.dilation ?? 1;
    this.padding = options.padding ?? 0;
    this.stride = options.stride ?? 1;
  }

  override forward(x: Tensor): Tensor {
    return F.unfold(x, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride });
  }

  override extraRepr(): string {
    return `kernel_size=${pyGiven(this.kernelSize)}, dilation=${pyGiven(this.dilation)}, padding=${pyGiven(this.padding)}, stride=${pyGiven(this.stride)}`;
  }
}

/** Sums columns (N, C * kh * kw, L) back into (N, C, ...outputSize), Unfold's adjoint. */
export class Fold extends Module {
  readonly dilation: F.Size2;
  readonly padding: F.Size2;
  readonly stride: F.Size2;

  constructor(readonly outputSize: F.Size2, readonly kernelSize: F.Size2, options: F.UnfoldOptions = {}) {
    super();
    this.dilation = options.dilation ?? 1;
    this.padding = options.padding ?? 0;
    this.stride = options.stride ?? 1;
  }

  override forward(x: Tensor): Tensor {
    return F.fold(x, this.outputSize, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride });
  }

  override extraRepr(): string {
    return `output_size=${pyGiven(this.outputSize)}, kernel_size=${pyGiven(this.kernelSize)}, dilation=${pyGiven(this.dilation)}, padding=${pyGiven(this.padding)}, stride=${pyGiven(this.stride)}`;
  }
}
