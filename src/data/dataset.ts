/**
 * Dataset: PyTorch's map-style dataset, a length and an item for each index. Subclasses implement
 * `len()` and `get(i)`; `length` reads `len()`, so a dataset sizes like an array.
 */
export abstract class Dataset<T = unknown> {
  /** The item at `index` (0 <= index < len()). */
  abstract get(index: number): T;

  /** The number of items (PyTorch's `__len__`). */
  abstract len(): number;

  get length(): number {
    return this.len();
  }

  /** Iterates the items in order, as Python iterates a dataset through `__getitem__`. */
  *[Symbol.iterator](): Iterator<T> {
    const n = this.len();
    for (let i = 0; i < n; i++) yield this.get(i);
  }
}

/** What a DataLoader, Subset or randomSplit accepts: a Dataset, or a plain array of items. */
export type DatasetLike<T> = Dataset<T> | readonly T[];

/** The number of items in a dataset or array. */
export function datasetLength(dataset: DatasetLike<unknown>): number {
  return Array.isArray(dataset) ? dataset.length : (dataset as Dataset<unknown>).len();
}

/** The item at `index` of a dataset or array. */
export function datasetItem<T>(dataset: DatasetLike<T>, index: number): T {
  if (Array.isArray(dataset)) {
    if (!Number.isInteger(index) || index < -dataset.length || index >= dataset.length) {
      throw new RangeError(`list index out of range: ${index} (length ${dataset.length})`);
    }
    return dataset[index < 0 ? index + dataset.length : index] as T;
  }
  return (dataset as Dataset<T>).get(index);
}

/** Checks that a DataLoader/Subset argument is a dataset (has get and len) or an array. */
export function checkDataset(dataset: unknown, fn: string): void {
  if (Array.isArray(dataset)) return;
  const d = dataset as { get?: unknown; len?: unknown } | null;
  if (d === null || typeof d !== 'object' || typeof d.get !== 'function' || typeof d.len !== 'function') {
    throw new TypeError(`${fn}: expected a Dataset (an object with get(i) and len()) or an array, got ${describe(dataset)}`);
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}
