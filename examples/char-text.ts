/** The character-level text both language-model examples train on, as a tensor of ids. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as kiln from 'kiln';

export interface CharText {
  text: string;
  /** The distinct characters, sorted: character i has id i. */
  chars: string[];
  /** Each character's id. */
  id: Map<string, number>;
  /** The whole text as int64 ids. */
  encoded: kiln.Tensor;
  vocab: number;
}

export function loadCharText(): CharText {
  const text = readFileSync(fileURLToPath(new URL('../datasets/tiny-text.txt', import.meta.url)), 'utf8');
  const chars = [...new Set(text)].sort();
  const id = new Map(chars.map((c, i) => [c, i]));
  const encoded = kiln.tensor([...text].map((c) => id.get(c)!), { dtype: 'int64' });
  console.log(`text: ${text.length} characters, ${chars.length} distinct`);
  return { text, chars, id, encoded, vocab: chars.length };
}

/**
 * A sampler of `batchSize` random windows of `length` characters from the encoded text: inputs
 * (B, T) and the characters that follow each position (B, T), drawn from a generator seeded
 * with `seed` (so the batches don't depend on how many random numbers the model drew).
 */
export function windowSampler(encoded: kiln.Tensor, batchSize: number, length: number, seed: number): () => [kiln.Tensor, kiln.Tensor] {
  const generator = new kiln.Generator().manualSeed(seed);
  const offsets = kiln.arange(length + 1);
  return () => {
    const starts = kiln.randint(0, encoded.shape[0]! - length - 1, [batchSize, 1], { generator });
    const windows = kiln.take(encoded, starts.add(offsets));
    return [windows.get([':', ':-1']), windows.get([':', '1:'])];
  };
}
