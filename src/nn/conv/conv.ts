/** Conv1d and Conv2d: learned convolutions, with PyTorch's arguments, checks and initialisation. */
import type { DType } from '../../core/dtype.js';
import { ValueError } from '../../core/errors.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/conv.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { ntuple, pyGiven } from './repr.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvModuleOptions {
  stride?: F.Size2;
  padding?: F.Padding;
  dilation?: F.Size2;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Only 'zeros' is implemented. */
  paddingMode?: PaddingMode;
  dtype?: DType;
}

/**
 * What every convolution module shares (PyTorch's _ConvNd): checked arguments, the weight
 * (out, in / groups, ...kernel) or, transposed, (in, out / groups, ...kernel), and the bias.
 */
export abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly transposed: boolean;
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(
    dims: number, inChannels: number, outChannels: number, kernelSize: F.Size2, transposed: boolean,
    options: ConvModuleOptions & { outputPadding?: F.Size2 },
  ) {
    super();
    const groups = options.groups ?? 1;
    if (!(groups > 0) || !Number.isInteger(groups)) throw new ValueError('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new ValueError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new ValueError('out_channels must be divisible by groups');
    const stride = ntuple(options.stride ?? 1, dims);
    const padding = options.padding ?? 0;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') throw new ValueError(`Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
      if (padding === 'same' && stride.some((s) => s !== 1)) throw new ValueError("padding='same' is not supported for strided convolutions");
    }
    const paddingMode = options.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
      throw new ValueError(`padding_mode must be one of {'zeros', 'circular', 'replicate', 'reflect'}, but got padding_mode='${paddingMode}'`);
    }
    if (paddingMode !== 'zeros') throw new ValueError(`padding_mode='${paddingMode}' is not implemented in kiln; only 'zeros' is`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = ntuple(kernelSize, dims);
    this.stride = stride;
    this.padding = typeof padding === 'string' ? padding : ntuple(padding, dims);
    this.dilation = ntuple(options.dilation ?? 1, dims);
    this.transposed = transposed;
    this.outputPadding = ntuple(options.outputPadding ?? 0, dims);
    this.groups = groups;
    this.paddingMode = paddingMode;
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    const shape = transposed ? [inChannels, outChannels / groups] : [outChannels, inChannels / groups];
    this.weight = new Parameter(kiln.empty([...shape, ...this.kernelSize], { dtype }));
    this.bias = options.bias ?? true ? new Parameter(kiln.empty([outChannels], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's defaults: kaiming_uniform(a=√5) for the weight (U(±1/√fanIn)), U(±1/√fanIn) for the bias. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) init.uniform_(this.bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    }
  }

  override extraRepr(): string {
    const zero = (v: readonly number[], z: number): boolean => v.every((x) => x === z);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyGiven(this.kernelSize)}, stride=${pyGiven(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (!zero(this.padding, 0)) s += `, padding=${pyGiven(this.padding)}`;
    if (!zero(this.dilation, 1)) s += `, dilation=${pyGiven(this.dilation)}`;
    if (!zero(this.outputPadding, 0)) s += `, output_padding=${pyGiven(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  protected convOptions(): F.ConvOptions {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
  }
}

/** Applies a 1-D convolution over (N, C, L) or (C, L) input. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: F.Size2, options: ConvModuleOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, false, options);
  }

  override forward(x: Tensor): Tensor {
    return F.conv1d(x, this.weight, this.bias, this.convOptions());
  }
}

/** Applies a 2-D convolution over (N, C, H, W) or (C, H, W) input. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: F.Size2, options: ConvModuleOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, false, options);
  }

  override forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, this.convOptions());
  }
}
