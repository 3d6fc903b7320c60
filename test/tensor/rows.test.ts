/**
 * The row paths of indexSelect, gather along the last dim and `t.get(index)` on dim 0 (whole rows
 * copied from a contiguous source) against the general positions path (taken for
 * non-contiguous sources), for values, dtypes, shapes, errors and gradients; and the node names.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';

type T = kiln.Tensor;

/** The same values in a non-contiguous tensor (a transposed copy, transposed back). */
const strided = (t: T): T => (t.ndim < 2 ? t.expand([2, ...t.shape]).get(0) : t.transpose(0, 1).contiguous().transpose(0, 1));

const idx = (values: number[], shape?: number[]): T => {
  const t = kiln.tensor(values, { dtype: 'int64' });
  return shape ? t.reshape(shape) : t;
};

describe('indexSelect', () => {
  const x = kiln.arange(24, { dtype: 'float32' }).reshape(2, 3, 4);

  it('matches the positions path along every dim', () => {
    for (const [dim, index] of [[0, [1, 0, 1]], [1, [2, 2, 0]], [2, [3, 0]], [-1, [1]], [1, []]] as [number, number[]][]) {
      const fast = x.indexSelect(dim, idx(index));
      const slow = strided(x).indexSelect(dim, idx(index));
      assert.ok(strided(x).isContiguous() === false);
      assert.deepEqual(fast.shape, slow.shape);
      assert.deepEqual(fast.tolist(), slow.tolist());
    }
  });

  it('every dtype, bit for bit', () => {
    for (const dtype of ['float64', 'float16', 'int64', 'int32', 'uint8', 'bool', 'int16'] as const) {
      const t = kiln.tensor([[1, -2], [3, 4], [-0, 6]]).to(dtype);
      assert.deepEqual(t.indexSelect(0, idx([2, 0])).tolist(), strided(t).indexSelect(0, idx([2, 0])).tolist(), dtype);
    }
    const big = kiln.tensor([2n ** 62n + 1n, -5n], { dtype: 'int64' } as never);
    assert.deepEqual(big.indexSelect(0, idx([1, 0])).tolist(), [-5, Number(2n ** 62n + 1n)]);
    const nan = kiln.tensor([NaN, 1], { dtype: 'float32' });
    assert.ok(Number.isNaN(nan.indexSelect(0, idx([0])).item()));
  });

  it('int32 indices, 0-d sources, errors', () => {
    assert.deepEqual(x.indexSelect(0, kiln.tensor([1], { dtype: 'int32' })).shape, [1, 3, 4]);
    assert.deepEqual(kiln.tensor(5).indexSelect(0, idx([0])).tolist(), 5);
    assert.throws(() => x.indexSelect(0, idx([2])), /index out of range in self/);
    assert.throws(() => x.indexSelect(0, idx([-1])), /index out of range in self/);
    assert.throws(() => x.indexSelect(0, idx([0, 1], [1, 2])), /Index is supposed to be a vector/);
  });

  it('gradients (repeated rows add up), and the node', () => {
    const w = kiln.randn([4, 3], { dtype: 'float64' }).requiresGrad_();
    const out = w.indexSelect(0, idx([1, 1, 3]));
    assert.equal(out.gradFn?.name, 'IndexSelectBackward0');
    out.sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[0, 0, 0], [2, 2, 2], [0, 0, 0], [1, 1, 1]]);
    assert.equal(kiln.autograd.gradcheck((t) => t!.indexSelect(1, idx([2, 0, 2])), [kiln.randn([2, 3], { dtype: 'float64' }).requiresGrad_()]), true);
  });
});

describe('get with an index tensor on dim 0', () => {
  const x = kiln.arange(12, { dtype: 'float64' }).reshape(4, 3);

  it('matches the positions path, with negative indices and n-d indices', () => {
    for (const index of [idx([3, -1, 0]), idx([1, 2, 0, -4], [2, 2]), idx([]), kiln.tensor([true, false, true, false])]) {
      assert.deepEqual(x.get(index).tolist(), strided(x).get(index).tolist());
      assert.deepEqual(x.get(index).shape, strided(x).get(index).shape);
    }
    assert.deepEqual(x.get([idx([2, 0]), ':']).tolist(), [[6, 7, 8], [0, 1, 2]]);
    assert.deepEqual(x.get([idx([2, 0]), '...']).tolist(), [[6, 7, 8], [0, 1, 2]]);
    assert.deepEqual(kiln.arange(5).get(idx([4, 0])).tolist(), [4, 0]);
  });

  it('out of bounds as PyTorch', () => {
    assert.throws(() => x.get(idx([4])), /index 4 is out of bounds for dimension 0 with size 4/);
    assert.throws(() => x.get(idx([-5])), /index -5 is out of bounds for dimension 0 with size 4/);
  });

  it('gradients and the node', () => {
    const w = kiln.arange(6, { dtype: 'float64' }).reshape(3, 2).requiresGrad_();
    const out = w.get(idx([2, 2, 0]));
    assert.equal(out.gradFn?.name, 'IndexBackward0');
    out.sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[1, 1], [0, 0], [2, 2]]);
  });
});

describe('gather along the last dim', () => {
  const x = kiln.arange(24, { dtype: 'float32' }).reshape(2, 3, 4);

  it('matches the positions path, with an index smaller than the source', () => {
    const index = idx([3, 0, 1, 1, 2, 2, 0, 3], [2, 2, 2]);
    assert.deepEqual(x.gather(-1, index).tolist(), strided(x).gather(-1, index).tolist());
    assert.deepEqual(x.gather(2, index).tolist(), [[[3, 0], [5, 5]], [[14, 14], [16, 19]]]);
    const one = kiln.tensor([5, 6, 7], { dtype: 'float64' });
    assert.deepEqual(one.gather(0, idx([2, 0, 0])).tolist(), [7, 5, 5]);
    assert.deepEqual(x.gather(-1, idx([], [2, 3, 0])).shape, [2, 3, 0]);
  });

  it('other dims keep the positions path', () => {
    const index = idx([0, 1, 1, 0], [2, 1, 2]);
    assert.deepEqual(x.gather(0, index).tolist(), [[[0, 13]], [[12, 1]]]);
  });

  it('errors, gradients and the node', () => {
    assert.throws(() => x.gather(2, idx([4], [1, 1, 1])), /index 4 is out of bounds for dimension 2 with size 4/);
    const w = kiln.randn([3, 4], { dtype: 'float64' }).requiresGrad_();
    const out = w.gather(1, idx([1, 1, 0, 3, 2, 2], [3, 2]));
    assert.equal(out.gradFn?.name, 'GatherBackward0');
    assert.equal(kiln.autograd.gradcheck((t) => t!.gather(1, idx([1, 1, 0, 3, 2, 2], [3, 2])), [w]), true);
  });
});

describe('embedding lookups take the row path', () => {
  it('nn.Embedding rows and their gradient', () => {
    const emb = new kiln.nn.Embedding(5, 3);
    const tokens = idx([4, 0, 4, 2], [2, 2]);
    const out = emb.forward(tokens);
    assert.deepEqual(out.shape, [2, 2, 3]);
    assert.deepEqual(out.get(0).get(0).tolist(), emb.weight.get(4).tolist());
    out.sum().backward();
    assert.deepEqual(emb.weight.grad!.sum(1).tolist(), [3, 0, 3, 0, 6]);
  });
});
