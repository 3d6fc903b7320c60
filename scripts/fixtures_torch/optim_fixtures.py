#!/usr/bin/python3
"""PyTorch fixtures for kiln's optimizers, LR schedules and gradient clipping (test/optim/optim.test.ts).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/optim_fixtures.py

Writes test/fixtures/torch_optim.json with four sections:

- problem: a tiny linear regression (W (3, 4), b (3,), X (8, 4), Y (8, 3), all float32), whose
  loss is ((X @ W.T + b - Y) ** 2).mean().
- trajectories: an optimizer (`optimizer`: SGD, Adam, AdamW, RMSprop, Adagrad) with options as
  kiln takes them (camelCase), or parameter groups (`groups`: [{params: ['W'], ...options}]), run
  for `steps` steps of zero_grad / loss / backward / step (with `closure`, step(closure) instead) in
  `dtype`; `params` holds [W, b] after every step, `losses` the loss before each step, and `state`
  PyTorch's state_dict() after the last step (tensors encoded, option names camelCased).
- schedules: a schedule (`scheduler` with `args`/`options` as kiln takes them; LambdaLR names its
  functions, SequentialLR nests schedules) over an SGD or Adam optimizer with `groups`; `lrs` holds
  every group's lr after construction and after each step, `momenta` the momentum (or beta1) where a
  schedule cycles it, `metrics` the values given to ReduceLROnPlateau.step, `error` the message of one
  step too many.
- clipping: clip_grad_norm_ / clip_grad_value_ on fixed gradients: the total norm and the clipped
  gradients, or the error.

Arrays use scripts/fixtures/common.py's encoding: {dtype (NumPy's name), shape, data}.
"""
import importlib.util
import math
import os
import sys
import warnings

# sibling scripts named like stdlib modules (random.py) must not shadow them
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import torch  # noqa: E402
from torch.optim import lr_scheduler  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

warnings.simplefilter('ignore')  # SequentialLR's step(0) warns about the epoch argument
torch.manual_seed(31)

f32, f64 = torch.float32, torch.float64


def enc(t):
    return common.enc(t.detach().numpy())


def snake(name):
    return ''.join('_' + c.lower() if c.isupper() else c for c in name)


def camel(name):
    head, *rest = name.split('_')
    return head + ''.join(w.capitalize() for w in rest)


W0 = torch.randn(3, 4) * 0.5
B0 = torch.randn(3) * 0.5
X = torch.randn(8, 4)
Y = torch.randn(8, 3)
PROBLEM = {'W': enc(W0), 'b': enc(B0), 'X': enc(X), 'Y': enc(Y)}

OPTIMIZERS = {
    'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW,
    'RMSprop': torch.optim.RMSprop, 'Adagrad': torch.optim.Adagrad,
}
# PyTorch-only group options kiln doesn't have
HIDDEN = {'foreach', 'capturable', 'differentiable', 'fused'}


def torch_options(options):
    return {snake(k): (tuple(v) if k == 'betas' else v) for k, v in options.items()}


def encode_state(opt):
    sd = opt.state_dict()
    state = {}
    for i, s in sd['state'].items():
        state[str(i)] = {k: (enc(v) if torch.is_tensor(v) else v) for k, v in s.items()}
    groups = []
    for g in sd['param_groups']:
        groups.append({camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in g.items() if k not in HIDDEN})
    return {'state': state, 'param_groups': groups}


TRAJECTORIES = []


