/**
 * Activation modules: each wraps its nn.functional op. Those PyTorch lets run in place take
 * `{inplace: true}`, which writes the result into the input and returns it (as PyTorch, that input
 * must not be a leaf that requires grad). kiln computes on a copy first, so in place saves no memory.
 */
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/activations.js';
import { Module } from '../module.js';
import { pyFloat, pyNumber, pyOptional } from './repr.js';

export interface InplaceOptions {
  inplace?: boolean;
}

/** An elementwise activation that may write into its input. */
abstract class InplaceActivation extends Module {
  readonly inplace: boolean;

  constructor(options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  protected abstract apply1(x: Tensor): Tensor;

  override forward(x: Tensor): Tensor {
    if (!this.inplace) return this.apply1(x);
    // computed on a copy, so the op's saved inputs aren't the tensor overwritten below
    return x.copy_(this.apply1(x.clone()));
  }

  /** ', inplace=True' when set, nothing otherwise (PyTorch's spelling). */
  protected inplaceSuffix(): string {
    return this.inplace ? ', inplace=True' : '';
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

export class ReLU extends InplaceActivation {
  protected apply1(x: Tensor): Tensor {
    return kiln.relu(x);
  }
}

export class ReLU6 extends InplaceActivation {
  protected apply1(x: Tensor): Tensor {
    return F.relu6(x);
  }
}

export class Hardtanh extends InplaceActivation {
  readonly minVal: number;
  readonly maxVal: number;

  constructor(minVal = -1, maxVal = 1, options: InplaceOptions = {}) {
    super(options);
    if (!(maxVal > minVal)) throw new Error('max_val must be larger than min_val');
    this.minVal = minVal;
    this.maxVal = maxVal;
  }

  protected apply1(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal);
  }

  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplaceSuffix()}`;
  }
}

export class LeakyReLU extends InplaceActivation {
  readonly negativeSlope: number;

  /** `new nn.LeakyReLU(0.2)` or `new nn.LeakyReLU({negativeSlope: 0.2})`. */
  constructor(negativeSlope: number | (InplaceOptions & { negativeSlope?: number }) = 0.01, options: InplaceOptions = {}) {
    super(typeof negativeSlope === 'number' ? options : negativeSlope);
    this.negativeSlope = typeof negativeSlope === 'number' ? negativeSlope : negativeSlope.negativeSlope ?? 0.01;
  }

  protected apply1(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplaceSuffix()}`;
  }
}

export class ELU extends InplaceActivation {
  readonly alpha: number;

  /** `new nn.ELU(0.5)` or `new nn.ELU({alpha: 0.5})`. */
  constructor(alpha: number | (InplaceOptions & { alpha?: number }) = 1.0, options: InplaceOptions = {}) {
    super(typeof alpha === 'number' ? options : alpha);
    this.alpha = typeof alpha === 'number' ? alpha : alpha.alpha ?? 1.0;
  }

  protected apply1(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplaceSuffix()}`;
  }
}

export class SELU extends InplaceActivation {
  protected apply1(x: Tensor): Tensor {
    return F.selu(x);
  }
}

export class SiLU extends InplaceActivation {
  protected apply1(x: Tensor): Tensor {
    return kiln.silu(x);
  }
}

export class Mish extends InplaceActivation {
  protected apply1(x: Tensor): Tensor {
    return F.mish(x);
  }
}

export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
  }

  override forward(x: Tensor): Tensor {
    return kiln.gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return kiln.sigmoid(x);
  }
}

export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return kiln.tanh(x);
  }
}

export class LogSigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return F.logsigmoid(x);
  }
}

/** log(1 + exp(beta·x)) / beta, linear where beta·x > threshold. */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(options: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
  }

  override forward(x: Tensor): Tensor {
    return kiln.softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${pyNumber(this.beta)}, threshold=${pyNumber(this.threshold)}`;
  }
}

/** The softmax family: a dim, or PyTorch's legacy implicit choice when none is given. */
abstract class SoftmaxBase extends Module {
  readonly dim: number | null;

  /** `new nn.Softmax(1)` or `new nn.Softmax({dim: 1})`. */
  constructor(dim: number | null | { dim?: number | null } = null) {
    super();
    this.dim = dim !== null && typeof dim === 'object' ? dim.dim ?? null : dim;
  }

  override extraRepr(): string {
    return `dim=${pyOptional(this.dim, String)}`;
  }
}

export class Softmax extends SoftmaxBase {
  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
}

export class LogSoftmax extends SoftmaxBase {
  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
}

export class Softmin extends SoftmaxBase {
  override forward(x: Tensor): Tensor {
    return F.softmin(x, this.dim);
  }
}
