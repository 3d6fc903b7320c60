/**
 * Optimizers, LR schedules and gradient clipping, pinned to PyTorch 1.13 by
 * test/fixtures/torch_optim.json (made by scripts/fixtures_torch/optim_fixtures.py): parameter
 * trajectories of every optimizer and option set on a tiny linear regression, the state dict
 * PyTorch ends with, a stateDict round trip that must continue the same trajectory, the lr
 * sequence of every schedule, and clipped gradients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { assertMatches, decodeArray, decodeValue, loadFixture, type EncodedArray, type EncodedValue } from '../helpers.js';

const { nn, optim } = kiln;
const { lrScheduler } = optim;
type Tensor = kiln.Tensor;
type Optimizer = kiln.optim.Optimizer;

interface Trajectory {
  name: string;
  optimizer: string;
  dtype: 'float32' | 'float64';
  steps: number;
  closure: boolean;
  options?: Record<string, unknown>;
  groups?: ({ params: ('W' | 'b')[] } & Record<string, unknown>)[];
  params: [EncodedArray, EncodedArray][];
  losses: number[];
  state: { state: Record<string, Record<string, EncodedArray | number | null>>; param_groups: Record<string, unknown>[] };
}

interface SchedulerSpec { scheduler: string; args?: unknown[]; options?: Record<string, unknown> }

interface Schedule {
  name: string;
  spec: SchedulerSpec;
  optimizer: string;
  options: Record<string, unknown>;
  groups: { lr: number }[];
  steps: number;
  lrs: number[][];
  momenta?: (number | null)[][];
  metrics?: number[];
  error?: string | null;
}

interface Clipping {
  name: string;
  fn: 'clipGradNorm_' | 'clipGradValue_';
  grads: EncodedArray[];
  args: number[];
  options: Record<string, EncodedValue | boolean>;
  total?: EncodedArray;
  clipped?: EncodedArray[];
  error?: string;
}

interface Fixture {
  problem: Record<'W' | 'b' | 'X' | 'Y', EncodedArray>;
  trajectories: Trajectory[];
  schedules: Schedule[];
  clipping: Clipping[];
}

const fx = loadFixture<Fixture>('torch_optim').cases[0]!;

const OPTIMIZERS = optim as unknown as Record<string, new (params: unknown, options?: Record<string, unknown>) => Optimizer>;

function tolerance(dtype: string): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
}

// ---- trajectories ----------------------------------------------------------------------------------

/** The regression problem in `dtype`, starting from `start` ([W, b]) or the fixture's initial values. */
function setup(c: Trajectory, start?: [Tensor, Tensor]) {
  const data = (e: EncodedArray): Tensor => kiln.tensor(decodeArray(e)).to(c.dtype);
  const W = start ? start[0].detach().clone().requiresGrad_() : data(fx.problem.W).requiresGrad_();
  const b = start ? start[1].detach().clone().requiresGrad_() : data(fx.problem.b).requiresGrad_();
  const x = data(fx.problem.X);
  const y = data(fx.problem.Y);
  const named = { W, b };
  const params = c.groups ? c.groups.map((g) => ({ ...g, params: g.params.map((n) => named[n]) })) : [W, b];
  const opt = new OPTIMIZERS[c.optimizer]!(params, c.options);
  const compute = (): Tensor => {
    opt.zeroGrad();
    const loss = x.matmul(W.t()).add(b).sub(y).pow(2).mean();
    loss.backward();
    return loss;
  };
  /** One optimizer step as the fixture took it; returns the loss before it. */
  const step = (): number => {
    if (c.closure) return Number((opt.step(compute) as Tensor).item());
    const loss = compute();
    opt.step();
    return Number(loss.item());
  };
  return { W, b, opt, step };
}

function checkParams(c: Trajectory, W: Tensor, b: Tensor, i: number): void {
  const tol = tolerance(c.dtype);
  assertMatches(W.detach().numpy(), c.params[i]![0], tol, `W after step ${i + 1}`);
  assertMatches(b.detach().numpy(), c.params[i]![1], tol, `b after step ${i + 1}`);
}