def trajectory(name, optimizer, options=None, groups=None, dtype=f32, steps=6, closure=False):
    W = W0.to(dtype).clone().requires_grad_()
    b = B0.to(dtype).clone().requires_grad_()
    x, y = X.to(dtype), Y.to(dtype)
    named = {'W': W, 'b': b}
    if groups is None:
        opt = OPTIMIZERS[optimizer]([W, b], **torch_options(options or {}))
    else:
        tg = [dict(torch_options({k: v for k, v in g.items() if k != 'params'}), params=[named[p] for p in g['params']])
              for g in groups]
        opt = OPTIMIZERS[optimizer](tg, **torch_options(options or {}))

    def compute():
        opt.zero_grad()
        loss = ((x @ W.T + b - y) ** 2).mean()
        loss.backward()
        return loss

    params, losses = [], []
    for _ in range(steps):
        if closure:
            loss = opt.step(compute)
        else:
            loss = compute()
            opt.step()
        losses.append(loss.item())
        params.append([enc(W), enc(b)])
    c = {'name': name, 'optimizer': optimizer, 'dtype': str(dtype).replace('torch.', ''), 'steps': steps,
         'closure': closure, 'params': params, 'losses': losses, 'state': encode_state(opt)}
    if options is not None:
        c['options'] = options
    if groups is not None:
        c['groups'] = groups
    TRAJECTORIES.append(c)


OPTION_SETS = {
    'SGD': [
        {'lr': 0.1}, {'lr': 0.1, 'momentum': 0.9}, {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.3},
        {'lr': 0.05, 'momentum': 0.8, 'nesterov': True}, {'lr': 0.1, 'weightDecay': 0.05},
        {'lr': 0.05, 'momentum': 0.9, 'weightDecay': 0.1, 'nesterov': True},
        {'lr': 0.02, 'momentum': 0.5, 'maximize': True},
    ],
    'Adam': [
        {}, {'lr': 0.05}, {'lr': 0.05, 'betas': [0.8, 0.99], 'eps': 1e-6}, {'lr': 0.05, 'weightDecay': 0.1},
        {'lr': 0.05, 'amsgrad': True}, {'lr': 0.05, 'amsgrad': True, 'weightDecay': 0.05, 'maximize': True},
    ],
    'AdamW': [
        {}, {'lr': 0.05}, {'lr': 0.05, 'weightDecay': 0.3}, {'lr': 0.05, 'amsgrad': True, 'betas': [0.7, 0.95]},
        {'lr': 0.02, 'maximize': True},
    ],
    'RMSprop': [
        {}, {'lr': 0.005, 'alpha': 0.9}, {'lr': 0.005, 'momentum': 0.5}, {'lr': 0.005, 'centered': True},
        {'lr': 0.005, 'centered': True, 'momentum': 0.7, 'weightDecay': 0.1}, {'lr': 0.01, 'eps': 1e-4, 'maximize': True},
    ],
    'Adagrad': [
        {}, {'lr': 0.1}, {'lr': 0.1, 'lrDecay': 0.05}, {'lr': 0.1, 'weightDecay': 0.1},
        {'lr': 0.1, 'initialAccumulatorValue': 0.5, 'eps': 1e-3}, {'lr': 0.1, 'maximize': True},
    ],
}

for opt_name, sets in OPTION_SETS.items():
    for options in sets:
        label = ', '.join(f'{k}={v}' for k, v in options.items()) or 'defaults'
        trajectory(f'{opt_name} {label}', opt_name, options)
        trajectory(f'{opt_name} {label} float64', opt_name, options, dtype=f64)

trajectory('SGD groups', 'SGD', {'lr': 0.1, 'momentum': 0.9},
           groups=[{'params': ['W']}, {'params': ['b'], 'lr': 0.01, 'momentum': 0.5, 'weightDecay': 0.1}])
trajectory('Adam groups', 'Adam', {'lr': 0.02},
           groups=[{'params': ['b'], 'betas': [0.5, 0.9]}, {'params': ['W'], 'lr': 0.05, 'amsgrad': True}])
trajectory('RMSprop groups', 'RMSprop', {},
           groups=[{'params': ['W'], 'centered': True}, {'params': ['b'], 'lr': 0.001, 'momentum': 0.9}])
trajectory('Adagrad groups', 'Adagrad', {'lr': 0.05},
           groups=[{'params': ['W'], 'lrDecay': 0.1}, {'params': ['b'], 'initialAccumulatorValue': 1.0}])
