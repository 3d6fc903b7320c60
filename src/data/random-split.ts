/**
 * randomSplit: non-overlapping random subsets of given lengths, as torch.utils.data.random_split
 * (1.13): one randperm of the total drawn from the generator, cut into consecutive pieces. Lengths
 * may be counts, or fractions summing to 1: each floor(n * fraction), with what is left over
 * handed out one by one, round-robin from the first piece.
 */
import { randperm } from '../tensor/random.js';
import { defaultGenerator, type Generator } from '../tensor/random/generator.js';
import { checkDataset, datasetLength, type DatasetLike } from './dataset.js';
import { Subset } from './subset.js';

export interface RandomSplitOptions {
  /** The generator the permutation is drawn from (default: the global one). */
  generator?: Generator;
}

/** Python's math.isclose(a, b) with its default tolerances (rel_tol = 1e-9, abs_tol = 0). */
function isClose(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

export function randomSplit<T>(
  dataset: DatasetLike<T>, lengths: readonly number[], options: RandomSplitOptions = {},
): Subset<T>[] {
  checkDataset(dataset, 'randomSplit');
  const n = datasetLength(dataset);
  let counts = [...lengths];
  // Summed left to right, as Python's sum() does, so the fraction test rounds the same way.
  const total = counts.reduce((a, b) => a + b, 0);
  if (isClose(total, 1) && total <= 1) {
    counts = lengths.map((frac, i) => {
      if (!(frac >= 0 && frac <= 1)) throw new RangeError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
    counts.forEach((c, i) => {
      if (c === 0) process.emitWarning(`Length of split at index ${i} is 0. This might result in an empty dataset.`, 'UserWarning');
    });
  } else if (counts.some((c) => !Number.isInteger(c) || c < 0)) {
    throw new RangeError(`randomSplit: lengths must be non-negative integers or fractions summing to 1, got [${lengths.join(', ')}]`);
  }
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum !== n) {
    throw new RangeError(`Sum of input lengths does not equal the length of the input dataset! (lengths sum to ${sum}, the dataset has ${n} items)`);
  }
  const order = randperm(sum, { generator: options.generator ?? defaultGenerator }).tolist() as number[];
  const out: Subset<T>[] = [];
  let start = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, order.slice(start, start + c)));
    start += c;
  }
  return out;
}
