/**
 * DataLoader: batches of a dataset, in order or shuffled with a seeded generator, as PyTorch's
 * DataLoader (single process). Iterate it once per epoch:
 *
 *   const loader = new data.DataLoader(new data.TensorDataset(x, y), {batchSize: 32, shuffle: true, generator});
 *   for (const [xb, yb] of loader) { ... }
 *
 * With the same seed, a shuffled loader visits items in the same order as PyTorch 1.13's, epoch
 * after epoch, and leaves the generator (or the global one) in the same state.
 */
import { dtypeInfo } from '../core/dtype.js';
import { tensor } from '../tensor/creation.js';
import { defaultGenerator, Generator } from '../tensor/random/generator.js';
import { Tensor } from '../tensor/tensor.js';
import { type Collated, defaultCollate } from './collate.js';
import { checkDataset, datasetItem, type DatasetLike } from './dataset.js';
import { batchIndices, drawSeed, RandomSampler, type Sampler, SequentialSampler } from './samplers.js';
import { Subset } from './subset.js';
import { TensorDataset } from './tensor-dataset.js';

export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Visit the items in a new random order every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Makes a batch of a list of items (default: defaultCollate, which stacks tensors). */
  collate?: (items: T[]) => B;
  /** The generator shuffling draws from (default: the global one, which manualSeed seeds). */
  generator?: Generator;
  /** A custom order of indices (an array of indices, or a sampler); excludes shuffle. */
  sampler?: Sampler;
}

export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B> {
  readonly dataset: DatasetLike<T>;
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly sampler: Sampler;
  readonly generator: Generator | undefined;
  private readonly collate: ((items: T[]) => B) | undefined;

  constructor(dataset: DatasetLike<T>, options: DataLoaderOptions<T, B> = {}) {
    checkDataset(dataset, 'DataLoader');
    const { batchSize = 1, shuffle = false, dropLast = false, collate, generator, sampler } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    }
    if (generator !== undefined && !(generator instanceof Generator)) throw new TypeError('DataLoader: generator must be a kiln.Generator');
    if (collate !== undefined && typeof collate !== 'function') throw new TypeError('DataLoader: collate must be a function');
    if (sampler !== undefined && shuffle) throw new Error('sampler option is mutually exclusive with shuffle');
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collate = collate;
    this.sampler = sampler ?? (shuffle ? new RandomSampler(dataset, { generator }) : new SequentialSampler(dataset));
  }

  /** The number of batches per epoch. */
  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  len(): number {
    return this.length;
  }

  [Symbol.iterator](): Iterator<B> {
    // PyTorch draws a base seed for its worker processes each time a loader is iterated. kiln has
    // no workers, but draws it too, so seeded scripts consume random numbers as PyTorch's do.
    drawSeed(this.generator ?? defaultGenerator);
    return this.batches();
  }

  private *batches(): IterableIterator<B> {
    const direct = this.collate === undefined ? tensorRows(this.dataset) : null;
    for (const indices of batchIndices(this.sampler, this.batchSize, this.dropLast)) {
      if (direct) {
        // Fast path: each tensor's rows gathered at once instead of stacking rows one by one.
        const rows = indices.map(direct.map);
        yield direct.tensors.map((t) => selectRows(t, rows)) as B;
        continue;
      }
      const items = indices.map((i) => datasetItem(this.dataset, i));
      yield this.collate ? this.collate(items) : (defaultCollate(items) as B);
    }
  }
}

/**
 * The tensors behind a TensorDataset, or a Subset (of a Subset...) of one, with the map from the
 * dataset's indices to rows; null for other datasets.
 */
function tensorRows(dataset: DatasetLike<unknown>): { tensors: readonly Tensor[]; map: (i: number) => number } | null {
  if (dataset instanceof TensorDataset) {
    const n = dataset.len();
    return { tensors: dataset.tensors, map: (i) => checkIndex(i, n) };
  }
  if (dataset instanceof Subset) {
    const inner = tensorRows(dataset.dataset);
    if (!inner) return null;
    const indices = dataset.indices;
    return { tensors: inner.tensors, map: (i) => inner.map(indices[checkIndex(i, indices.length)]!) };
  }
  return null;
}

/**
 * t[rows] along the first dimension, as a new tensor: whole rows copied as bytes when t is
 * contiguous (many times faster than indexSelect's per-element gather), indexSelect otherwise
 * (and for tensors that require grad, so the batch stays in the graph).
 */
function selectRows(t: Tensor, rows: readonly number[]): Tensor {
  if (t.requiresGrad || !t.isContiguous()) return t.indexSelect(0, tensor(rows, { dtype: 'int64' }));
  const out = Tensor.empty([rows.length, ...t.shape.slice(1)], t.dtype);
  const itemsize = dtypeInfo(t.dtype).itemsize;
  const rowBytes = t.shape.slice(1).reduce((a, b) => a * b, 1) * itemsize;
  if (rowBytes === 0) return out;
  const src = new Uint8Array(t.storage.buffer, t.offset * itemsize, t.shape[0]! * rowBytes);
  const dst = new Uint8Array(out.storage.buffer);
  rows.forEach((r, i) => dst.set(src.subarray(r * rowBytes, (r + 1) * rowBytes), i * rowBytes));
  return out;
}

/** An index as Python takes it (negative from the end), checked against the length. */
function checkIndex(i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new RangeError(`index ${i} is out of bounds for a dataset of length ${n}`);
  return i < 0 ? i + n : i;
}

