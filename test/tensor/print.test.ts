/**
 * The tensor display against PyTorch 1.13's repr() (test/fixtures/torch_print.json, made by
 * scripts/fixtures_torch/print.py). kiln spells the suffixes its own way; toKilnSpelling below is
 * the whole of the difference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as kiln from 'kiln';
import { type EncodedArray, decodeArray, decodeValue, loadFixture } from '../helpers.js';

interface Build { requiresGrad?: boolean; ops?: string[]; defaultDtype?: string }
interface PrintCase { name: string; input: EncodedArray; build?: Build; repr: string }

const fixture = loadFixture<PrintCase>('torch_print');

/**
 * PyTorch's text with kiln's spellings: `requires_grad=True` -> `requiresGrad=true`,
 * `grad_fn=<X>` -> `gradFn=<X>`, `dtype=torch.X` -> `dtype=X`. Nothing else changes: kiln breaks
 * lines where PyTorch does (it measures suffixes by PyTorch's spelling).
 */
function toKilnSpelling(torchRepr: string): string {
  return torchRepr
    .replaceAll('requires_grad=True', 'requiresGrad=true')
    .replaceAll('grad_fn=<', 'gradFn=<')
    .replace(/dtype=torch\.(\w+)/g, 'dtype=$1');
}

/** The ops a fixture case may apply (the same table as OPS in the generator). */
const OPS: Record<string, (x: kiln.Tensor) => kiln.Tensor> = {
  add1: (x) => x.add(1),
  sub1: (x) => x.sub(1),
  mul2: (x) => x.mul(2),
  div2: (x) => x.div(2),
  neg: (x) => x.neg(),
  abs: (x) => x.abs(),
  relu: (x) => x.relu(),
  sum: (x) => x.sum(),
  sum0: (x) => x.sum(0),
  mean: (x) => x.mean(),
  clone: (x) => x.clone(),
  double: (x) => x.double(),
  float: (x) => x.float(),
  reshape: (x) => x.reshape(-1),
  view: (x) => x.view(-1),
  flatten: (x) => x.flatten(),
  t: (x) => x.t(),
  transpose01: (x) => x.transpose(0, 1),
  permute: (x) => x.permute(x.shape.map((_, i) => x.ndim - 1 - i)),
  unsqueeze0: (x) => x.unsqueeze(0),
  squeeze: (x) => x.squeeze(),
  expand2: (x) => x.expand([2, ...x.shape]),
  narrow: (x) => x.narrow(-1, 1, x.shape[x.ndim - 1]! - 1),
  detach: (x) => x.detach(),
};

/** The leaf a case describes: its data with its dtype and shape. */
function leaf(input: EncodedArray): kiln.Tensor {
  if (input.dtype === 'bfloat16') {
    // NumPy has no bfloat16: the exact values go through float64
    const values = input.data.map(decodeValue) as number[];
    return kiln.tensor(values, { dtype: 'bfloat16' as never }).reshape(input.shape);
  }
  return kiln.tensor(decodeArray(input));
}

/** The tensor a case prints, and kiln's repr of it (made under the case's default dtype). */
function kilnRepr(c: PrintCase): string {
  const previous = kiln.getDefaultDtype();
  if (c.build?.defaultDtype) kiln.setDefaultDtype(c.build.defaultDtype as never);
  try {
    let x = leaf(c.input);
    if (c.build?.requiresGrad) x.requiresGrad_();
    for (const op of c.build?.ops ?? []) x = OPS[op]!(x);
    return String(x);
  } finally {
    kiln.setDefaultDtype(previous);
  }
}

function hasBfloat16(): boolean {
  try {
    return kiln.tensor([1], { dtype: 'bfloat16' as never }).dtype === ('bfloat16' as never);
  } catch {
    return false;
  }
}

/** Masks the node name of a gradFn suffix: which node an op records is the op's business. */
const maskGradFn = (s: string): string => s.replace(/gradFn=<\w+>/g, 'gradFn=<...>');

interface Outcome { name: string; got: string; want: string }

/** kiln's repr and PyTorch's (in kiln's spelling) for each case; a throw counts as a mismatch. */
function outcomes(cases: readonly PrintCase[]): Outcome[] {
  return cases.map((c) => {
    let got: string;
    try {
      got = kilnRepr(c);
    } catch (e) {
      got = `threw ${(e as Error).message}`;
    }
    return { name: c.name, got, want: toKilnSpelling(c.repr) };
  });
}

function assertSame(results: readonly Outcome[], mask: (s: string) => string = (s) => s): void {
  const failures = results
    .filter((r) => mask(r.got) !== mask(r.want))
    .map((r) => `${r.name}:\n${r.got}\nPyTorch (kiln spelling):\n${r.want}`);
  assert.equal(failures.length, 0, `${failures.length} of ${results.length} differ:\n\n${failures.slice(0, 10).join('\n\n')}`);
}

const isBfloat16 = (c: PrintCase): boolean => c.input.dtype === 'bfloat16';
const results = outcomes(fixture.cases.filter((c) => !isBfloat16(c)));

test('repr matches PyTorch on every fixture case', () => {
  assert.ok(results.length > 300);
  // the layout, values and suffixes; the names of the graph nodes are checked below
  assertSame(results, maskGradFn);
});

test('bfloat16 tensors print as PyTorch prints them', { skip: hasBfloat16() ? false : 'kiln has no bfloat16 dtype yet' }, () => {
  assertSame(outcomes(fixture.cases.filter(isBfloat16)));
});

