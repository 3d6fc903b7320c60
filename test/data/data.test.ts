/**
 * kiln.data: datasets, splits, the DataLoader (batching, seeded shuffling in PyTorch's order,
 * dropLast, collate, the TensorDataset fast path) and the progress display in non-TTY mode.
 *
 * The pinned orders come from PyTorch 1.13 (/usr/bin/python3), e.g.:
 *   ds = TensorDataset(torch.arange(10)); g = torch.Generator().manual_seed(0)
 *   dl = DataLoader(ds, batch_size=3, shuffle=True, generator=g)
 *   [[b[0].tolist() for b in dl] for epoch in range(3)]
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as kiln from 'kiln';

const { data } = kiln;

/** A loader's epochs as nested lists of the first tensor of each batch. */
function epochs(loader: Iterable<kiln.Tensor[]>, count: number): unknown[] {
  return Array.from({ length: count }, () => [...loader].map((batch) => batch[0]!.tolist()));
}

/** A Dataset that is not a TensorDataset, so the loader stacks items one by one. */
class Squares extends data.Dataset<[kiln.Tensor, number]> {
  gets = 0;
  constructor(private readonly n: number) {
    super();
  }
  get(i: number): [kiln.Tensor, number] {
    this.gets++;
    return [kiln.tensor([i, i * i], { dtype: 'float32' }), i % 3];
  }
  len(): number {
    return this.n;
  }
}

describe('datasets', () => {
  it('TensorDataset gives the i-th rows; checks first dimensions', () => {
    const x = kiln.arange(12).reshape(4, 3);
    const y = kiln.tensor([5, 6, 7, 8]);
    const ds = new data.TensorDataset(x, y);
    assert.equal(ds.length, 4);
    assert.equal(ds.len(), 4);
    const [xi, yi] = ds.get(2);
    assert.deepEqual(xi!.tolist(), [6, 7, 8]);
    assert.equal(yi!.item(), 7);
    assert.deepEqual(ds.get(-1)[1]!.item(), 8);
    assert.throws(() => ds.get(4), /index 4 is out of bounds for a TensorDataset of length 4/);
    assert.throws(() => new data.TensorDataset(x, kiln.tensor([1, 2])), /Size mismatch between tensors: first dimensions are \[4, 2\]/);
    assert.equal([...ds].length, 4);
  });

  it('Subset views a dataset through indices (an array or a tensor)', () => {
    const ds = new Squares(10);
    const sub = new data.Subset(ds, [7, 2, 9]);
    assert.equal(sub.length, 3);
    assert.deepEqual(sub.get(0)[0].tolist(), [7, 49]);
    assert.deepEqual(sub.get(-1)[0].tolist(), [9, 81]);
    const fromTensor = new data.Subset(['a', 'b', 'c'], kiln.tensor([2, 0]));
    assert.deepEqual([...fromTensor], ['c', 'a']);
    assert.throws(() => sub.get(3), /out of bounds for a Subset of length 3/);
    assert.throws(() => new data.Subset({} as never, [0]), /expected a Dataset/);
  });
});

describe('randomSplit (PyTorch 1.13 order)', () => {
  const indices = (subsets: kiln.data.Subset<unknown>[]): number[][] => subsets.map((s) => [...s.indices]);

  it('counts', () => {
    const parts = data.randomSplit([...Array(10).keys()], [3, 7], { generator: new kiln.Generator().manualSeed(42) });
    assert.deepEqual(indices(parts), [[2, 6, 1], [8, 4, 5, 0, 9, 3, 7]]);
    assert.deepEqual([...parts[0]!], [2, 6, 1]);
  });

  it('fractions, remainders handed out round-robin', () => {
    const split = (n: number, fracs: number[], seed: number): number[][] =>
      indices(data.randomSplit([...Array(n).keys()], fracs, { generator: new kiln.Generator().manualSeed(seed) }));
    assert.deepEqual(split(30, [0.3, 0.3, 0.4], 42), [
      [12, 0, 6, 25, 8, 15, 10, 18, 16], [23, 28, 26, 20, 7, 21, 22, 29, 13], [14, 2, 4, 1, 9, 11, 17, 19, 27, 5, 24, 3],
    ]);
    assert.deepEqual(split(11, [0.5, 0.5], 5), [[9, 5, 0, 8, 10, 2], [3, 6, 7, 1, 4]]);
    assert.deepEqual(split(7, [0.1, 0.2, 0.7], 5), [[1], [0, 4], [2, 6, 5, 3]]);
  });

  it('refuses lengths that do not add up', () => {
    assert.throws(() => data.randomSplit([1, 2, 3], [1, 1]), /Sum of input lengths does not equal the length of the input dataset/);
    assert.throws(() => data.randomSplit([1, 2, 3], [0.5, 0.6]), /lengths must be non-negative integers or fractions summing to 1/);
  });
});

