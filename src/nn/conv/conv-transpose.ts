/**
 * ConvTranspose1d and ConvTranspose2d: the gradient of a convolution w.r.t. its input, as a layer
 * (upsampling "deconvolutions"). forward takes an optional outputSize that picks outputPadding.
 */
import { ValueError } from '../../core/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/conv.js';
import { ConvNd, type ConvModuleOptions } from './conv.js';

export interface ConvTransposeModuleOptions extends Omit<ConvModuleOptions, 'padding'> {
  padding?: F.Size2;
  outputPadding?: F.Size2;
}

abstract class ConvTransposeNd extends ConvNd {
  protected constructor(dims: number, inChannels: number, outChannels: number, kernelSize: F.Size2, options: ConvTransposeModuleOptions) {
    if ((options.paddingMode ?? 'zeros') !== 'zeros') throw new ValueError(`Only "zeros" padding mode is supported for ${new.target.name}`);
    super(dims, inChannels, outChannels, kernelSize, true, options);
  }

  /** The outputPadding that makes the output `outputSize` (PyTorch's _output_padding). */
  protected outputPaddingFor(x: Tensor, outputSize: readonly number[] | undefined): number[] {
    if (!outputSize) return this.outputPadding;
    const dims = this.kernelSize.length;
    const lead = x.ndim === dims + 2 ? 2 : 1;
    const size = outputSize.length === lead + dims ? outputSize.slice(lead) : [...outputSize];
    if (size.length !== dims) {
      throw new ValueError(`ConvTranspose${dims}D: for ${x.ndim}D input, output_size must have ${dims} or ${lead + dims} elements (got ${outputSize.length})`);
    }
    const padding = this.padding as number[];
    const min = size.map((_, d) => (x.shape[d + lead]! - 1) * this.stride[d]! - 2 * padding[d]! + this.dilation[d]! * (this.kernelSize[d]! - 1) + 1);
    const max = min.map((m, d) => m + this.stride[d]! - 1);
    if (size.some((s, d) => s < min[d]! || s > max[d]!)) {
      const spatial = x.shape.slice(lead).join(', ');
      throw new ValueError(`requested an output size of (${size.join(', ')}), but valid sizes range from [${min.join(', ')}] to [${max.join(', ')}] (for an input of torch.Size([${spatial}]))`);
    }
    return size.map((s, d) => s - min[d]!);
  }

  protected transposeOptions(x: Tensor, outputSize: readonly number[] | undefined): F.ConvTransposeOptions {
    return {
      stride: this.stride, padding: this.padding as number[], outputPadding: this.outputPaddingFor(x, outputSize),
      groups: this.groups, dilation: this.dilation,
    };
  }
}

/** The transposed 1-D convolution of (N, Cin, L) or (Cin, L) input. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: F.Size2, options: ConvTransposeModuleOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }

  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return F.convTranspose1d(x, this.weight, this.bias, this.transposeOptions(x, outputSize));
  }
}

/** The transposed 2-D convolution of (N, Cin, H, W) or (Cin, H, W) input. */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: F.Size2, options: ConvTransposeModuleOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }

  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return F.convTranspose2d(x, this.weight, this.bias, this.transposeOptions(x, outputSize));
  }
}
