import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as kiln from 'kiln';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the tour (npm run tour) runs and prints NumPy-formatted results', () => {
  const out = execFileSync(process.execPath, ['--conditions=kiln-source', '--import', 'tsx', 'examples/tour.ts'], {
    cwd: root, encoding: 'utf8',
  });
  assert.match(out, /arr\[5:8\] = 12\n\[ 0 {2}1 {2}2 {2}3 {2}4 12 12 12 {2}8 {2}9\]/);
  assert.match(out, /np\.eye\(3\)\n\[\[1\. 0\. 0\.\]\n \[0\. 1\. 0\.\]\n \[0\. 0\. 1\.\]\]/);
  assert.match(out, /after v\[0, 0\] = 100, x\[0, 0\] is still 1/);
  assert.match(out, /eigenvalues of X\.T @ X\n\[ 0\.13393125 29\.86606875\]/);
});

/** Runs an example at a small size in a child process; resolves to what it printed on stdout. */
async function runExample(file: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath, ['--conditions=kiln-source', '--import', 'tsx', `examples/${file}`, ...args],
    { cwd: root, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 },
  );
  return stdout;
}

/** The `train loss` of each `epoch i/n:` line. */
function epochLosses(out: string): number[] {
  return [...out.matchAll(/^epoch \d+\/\d+: train loss ([\d.]+)/gm)].map((m) => Number(m[1]));
}

/** [at the start, at the end] from the language models' `loss: A at the start ..., B at the end`. */
function startAndEndLoss(out: string): [number, number] {
  const m = /^loss: ([\d.]+) at the start .*, ([\d.]+) at the end$/m.exec(out);
  assert.ok(m, `no loss summary in:\n${out}`);
  return [Number(m[1]), Number(m[2])];
}

test('the examples learn at a small size', async (t) => {
  await t.test('digits CNN (npm start): loss falls, beats chance, saves weights that load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-digits-'));
    try {
      const path = join(dir, 'digits-cnn.safetensors');
      const out = await runExample('digits-cnn.ts', ['--epochs', '3', '--limit', '400', '--out', path]);
      const losses = epochLosses(out);
      assert.equal(losses.length, 3, out);
      assert.ok(losses.at(-1)! < losses[0]!, `loss did not fall: ${losses.join(', ')}`);
      const accuracy = Number(/^test accuracy: ([\d.]+)%/m.exec(out)?.[1]);
      assert.ok(accuracy > 40, `test accuracy ${accuracy}% is too close to chance (10%)`);
      assert.match(out, /confusion matrix \(rows: true digit, columns: predicted digit\):\n +0 +1 +2 +3 +4 +5 +6 +7 +8 +9\n/);
      assert.match(out, /^time: [\d.]+ s/m);
      const weights = kiln.load(path);
      assert.deepEqual(Object.keys(weights).sort(), ['0.bias', '0.weight', '3.bias', '3.weight', '7.bias', '7.weight']);
      assert.deepEqual(weights['0.weight']!.shape, [32, 1, 3, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  await t.test('MLP: loss falls, beats chance', async () => {
    const out = await runExample('mlp.ts', ['--epochs', '6', '--limit', '500', '--hidden', '64']);
    const losses = epochLosses(out);
    assert.equal(losses.length, 6, out);
    assert.ok(losses.at(-1)! < losses[0]! / 2, `loss did not fall: ${losses.join(', ')}`);
    const accuracy = Number(/test accuracy ([\d.]+)%\n(?![\s\S]*test accuracy)/.exec(out)?.[1]);
    assert.ok(accuracy > 40, `test accuracy ${accuracy}% is too close to chance (10%)`);
  });

  await t.test('char LSTM: loss falls, and the same seed writes the same sample', async () => {
    const args = ['--steps', '25', '--hidden', '32', '--seq-len', '16', '--sample-length', '20'];
    const [out, again] = await Promise.all([runExample('char-lstm.ts', args), runExample('char-lstm.ts', args)]);
    const [start, end] = startAndEndLoss(out);
    assert.ok(end < start - 0.3, `loss fell only from ${start} to ${end}`);
    const sampleOf = (text: string): string | undefined => /^sample \(seed 0, temperature [\d.]+\):\n(.*)$/m.exec(text)?.[1];
    const sample = sampleOf(out);
    assert.ok(sample?.startsWith('The network ') && sample.length === 'The network '.length + 20, out);
    assert.equal(sampleOf(again), sample);
  });

  await t.test('tiny transformer: loss falls and it writes a sample', async () => {
    const args = ['--steps', '25', '--d-model', '32', '--layers', '1', '--block-size', '16', '--sample-length', '20'];
    const out = await runExample('tiny-transformer.ts', args);
    const [start, end] = startAndEndLoss(out);
    assert.ok(end < start - 0.3, `loss fell only from ${start} to ${end}`);
    assert.match(out, /^sample \(seed 0, temperature [\d.]+\):\nThe network ./m);
  });
});