describe('DataLoader', () => {
  const ten = new data.TensorDataset(kiln.arange(10));

  it('batches in order; length counts batches; dropLast', () => {
    const loader = new data.DataLoader(ten, { batchSize: 4 });
    assert.equal(loader.length, 3);
    assert.deepEqual(epochs(loader, 1), [[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]]);
    const dropped = new data.DataLoader(ten, { batchSize: 4, dropLast: true });
    assert.equal(dropped.length, 2);
    assert.deepEqual(epochs(dropped, 1), [[[0, 1, 2, 3], [4, 5, 6, 7]]]);
    assert.equal(new data.DataLoader(ten).length, 10);
  });

  it('shuffles as PyTorch does with a seeded generator, epoch after epoch', () => {
    const loader = new data.DataLoader(ten, { batchSize: 3, shuffle: true, generator: new kiln.Generator().manualSeed(0) });
    assert.deepEqual(epochs(loader, 3), [
      [[3, 7, 5], [2, 0, 8], [1, 6, 9], [4]],
      [[1, 3, 2], [7, 5, 9], [0, 6, 4], [8]],
      [[6, 8, 5], [7, 2, 4], [1, 0, 3], [9]],
    ]);
    const dropLast = new data.DataLoader(ten, { batchSize: 3, shuffle: true, dropLast: true, generator: new kiln.Generator().manualSeed(1) });
    assert.deepEqual(epochs(dropLast, 2), [
      [[4, 6, 9], [2, 3, 1], [0, 7, 8]],
      [[6, 8, 5], [1, 3, 7], [2, 4, 0]],
    ]);
  });

  it('without a generator, follows manualSeed and leaves the global generator where PyTorch does', () => {
    kiln.manualSeed(0);
    const loader = new data.DataLoader(ten, { batchSize: 3, shuffle: true });
    assert.deepEqual(epochs(loader, 2), [
      [[6, 7, 1], [4, 2, 0], [9, 8, 3], [5]],
      [[2, 4, 7], [0, 8, 9], [5, 3, 6], [1]],
    ]);
    assert.deepEqual(kiln.rand(2).tolist(), [0.455627977848053, 0.6323062777519226]);
    // an unshuffled loader draws its (unused) worker seed too, as PyTorch's does
    kiln.manualSeed(3);
    for (const batch of new data.DataLoader(ten, { batchSize: 4 })) void batch;
    assert.deepEqual(kiln.rand(2).tolist(), [0.2858424782752991, 0.026954829692840576]);
  });

  it('same seed, same order; different seeds differ', () => {
    const run = (seed: number): unknown[] =>
      epochs(new data.DataLoader(ten, { batchSize: 5, shuffle: true, generator: new kiln.Generator().manualSeed(seed) }), 2);
    assert.deepEqual(run(123), run(123));
    assert.notDeepEqual(run(123), run(124));
  });

  it('stacks items of a plain Dataset (default collate) and agrees with the TensorDataset fast path', () => {
    const squares = new Squares(7);
    const loader = new data.DataLoader(squares, { batchSize: 3 });
    const batches = [...loader];
    assert.equal(batches.length, 3);
    const [x, y] = batches[0]!;
    assert.deepEqual(x.shape, [3, 2]);
    assert.equal(x.dtype, 'float32');
    assert.deepEqual(x.tolist(), [[0, 0], [1, 1], [2, 4]]);
    assert.equal(y.dtype, 'int64');
    assert.deepEqual(y.tolist(), [0, 1, 2]);
    assert.equal(squares.gets, 7);

    const xs = kiln.stack([...Array(7).keys()].map((i) => kiln.tensor([i, i * i], { dtype: 'float32' })));
    const fast = new data.DataLoader(new data.TensorDataset(xs, kiln.tensor([0, 1, 2, 0, 1, 2, 0])), {
      batchSize: 3, shuffle: true, generator: new kiln.Generator().manualSeed(9),
    });
    const slow = new data.DataLoader(squares, { batchSize: 3, shuffle: true, generator: new kiln.Generator().manualSeed(9) });
    const a = [...fast].map((b) => b.map((t) => t.tolist()));
    const b = [...slow].map((bb) => bb.map((t) => t.tolist()));
    assert.deepEqual(a, b);
  });

  it('fast path through Subsets of a TensorDataset (randomSplit) gives fresh tensors', () => {
    const x = kiln.arange(20).reshape(10, 2).float();
    const ds = new data.TensorDataset(x, kiln.arange(10));
    const [train] = data.randomSplit(ds, [0.6, 0.4], { generator: new kiln.Generator().manualSeed(42) });
    const loader = new data.DataLoader(train!, { batchSize: 4 });
    const want = train!.indices.map((i) => [2 * i, 2 * i + 1]);
    const got = [...loader].flatMap(([xb]) => xb!.tolist() as number[][]);
    assert.deepEqual(got, want);
    const [first] = [...new data.DataLoader(ds, { batchSize: 2 })];
    first![0]!.fill_(-1);
    assert.equal(x.get('0, 0').item(), 0, 'a batch does not share memory with the dataset');
  });

  it('fast path agrees with stacking for every layout and dtype, and keeps grad-requiring tensors in the graph', () => {
    kiln.manualSeed(2);
    const ds = new data.TensorDataset(
      kiln.randn(3, 6).t(), // non-contiguous
      kiln.randn(6, 2, 3).half(),
      kiln.arange(6).to('int32'),
      kiln.tensor([true, false, true, true, false, false]),
      kiln.randn(6, 2).requiresGrad_(),
    );
    const options = { batchSize: 4, shuffle: true } as const;
    const fast = [...new data.DataLoader(ds, { ...options, generator: new kiln.Generator().manualSeed(3) })];
    const slow = [...new data.DataLoader(ds, {
      ...options, generator: new kiln.Generator().manualSeed(3), collate: (items) => data.defaultCollate(items),
    })];
    assert.equal(fast.length, 2);
    fast.forEach((batch, i) => batch.forEach((t, j) => {
      assert.equal(t.dtype, slow[i]![j]!.dtype);
      assert.deepEqual(t.tolist(), slow[i]![j]!.tolist(), `batch ${i}, tensor ${j}`);
    }));
    assert.ok(fast[0]![4]!.requiresGrad && fast[0]![4]!.gradFn !== null, 'the batch of a grad-requiring tensor has a gradFn');
  });

  it('default collate: numbers, booleans, strings, nested arrays and objects', () => {
    const items = [
      { id: 1, score: 0.5, ok: true, name: 'a', pair: [kiln.tensor([1, 2]), 3] },
      { id: 2, score: 1, ok: false, name: 'b', pair: [kiln.tensor([4, 5]), 6] },
    ];
    const [batch] = [...new data.DataLoader(items, { batchSize: 2 })];
    const { id, score, ok, name, pair } = batch!;
    assert.equal(id.dtype, 'int64');
    assert.equal(score.dtype, 'float64');
    assert.deepEqual(score.tolist(), [0.5, 1]);
    assert.equal(ok.dtype, 'bool');
    assert.deepEqual(name, ['a', 'b']);
    assert.deepEqual(pair[0].tolist(), [[1, 2], [4, 5]]);
    assert.deepEqual(pair[1].tolist(), [3, 6]);
    assert.throws(() => data.defaultCollate([kiln.zeros(2), kiln.zeros(3)]), /stack expects each tensor to be equal size/);
    assert.throws(() => data.defaultCollate([[1, 2], [3]]), /each element in list of batch should be of equal size/);
    assert.throws(() => data.defaultCollate([new Map()]), /batch must contain tensors/);
  });

  it('a custom collate gets the list of items', () => {
    const loader = new data.DataLoader(new Squares(5), {
      batchSize: 2,
      collate: (items) => items.map(([, label]) => label).join(','),
    });
    assert.deepEqual([...loader], ['0,1', '2,0', '1']);
  });

  it('RandomSampler matches PyTorch with replacement and with numSamples', () => {
    const withReplacement = new data.RandomSampler([...Array(10).keys()], {
      replacement: true, numSamples: 40, generator: new kiln.Generator().manualSeed(9),
    });
    assert.equal(withReplacement.length, 40);
    assert.deepEqual([...withReplacement], [
      0, 8, 4, 7, 2, 8, 7, 8, 3, 1, 8, 4, 1, 2, 6, 5, 4, 9, 1, 1, 3, 0, 8, 2, 6, 3, 0, 2, 4, 5, 2, 0, 8, 8, 0, 0, 6, 8, 5, 2,
    ]);
    const more = new data.RandomSampler([0, 1, 2, 3], { numSamples: 10, generator: new kiln.Generator().manualSeed(9) });
    assert.deepEqual([...more], [2, 0, 1, 3, 1, 3, 2, 0, 3, 2]);
    kiln.manualSeed(11);
    const fresh = new data.RandomSampler([...Array(6).keys()]);
    assert.deepEqual([[...fresh], [...fresh]], [[1, 4, 2, 0, 5, 3], [2, 4, 0, 1, 5, 3]]);
  });

  it('a sampler option gives the order; options are checked', () => {
    const loader = new data.DataLoader(ten, { batchSize: 2, sampler: [9, 0, 5] });
    assert.deepEqual(epochs(loader, 1), [[[9, 0], [5]]]);
    assert.equal(loader.length, 2);
    assert.throws(() => new data.DataLoader(ten, { batchSize: 0 }), /batch_size should be a positive integer value, but got batch_size=0/);
    assert.throws(() => new data.DataLoader(ten, { shuffle: true, sampler: [0] }), /mutually exclusive with shuffle/);
    assert.throws(() => new data.DataLoader(42 as never), /expected a Dataset/);
  });
});

