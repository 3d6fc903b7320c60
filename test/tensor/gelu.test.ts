/**
 * GELU as one op: values, the GeluBackward0 node and its first and second derivatives against
 * PyTorch 1.13 (float64, from torch.nn.functional.gelu and torch.autograd.grad), in both forms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';

const X = [-5, -2.5, -1, -0.3, 0, 0.4, 1.2, 3, 6];
const W = [0.5, -1, 2, 1, -0.25, 0.75, 1.5, -2, 1];

const TORCH = {
  none: {
    y: [-1.4332578593401202e-06, -0.015524163314440398, -0.15865525393145702, -0.1146265733433142, 0.0, 0.2621686966441297, 1.0619163957339501, 2.99595030590511, 5.999999994080474],
    g: [-3.5734730009017323e-06, 0.03761108590814519, -0.1666309411753727, 0.26767223317289013, -0.125, 0.6020473482987402, 1.6769303936372209, -2.023891294408368, 1.0000000354687093],
    gg: [-1.7097274419444422e-05, 0.07449527709766629, 0.48394144903828673, 0.728450727529601, -0.19947114020071635, 0.5082127936185862, 0.1631162861858989, 0.06204587776713211, -2.0658001689399173e-07],
  },
  tanh: {
    y: [-2.2917961972623857e-07, -0.015084266089998577, -0.1588080093917233, -0.11462907645724074, 0.0, 0.2621611694273562, 1.0617027691378647, 2.996362607918227, 5.9999999999156035],
    g: [-7.731809939798113e-07, 0.03795157621266618, -0.16592816769156515, 0.26770454836119817, -0.125, 0.6019941258154211, 1.6765892020996689, -2.023168333261939, 1.0000000007709977],
    gg: [-4.967066112446861e-06, 0.07624539207361294, 0.48429639596754603, 0.7281484484339118, -0.19947114020071635, 0.5078607667811893, 0.16471448838296698, 0.06353531777214984, -6.824247144948227e-09],
  },
};

/** PyTorch's float64 gelu cancels in 1 + erf(x/√2) for negative x (kiln does not): 1e-9 relative. */
function close(got: kiln.Tensor, want: number[], label: string, abs = 1e-15): void {
  const g = got.tolist() as number[];
  want.forEach((w, i) => assert.ok(Math.abs(g[i]! - w) <= 1e-9 * Math.abs(w) + abs, `${label}[${i}]: ${g[i]} vs ${w}`));
}

for (const approximate of ['none', 'tanh'] as const) {
  test(`gelu ${approximate}: values, GeluBackward0 and two derivatives match PyTorch`, () => {
    const x = kiln.tensor(X, { dtype: 'float64', requiresGrad: true });
    const w = kiln.tensor(W, { dtype: 'float64' });
    const y = kiln.nn.functional.gelu(x, { approximate });
    assert.equal(y.gradFn?.name, 'GeluBackward0');
    close(y, TORCH[approximate].y, 'y');
    const [g] = kiln.autograd.grad(kiln.mul(y, w).sum(), [x], { createGraph: true });
    close(g!, TORCH[approximate].g, 'g');
    const [gg] = kiln.autograd.grad(g!.sum(), [x]);
    close(gg!, TORCH[approximate].gg, 'gg', 1e-14); // 1 - tanh² cancels at x = 6
  });

  test(`gelu ${approximate}: float32 (the native kernel when built) agrees with float64`, () => {
    const xs = kiln.linspace(-20, 20, 4001, { dtype: 'float32' }); // the same inputs in both dtypes
    const want = kiln.nn.functional.gelu(xs.to('float64'), { approximate }).tolist() as number[];
    const got = kiln.nn.functional.gelu(xs, { approximate }).tolist() as number[];
    const x = xs.tolist() as number[];
    got.forEach((v, i) => {
      const w = Math.fround(want[i]!);
      // the tanh form rounds its exponent 2u = 1.6x + 0.0714x³ in float32
      const rel = 1e-6 + (approximate === 'tanh' ? 1.2e-7 * Math.abs(1.6 * x[i]! + 0.0714 * x[i]! ** 3) : 0);
      assert.ok(Math.abs(v - w) <= rel * Math.abs(w) + 1e-30, `x = ${x[i]}: ${v} vs ${w}`);
    });
  });
}

test('gelu refuses an unknown approximation', () => {
  assert.throws(() => kiln.nn.functional.gelu(kiln.tensor([1]), { approximate: 'fast' as 'tanh' }), /approximate argument must be either none or tanh/);
});

test('gelu special values: inf, -inf (NaN, as PyTorch), NaN, -0', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const y = kiln.nn.functional.gelu(kiln.tensor([Infinity, -Infinity, NaN, -0], { dtype })).tolist() as number[];
    assert.equal(y[0], Infinity);
    assert.ok(Number.isNaN(y[1]) && Number.isNaN(y[2]));
    assert.ok(Object.is(y[3], -0));
  }
});
