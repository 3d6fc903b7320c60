/** MaxPool1d/2d and AvgPool1d/2d: pooling layers, printing their arguments as PyTorch does. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/conv.js';
import { pyBool } from '../layers/repr.js';
import { Module } from '../module.js';
import { ntuple, pyGiven } from './repr.js';

export interface MaxPoolModuleOptions<R extends boolean = boolean> {
  /** Defaults to kernelSize. */
  stride?: F.Size2 | null;
  padding?: F.Size2;
  dilation?: F.Size2;
  /** forward returns [values, indices]. */
  returnIndices?: R;
  ceilMode?: boolean;
}

/** What a max pooling module's forward returns: [values, indices] when built with returnIndices: true. */
export type Pooled<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: F.Size2;
  readonly stride: F.Size2;
  readonly padding: F.Size2;
  readonly dilation: F.Size2;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;

  constructor(kernelSize: F.Size2, options: MaxPoolModuleOptions<R> = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.returnIndices = options.returnIndices ?? false;
    this.ceilMode = options.ceilMode ?? false;
  }

  protected poolOptions(): F.MaxPoolOptions {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
  }

  override extraRepr(): string {
    return `kernel_size=${pyGiven(this.kernelSize)}, stride=${pyGiven(this.stride)}, padding=${pyGiven(this.padding)}, dilation=${pyGiven(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** Max over sliding windows of (N, C, L) or (C, L) input. */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  override forward(x: Tensor): Pooled<R> {
    return F.maxPool1d(x, this.kernelSize, this.poolOptions()) as Pooled<R>;
  }
}

/** Max over sliding windows of (N, C, H, W) or (C, H, W) input. */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  override forward(x: Tensor): Pooled<R> {
    return F.maxPool2d(x, this.kernelSize, this.poolOptions()) as Pooled<R>;
  }
}

export interface AvgPoolModuleOptions {
  /** Defaults to kernelSize. */
  stride?: F.Size2 | null;
  padding?: F.Size2;
  ceilMode?: boolean;
  /** Count the padding in each window's divisor (default true). */
  countIncludePad?: boolean;
}

/** The mean over sliding windows of (N, C, L) or (C, L) input. */
export class AvgPool1d extends Module {
  // PyTorch stores AvgPool1d's sizes as 1-tuples, so they print as (2,)
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: F.Size2, options: AvgPoolModuleOptions = {}) {
    super();
    this.kernelSize = ntuple(kernelSize, 1);
    this.stride = ntuple(options.stride ?? kernelSize, 1);
    this.padding = ntuple(options.padding ?? 0, 1);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${pyGiven(this.kernelSize)}, stride=${pyGiven(this.stride)}, padding=${pyGiven(this.padding)}`;
  }
}

export interface AvgPool2dModuleOptions extends AvgPoolModuleOptions {
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

/** The mean over sliding windows of (N, C, H, W) or (C, H, W) input. */
export class AvgPool2d extends Module {
  readonly kernelSize: F.Size2;
  readonly stride: F.Size2;
  readonly padding: F.Size2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: F.Size2, options: AvgPool2dModuleOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyGiven(this.kernelSize)}, stride=${pyGiven(this.stride)}, padding=${pyGiven(this.padding)}`;
  }
}