for (const c of fx.trajectories) {
  test(`trajectory: ${c.name}`, () => {
    const { W, b, opt, step } = setup(c);
    for (let i = 0; i < c.steps; i++) {
      const loss = step();
      assert.ok(Math.abs(loss - c.losses[i]!) <= 1e-5 * Math.abs(c.losses[i]!) + 1e-7, `loss before step ${i + 1}: ${loss} vs ${c.losses[i]}`);
      checkParams(c, W, b, i);
    }
    assert.ok(W.isLeaf && W.requiresGrad && W.gradFn === null, 'parameters stay leaves that require grad');

    // the state dict has PyTorch's layout, keys and values
    const sd = opt.stateDict();
    assert.deepEqual(sd.param_groups, c.state.param_groups);
    assert.deepEqual(Object.keys(sd.state), Object.keys(c.state.state));
    for (const [i, want] of Object.entries(c.state.state)) {
      const got = sd.state[Number(i)]!;
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `state keys of param ${i}`);
      for (const [k, v] of Object.entries(want)) {
        const g = got[k];
        if (v === null || typeof v === 'number') assert.equal(g, v, `${k} of param ${i}`);
        else assertMatches((g as Tensor).numpy(), v, k === 'step' ? {} : tolerance(c.dtype), `${k} of param ${i}`);
      }
    }
  });

  test(`stateDict round trip: ${c.name}`, () => {
    const half = Math.floor(c.steps / 2);
    const first = setup(c);
    for (let i = 0; i < half; i++) first.step();
    const saved = first.opt.stateDict();
    const second = setup(c, [first.W, first.b]);
    second.opt.loadStateDict(saved);
    // the loaded state is a copy: the first optimizer going on doesn't touch it
    first.step();
    for (let i = half; i < c.steps; i++) {
      second.step();
      checkParams(c, second.W, second.b, i);
    }
  });
}

// ---- schedules -------------------------------------------------------------------------------------

const LAMBDAS: Record<string, (epoch: number) => number> = {
  pow95: (e) => 0.95 ** e,
  inverse: (e) => 1 / (e + 1),
  warmup5: (e) => Math.min(1, (e + 1) / 5),
};

const SCHEDULERS = lrScheduler as unknown as Record<string, new (...args: unknown[]) => { step(x?: unknown): void; getLastLr(): number[]; stateDict(): Record<string, unknown>; loadStateDict(s: Record<string, unknown>): void }>;

function makeScheduler(spec: SchedulerSpec, opt: Optimizer) {
  const args = [...(spec.args ?? [])];
  if (spec.scheduler === 'LambdaLR') {
    const f = args[0] as string | string[];
    args[0] = Array.isArray(f) ? f.map((n) => LAMBDAS[n]!) : LAMBDAS[f]!;
  }
  if (spec.scheduler === 'SequentialLR') args[0] = (args[0] as SchedulerSpec[]).map((s) => makeScheduler(s, opt));
  return new SCHEDULERS[spec.scheduler]!(opt, ...args, spec.options ?? {});
}

function scheduleSetup(c: Schedule) {
  const groups = c.groups.map((g) => ({ ...g, params: [kiln.zeros(2, { requiresGrad: true })] }));
  const opt = new OPTIMIZERS[c.optimizer]!(groups, c.options);
  const sched = makeScheduler(c.spec, opt);
  const lrs = (): number[] => opt.paramGroups.map((g) => g.lr);
  const momenta = (): (number | null)[] => opt.paramGroups.map((g) => ('betas' in opt.defaults ? (g.betas as number[])[0]! : (g.momentum as number | undefined) ?? null));
  const step = (i: number): void => {
    opt.step();
    if (c.metrics) sched.step(c.metrics[i]);
    else sched.step();
  };
  return { opt, sched, lrs, momenta, step };
}

function assertClose(got: readonly (number | null)[], want: readonly (number | null)[], label: string): void {
  assert.equal(got.length, want.length, label);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (g === null || w === null) assert.equal(g, w, label);
    else assert.ok(Math.abs(g - w) <= 1e-12 * Math.abs(w) + 1e-15, `${label}[${i}]: ${g} vs ${w}`);
  });
}

