/** Subset: a dataset seen through a list of indices (what randomSplit returns). */
import { Tensor } from '../tensor/tensor.js';
import { checkDataset, Dataset, datasetItem, type DatasetLike } from './dataset.js';

export class Subset<T = unknown> extends Dataset<T> {
  readonly dataset: DatasetLike<T>;
  readonly indices: readonly number[];

  constructor(dataset: DatasetLike<T>, indices: readonly number[] | Tensor) {
    super();
    checkDataset(dataset, 'Subset');
    this.dataset = dataset;
    this.indices = indices instanceof Tensor ? (indices.reshape(-1).tolist() as number[]) : [...indices];
    if (this.indices.some((i) => !Number.isInteger(i))) throw new TypeError('Subset: indices must be integers');
  }

  get(index: number): T {
    const n = this.indices.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new RangeError(`index ${index} is out of bounds for a Subset of length ${n}`);
    }
    return datasetItem(this.dataset, this.indices[index < 0 ? index + n : index]!);
  }

  len(): number {
    return this.indices.length;
  }
}
