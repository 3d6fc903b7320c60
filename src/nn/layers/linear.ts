/** Linear, Bilinear and Identity: the affine maps. */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/activations.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool } from './repr.js';

/** Returns its input unchanged (a placeholder, e.g. for a removed layer); ignores its arguments. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x;
  }
}

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  dtype?: DType;
}

/** y = x Wᵀ + b, with W of shape (outFeatures, inFeatures). */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(kiln.empty([outFeatures, inFeatures], { dtype }));
    this.bias = options.bias ?? true ? new Parameter(kiln.empty([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's defaults: kaiming_uniform(a=√5) for W (U(±1/√inFeatures)), U(±1/√fanIn) for b. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** y_k = x1ᵀ W_k x2 + b_k, with W of shape (outFeatures, in1Features, in2Features). */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(kiln.empty([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = options.bias ?? true ? new Parameter(kiln.empty([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** U(±1/√in1Features) for both W and b, as PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]!);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
