#!/usr/bin/python3
"""PyTorch fixtures for the basic nn layers, nn.functional's activations and nn.init
(test/nn/layers.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/nn_layers_fixtures.py

Writes test/fixtures/torch_nn_layers.json with these sections:

- modules: a layer built as kiln builds it (`ctor`, positional `args`, kiln's camelCase `options`),
  its printout, its state-dict keys and its (randomised) state dict, then `steps`: each runs
  forward in train or eval mode on fixed inputs (after seeding, for dropout) and records the
  output, the gradient of sum(out * w) for a fixed w w.r.t. every input and parameter, and the
  state dict afterwards (so BatchNorm's running statistics are pinned step by step).
- functional: a kiln nn.functional call (`fn`, `args`, `options`; a tensor is {"t": array,
  "grad": bool}), PyTorch's result for the same call, and the gradients of sum(out * w) w.r.t.
  the tensor arguments that require grad, in order (positional ones, then options).
- seeded: a module or an init function run right after manual_seed(seed): the values drawn.
- errors: PyTorch's message for a bad call (`kind` says what the test does to provoke it).
- models: a nested model's state-dict keys, state, input, output and gradients.

RMSNorm arrived in PyTorch 2.4; 1.13 lacks it, so its cases use the same formula written with
torch ops (x * rsqrt(mean(x^2) + eps) * weight, eps defaulting to finfo(dtype).eps).
Arrays use the encoding of scripts/fixtures/common.py.
"""
import importlib.util
import json
import math
import os
import re
import sys

# keep sibling scripts from shadowing standard modules torch imports
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

DATA = torch.Generator().manual_seed(2024)
f32, f64, i64 = torch.float32, torch.float64, torch.int64
DTYPES = {'float32': f32, 'float64': f64, 'int64': i64}


def enc(t):
    return common.enc(t.detach().numpy())


def randn(*shape, dtype=f32, scale=1.0, shift=0.0):
    return (torch.randn(shape, generator=DATA, dtype=f64) * scale + shift).to(dtype)


def snake(name):
    return re.sub(r'(?<=[a-z0-9])([A-Z])', r'_\1', name).lower()


def torch_kwargs(opts):
    return {snake(k): DTYPES[v] if k == 'dtype' else v for k, v in (opts or {}).items()}


