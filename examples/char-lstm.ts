/**
 * A character-level language model: an LSTM reads datasets/tiny-text.txt one character at a time
 * and learns to guess the next one; then it writes a few lines of its own, drawn with a seeded
 * generator (the same seed writes the same text).
 *
 *   npm run example:lstm
 *   npm run example:lstm -- --steps 20 --hidden 32     # a quick run (--help: the flags)
 */
import * as kiln from 'kiln';
import { nn, optim } from 'kiln';
import { loadCharText, windowSampler } from './char-text.js';
import { parseFlags } from './cli.js';


const args = parseFlags('a character-level LSTM language model on datasets/tiny-text.txt', {
  steps: { default: 250, help: 'training steps' },
  'batch-size': { default: 32, help: 'text windows per step' },
  'seq-len': { default: 32, help: 'characters per window' },
  hidden: { default: 128, help: "the LSTM's hidden size" },
  lr: { default: 0.01, help: 'the learning rate of Adam' },
  'sample-length': { default: 300, help: 'characters to write after training' },
  temperature: { default: 0.6, help: 'below 1 the sample plays safer, above 1 it takes more chances' },
  seed: { default: 0, help: 'seeds the weights, the batches and the sampler' },
});
const { steps, hidden, seed, temperature } = args;
const batchSize = args['batch-size'];
const seqLen = args['seq-len'];

const started = performance.now();
kiln.manualSeed(seed);

// The text as a tensor of character ids.
const { chars, id, encoded, vocab } = loadCharText();

/** Embedding -> LSTM -> a linear layer scoring every character as the next one. */
class CharLSTM extends nn.Module {
  embed = new nn.Embedding(vocab, 32);
  lstm = new nn.LSTM(32, hidden, { batchFirst: true });
  head = new nn.Linear(hidden, vocab);

  override forward(x: kiln.Tensor, state: [kiln.Tensor, kiln.Tensor] | null = null): [kiln.Tensor, [kiln.Tensor, kiln.Tensor]] {
    const [out, next] = this.lstm.forward(this.embed.forward(x), state);
    return [this.head.forward(out), next];
  }
}

const model = new CharLSTM();
const optimizer = new optim.Adam(model.parameters(), { lr: args.lr });
const lossFn = new nn.CrossEntropyLoss();
const batch = windowSampler(encoded, batchSize, seqLen, seed);

const every = Math.max(1, Math.floor(steps / 10));
let firstLoss = NaN;
let smoothed = NaN;
for (let step = 1; step <= steps; step++) {
  const [x, y] = batch();
  const [logits] = model.forward(x);
  const loss = lossFn.forward(logits.reshape(-1, vocab), y.reshape(-1));
  optimizer.zeroGrad();
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 1);
  optimizer.step();
  const value = loss.item() as number;
  if (step === 1) firstLoss = value;
  smoothed = Number.isNaN(smoothed) ? value : 0.9 * smoothed + 0.1 * value;
  if (step === 1 || step % every === 0 || step === steps) {
    console.log(`step ${step}/${steps}: loss ${value.toFixed(4)} (running mean ${smoothed.toFixed(4)})`);
  }
}
const trainSeconds = (performance.now() - started) / 1000;
console.log(`loss: ${firstLoss.toFixed(4)} at the start (ln ${vocab} = ${Math.log(vocab).toFixed(4)} is a blind guess), ${smoothed.toFixed(4)} at the end`);

// Writing: feed a prompt, then draw each next character from the softened scores and feed it back.
const sampler = new kiln.Generator().manualSeed(seed);
const prompt = 'The network ';
let sample = prompt;
model.eval();
kiln.noGrad(() => {
  let [logits, state] = model.forward(kiln.tensor([[...prompt].map((c) => id.get(c)!)], { dtype: 'int64' }));
  for (let i = 0; i < args['sample-length']; i++) {
    const last = logits.get([0, -1]).div(temperature).softmax(-1);
    const next = kiln.multinomial(last, 1, { generator: sampler });
    sample += chars[next.item() as number]!;
    [logits, state] = model.forward(next.reshape(1, 1), state);
  }
});
console.log(`\nsample (seed ${seed}, temperature ${temperature}):\n${sample}\n`);
console.log(`time: ${((performance.now() - started) / 1000).toFixed(1)} s (${trainSeconds.toFixed(1)} s to train ${steps} steps)`);
