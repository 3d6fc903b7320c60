/**
 * BatchNorm1d/2d/3d: per-channel normalisation with learned scale and shift (weight, bias) and
 * running statistics kept as buffers (running_mean, running_var, num_batches_tracked), so the
 * state dict is PyTorch's.
 */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/activations.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat, pyOptional } from './repr.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of each batch in the running statistics; null for a cumulative average. */
  momentum?: number | null;
  /** Learn weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for eval (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(kiln.empty([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(kiln.empty([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? kiln.zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? kiln.ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? kiln.tensor(0, { dtype: 'int64' }) : null);
    this.resetParameters();
  }

  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }

  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }

  get numBatchesTracked(): Tensor | null {
    return this.getBuffer('num_batches_tracked');
  }

  resetRunningStats(): void {
    kiln.noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  protected abstract checkInputDim(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    let factor = this.momentum ?? 0;
    const counter = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && counter) {
      kiln.noGrad(() => counter.add_(1));
      // momentum null: the running statistics are the plain average of every batch so far
      if (this.momentum === null) factor = 1 / Number(counter.item());
    }
    const [mean, variance] = [this.runningMean, this.runningVar];
    // without running statistics, even eval normalises with the batch's
    const useBatchStats = this.training || (mean === null && variance === null);
    const keepStats = !this.training || this.trackRunningStats;
    return F.batchNorm(x, keepStats ? mean : null, keepStats ? variance : null, {
      weight: this.weight, bias: this.bias, training: useBatchStats, momentum: factor, eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyOptional(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Over (N, C) or (N, C, L) inputs. */
export class BatchNorm1d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`expected 2D or 3D input (got ${x.ndim}D input)`);
  }
}

/** Over (N, C, H, W) inputs. */
export class BatchNorm2d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new Error(`expected 4D input (got ${x.ndim}D input)`);
  }
}

/** Over (N, C, D, H, W) inputs. */
export class BatchNorm3d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 5) throw new Error(`expected 5D input (got ${x.ndim}D input)`);
  }
}