class RMSNorm(nn.Module):
    """PyTorch 2.4's nn.RMSNorm, for 1.13."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, dtype=None):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter('weight', None)

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return '{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}'.format(**self.__dict__)


def rms_norm(x, normalized_shape, weight=None, eps=None):
    dims = tuple(range(-len(normalized_shape), 0))
    e = torch.finfo(x.dtype).eps if eps is None else eps
    y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + e)
    return y * weight if weight is not None else y


def make_module(ctor, args, options):
    kw = torch_kwargs(options)
    if ctor == 'RMSNorm':
        return RMSNorm(*args, **kw)
    if ctor == 'LayerNorm' and kw.pop('bias', True) is False:
        m = nn.LayerNorm(*args, **kw)
        m.bias = None  # PyTorch 2.1's bias=False; 1.13 has no such option
        return m
    if ctor == 'Unflatten':
        return nn.Unflatten(args[0], tuple(args[1]))
    return getattr(nn, ctor)(*args, **kw)


def randomise(m, positive_buffers=False):
    """Random parameters (and running statistics), so no test passes by a lucky default."""
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(randn(*p.shape, dtype=p.dtype, scale=0.5, shift=1.0 if name.endswith('weight') and p.dim() == 1 else 0.0))
        if positive_buffers:
            for name, b in m.named_buffers():
                if name.endswith('running_mean'):
                    b.copy_(randn(*b.shape, dtype=b.dtype, scale=0.3))
                elif name.endswith('running_var'):
                    b.copy_(torch.rand(b.shape, generator=DATA, dtype=f64).to(b.dtype) + 0.5)


def encode_state(m):
    return {k: enc(v) for k, v in m.state_dict().items()}


def run_step(m, mode, inputs, seed=None):
    """Forward in `mode` on leaf copies of inputs; the output and gradients of sum(out * w)."""
    m.train(mode == 'train')
    m.zero_grad(set_to_none=True)
    leaves = [x.clone().requires_grad_(x.dtype.is_floating_point) for x in inputs]
    if seed is not None:
        torch.manual_seed(seed)
    out = m(*leaves)
    w = randn(*out.shape, dtype=out.dtype)
    (out * w).sum().backward()
    step = {'mode': mode, 'inputs': [enc(x) for x in inputs], 'out': enc(out), 'w': enc(w),
            'inputGrads': [enc(x.grad) if x.grad is not None else None for x in leaves],
            'paramGrads': {k: enc(p.grad) for k, p in m.named_parameters() if p.grad is not None},
            'stateAfter': encode_state(m)}
    if seed is not None:
        step['seed'] = seed
    return step


MODULES = []


def module_case(name, ctor, args, options, steps, randomize=True, positive_buffers=False):
    m = make_module(ctor, args, options)
    if randomize:
        randomise(m, positive_buffers)
    c = {'name': name, 'ctor': ctor, 'args': args, 'options': options, 'repr': str(m),
         'stateKeys': list(m.state_dict().keys()), 'paramNames': [k for k, _ in m.named_parameters()],
         'state': encode_state(m)}
    c['steps'] = [run_step(m, *s) for s in steps]
    MODULES.append(c)


def special(*shape):
    """Random values with the kinks of the activations mixed in (0, ±1, 6, ±30)."""
    x = randn(*shape, scale=2.0)
    flat = x.view(-1)
    for i, v in enumerate([0.0, 1.0, -1.0, 6.0, 30.0, -30.0]):
        if i < flat.numel():
            flat[i * 3 % flat.numel()] = v
    return x


# ---- modules -----------------------------------------------------------------------------------

module_case('Linear', 'Linear', [4, 8], {}, [('train', [randn(3, 4)])])
module_case('Linear 3-D input, no bias', 'Linear', [5, 2], {'bias': False}, [('train', [randn(2, 3, 5)])])
module_case('Linear float64', 'Linear', [3, 3], {'dtype': 'float64'}, [('train', [randn(4, 3, dtype=f64)])])
module_case('Linear 1-D input', 'Linear', [4, 2], {}, [('train', [randn(4)])])
module_case('Bilinear', 'Bilinear', [3, 4, 5], {}, [('train', [randn(6, 3), randn(6, 4)])])
module_case('Bilinear batched, no bias', 'Bilinear', [2, 3, 4], {'bias': False}, [('train', [randn(2, 5, 2), randn(2, 5, 3)])])
module_case('Identity', 'Identity', [], {}, [('train', [randn(2, 3)])])
module_case('Flatten', 'Flatten', [], {}, [('train', [randn(2, 3, 4, 5)])])
module_case('Flatten dims 0..1', 'Flatten', [], {'startDim': 0, 'endDim': 1}, [('train', [randn(2, 3, 4)])])
module_case('Unflatten', 'Unflatten', [1, [2, 5]], {}, [('train', [randn(3, 10)])])
module_case('Unflatten inferred', 'Unflatten', [-1, [2, -1, 2]], {}, [('train', [randn(3, 12)])])

module_case('Dropout train', 'Dropout', [0.3], {}, [('train', [randn(4, 10)], 7), ('train', [randn(4, 10)], 8)])
module_case('Dropout eval', 'Dropout', [0.3], {}, [('eval', [randn(4, 5)])])
module_case('Dropout p=1', 'Dropout', [1.0], {}, [('train', [randn(3, 3)], 1)])
module_case('Dropout1d', 'Dropout1d', [0.5], {}, [('train', [randn(3, 4, 5)], 11), ('train', [randn(4, 5)], 12)])
module_case('Dropout2d', 'Dropout2d', [0.4], {}, [('train', [randn(2, 5, 3, 3)], 13)])

module_case('Embedding', 'Embedding', [10, 3], {}, [('train', [torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])])])
module_case('Embedding paddingIdx', 'Embedding', [6, 4], {'paddingIdx': 2}, [('train', [torch.tensor([[0, 2, 1], [2, 5, 0]])])])
module_case('Embedding negative paddingIdx', 'Embedding', [6, 2], {'paddingIdx': -1}, [('train', [torch.tensor([5, 1, 5, 3])])])
module_case('Embedding maxNorm', 'Embedding', [5, 3], {'maxNorm': 0.5}, [('train', [torch.tensor([0, 1, 1, 3])])])

for act, args, options in [
    ('ReLU', [], {}), ('ReLU6', [], {}), ('Hardtanh', [-2.0, 0.5], {}), ('LeakyReLU', [], {}), ('LeakyReLU', [0.2], {}),
    ('ELU', [], {}), ('ELU', [0.5], {}), ('SELU', [], {}), ('SiLU', [], {}), ('Mish', [], {}), ('GELU', [], {}),
    ('GELU', [], {'approximate': 'tanh'}), ('Sigmoid', [], {}), ('Tanh', [], {}), ('LogSigmoid', [], {}),
    ('Softplus', [], {}), ('Softplus', [], {'beta': 2, 'threshold': 5}), ('Softmax', [1], {}), ('Softmax', [-1], {}),
    ('LogSoftmax', [1], {}), ('Softmin', [0], {}),
]:
    label = f'{act}({", ".join(map(str, args))}{", " if args and options else ""}{", ".join(f"{k}={v}" for k, v in options.items())})'
    module_case(label, act, args, options, [('train', [special(4, 6)])])

module_case('BatchNorm1d', 'BatchNorm1d', [3], {},
            [('train', [randn(5, 3, shift=1.0)]), ('train', [randn(5, 3, scale=2.0)]), ('eval', [randn(4, 3)])])
module_case('BatchNorm1d 3-D', 'BatchNorm1d', [4], {'momentum': 0.3, 'eps': 1e-3},
            [('train', [randn(2, 4, 5)]), ('train', [randn(3, 4, 2, shift=-0.5)]), ('eval', [randn(2, 4, 3)])])
module_case('BatchNorm1d cumulative', 'BatchNorm1d', [3], {'momentum': None},
            [('train', [randn(4, 3)]), ('train', [randn(6, 3, shift=2.0)]), ('train', [randn(3, 3)]), ('eval', [randn(2, 3)])])
module_case('BatchNorm1d no affine', 'BatchNorm1d', [3], {'affine': False},
            [('train', [randn(4, 3)]), ('eval', [randn(4, 3)])])
module_case('BatchNorm1d untracked', 'BatchNorm1d', [3], {'trackRunningStats': False},
            [('train', [randn(4, 3)]), ('eval', [randn(5, 3)])])
module_case('BatchNorm1d eval loaded stats', 'BatchNorm1d', [3], {}, [('eval', [randn(4, 3)])], positive_buffers=True)
module_case('BatchNorm2d', 'BatchNorm2d', [3], {},
            [('train', [randn(2, 3, 4, 4, shift=0.5)]), ('train', [randn(2, 3, 4, 4, scale=3.0)]), ('eval', [randn(1, 3, 2, 2)])])
module_case('BatchNorm2d float64', 'BatchNorm2d', [2], {'dtype': 'float64'},
            [('train', [randn(3, 2, 2, 3, dtype=f64)]), ('eval', [randn(3, 2, 2, 3, dtype=f64)])])

module_case('LayerNorm', 'LayerNorm', [5], {}, [('train', [randn(3, 5, shift=2.0)])])
module_case('LayerNorm 2-D shape', 'LayerNorm', [[4, 5]], {'eps': 1e-3}, [('train', [randn(2, 3, 4, 5)])])
module_case('LayerNorm no affine', 'LayerNorm', [4], {'elementwiseAffine': False}, [('train', [randn(3, 4)])])
module_case('LayerNorm no bias', 'LayerNorm', [4], {'bias': False}, [('train', [randn(2, 4)])])
module_case('LayerNorm float64', 'LayerNorm', [6], {'dtype': 'float64'}, [('train', [randn(2, 6, dtype=f64)])])
module_case('GroupNorm', 'GroupNorm', [2, 6], {}, [('train', [randn(3, 6, 4)])])
module_case('GroupNorm 2-D', 'GroupNorm', [3, 3], {'eps': 1e-4}, [('train', [randn(2, 3, 2, 2)])])
module_case('GroupNorm no affine', 'GroupNorm', [1, 4], {'affine': False}, [('train', [randn(2, 4, 3)])])
module_case('RMSNorm', 'RMSNorm', [5], {}, [('train', [randn(3, 5)])])
module_case('RMSNorm eps, 2-D shape', 'RMSNorm', [[2, 3]], {'eps': 1e-6}, [('train', [randn(4, 2, 3)])])
module_case('RMSNorm no affine', 'RMSNorm', [4], {'elementwiseAffine': False}, [('train', [randn(2, 4)])])
module_case('RMSNorm float64', 'RMSNorm', [3], {'dtype': 'float64'}, [('train', [randn(2, 3, dtype=f64)])])

# ---- functional --------------------------------------------------------------------------------

FUNCTIONAL = []


class T:
    def __init__(self, data, grad=True):
        self.data = data
        self.grad = grad and data.dtype.is_floating_point


def fcase(name, fn, args, options, torch_fn, seed=None):
    """kiln: nn.functional[fn](...args, options); PyTorch: torch_fn(args, options) on the same tensors."""
    leaves = []

    def make(v):
        if isinstance(v, T):
            leaf = v.data.clone().requires_grad_(v.grad)
            leaves.append(leaf)
            return leaf
        return v

    def encode(v):
        return {'t': enc(v.data), 'grad': v.grad} if isinstance(v, T) else {'v': v}

    targs = [make(a) for a in args]
    topts = {k: make(v) for k, v in options.items()}
    if seed is not None:
        torch.manual_seed(seed)
    out = torch_fn(targs, topts)
    c = {'name': name, 'fn': fn, 'args': [encode(a) for a in args], 'options': {k: encode(v) for k, v in options.items()},
         'out': enc(out)}
    if seed is not None:
        c['seed'] = seed
    if out.requires_grad:
        w = randn(*out.shape, dtype=out.dtype)
        (out * w).sum().backward()
        c['w'] = enc(w)
        c['grads'] = [enc(leaf.grad) if leaf.grad is not None else None for leaf in leaves if leaf.requires_grad]
    # tensors the call changed in place (batch norm's running statistics)
    c['after'] = [enc(leaf) for leaf in leaves]
    FUNCTIONAL.append(c)


x46 = special(4, 6)
fcase('relu6', 'relu6', [T(x46)], {}, lambda a, o: F.relu6(a[0]))
fcase('hardtanh', 'hardtanh', [T(x46), -1, 1], {}, lambda a, o: F.hardtanh(a[0], a[1], a[2]))
fcase('leakyRelu default', 'leakyRelu', [T(x46)], {}, lambda a, o: F.leaky_relu(a[0]))
fcase('leakyRelu 0.3', 'leakyRelu', [T(x46), 0.3], {}, lambda a, o: F.leaky_relu(a[0], a[1]))
fcase('elu', 'elu', [T(x46), 1.5], {}, lambda a, o: F.elu(a[0], a[1]))
fcase('selu', 'selu', [T(x46)], {}, lambda a, o: F.selu(a[0]))
fcase('gelu', 'gelu', [T(x46)], {}, lambda a, o: F.gelu(a[0]))
fcase('gelu tanh', 'gelu', [T(x46)], {'approximate': 'tanh'}, lambda a, o: F.gelu(a[0], approximate='tanh'))
fcase('silu', 'silu', [T(x46)], {}, lambda a, o: F.silu(a[0]))
fcase('mish', 'mish', [T(x46)], {}, lambda a, o: F.mish(a[0]))
fcase('sigmoid', 'sigmoid', [T(x46)], {}, lambda a, o: torch.sigmoid(a[0]))
fcase('tanh', 'tanh', [T(x46)], {}, lambda a, o: torch.tanh(a[0]))
fcase('logsigmoid', 'logsigmoid', [T(x46)], {}, lambda a, o: F.logsigmoid(a[0]))
fcase('softplus beta', 'softplus', [T(x46)], {'beta': 0.5, 'threshold': 3}, lambda a, o: F.softplus(a[0], beta=0.5, threshold=3))
fcase('softmax dim 0', 'softmax', [T(x46), 0], {}, lambda a, o: F.softmax(a[0], 0))
fcase('softmax float64', 'softmax', [T(x46), -1], {'dtype': 'float64'}, lambda a, o: F.softmax(a[0], -1, dtype=f64))
fcase('logSoftmax', 'logSoftmax', [T(randn(2, 3, 4)), 1], {}, lambda a, o: F.log_softmax(a[0], 1))
fcase('softmin', 'softmin', [T(x46), 1], {}, lambda a, o: F.softmin(a[0], 1))
fcase('dropout', 'dropout', [T(randn(5, 8)), 0.25, True], {}, lambda a, o: F.dropout(a[0], a[1], a[2]), seed=3)
fcase('dropout eval', 'dropout', [T(randn(3, 4)), 0.25, False], {}, lambda a, o: F.dropout(a[0], a[1], a[2]))
fcase('dropout2d', 'dropout2d', [T(randn(2, 6, 2, 2)), 0.5, True], {}, lambda a, o: F.dropout2d(a[0], a[1], a[2]), seed=4)
fcase('linear', 'linear', [T(randn(3, 4)), T(randn(2, 4)), T(randn(2))], {}, lambda a, o: F.linear(*a))
fcase('bilinear', 'bilinear', [T(randn(4, 2)), T(randn(4, 3)), T(randn(5, 2, 3)), T(randn(5))], {}, lambda a, o: F.bilinear(*a))
fcase('embedding', 'embedding', [T(torch.tensor([[3, 1], [0, 3]])), T(randn(4, 3))], {},
      lambda a, o: F.embedding(a[0], a[1]))
fcase('embedding int32 paddingIdx', 'embedding', [T(torch.tensor([2, 0, 2, 1], dtype=torch.int32)), T(randn(3, 2))],
      {'paddingIdx': 2}, lambda a, o: F.embedding(a[0], a[1], padding_idx=2))
fcase('batchNorm training', 'batchNorm', [T(randn(6, 3, 2)), T(randn(3, scale=0.1), False), T(torch.ones(3) * 1.5, False)],
      {'weight': T(randn(3, shift=1.0)), 'bias': T(randn(3)), 'training': True, 'momentum': 0.2, 'eps': 1e-4},
      lambda a, o: F.batch_norm(a[0], a[1], a[2], o['weight'], o['bias'], True, 0.2, 1e-4))
fcase('batchNorm eval', 'batchNorm', [T(randn(4, 3)), T(randn(3, scale=0.1), False), T(torch.ones(3) * 0.7, False)],
      {'weight': T(randn(3, shift=1.0))}, lambda a, o: F.batch_norm(a[0], a[1], a[2], o['weight']))
fcase('batchNorm no running stats', 'batchNorm', [T(randn(4, 2, 3)), None, None], {'training': True},
      lambda a, o: F.batch_norm(a[0], None, None, training=True))
fcase('layerNorm', 'layerNorm', [T(randn(3, 4, 5)), [4, 5]], {'weight': T(randn(4, 5)), 'bias': T(randn(4, 5)), 'eps': 1e-3},
      lambda a, o: F.layer_norm(a[0], [4, 5], o['weight'], o['bias'], 1e-3))
fcase('layerNorm plain', 'layerNorm', [T(randn(2, 7, scale=5.0, shift=3.0)), [7]], {}, lambda a, o: F.layer_norm(a[0], [7]))
fcase('groupNorm', 'groupNorm', [T(randn(2, 4, 3, 2)), 2], {'weight': T(randn(4)), 'bias': T(randn(4))},
      lambda a, o: F.group_norm(a[0], 2, o['weight'], o['bias']))
fcase('rmsNorm', 'rmsNorm', [T(randn(3, 4)), [4]], {'weight': T(randn(4)), 'eps': 1e-5},
      lambda a, o: rms_norm(a[0], [4], o['weight'], 1e-5))
fcase('rmsNorm default eps', 'rmsNorm', [T(randn(2, 2, 3, scale=1e-3)), [2, 3]], {}, lambda a, o: rms_norm(a[0], [2, 3]))
xz = randn(3, 4)
xz[1] = 0
fcase('normalize', 'normalize', [T(xz)], {}, lambda a, o: F.normalize(a[0]))
fcase('normalize p=1 dim 0', 'normalize', [T(xz)], {'p': 1, 'dim': 0}, lambda a, o: F.normalize(a[0], p=1, dim=0))
fcase('normalize p=3 eps', 'normalize', [T(randn(2, 5, scale=1e-3))], {'p': 3, 'dim': -1, 'eps': 1e-4},
      lambda a, o: F.normalize(a[0], p=3, dim=-1, eps=1e-4))
fcase('oneHot', 'oneHot', [T(torch.tensor([[0, 3], [2, 1]]))], {}, lambda a, o: F.one_hot(a[0]))
fcase('oneHot numClasses', 'oneHot', [T(torch.tensor([1, 0, 2])), 5], {}, lambda a, o: F.one_hot(a[0], 5))
xp = randn(2, 3, 4)
fcase('pad constant', 'pad', [T(xp), [1, 2]], {}, lambda a, o: F.pad(a[0], [1, 2]))
fcase('pad constant 3 dims value', 'pad', [T(xp), [0, 1, 2, 0, 1, 1]], {'value': 2.5}, lambda a, o: F.pad(a[0], [0, 1, 2, 0, 1, 1], value=2.5))
fcase('pad negative', 'pad', [T(xp), [-1, 2, 1, -1]], {}, lambda a, o: F.pad(a[0], [-1, 2, 1, -1]))
fcase('pad reflect', 'pad', [T(xp), [3, 2]], {'mode': 'reflect'}, lambda a, o: F.pad(a[0], [3, 2], mode='reflect'))
fcase('pad reflect 2-D', 'pad', [T(randn(1, 2, 3, 4)), [1, 2, 2, 1]], {'mode': 'reflect'},
      lambda a, o: F.pad(a[0], [1, 2, 2, 1], mode='reflect'))
fcase('pad replicate', 'pad', [T(randn(1, 2, 3, 3)), [2, 0, 1, 3]], {'mode': 'replicate'},
      lambda a, o: F.pad(a[0], [2, 0, 1, 3], mode='replicate'))
fcase('pad circular', 'pad', [T(xp), [2, 3]], {'mode': 'circular'}, lambda a, o: F.pad(a[0], [2, 3], mode='circular'))
fcase('pad circular 2-D', 'pad', [T(randn(1, 1, 3, 4)), [1, 1, 2, 0]], {'mode': 'circular'},
      lambda a, o: F.pad(a[0], [1, 1, 2, 0], mode='circular'))

# ---- seeded initialisation ---------------------------------------------------------------------

SEEDED = []


def seeded_module(name, ctor, args, options, seed):
    torch.manual_seed(seed)
    m = make_module(ctor, args, options)
    SEEDED.append({'name': name, 'kind': 'module', 'ctor': ctor, 'args': args, 'options': options, 'seed': seed,
                   'state': encode_state(m)})


def seeded_init(name, fn, shape, options, torch_fn, seed, dtype=f32, tol=None):
    torch.manual_seed(seed)
    t = torch.empty(shape, dtype=dtype)
    torch_fn(t)
    c = {'name': name, 'kind': 'init', 'fn': fn, 'shape': list(shape), 'dtype': str(dtype).replace('torch.', ''),
         'options': options, 'seed': seed, 'out': enc(t)}
    if tol is not None:
        c['tol'] = tol
    SEEDED.append(c)


seeded_module('Linear', 'Linear', [5, 7], {}, 0)
seeded_module('Linear no bias', 'Linear', [3, 2], {'bias': False}, 1)
seeded_module('Linear float64', 'Linear', [4, 3], {'dtype': 'float64'}, 2)
seeded_module('Bilinear', 'Bilinear', [2, 3, 4], {}, 3)
seeded_module('Embedding', 'Embedding', [6, 5], {}, 4)
seeded_module('Embedding paddingIdx', 'Embedding', [4, 8], {'paddingIdx': 1}, 5)

nn_init = nn.init
seeded_init('kaimingUniform_ default', 'kaimingUniform_', (6, 4, 3), {}, lambda t: nn_init.kaiming_uniform_(t), 10)
seeded_init('kaimingUniform_ relu fan_out', 'kaimingUniform_', (5, 7), {'mode': 'fan_out', 'nonlinearity': 'relu'},
            lambda t: nn_init.kaiming_uniform_(t, mode='fan_out', nonlinearity='relu'), 11)
seeded_init('kaimingUniform_ a', 'kaimingUniform_', (3, 9), {'a': 0.2}, lambda t: nn_init.kaiming_uniform_(t, a=0.2), 12)
seeded_init('kaimingNormal_', 'kaimingNormal_', (8, 5), {}, lambda t: nn_init.kaiming_normal_(t), 13)
seeded_init('kaimingNormal_ small', 'kaimingNormal_', (3, 4), {'nonlinearity': 'relu'},
            lambda t: nn_init.kaiming_normal_(t, nonlinearity='relu'), 14)
seeded_init('kaimingNormal_ float64', 'kaimingNormal_', (4, 5), {'mode': 'fan_out'},
            lambda t: nn_init.kaiming_normal_(t, mode='fan_out'), 15, dtype=f64)
seeded_init('xavierUniform_', 'xavierUniform_', (4, 6, 2), {'gain': 1.5}, lambda t: nn_init.xavier_uniform_(t, gain=1.5), 16)
seeded_init('xavierNormal_', 'xavierNormal_', (10, 3), {}, lambda t: nn_init.xavier_normal_(t), 17)
seeded_init('uniform_', 'uniform_', (3, 5), {'a': -2, 'b': 3}, lambda t: nn_init.uniform_(t, -2, 3), 18)
seeded_init('normal_', 'normal_', (20,), {'mean': 1, 'std': 0.5}, lambda t: nn_init.normal_(t, 1, 0.5), 19)
seeded_init('constant_', 'constant_', (2, 3), {'val': 0.25}, lambda t: nn_init.constant_(t, 0.25), 20)
seeded_init('eye_', 'eye_', (3, 5), {}, lambda t: nn_init.eye_(t), 21)
seeded_init('orthogonal_', 'orthogonal_', (6, 4), {}, lambda t: nn_init.orthogonal_(t), 22, tol=1e-5)
seeded_init('orthogonal_ wide gain', 'orthogonal_', (3, 8), {'gain': 2}, lambda t: nn_init.orthogonal_(t, gain=2), 23, tol=1e-5)
seeded_init('orthogonal_ 3-D', 'orthogonal_', (4, 2, 3), {}, lambda t: nn_init.orthogonal_(t), 24, tol=1e-5)
seeded_init('truncNormal_', 'truncNormal_', (50,), {'mean': 0.5, 'std': 2, 'a': -1, 'b': 3},
            lambda t: nn_init.trunc_normal_(t, mean=0.5, std=2, a=-1, b=3), 25, tol=1e-5)

GAINS = [[n, p, nn_init.calculate_gain(n, p)] for n, p in [
    ('linear', None), ('conv2d', None), ('sigmoid', None), ('tanh', None), ('relu', None), ('leaky_relu', None),
    ('leaky_relu', 0.2), ('selu', None), ('leaky_relu', math.sqrt(5))]]

FANS = []
for shape in [(3, 4), (8, 4, 3), (5, 2, 3, 3), (2, 6, 1, 2, 2)]:
    fi, fo = nn_init._calculate_fan_in_and_fan_out(torch.empty(shape))
    FANS.append({'shape': list(shape), 'fanIn': fi, 'fanOut': fo})

# ---- errors ------------------------------------------------------------------------------------

ERRORS = []


def error_case(name, kind, spec, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - PyTorch's errors are fixture data
        ERRORS.append({'name': name, 'kind': kind, **spec, 'error': type(e).__name__, 'message': str(e)})
        return
    raise AssertionError(f'{name}: PyTorch raised nothing')


error_case('GroupNorm channels', 'construct', {'ctor': 'GroupNorm', 'args': [4, 6], 'options': {}}, lambda: nn.GroupNorm(4, 6))
error_case('Dropout p', 'construct', {'ctor': 'Dropout', 'args': [1.5], 'options': {}}, lambda: nn.Dropout(1.5))
error_case('Embedding paddingIdx', 'construct', {'ctor': 'Embedding', 'args': [3, 2], 'options': {'paddingIdx': 3}},
           lambda: nn.Embedding(3, 2, padding_idx=3))
error_case('BatchNorm1d 4-D', 'forward', {'ctor': 'BatchNorm1d', 'args': [3], 'options': {}, 'input': [2, 3, 2, 2]},
           lambda: nn.BatchNorm1d(3)(torch.randn(2, 3, 2, 2)))
error_case('BatchNorm2d 3-D', 'forward', {'ctor': 'BatchNorm2d', 'args': [3], 'options': {}, 'input': [2, 3, 2]},
           lambda: nn.BatchNorm2d(3)(torch.randn(2, 3, 2)))
error_case('BatchNorm1d one value', 'forward', {'ctor': 'BatchNorm1d', 'args': [3], 'options': {}, 'input': [1, 3]},
           lambda: nn.BatchNorm1d(3)(torch.randn(1, 3)))
error_case('LayerNorm shape', 'forward', {'ctor': 'LayerNorm', 'args': [5], 'options': {}, 'input': [2, 3, 4]},
           lambda: nn.LayerNorm(5)(torch.randn(2, 3, 4)))
error_case('LayerNorm 2-D shape', 'forward', {'ctor': 'LayerNorm', 'args': [[3, 4]], 'options': {}, 'input': [2, 4, 3]},
           lambda: nn.LayerNorm([3, 4])(torch.randn(2, 4, 3)))
error_case('Unflatten sizes', 'forward', {'ctor': 'Unflatten', 'args': [1, [2, 4]], 'options': {}, 'input': [3, 10]},
           lambda: nn.Unflatten(1, (2, 4))(torch.randn(3, 10)))
error_case('groupNorm groups', 'functional', {'fn': 'groupNorm', 'input': [2, 6, 4], 'args': [4]},
           lambda: F.group_norm(torch.randn(2, 6, 4), 4))
error_case('dropout p', 'functional', {'fn': 'dropout', 'input': [3], 'args': [-0.1]}, lambda: F.dropout(torch.randn(3), -0.1))
error_case('pad odd', 'functional', {'fn': 'pad', 'input': [2, 3], 'args': [[1, 2, 3]]}, lambda: F.pad(torch.randn(2, 3), [1, 2, 3]))
error_case('pad too long', 'functional', {'fn': 'pad', 'input': [3], 'args': [[1, 1, 1, 1]]}, lambda: F.pad(torch.randn(3), [1, 1, 1, 1]))
error_case('pad reflect too wide', 'functional', {'fn': 'pad', 'input': [1, 2, 3], 'args': [[3, 3], {'mode': 'reflect'}]},
           lambda: F.pad(torch.randn(1, 2, 3), [3, 3], mode='reflect'))
error_case('oneHot negative', 'functional', {'fn': 'oneHot', 'input': [-1, 2], 'inputDtype': 'int64', 'args': []},
           lambda: F.one_hot(torch.tensor([-1, 2])))
error_case('oneHot too large', 'functional', {'fn': 'oneHot', 'input': [1, 3], 'inputDtype': 'int64', 'args': [3]},
           lambda: F.one_hot(torch.tensor([1, 3]), 3))
error_case('oneHot float', 'functional', {'fn': 'oneHot', 'input': [1, 3], 'inputDtype': 'float32', 'args': []},
           lambda: F.one_hot(torch.tensor([1.0, 3.0])))
error_case('embedding float indices', 'functional', {'fn': 'embedding', 'input': [1, 2], 'inputDtype': 'float32', 'args': ['weight']},
           lambda: F.embedding(torch.tensor([1.0, 2.0]), torch.randn(3, 2)))
error_case('fan of 1-D', 'init', {'fn': 'kaimingUniform_', 'shape': [5], 'options': {}}, lambda: nn_init.kaiming_uniform_(torch.empty(5)))
error_case('kaiming mode', 'init', {'fn': 'kaimingUniform_', 'shape': [2, 2], 'options': {'mode': 'fan_x'}},
           lambda: nn_init.kaiming_uniform_(torch.empty(2, 2), mode='fan_x'))
error_case('gain', 'gain', {'nonlinearity': 'softsign'}, lambda: nn_init.calculate_gain('softsign'))
error_case('eye_ 3-D', 'init', {'fn': 'eye_', 'shape': [2, 2, 2], 'options': {}}, lambda: nn_init.eye_(torch.empty(2, 2, 2)))


def load_error(name, ctor, args, options, state):
    def go():
        m = make_module(ctor, args, options)
        m.load_state_dict({k: v for k, v in state.items()})
    error_case(name, 'load', {'ctor': ctor, 'args': args, 'options': options,
                              'state': {k: {'shape': list(v.shape), 'dtype': str(v.dtype).replace('torch.', '')} for k, v in state.items()}}, go)


load_error('load missing', 'Linear', [3, 2], {}, {'weight': torch.zeros(2, 3)})
load_error('load unexpected', 'Linear', [3, 2], {'bias': False}, {'weight': torch.zeros(2, 3), 'bias': torch.zeros(2), 'extra': torch.zeros(1)})
load_error('load missing and unexpected', 'BatchNorm1d', [2], {}, {'weight': torch.zeros(2), 'bias': torch.zeros(2), 'running_mean': torch.zeros(2),
                                                                   'num_batches_tracked': torch.tensor(0), 'foo': torch.zeros(2)})
load_error('load size mismatch', 'Linear', [3, 2], {}, {'weight': torch.zeros(3, 3), 'bias': torch.zeros(2)})
load_error('load size mismatch and missing', 'Linear', [3, 2], {}, {'weight': torch.zeros(2, 2)})

# ---- models ------------------------------------------------------------------------------------


class Net(nn.Module):
    """The nested model test/nn/layers.test.ts rebuilds: submodules by attribute, containers inside."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(7, 4, padding_idx=0)
        self.fc1 = nn.Linear(4, 6)
        self.bn = nn.BatchNorm1d(6)
        self.blocks = nn.Sequential(nn.Linear(6, 6), nn.GELU(), nn.Dropout(0.1), nn.LayerNorm(6))
        self.heads = nn.ModuleList([nn.Linear(6, 2), nn.Linear(6, 3, bias=False)])
        self.norms = nn.ModuleDict({'rms': RMSNorm(5), 'group': nn.GroupNorm(1, 5)})

    def forward(self, idx):
        h = self.embed(idx).mean(1)
        h = F.relu(self.bn(self.fc1(h)))
        h = self.blocks(h)
        out = torch.cat([self.heads[0](h), self.heads[1](h)], -1)
        return self.norms['group'](self.norms['rms'](out).unsqueeze(-1)).squeeze(-1)


