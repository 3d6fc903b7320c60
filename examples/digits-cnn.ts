/**
 * The demo `npm start` runs: a small convolutional network learns to read handwritten digits
 * (UCI's 1797 8×8 images, datasets/digits.csv.gz), written as the PyTorch script would be.
 *
 *   npm start                                   # the full run
 *   npm start -- --epochs 1 --limit 300         # a quick one
 *   npm start -- --help                         # the flags
 *
 * It prints progress while it trains, then the test accuracy, the confusion matrix and the time
 * taken, and saves the weights as safetensors (models/digits-cnn.safetensors by default; that
 * file loads in PyTorch with `safetensors.torch.load_file`).
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as kiln from 'kiln';
import { data, metrics, nn, np, optim } from 'kiln';
import { parseFlags } from './cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const args = parseFlags('a small CNN learns the handwritten digits', {
  epochs: { default: 10, help: 'passes over the training images' },
  limit: { help: 'use only N of the 1797 images (a random sample), for a quick run' },
  'batch-size': { default: 32, help: 'images per training step' },
  lr: { default: 0.01, help: 'the peak learning rate of the one-cycle schedule' },
  seed: { default: 0, help: 'seeds the weights, the split and the shuffling' },
  out: { default: process.env.KILN_MODEL_PATH ?? join(root, 'models', 'digits-cnn.safetensors'), help: 'where to save the weights (or set KILN_MODEL_PATH)' },
  'no-save': { default: false, help: 'do not save the weights' },
});
const { epochs, seed, lr } = args;
const batchSize = args['batch-size'];

const started = performance.now();
kiln.manualSeed(seed);

// The data: 64 pixel values 0..16 and the label per row. Pixels to [0, 1], images to (N, 1, 8, 8).
const table = kiln.fromNumpy(np.loadtxt(join(root, 'datasets', 'digits.csv.gz'), { delimiter: ',' }));
let images = table.get([':', '0:64']).div(16).float().reshape(-1, 1, 8, 8);
let labels = table.get([':', 64]).long();
if (args.limit !== undefined) {
  // a random sample, so that a small run still sees every digit
  const pick = kiln.randperm(images.shape[0]!).get(`:${args.limit}`);
  images = images.indexSelect(0, pick);
  labels = labels.indexSelect(0, pick);
}
const split = new kiln.Generator().manualSeed(seed);
const [trainSet, testSet] = data.randomSplit(new data.TensorDataset(images, labels), [0.8, 0.2], { generator: split });
const trainLoader = new data.DataLoader(trainSet!, { batchSize, shuffle: true, generator: new kiln.Generator().manualSeed(seed) });
const testLoader = new data.DataLoader(testSet!, { batchSize: 512 });
console.log(`digits: ${images.shape[0]} images of 8×8 pixels, ${trainSet!.length} to train on and ${testSet!.length} to test`);

// The network: two convolution blocks, then a linear classifier.
const model = new nn.Sequential(
  new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), // 32 × 4 × 4
  new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), // 64 × 2 × 2
  new nn.Flatten(),
  new nn.Linear(64 * 2 * 2, 10),
);
const parameterCount = model.parameters().reduce((n, p) => n + p.numel(), 0);
console.log(`model: ${parameterCount} parameters\n${model.toString()}`);

const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr });
// one cycle: the learning rate warms up to lr and anneals to almost nothing, stepped per batch
const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, lr, { epochs, stepsPerEpoch: trainLoader.length });

/** Accuracy and the confusion matrix over the test set. */
function evaluate(): { accuracy: number; confusion: kiln.Tensor } {
  model.eval();
  const acc = new metrics.Accuracy();
  const confusion = new metrics.ConfusionMatrix(10);
  kiln.noGrad(() => {
    for (const [x, y] of testLoader) {
      const logits = model.forward(x) as kiln.Tensor;
      acc.update(logits, y);
      confusion.update(logits, y);
    }
  });
  model.train();
  return { accuracy: acc.compute(), confusion: confusion.compute() };
}

for (let epoch = 1; epoch <= epochs; epoch++) {
  const bar = data.progress(trainLoader, { desc: `epoch ${epoch}/${epochs}`, unit: 'batch' });
  const meanLoss = new metrics.Mean();
  for (const [x, y] of bar) {
    const loss = lossFn.forward(model.forward(x) as kiln.Tensor, y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    scheduler.step();
    meanLoss.update(loss.item() as number, x.shape[0]);
    bar.setPostfix({ loss: meanLoss.compute() });
  }
  const { accuracy } = evaluate();
  console.log(`epoch ${epoch}/${epochs}: train loss ${meanLoss.compute().toFixed(4)}, test accuracy ${(accuracy * 100).toFixed(1)}%`);
}

const { accuracy, confusion } = evaluate();
const seconds = (performance.now() - started) / 1000;
console.log(`\ntest accuracy: ${(accuracy * 100).toFixed(2)}% of ${testSet!.length} images`);
console.log(`confusion matrix (rows: true digit, columns: predicted digit):\n${formatConfusion(confusion)}`);
console.log(`time: ${seconds.toFixed(1)} s (loading, ${epochs} epoch${epochs === 1 ? '' : 's'} of training and testing)`);

if (!args['no-save']) {
  mkdirSync(dirname(args.out), { recursive: true });
  kiln.save(model.stateDict(), args.out, { metadata: { format: 'pt', model: 'digits-cnn', accuracy: accuracy.toFixed(4) } });
  const shown = relative(process.cwd(), args.out);
  console.log(`saved the weights to ${shown.startsWith('..') || isAbsolute(shown) ? resolve(args.out) : shown}`);
}

/** The matrix as a table with the digits along both edges, dots for the zeros off the diagonal. */
function formatConfusion(m: kiln.Tensor): string {
  const rows = m.tolist() as number[][];
  const width = Math.max(3, ...rows.flat().map((v) => String(v).length + 1));
  const cell = (s: string | number): string => String(s).padStart(width);
  const lines = [`     ${rows.map((_, j) => cell(j)).join('')}`];
  lines.push(`     ${'-'.repeat(width * rows.length)}`);
  rows.forEach((row, i) => {
    lines.push(`  ${i} |${row.map((v, j) => cell(v === 0 && i !== j ? '.' : v)).join('')}`);
  });
  return lines.join('\n');
}
