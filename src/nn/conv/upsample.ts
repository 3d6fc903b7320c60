/** Upsample: interpolate as a layer. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/conv.js';
import { Module } from '../module.js';
import { pyGiven, pyGivenFloat } from './repr.js';

export type UpsampleOptions = Omit<F.InterpolateOptions, 'size' | 'scaleFactor'> & {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
};

/** Resizes (N, C, W) or (N, C, H, W) input to `size`, or by `scaleFactor` ('nearest' by default). */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: F.InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(options: UpsampleOptions = {}) {
    super();
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners ?? null;
    this.recomputeScaleFactor = options.recomputeScaleFactor ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.interpolate(x, {
      size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  override extraRepr(): string {
    const info = this.scaleFactor !== null ? `scale_factor=${pyGivenFloat(this.scaleFactor)}` : `size=${pyGiven(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}
