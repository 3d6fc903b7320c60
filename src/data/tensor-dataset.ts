/**
 * TensorDataset: rows of tensors that share their first dimension; item i is the array of the
 * i-th rows (views, as PyTorch's `tensor[i]`). The DataLoader batches it by copying whole rows
 * at once instead of stacking rows one by one.
 */
import { Tensor } from '../tensor/tensor.js';
import { Dataset } from './dataset.js';

export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.ndim === 0) throw new Error(`TensorDataset: argument ${i} is a 0-d tensor; every tensor needs a first dimension to index`);
    });
    if (tensors.some((t) => t.shape[0] !== tensors[0]!.shape[0])) {
      throw new Error(`Size mismatch between tensors: first dimensions are [${tensors.map((t) => t.shape[0]).join(', ')}]`);
    }
    this.tensors = tensors;
  }

  get(index: number): Tensor[] {
    const n = this.len();
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new RangeError(`index ${index} is out of bounds for a TensorDataset of length ${n}`);
    }
    return this.tensors.map((t) => t.get(index));
  }

  len(): number {
    return this.tensors.length === 0 ? 0 : this.tensors[0]!.shape[0]!;
  }
}