// The node names come from the ops (src/tensor/ops), not from the printer, and are PyTorch
// 1.13's: SumBackward0 for sum() and SumBackward1 for sum(dim), MeanBackward0/1 likewise,
// TBackward0, TransposeBackward0, SliceBackward0 for narrow, and ReshapeAliasBackward0 for a
// reshape/flatten that can be a view (PyTorch 2 records ViewBackward0 there; kiln follows 1.13,
// the version of its fixtures).
test('gradFn names match PyTorch', () => {
  assertSame(results);
});

test('gradFn names of ops outside the print fixture match PyTorch 1.13', () => {
  const x = kiln.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const v = kiln.tensor([1, 2, 3], { requiresGrad: true });
  const y = x.mul(1);
  const names: [kiln.Tensor, string][] = [
    [y.sum(), 'SumBackward0'], [y.sum(0), 'SumBackward1'], [y.sum([0, 1]), 'SumBackward1'],
    [y.sum(undefined, false, { dtype: 'float64' }), 'SumBackward0'],
    [y.mean(), 'MeanBackward0'], [y.mean(1), 'MeanBackward1'],
    [y.t(), 'TBackward0'], [v.t(), 'TBackward0'], [y.transpose(0, 1), 'TransposeBackward0'],
    [y.narrow(1, 1, 2), 'SliceBackward0'], [y.reshape(-1), 'ReshapeAliasBackward0'],
    [y.t().reshape(-1), 'UnsafeViewBackward0'], [y.view(-1), 'ViewBackward0'], [y.flatten(), 'ReshapeAliasBackward0'],
    [v.dot(v), 'DotBackward0'], [y.mv(v), 'MvBackward0'], [kiln.matmul(v, v), 'DotBackward0'], [kiln.matmul(y, v), 'MvBackward0'],
    [y.mm(y.t()), 'MmBackward0'], [y.unsqueeze(0).squeeze(), 'SqueezeBackward0'], [y.unsqueeze(0).squeeze(0), 'SqueezeBackward1'],
    [kiln.stack([v, v]), 'StackBackward0'], [kiln.cat([v, v]), 'CatBackward0'],
    [kiln.addcmul(v, v, v), 'AddcmulBackward0'], [kiln.addcdiv(v, v, v), 'AddcdivBackward0'],
    [kiln.lerp(v, v, 0.5), 'LerpBackward0'], [kiln.lerp(v, v, v), 'LerpBackward1'],
  ];
  for (const [t, name] of names) assert.equal(t.gradFn?.name, name);
});

test('the spelling map is all that differs from PyTorch', () => {
  assert.equal(
    toKilnSpelling('tensor([1., 2.], dtype=torch.float64, requires_grad=True)'),
    'tensor([1., 2.], dtype=float64, requiresGrad=true)',
  );
  assert.equal(toKilnSpelling('tensor(3., grad_fn=<SumBackward0>)'), 'tensor(3., gradFn=<SumBackward0>)');
});

test('the examples of the brief', () => {
  assert.equal(String(kiln.tensor([[1, 2]], { requiresGrad: true })), 'tensor([[1., 2.]], requiresGrad=true)');
  assert.equal(String(kiln.tensor([1.23456789, 2])), 'tensor([1.2346, 2.0000])');
  assert.equal(String(kiln.tensor([1e10, 1.5])), 'tensor([1.0000e+10, 1.5000e+00])');
  assert.equal(String(kiln.tensor(3.5)), 'tensor(3.5000)');
  assert.equal(String(kiln.tensor([1, 2, 3])), 'tensor([1, 2, 3])');
  assert.equal(String(kiln.tensor([true, false])), 'tensor([ True, False])');
  assert.equal(String(kiln.tensor([NaN, Infinity, -Infinity, 1])), 'tensor([nan, inf, -inf, 1.])');
  assert.equal(String(kiln.tensor([], { dtype: 'float32' })), 'tensor([])');
  assert.equal(String(kiln.zeros(0, 3)), 'tensor([], size=(0, 3))');
  assert.equal(String(kiln.tensor([1.5, 2], { dtype: 'float64' })), 'tensor([1.5000, 2.0000], dtype=float64)');
  assert.equal(String(kiln.tensor([1, 2], { dtype: 'float16' })), 'tensor([1., 2.], dtype=float16)');
  assert.equal(String(kiln.tensor([1, 2], { dtype: 'int32' })), 'tensor([1, 2], dtype=int32)');
  const x = kiln.tensor([1, 2], { requiresGrad: true });
  assert.equal(String(x.add(1)), 'tensor([2., 3.], gradFn=<AddBackward0>)');
  assert.equal(String(kiln.zeros(2000)), `tensor([0., 0., 0.,  ..., 0., 0., 0.])`);
});

test('Python rounds half to even; so does kiln', () => {
  // 1.03125 and 2.34375 are exact ties at the 4th decimal (JS's toFixed would round them up)
  assert.equal(String(kiln.tensor([1.03125, 2.34375])), 'tensor([1.0312, 2.3438])');
  // float64 subnormals: their exact value, not their shortest digits
  assert.equal(String(kiln.tensor([5e-324, 1], { dtype: 'float64' })), 'tensor([4.9407e-324,  1.0000e+00], dtype=float64)');
});

test('console.log and util.inspect show the repr', () => {
  const t = kiln.tensor([[1, 2]], { requiresGrad: true });
  assert.equal(inspect(t), 'tensor([[1., 2.]], requiresGrad=true)');
  assert.equal(inspect({ t }), '{ t: tensor([[1., 2.]], requiresGrad=true) }');
  assert.equal(`${kiln.tensor([1, 2])}`, 'tensor([1, 2])');
});