torch.manual_seed(0)
net = Net()
randomise(net, positive_buffers=True)
net.eval()
idx = torch.tensor([[1, 2, 0], [3, 3, 6], [0, 5, 4], [2, 1, 1]])
state = encode_state(net)
out = net(idx)
w = randn(*out.shape)
(out * w).sum().backward()
MODELS = [{
    'name': 'Net', 'stateKeys': list(net.state_dict().keys()), 'paramNames': [k for k, _ in net.named_parameters()],
    'bufferNames': [k for k, _ in net.named_buffers()], 'moduleNames': [k for k, _ in net.named_modules()],
    'repr': str(net), 'state': state, 'input': enc(idx), 'out': enc(out), 'w': enc(w),
    'paramGrads': {k: enc(p.grad) for k, p in net.named_parameters() if p.grad is not None},
}]
seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.BatchNorm1d(4), nn.Linear(4, 2)))
MODELS.append({'name': 'Sequential', 'stateKeys': list(seq.state_dict().keys()), 'repr': str(seq)})

path = os.path.join(common.FIXTURES, 'torch_nn_layers.json')
with open(path + '.tmp', 'w') as f:
    json.dump({'torch': torch.__version__, 'modules': MODULES, 'functional': FUNCTIONAL, 'seeded': SEEDED,
               'gains': GAINS, 'fans': FANS, 'errors': ERRORS, 'models': MODELS}, f, separators=(',', ':'))
os.replace(path + '.tmp', path)
print(f'wrote {path} ({len(MODULES)} modules, {len(FUNCTIONAL)} functional, {len(SEEDED)} seeded, {len(ERRORS)} errors)')
