/**
 * Samplers: the order in which a DataLoader visits a dataset, as PyTorch's SequentialSampler,
 * RandomSampler and BatchSampler. RandomSampler draws exactly what PyTorch 1.13's does from the
 * generator, so a loader seeded like a PyTorch one visits items in the same order, epoch after
 * epoch.
 */
import { empty } from '../tensor/creation.js';
import { randint, random_, randperm } from '../tensor/random.js';
import { defaultGenerator, Generator } from '../tensor/random/generator.js';
import { datasetLength, type DatasetLike } from './dataset.js';

/** Indices in the order to visit them, and how many there are (an array of indices is one). */
export type Sampler = Iterable<number> & { readonly length: number };

/** 0, 1, ..., n - 1. */
export class SequentialSampler implements Sampler {
  constructor(readonly dataSource: DatasetLike<unknown>) {}

  get length(): number {
    return datasetLength(this.dataSource);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  /** Draw with replacement (default false: a permutation). */
  replacement?: boolean;
  /** How many indices to draw (default: the dataset's length). */
  numSamples?: number;
  /** The generator to draw from; without one, each pass seeds a fresh one from the global generator. */
  generator?: Generator;
}

/** A random order: permutations of the dataset (or draws with replacement). */
export class RandomSampler implements Sampler {
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  private readonly fixedSamples: number | undefined;

  constructor(readonly dataSource: DatasetLike<unknown>, options: RandomSamplerOptions = {}) {
    this.replacement = options.replacement ?? false;
    this.generator = options.generator;
    this.fixedSamples = options.numSamples;
    if (this.generator !== undefined && !(this.generator instanceof Generator)) {
      throw new TypeError('RandomSampler: generator must be a kiln.Generator');
    }
    const n = this.length;
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`num_samples should be a positive integer value, but got num_samples=${n}`);
    }
  }

  /** How many indices one pass yields. */
  get length(): number {
    return this.fixedSamples ?? datasetLength(this.dataSource);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = datasetLength(this.dataSource);
    const count = this.length;
    const gen = this.generator ?? new Generator().manualSeed(drawSeed(defaultGenerator));
    if (this.replacement) {
      for (let i = 0; i < Math.floor(count / 32); i++) yield* randint(n, [32], { generator: gen }).tolist() as number[];
      yield* randint(n, [count % 32], { generator: gen }).tolist() as number[];
      return;
    }
    for (let i = 0; i < Math.floor(count / n); i++) yield* randperm(n, { generator: gen }).tolist() as number[];
    // PyTorch draws this last permutation even when it keeps none of it; so do we, to stay in step.
    yield* (randperm(n, { generator: gen }).tolist() as number[]).slice(0, count % n);
  }
}

/**
 * One int64 draw, as PyTorch's `torch.empty((), dtype=torch.int64).random_(generator=g)`: the
 * seed of a fresh per-pass generator, and the base seed a DataLoader draws on every pass.
 */
export function drawSeed(gen: Generator): bigint {
  const t = empty([], { dtype: 'int64' });
  random_(t, { generator: gen });
  return (t.storage.typed('int64') as BigInt64Array)[t.offset]!;
}

/** Groups a sampler's indices into batches, as PyTorch's BatchSampler. */
export function* batchIndices(sampler: Iterable<number>, batchSize: number, dropLast: boolean): IterableIterator<number[]> {
  let batch: number[] = [];
  for (const index of sampler) {
    batch.push(index);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0 && !dropLast) yield batch;
}