trajectory('SGD group requires lr', 'SGD', groups=[{'params': ['W'], 'lr': 0.1}, {'params': ['b'], 'lr': 0.2}])
trajectory('SGD closure', 'SGD', {'lr': 0.1, 'momentum': 0.9}, closure=True)
trajectory('Adam closure', 'Adam', {'lr': 0.05}, closure=True)
trajectory('AdamW long', 'AdamW', {'lr': 0.05}, steps=25)

# ---- schedules --------------------------------------------------------------------------------------

LAMBDAS = {
    'pow95': lambda e: 0.95 ** e,
    'inverse': lambda e: 1 / (e + 1),
    'warmup5': lambda e: min(1.0, (e + 1) / 5),
}

SCHEDULERS = {
    'StepLR': lr_scheduler.StepLR, 'MultiStepLR': lr_scheduler.MultiStepLR, 'ExponentialLR': lr_scheduler.ExponentialLR,
    'CosineAnnealingLR': lr_scheduler.CosineAnnealingLR, 'LinearLR': lr_scheduler.LinearLR,
    'ConstantLR': lr_scheduler.ConstantLR, 'LambdaLR': lr_scheduler.LambdaLR, 'OneCycleLR': lr_scheduler.OneCycleLR,
    'SequentialLR': lr_scheduler.SequentialLR, 'ReduceLROnPlateau': lr_scheduler.ReduceLROnPlateau,
}
# positional arguments after the optimizer, by PyTorch's names
POSITIONAL = {
    'StepLR': ['step_size'], 'MultiStepLR': ['milestones'], 'ExponentialLR': ['gamma'], 'CosineAnnealingLR': ['T_max'],
    'LambdaLR': ['lr_lambda'], 'OneCycleLR': ['max_lr'], 'SequentialLR': ['schedulers', 'milestones'],
}


def make_scheduler(spec, opt):
    """spec: {scheduler, args (positional, kiln's order), options (camelCase)}."""
    name = spec['scheduler']
    args = list(spec.get('args', []))
    if name == 'LambdaLR':
        f = args[0]
        args[0] = [LAMBDAS[g] for g in f] if isinstance(f, list) else LAMBDAS[f]
    if name == 'SequentialLR':
        args[0] = [make_scheduler(s, opt) for s in args[0]]
    kwargs = {snake(k): v for k, v in spec.get('options', {}).items()}
    return SCHEDULERS[name](opt, *args, **kwargs)


SCHEDULES = []
GROUPS = [{'lr': 0.1}, {'lr': 0.05}]


def schedule(name, spec, steps=30, optimizer='SGD', options=None, groups=GROUPS, metrics=None, extra_step=False):
    params = [torch.zeros(2, requires_grad=True) for _ in groups]
    tg = [dict(torch_options(g), params=[p]) for g, p in zip(groups, params)]
    opt = OPTIMIZERS[optimizer](tg, **torch_options(options or {}))
    sched = make_scheduler(spec, opt)
    use_beta1 = 'betas' in opt.defaults

    def momenta():
        return [g['betas'][0] if use_beta1 else g.get('momentum') for g in opt.param_groups]

    lrs, moms = [[g['lr'] for g in opt.param_groups]], [momenta()]
    for i in range(steps):
        opt.step()
        if metrics is not None:
            sched.step(metrics[i])
        else:
            sched.step()
        lrs.append([g['lr'] for g in opt.param_groups])
        moms.append(momenta())
    c = {'name': name, 'spec': spec, 'optimizer': optimizer, 'options': options or {}, 'groups': groups,
         'steps': steps, 'lrs': lrs}
    if spec['scheduler'] == 'OneCycleLR':
        c['momenta'] = moms
    if metrics is not None:
        c['metrics'] = metrics
    if extra_step:
        try:
            sched.step()
            c['error'] = None
        except Exception as e:  # noqa: BLE001 - PyTorch's errors are fixture data
            c['error'] = str(e)
    SCHEDULES.append(c)


