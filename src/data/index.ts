/**
 * kiln.data: the data plumbing of a training loop, as torch.utils.data: Dataset, TensorDataset,
 * Subset, randomSplit, DataLoader (batches, seeded shuffling, dropLast, custom collate), the
 * samplers behind it, and a progress bar for long loops.
 */
export { Dataset, type DatasetLike } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { Subset } from './subset.js';
export { randomSplit, type RandomSplitOptions } from './random-split.js';
export { defaultCollate, type Collated } from './collate.js';
export { SequentialSampler, RandomSampler, type RandomSamplerOptions, type Sampler } from './samplers.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export {
  ProgressBar, progress, formatProgress, type ProgressOptions, type ProgressState, type ProgressStream,
} from './progress.js';
