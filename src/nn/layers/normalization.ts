/** Per-sample normalisations: LayerNorm, GroupNorm and RMSNorm. */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/activations.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat, pyOptional, pyTuple } from './repr.js';

export interface LayerNormOptions {
  eps?: number;
  /** Learn a per-element weight (and bias) over normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, learn the bias too (default true). */
  bias?: boolean;
  dtype?: DType;
}

const shapeOf = (s: number | readonly number[]): number[] => (typeof s === 'number' ? [s] : [...s]);

/** Normalises over the trailing normalizedShape dims of each sample (Ba et al., 2016). */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    this.normalizedShape = shapeOf(normalizedShape);
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const affine = this.elementwiseAffine;
    this.weight = affine ? new Parameter(kiln.empty(this.normalizedShape, { dtype })) : null;
    this.bias = affine && (options.bias ?? true) ? new Parameter(kiln.empty(this.normalizedShape, { dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

export interface GroupNormOptions {
  eps?: number;
  /** Learn a per-channel weight and bias (default true). */
  affine?: boolean;
  dtype?: DType;
}

/** Normalises groups of channels of each sample (Wu & He, 2018); the affine map is per channel. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new Error('num_channels must be divisible by num_groups');
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    this.weight = this.affine ? new Parameter(kiln.empty([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(kiln.empty([numChannels], { dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

export interface RMSNormOptions {
  /** Added to the mean square; null (default) means the input dtype's machine epsilon. */
  eps?: number | null;
  /** Learn a per-element weight (default true). */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/** x / √(mean(x²) + eps) over the trailing normalizedShape dims, times weight (Zhang & Sennrich, 2019). */
export class RMSNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: RMSNormOptions = {}) {
    super();
    this.normalizedShape = shapeOf(normalizedShape);
    this.eps = options.eps ?? null;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    this.weight = this.elementwiseAffine ? new Parameter(kiln.empty(this.normalizedShape, { dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
  }

  override forward(x: Tensor): Tensor {
    return F.rmsNorm(x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyOptional(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