for (const c of fx.schedules) {
  test(`schedule: ${c.name}`, () => {
    const { sched, lrs, momenta, step } = scheduleSetup(c);
    assertClose(lrs(), c.lrs[0]!, 'lr after construction');
    if (c.momenta) assertClose(momenta(), c.momenta[0]!, 'momentum after construction');
    for (let i = 0; i < c.steps; i++) {
      step(i);
      assertClose(lrs(), c.lrs[i + 1]!, `lr after step ${i + 1}`);
      assertClose(sched.getLastLr(), c.lrs[i + 1]!, `getLastLr() after step ${i + 1}`);
      if (c.momenta) assertClose(momenta(), c.momenta[i + 1]!, `momentum after step ${i + 1}`);
    }
    if (c.error) assert.throws(() => sched.step(), { message: c.error });
  });

  test(`schedule stateDict round trip: ${c.name}`, () => {
    const first = scheduleSetup(c);
    const half = 10;
    for (let i = 0; i < half; i++) first.step(i);
    const optState = first.opt.stateDict();
    const schedState = first.sched.stateDict();
    const second = scheduleSetup(c);
    second.opt.loadStateDict(optState);
    second.sched.loadStateDict(schedState);
    for (let i = half; i < c.steps; i++) {
      second.step(i);
      assertClose(second.lrs(), c.lrs[i + 1]!, `lr after step ${i + 1}`);
    }
  });
}

// ---- gradient clipping -----------------------------------------------------------------------------

for (const c of fx.clipping) {
  test(`clipping: ${c.name}`, () => {
    const params = c.grads.map((g) => {
      const grad = kiln.tensor(decodeArray(g));
      const p = kiln.zerosLike(grad).requiresGrad_();
      p.grad = grad;
      return p;
    });
    const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, typeof v === 'boolean' ? v : decodeValue(v)]));
    const call = (): Tensor | void =>
      c.fn === 'clipGradNorm_' ? nn.utils.clipGradNorm_(params, c.args[0]!, options) : nn.utils.clipGradValue_(params, c.args[0]!);
    if (c.error) {
      assert.throws(call, { message: c.error.replace('`error_if_nonfinite=False`', '`errorIfNonfinite=false`') });
      return;
    }
    const total = call();
    const tol = tolerance(c.grads[0]!.dtype);
    if (c.total) assertMatches((total as Tensor).numpy(), c.total, tol, 'total norm');
    c.clipped!.forEach((g, i) => assertMatches(params[i]!.grad!.numpy(), g, tol, `grad ${i}`));
  });
}

// ---- behaviour beyond the fixtures -----------------------------------------------------------------

const param = (...values: number[]): Tensor => kiln.tensor(values, { dtype: 'float32' }).requiresGrad_();

test('optimizers refuse what PyTorch refuses, with its messages', () => {
  const p = [param(1)];
  assert.throws(() => new optim.SGD(p), { name: 'ValueError', message: "parameter group didn't specify a value of required optimization parameter lr" });
  assert.throws(() => new optim.SGD(p, { lr: -1 }), { message: 'Invalid learning rate: -1' });
  assert.throws(() => new optim.SGD(p, { lr: 0.1, momentum: -0.5 }), { message: 'Invalid momentum value: -0.5' });
  assert.throws(() => new optim.SGD(p, { lr: 0.1, weightDecay: -1 }), { message: 'Invalid weight_decay value: -1' });
  assert.throws(() => new optim.SGD(p, { lr: 0.1, nesterov: true }), { message: 'Nesterov momentum requires a momentum and zero dampening' });
  assert.throws(() => new optim.Adam(p, { betas: [1, 0.999] }), { message: 'Invalid beta parameter at index 0: 1' });
  assert.throws(() => new optim.AdamW(p, { betas: [0.9, -0.1] }), { message: 'Invalid beta parameter at index 1: -0.1' });
  assert.throws(() => new optim.Adam(p, { eps: -1 }), { message: 'Invalid epsilon value: -1' });
  assert.throws(() => new optim.RMSprop(p, { alpha: -1 }), { message: 'Invalid alpha value: -1' });
  assert.throws(() => new optim.Adagrad(p, { lrDecay: -1 }), { message: 'Invalid lr_decay value: -1' });
  assert.throws(() => new optim.Adagrad(p, { initialAccumulatorValue: -1 }), { message: 'Invalid initial_accumulator_value value: -1' });
  assert.throws(() => new optim.SGD([], { lr: 0.1 }), { name: 'ValueError', message: 'optimizer got an empty parameter list' });
  assert.throws(() => new optim.SGD(param(1) as never, { lr: 0.1 }), {
    name: 'TypeError', message: 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor',
  });
  assert.throws(() => new optim.SGD([param(1).mul(2)], { lr: 0.1 }), { message: "can't optimize a non-leaf Tensor" });
  const shared = param(1);
  assert.throws(() => new optim.SGD([{ params: [shared] }, { params: [shared] }], { lr: 0.1 }), { message: 'some parameters appear in more than one parameter group' });
  const opt = new optim.SGD([param(1)], { lr: 0.1 });
  assert.throws(() => opt.loadStateDict({ state: {}, param_groups: [] }), { message: 'loaded state dict has a different number of parameter groups' });
  assert.throws(() => opt.loadStateDict({ state: {}, param_groups: [{ params: [0, 1] }] }), {
    message: "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
  });
});

