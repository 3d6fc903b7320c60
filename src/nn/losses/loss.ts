/**
 * The bases of the loss modules (PyTorch's _Loss and _WeightedLoss): the reduction as a property,
 * and a class weight registered as a buffer, so it follows `to(dtype)` and appears in stateDict.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { Reduction } from '../functional/losses.js';
import { Module } from '../module.js';

export abstract class Loss extends Module {
  reduction: Reduction;

  constructor(reduction: Reduction = 'mean') {
    super();
    this.reduction = reduction;
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

export abstract class WeightedLoss extends Loss {
  constructor(weight: Tensor | null | undefined, reduction: Reduction = 'mean') {
    super(reduction);
    this.registerBuffer('weight', weight ?? null);
  }

  /** The class weight (a buffer), or null. */
  get weight(): Tensor | null {
    return this.getBuffer('weight');
  }
}
