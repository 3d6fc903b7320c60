/**
 * A tiny decoder-only transformer (GPT-style) language model on datasets/tiny-text.txt: character
 * and position embeddings, a stack of self-attention blocks under a causal mask (each position
 * sees only the characters before it), and a linear head scoring the next character. After
 * training it writes a few lines with a seeded sampler.
 *
 *   npm run example:transformer
 *   npm run example:transformer -- --steps 20 --d-model 32 --layers 1     # a quick run (--help: the flags)
 */
import * as kiln from 'kiln';
import { nn, optim } from 'kiln';
import { loadCharText, windowSampler } from './char-text.js';
import { parseFlags } from './cli.js';


const args = parseFlags('a tiny decoder-only transformer language model on datasets/tiny-text.txt', {
  steps: { default: 250, help: 'training steps' },
  'batch-size': { default: 32, help: 'text windows per step' },
  'block-size': { default: 32, help: 'characters the model sees at once' },
  'd-model': { default: 64, help: 'the width of the embeddings and of each block' },
  heads: { default: 4, help: 'attention heads per block' },
  layers: { default: 2, help: 'transformer blocks' },
  lr: { default: 0.02, help: 'the peak learning rate of AdamW' },
  'sample-length': { default: 300, help: 'characters to write after training' },
  temperature: { default: 0.6, help: 'below 1 the sample plays safer, above 1 it takes more chances' },
  seed: { default: 0, help: 'seeds the weights, the batches and the sampler' },
});
const { steps, heads, layers, lr, seed, temperature } = args;
const batchSize = args['batch-size'];
const blockSize = args['block-size'];
const dModel = args['d-model'];

const started = performance.now();
kiln.manualSeed(seed);

// The text as a tensor of character ids.
const { chars, id, encoded, vocab } = loadCharText();

class TinyTransformer extends nn.Module {
  tokens = new nn.Embedding(vocab, dModel);
  positions = new nn.Embedding(blockSize, dModel);
  blocks = new nn.TransformerEncoder(
    new nn.TransformerEncoderLayer(dModel, heads, {
      dimFeedforward: 2 * dModel, dropout: 0, activation: 'relu', batchFirst: true, normFirst: true,
    }),
    layers,
    { norm: new nn.LayerNorm(dModel) },
  );
  head = new nn.Linear(dModel, vocab);

  /** Scores (B, T, vocab) for the character after each position of x (B, T). */
  override forward(x: kiln.Tensor): kiln.Tensor {
    const t = x.shape[1]!;
    const h = this.tokens.forward(x).add(this.positions.forward(kiln.arange(t)));
    const mask = nn.generateSquareSubsequentMask(t);
    return this.head.forward(this.blocks.forward(h, { mask, isCausal: true }));
  }
}

const model = new TinyTransformer();
const parameterCount = model.parameters().reduce((n, p) => n + p.numel(), 0);
console.log(`model: ${parameterCount} parameters, ${layers} layers of ${heads}-head attention over ${blockSize} characters`);
const optimizer = new optim.AdamW(model.parameters(), { lr, weightDecay: 0.01 });
// a short linear warm-up, then cosine decay, chained as in PyTorch
const warmup = Math.max(1, Math.floor(steps / 10));
const scheduler = new optim.lrScheduler.SequentialLR(optimizer, [
  new optim.lrScheduler.LinearLR(optimizer, { startFactor: 0.1, totalIters: warmup }),
  new optim.lrScheduler.CosineAnnealingLR(optimizer, Math.max(1, steps - warmup), { etaMin: lr / 10 }),
], [warmup]);
const lossFn = new nn.CrossEntropyLoss();
const batch = windowSampler(encoded, batchSize, blockSize, seed);

const every = Math.max(1, Math.floor(steps / 10));
let firstLoss = NaN;
let smoothed = NaN;
for (let step = 1; step <= steps; step++) {
  const [x, y] = batch();
  const loss = lossFn.forward(model.forward(x).reshape(-1, vocab), y.reshape(-1));
  optimizer.zeroGrad();
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 1);
  optimizer.step();
  scheduler.step();
  const value = loss.item() as number;
  if (step === 1) firstLoss = value;
  smoothed = Number.isNaN(smoothed) ? value : 0.9 * smoothed + 0.1 * value;
  if (step === 1 || step % every === 0 || step === steps) {
    console.log(`step ${step}/${steps}: loss ${value.toFixed(4)} (running mean ${smoothed.toFixed(4)})`);
  }
}
const trainSeconds = (performance.now() - started) / 1000;
console.log(`loss: ${firstLoss.toFixed(4)} at the start (ln ${vocab} = ${Math.log(vocab).toFixed(4)} is a blind guess), ${smoothed.toFixed(4)} at the end`);

// Writing: the model sees at most blockSize characters, so it reads the last blockSize written.
const sampler = new kiln.Generator().manualSeed(seed);
const prompt = 'The network ';
const written = [...prompt].map((c) => id.get(c)!);
model.eval();
kiln.noGrad(() => {
  for (let i = 0; i < args['sample-length']; i++) {
    const context = kiln.tensor([written.slice(-blockSize)], { dtype: 'int64' });
    const last = model.forward(context).get([0, -1]).div(temperature).softmax(-1);
    written.push(kiln.multinomial(last, 1, { generator: sampler }).item() as number);
  }
});
console.log(`\nsample (seed ${seed}, temperature ${temperature}):\n${written.map((i) => chars[i]).join('')}\n`);
console.log(`time: ${((performance.now() - started) / 1000).toFixed(1)} s (${trainSeconds.toFixed(1)} s to train ${steps} steps)`);