test('parameters without a gradient are left alone and get no state', () => {
  const used = param(1, 2);
  const unused = param(3);
  const opt = new optim.Adam([used, unused], { lr: 0.1 });
  used.sum().backward();
  opt.step();
  assert.deepEqual(unused.tolist(), [3]);
  assert.equal(opt.state.has(unused), false);
  assert.deepEqual(Object.keys(opt.stateDict().state), ['0']);
  assert.notDeepEqual(used.tolist(), [1, 2]);
});

test('zeroGrad sets gradients to null, or zeroes them in place', () => {
  const p = param(1, 2);
  const opt = new optim.SGD([p], { lr: 0.1 });
  p.mul(3).sum().backward();
  const grad = p.grad!;
  opt.zeroGrad({ setToNone: false });
  assert.equal(p.grad, grad);
  assert.deepEqual(p.grad!.tolist(), [0, 0]);
  opt.zeroGrad();
  assert.equal(p.grad, null);
});

test('a module trains: nn.Linear-free MLP on XOR with Adam, parameters keep their identity', () => {
  class Net extends nn.Module {
    w1 = new nn.Parameter(kiln.tensor([[0.5, -0.4], [0.3, 0.8], [-0.7, 0.2], [0.1, -0.6]], { dtype: 'float32' }));
    b1 = new nn.Parameter(kiln.zeros(4));
    w2 = new nn.Parameter(kiln.tensor([[0.6, -0.5, 0.4, 0.3]], { dtype: 'float32' }));
    b2 = new nn.Parameter(kiln.zeros(1));
    forward(x: Tensor): Tensor {
      return kiln.tanh(x.matmul(this.w1.t()).add(this.b1)).matmul(this.w2.t()).add(this.b2);
    }
  }
  const net = new Net();
  const before = net.parameters();
  const opt = new optim.Adam(net.parameters(), { lr: 0.05 });
  const sched = new lrScheduler.StepLR(opt, 100, { gamma: 0.5 });
  const x = kiln.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], { dtype: 'float32' });
  const y = kiln.tensor([[0], [1], [1], [0]], { dtype: 'float32' });
  const lossFn = new nn.BCEWithLogitsLoss();
  let first = 0;
  let last = 0;
  for (let i = 0; i < 200; i++) {
    opt.zeroGrad();
    const loss = lossFn.forward(net.forward(x), y);
    loss.backward();
    nn.utils.clipGradNorm_(net.parameters(), 5);
    opt.step();
    sched.step();
    if (i === 0) first = Number(loss.item());
    last = Number(loss.item());
  }
  assert.ok(last < first / 4, `loss fell from ${first} to ${last}`);
  net.parameters().forEach((p, i) => assert.equal(p, before[i]));
  assert.equal(opt.paramGroups[0]!.lr, 0.0125);
});

test('Optimizer.toString follows PyTorch', () => {
  const opt = new optim.Adam([param(1)], { lr: 0.01 });
  assert.equal(String(opt), 'Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    eps: 1e-8\n    lr: 0.01\n    maximize: False\n    weightDecay: 0\n)');
});