schedule('StepLR', {'scheduler': 'StepLR', 'args': [3], 'options': {'gamma': 0.5}})
schedule('StepLR default gamma', {'scheduler': 'StepLR', 'args': [7]})
schedule('MultiStepLR', {'scheduler': 'MultiStepLR', 'args': [[2, 5, 5, 9]], 'options': {'gamma': 0.3}})
schedule('ExponentialLR', {'scheduler': 'ExponentialLR', 'args': [0.9]})
schedule('CosineAnnealingLR past tMax', {'scheduler': 'CosineAnnealingLR', 'args': [10], 'options': {'etaMin': 0.001}})
schedule('CosineAnnealingLR', {'scheduler': 'CosineAnnealingLR', 'args': [7]})
schedule('LinearLR warm-up', {'scheduler': 'LinearLR', 'options': {'startFactor': 0.25, 'totalIters': 8}})
schedule('LinearLR decay', {'scheduler': 'LinearLR', 'options': {'startFactor': 1.0, 'endFactor': 0.1, 'totalIters': 10}})
schedule('LinearLR defaults', {'scheduler': 'LinearLR'})
schedule('ConstantLR', {'scheduler': 'ConstantLR', 'options': {'factor': 0.5, 'totalIters': 4}})
schedule('LambdaLR', {'scheduler': 'LambdaLR', 'args': ['pow95']})
schedule('LambdaLR per group', {'scheduler': 'LambdaLR', 'args': [['inverse', 'warmup5']]})
schedule('OneCycleLR SGD', {'scheduler': 'OneCycleLR', 'args': [0.5], 'options': {'totalSteps': 30}},
         options={'momentum': 0.9}, extra_step=True)
schedule('OneCycleLR Adam per group', {'scheduler': 'OneCycleLR', 'args': [[0.01, 0.02]],
                                       'options': {'totalSteps': 30, 'pctStart': 0.25, 'divFactor': 10.0}},
         optimizer='Adam', groups=[{'lr': 0.001}, {'lr': 0.001}])
schedule('OneCycleLR three phase linear', {'scheduler': 'OneCycleLR', 'args': [1.0],
                                           'options': {'epochs': 5, 'stepsPerEpoch': 6, 'threePhase': True,
                                                       'annealStrategy': 'linear', 'finalDivFactor': 100.0}},
         options={'momentum': 0.9})
schedule('OneCycleLR no momentum', {'scheduler': 'OneCycleLR', 'args': [0.3],
                                    'options': {'totalSteps': 40, 'cycleMomentum': False}}, steps=40)
schedule('SequentialLR linear warm-up then cosine', {
    'scheduler': 'SequentialLR', 'args': [[
        {'scheduler': 'LinearLR', 'options': {'startFactor': 0.1, 'totalIters': 5}},
        {'scheduler': 'CosineAnnealingLR', 'args': [25]},
    ], [5]]})
schedule('SequentialLR constant then exponential', {
    'scheduler': 'SequentialLR', 'args': [[
        {'scheduler': 'ConstantLR', 'options': {'factor': 0.1, 'totalIters': 2}},
        {'scheduler': 'ExponentialLR', 'args': [0.9]},
    ], [2]]})
schedule('SequentialLR three', {
    'scheduler': 'SequentialLR', 'args': [[
        {'scheduler': 'LinearLR', 'options': {'startFactor': 0.5, 'totalIters': 3}},
        {'scheduler': 'StepLR', 'args': [4], 'options': {'gamma': 0.5}},
        {'scheduler': 'MultiStepLR', 'args': [[3, 6]], 'options': {'gamma': 0.2}},
    ], [3, 12]]})

