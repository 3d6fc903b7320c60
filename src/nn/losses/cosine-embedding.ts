/** CosineEmbeddingLoss: whether pairs of vectors are similar (target 1) or dissimilar (-1). */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/losses.js';
import { Module } from '../module.js';

export class CosineEmbeddingLoss extends Module {
  reduction: F.Reduction;
  margin: number;

  constructor(options: F.CosineEmbeddingOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.margin = options.margin ?? 0;
  }

  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