test('addParamGroup fills defaults and the optimizer steps the new group', () => {
  const a = param(1);
  const b = param(1);
  const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
  opt.addParamGroup({ params: b, lr: 0.5 });
  assert.equal(opt.paramGroups[1]!.momentum, 0.9);
  a.sum().add(b.sum()).backward();
  opt.step();
  assert.ok(Math.abs(Number(a.item()) - 0.9) < 1e-7);
  assert.ok(Math.abs(Number(b.item()) - 0.5) < 1e-7);
});

test('schedules check their arguments as PyTorch does', () => {
  const opt = new optim.SGD([param(1)], { lr: 0.1, momentum: 0.9 });
  assert.throws(() => new lrScheduler.StepLR(opt, 2, { lastEpoch: 3 }), { message: "param 'initialLr' is not specified in paramGroups[0] when resuming an optimizer" });
  assert.throws(() => new lrScheduler.LinearLR(opt, { startFactor: 2 }), { message: 'Starting multiplicative factor expected to be between 0 and 1.' });
  assert.throws(() => new lrScheduler.LambdaLR(opt, [(e) => e, (e) => e]), { message: 'Expected 1 lr_lambdas, but got 2' });
  assert.throws(() => new lrScheduler.OneCycleLR(opt, 0.1), { message: 'You must define either total_steps OR (epochs AND steps_per_epoch)' });
  assert.throws(() => new lrScheduler.OneCycleLR(opt, 0.1, { totalSteps: 0 }), { message: 'Expected positive integer total_steps, but got 0' });
  assert.throws(() => new lrScheduler.OneCycleLR(new optim.Adagrad([param(1)]), 0.1, { totalSteps: 5 }), {
    message: 'optimizer must support momentum with `cycle_momentum` option enabled',
  });
  assert.throws(() => new lrScheduler.ReduceLROnPlateau(opt, { factor: 1 }), { message: 'Factor should be < 1.0.' });
  const other = new optim.SGD([param(1)], { lr: 0.1 });
  assert.throws(() => new lrScheduler.SequentialLR(opt, [new lrScheduler.ExponentialLR(other, 0.9)], []), {
    message: 'Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 0 to be different than the optimizer passed in.',
  });
  assert.throws(() => new lrScheduler.SequentialLR(opt, [new lrScheduler.ExponentialLR(opt, 0.9)], [3]), {
    message: 'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 1 and the number of milestones to be equal to 1',
  });
});

test('step(epoch) jumps with the closed form', () => {
  const opt = new optim.SGD([param(1)], { lr: 1 });
  const sched = new lrScheduler.StepLR(opt, 3, { gamma: 0.5 });
  sched.step(7);
  assert.deepEqual(sched.getLastLr(), [0.25]);
  const cos = new lrScheduler.CosineAnnealingLR(new optim.SGD([param(1)], { lr: 1 }), 10);
  cos.step(5);
  assert.ok(Math.abs(cos.getLastLr()[0]! - 0.5) < 1e-15);
});

test('parametersToVector and vectorToParameters', () => {
  const a = param(1, 2, 3, 4).reshape(2, 2).detach().requiresGrad_();
  const b = param(5);
  const vec = nn.utils.parametersToVector([a, b]);
  assert.deepEqual(vec.tolist(), [1, 2, 3, 4, 5]);
  nn.utils.vectorToParameters(kiln.tensor([9, 8, 7, 6, 5], { dtype: 'float32' }), [a, b]);
  assert.deepEqual(a.tolist(), [[9, 8], [7, 6]]);
  assert.deepEqual(b.tolist(), [5]);
  assert.ok(a.requiresGrad);
  assert.throws(() => nn.utils.parametersToVector([1 as never]), { message: 'expected torch.Tensor, but got: number' });
});

test('clipGradNorm_ with no gradients returns 0 and clipGradValue_ clamps', () => {
  assert.equal(nn.utils.clipGradNorm_([param(1)], 1).item(), 0);
  const p = param(1, 2, 3);
  p.grad = kiln.tensor([-2, 0.5, 3], { dtype: 'float32' });
  nn.utils.clipGradValue_(p, 1);
  assert.deepEqual(p.grad.tolist(), [-1, 0.5, 1]);
});