LOSSES = [1.0, 0.9, 0.85, 0.86, 0.87, 0.84, 0.845, 0.846, 0.847, 0.848, 0.7, 0.71, 0.72, 0.73, 0.74,
          0.75, 0.69, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
schedule('ReduceLROnPlateau', {'scheduler': 'ReduceLROnPlateau', 'options': {'patience': 2, 'factor': 0.5}},
         metrics=LOSSES)
schedule('ReduceLROnPlateau cooldown threshold', {
    'scheduler': 'ReduceLROnPlateau', 'options': {'patience': 1, 'factor': 0.3, 'cooldown': 2, 'threshold': 0.05,
                                                  'minLr': [0.001, 0.004]}}, metrics=LOSSES)
ACCURACIES = [0.5, 0.6, 0.6, 0.62, 0.61, 0.63, 0.635, 0.636, 0.64, 0.7, 0.7, 0.69, 0.7, 0.7, 0.71,
              0.7, 0.72, 0.72, 0.72, 0.72, 0.72, 0.73, 0.73, 0.73, 0.73, 0.73, 0.73, 0.73, 0.73, 0.73]
schedule('ReduceLROnPlateau max abs', {
    'scheduler': 'ReduceLROnPlateau', 'options': {'mode': 'max', 'thresholdMode': 'abs', 'threshold': 0.01,
                                                  'patience': 3, 'eps': 1e-3}}, metrics=ACCURACIES)

# ---- gradient clipping ------------------------------------------------------------------------------

GRADS = [torch.randn(3, 4), torch.randn(5), torch.randn(2, 2) * 3]
CLIPPING = []


def clip(name, fn, args, options=None, grads=GRADS):
    params = []
    for g in grads:
        p = torch.zeros_like(g, requires_grad=True)
        p.grad = g.clone()
        params.append(p)
    c = {'name': name, 'fn': fn, 'grads': [enc(g) for g in grads], 'args': args, 'options': options or {}}
    try:
        if fn == 'clipGradNorm_':
            total = torch.nn.utils.clip_grad_norm_(params, *args, **{snake(k): v for k, v in (options or {}).items()})
            c['total'] = enc(total)
        else:
            torch.nn.utils.clip_grad_value_(params, *args)
        c['clipped'] = [enc(p.grad) for p in params]
    except Exception as e:  # noqa: BLE001 - PyTorch's errors are fixture data
        c['error'] = str(e)
    CLIPPING.append(c)


clip('norm 2 clips', 'clipGradNorm_', [1.0])
clip('norm 2 under the limit', 'clipGradNorm_', [100.0])
clip('norm inf', 'clipGradNorm_', [0.5], {'normType': math.inf})
clip('norm 1', 'clipGradNorm_', [2.0], {'normType': 1.0})
clip('norm 3', 'clipGradNorm_', [1.5], {'normType': 3.0})
clip('norm 0.5', 'clipGradNorm_', [10.0], {'normType': 0.5})
clip('one parameter', 'clipGradNorm_', [0.1], grads=[torch.randn(4, 3)])
clip('float64', 'clipGradNorm_', [1.0], grads=[torch.randn(3, dtype=f64), torch.randn(2, 2, dtype=f64)])
INF_GRADS = [torch.tensor([1.0, math.inf]), torch.tensor([2.0, -3.0])]
clip('nonfinite error', 'clipGradNorm_', [1.0], {'errorIfNonfinite': True}, grads=INF_GRADS)
clip('nonfinite error inf', 'clipGradNorm_', [1.0], {'errorIfNonfinite': True, 'normType': math.inf}, grads=INF_GRADS)
clip('nonfinite scaled', 'clipGradNorm_', [1.0], grads=INF_GRADS)
clip('value', 'clipGradValue_', [0.5])
clip('value large', 'clipGradValue_', [10.0])


def encode_inf(x):
    """JSON has no Infinity: normType inf travels as the string 'inf'."""
    if isinstance(x, float) and math.isinf(x):
        return 'inf' if x > 0 else '-inf'
    if isinstance(x, dict):
        return {k: encode_inf(v) for k, v in x.items()}
    if isinstance(x, list):
        return [encode_inf(v) for v in x]
    return x


common.write('torch_optim', [encode_inf({'problem': PROBLEM, 'trajectories': TRAJECTORIES, 'schedules': SCHEDULES,
                                         'clipping': CLIPPING})])