describe('progress', () => {
  /** A non-TTY stream that keeps what is written. */
  const capture = (): { stream: kiln.data.ProgressStream; text: () => string } => {
    let out = '';
    return { stream: { write: (s: string) => { out += s; }, isTTY: false }, text: () => out };
  };

  it('writes a plain line at every tenth of the total when not a TTY', () => {
    const { stream, text } = capture();
    const bar = data.progress([...Array(50).keys()], { desc: 'train', stream });
    for (const i of bar) if (i === 49) bar.setPostfix({ loss: 0.123456789 });
    const lines = text().trimEnd().split('\n');
    assert.equal(lines.length, 10);
    assert.ok(!text().includes('\r') && !text().includes('\x1b'), 'no terminal control characters');
    assert.match(lines[0]!, /^train: 5\/50 \(10%\) \[\d\d:\d\d<[\d:?]+, [\d.?]+(it\/s|s\/it)\]$/);
    assert.match(lines[9]!, /^train: 50\/50 \(100%\) \[\d\d:\d\d<00:00, [\d.]+(it\/s|s\/it), loss=0\.1235\]$/);
  });

  it('takes its total from a DataLoader, closes on break, and works without a total', () => {
    const { stream, text } = capture();
    const loader = new data.DataLoader(new data.TensorDataset(kiln.arange(10)), { batchSize: 2 });
    const bar = data.progress(loader, { stream });
    assert.equal(bar.total, 5);
    for (const [x] of bar) if (x!.get(0).item() === 4) break;
    assert.match(text().trimEnd().split('\n').at(-1)!, /^2\/5 \(40%\)/);

    const free = capture();
    const manual = new data.ProgressBar(null, { stream: free.stream, desc: 'steps' });
    manual.update(3);
    manual.close();
    assert.match(free.text(), /^steps: 3it \[\d\d:\d\d, [\d.]+(it\/s|s\/it)\]\n$/);
  });

  it('on a TTY draws one updating line with a bar', () => {
    let out = '';
    const stream = { write: (s: string) => { out += s; }, isTTY: true, columns: 100 };
    const bar = new data.ProgressBar(null, { total: 4, stream, desc: 'epoch 1' });
    bar.update(2);
    bar.setPostfix({ loss: kiln.tensor(0.5) });
    bar.update(2);
    bar.close();
    assert.ok(out.startsWith('\r'));
    assert.ok(out.endsWith('\n'));
    assert.equal(out.split('\n').length, 2, 'one line');
    assert.match(out, /epoch 1: 100%\|█+\| 4\/4 \[\d\d:\d\d<00:00, [\d.]+it\/s, loss=0\.5\]/);
  });

  it('formats lines deterministically', () => {
    const s = { n: 45, total: 100, elapsed: 2.5, desc: 'd', postfix: { loss: '0.25' } };
    assert.equal(data.formatProgress(s), 'd: 45/100 (45%) [00:02<00:03, 18.00it/s, loss=0.25]');
    assert.equal(data.formatProgress(s, 10), 'd:  45%|████▌     | 45/100 [00:02<00:03, 18.00it/s, loss=0.25]');
    assert.equal(data.formatProgress({ n: 1, total: 10, elapsed: 4 }), '1/10 (10%) [00:04<00:36, 4.00s/it]');
    assert.equal(data.formatProgress({ n: 0, total: 10, elapsed: 0 }), '0/10 (0%) [00:00<?, ?it/s]');
  });
});
