/**
 * A multi-layer perceptron on the handwritten digits (datasets/digits.csv.gz), each 8×8 image read
 * as a flat row of 64 numbers: the plainest PyTorch training loop, with SGD and momentum, a
 * standardised input, dropout, a step schedule and a held-out test set.
 *
 *   npm run example:mlp
 *   npm run example:mlp -- --epochs 3 --limit 300     # a quick run (--help: the flags)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as kiln from 'kiln';
import { data, metrics, nn, np, optim } from 'kiln';
import { parseFlags } from './cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const args = parseFlags('an MLP learns the handwritten digits as rows of 64 pixels', {
  epochs: { default: 20, help: 'passes over the training images' },
  limit: { help: 'use only N of the 1797 images (a random sample), for a quick run' },
  'batch-size': { default: 32, help: 'images per training step' },
  lr: { default: 0.05, help: 'the learning rate of SGD (cut to a fifth halfway)' },
  hidden: { default: 128, help: 'the width of the two hidden layers' },
  seed: { default: 0, help: 'seeds the weights, the split and the shuffling' },
});
const { epochs, hidden, seed } = args;

const started = performance.now();
kiln.manualSeed(seed);

const table = kiln.fromNumpy(np.loadtxt(join(root, 'datasets', 'digits.csv.gz'), { delimiter: ',' }));
let features = table.get([':', '0:64']).float();
let labels = table.get([':', 64]).long();
if (args.limit !== undefined) {
  const pick = kiln.randperm(features.shape[0]!).get(`:${args.limit}`);
  features = features.indexSelect(0, pick);
  labels = labels.indexSelect(0, pick);
}
const generator = new kiln.Generator().manualSeed(seed);
const [trainSet, testSet] = data.randomSplit(new data.TensorDataset(features, labels), [0.8, 0.2], { generator });

// Standardise each pixel with the training set's mean and spread (never the test set's).
const trainX = features.indexSelect(0, kiln.tensor(trainSet!.indices, { dtype: 'int64' }));
const mean = trainX.mean(0);
const std = trainX.std(0).clamp(1e-3);
const standardise = (x: kiln.Tensor): kiln.Tensor => x.sub(mean).div(std);

const trainLoader = new data.DataLoader(trainSet!, { batchSize: args['batch-size'], shuffle: true, generator });
const testLoader = new data.DataLoader(testSet!, { batchSize: 512 });

const model = new nn.Sequential(
  new nn.Linear(64, hidden), new nn.ReLU(), new nn.Dropout(0.2),
  new nn.Linear(hidden, hidden), new nn.ReLU(),
  new nn.Linear(hidden, 10),
);
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: args.lr, momentum: 0.9, weightDecay: 1e-4 });
const scheduler = new optim.lrScheduler.StepLR(optimizer, Math.max(1, Math.floor(epochs / 2)), { gamma: 0.2 });
console.log(`digits as rows of 64 pixels: ${trainSet!.length} to train on, ${testSet!.length} to test\n${model.toString()}`);

function testAccuracy(): number {
  model.eval();
  const acc = new metrics.Accuracy();
  kiln.noGrad(() => {
    for (const [x, y] of testLoader) acc.update(model.forward(standardise(x)) as kiln.Tensor, y);
  });
  model.train();
  return acc.compute();
}

for (let epoch = 1; epoch <= epochs; epoch++) {
  const meanLoss = new metrics.Mean();
  for (const [x, y] of trainLoader) {
    const loss = lossFn.forward(model.forward(standardise(x)) as kiln.Tensor, y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    meanLoss.update(loss.item() as number, x.shape[0]);
  }
  scheduler.step();
  console.log(`epoch ${epoch}/${epochs}: train loss ${meanLoss.compute().toFixed(4)}, test accuracy ${(testAccuracy() * 100).toFixed(1)}%`);
}
console.log(`time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
