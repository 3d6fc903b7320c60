/**
 * Mean: a running (optionally weighted) mean of values, for tracking a loss over an epoch:
 * `meanLoss.update(loss, xb.shape[0])` each batch, `meanLoss.compute()` at the end.
 */
import { Tensor } from '../tensor/tensor.js';

export class Mean {
  private sum = 0;
  private weight = 0;

  /** Adds a value (a number, or a tensor: all its elements, each with `weight`). */
  update(value: number | Tensor, weight = 1): void {
    if (!(weight >= 0)) throw new RangeError(`Mean.update: weight must be >= 0, got ${weight}`);
    if (value instanceof Tensor) {
      const c = value.detach().to('float64').contiguous();
      const data = (c.storage.typed('float64') as Float64Array).subarray(c.offset, c.offset + c.numel());
      for (const x of data) this.sum += x * weight;
      this.weight += data.length * weight;
      return;
    }
    if (typeof value !== 'number') throw new TypeError(`Mean.update: expected a number or a Tensor, got ${typeof value}`);
    this.sum += value * weight;
    this.weight += weight;
  }

  /** The mean so far (NaN before any value). */
  compute(): number {
    return this.sum / this.weight;
  }

  reset(): void {
    this.sum = 0;
    this.weight = 0;
  }
}
