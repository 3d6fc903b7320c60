#!/usr/bin/python3
"""PyTorch fixtures for the tensor face (test/tensor/ops.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/make_torch_fixtures.py

Writes test/fixtures/torch_ops.json. Each case names a kiln function (`fn`), its positional
arguments and trailing options object as kiln takes them, and what PyTorch gave for the same call:
the result (values and dtype), or the error; and, when some input requires grad, the gradient of
the scalar loss sum_i (out_i * w_i).sum() w.r.t. each tensor argument (w_i fixed random weights,
one per floating-point output, stored in the case).

Argument encoding: {"t": array, "grad": bool, "permute": [...]} a tensor (made from the
array, then permuted when asked, so kernels see strided views; its gradient is taken w.r.t. the
unpermuted leaf), {"list": [tensor args]} a list of tensors, {"v": value} a plain JSON value
(numbers, booleans, null, dim lists). Arrays use the encoding of scripts/fixtures/common.py.
"""
import importlib.util
import json
import math
import os
import re
import sys

# sibling scripts (random.py) would shadow standard modules that torch imports: drop this folder
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

torch.manual_seed(1234)
WEIGHTS = torch.Generator().manual_seed(99)

f16, f32, f64 = torch.float16, torch.float32, torch.float64
i8, u8, i16, i32, i64, b = torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64, torch.bool


class T:
    """A tensor argument: fixed data, whether it requires grad, an optional permutation."""

    def __init__(self, data, grad=False, permute=None):
        self.data = data
        self.grad = grad
        self.permute = permute

    def make(self, leaves):
        leaf = self.data.clone().requires_grad_(self.grad)
        leaves.append(leaf)
        return leaf.permute(*self.permute) if self.permute else leaf

    def encode(self):
        e = {'t': enc(self.data), 'grad': self.grad}
        if self.permute:
            e['permute'] = list(self.permute)
        return e


def enc(t):
    return common.enc(t.detach().numpy())


def randn(*shape, dtype=f32, grad=True, permute=None):
    return T(torch.randn(shape, dtype=f64).to(dtype), grad, permute)


def uniform(lo, hi, *shape, dtype=f32, grad=True):
    return T((torch.rand(shape, dtype=f64) * (hi - lo) + lo).to(dtype), grad)


def ints(lo, hi, *shape, dtype=i64):
    return T(torch.randint(lo, hi, shape).to(dtype))


def const(values, dtype=f32, grad=False):
    return T(torch.tensor(values, dtype=dtype), grad)


def snake(name):
    return re.sub(r'(?<=[a-z0-9])([A-Z])', r'_\1', name).lower()


TORCH_DTYPES = {'float16': f16, 'float32': f32, 'float64': f64, 'int64': i64, 'int32': i32, 'bool': b}

# kiln functions whose PyTorch counterpart is not torch.<snake_case name>
TORCH_FN = {
    'silu': F.silu,
    'softplus': F.softplus,
    'view': lambda x, *shape: x.view(*shape),
    'expand': lambda x, *sizes: x.expand(*sizes),
    'clone': torch.clone,
    'to': lambda x, dtype: x.to(TORCH_DTYPES[dtype]),
    # composites: comparisons feeding where, so gradients pass through a mask
    '_whereGt': lambda x, y: torch.where(x > y, x * 2.5, y),
    '_maskThenSum': lambda x: torch.where(torch.le(x, 0.0), torch.zeros_like(x), x).sum(),
    '_floorMix': lambda x: torch.floor(x) * x + torch.sign(x) + torch.round(x),
}


def encode_arg(a):
    if isinstance(a, T):
        return a.encode()
    if isinstance(a, list) and a and isinstance(a[0], T):
        return {'list': [t.encode() for t in a]}
    check_plain(a)
    return {'v': a}


def check_plain(v):
    # JS cannot tell 2.0 from 2, so a whole float scalar would be an int scalar in kiln
    if isinstance(v, float) and (v.is_integer() or not math.isfinite(v)):
        raise ValueError(f'float scalar {v} in a case: JS reads whole floats as integers; JSON has no nan/inf')
    if isinstance(v, (list, tuple)):
        for x in v:
            check_plain(x)


def make_arg(a, leaves):
    if isinstance(a, T):
        return a.make(leaves)
    if isinstance(a, list) and a and isinstance(a[0], T):
        return [t.make(leaves) for t in a]
    return a


def torch_kwargs(opts):
    out = {}
    for k, v in (opts or {}).items():
        out[snake(k)] = TORCH_DTYPES[v] if k == 'dtype' else v
    return out


def encode_result(r):
    if isinstance(r, (tuple, list)):
        return {'tuple': [enc(x) for x in r]}
    return enc(r)


CASES = []


def case(name, fn, *args, opts=None, method=False, tol=None):
    """Runs fn in PyTorch as kiln would (kiln.fn(...args, opts) or args[0].fn(...rest, opts))."""
    c = {'name': name, 'fn': fn, 'args': [encode_arg(a) for a in args]}
    if opts is not None:
        c['opts'] = opts
    if method:
        c['method'] = True
    if tol is not None:
        c['tol'] = tol
    leaves = []
    targs = [make_arg(a, leaves) for a in args]
    kw = torch_kwargs(opts)

    def call(targs):
        if fn in TORCH_FN:
            return TORCH_FN[fn](*targs, **kw)
        if method:
            return getattr(targs[0], snake(fn))(*targs[1:], **kw)
        return getattr(torch, snake(fn))(*targs, **kw)

    try:
        r = call(targs)
    except Exception as e:  # noqa: BLE001 - PyTorch's errors are fixture data
        if "not implemented for 'Half'" not in str(e):
            c['result'] = {'error': type(e).__name__, 'message': str(e)}
            CASES.append(c)
            return
        # PyTorch 1.13's CPU lacks many Half kernels; newer ones compute in float32 and round
        c['note'] = 'float16 computed in float32 and rounded (PyTorch 1.13 CPU has no Half kernel)'
        up = [a.float() if isinstance(a, torch.Tensor) and a.dtype == f16 else a for a in targs]
        r = call(up)
        r = r.half() if r.dtype == f32 else r
    if isinstance(r, tuple):
        r = tuple(r)
    c['result'] = encode_result(r)
    outs = list(r) if isinstance(r, (tuple, list)) else [r]
    if any(leaf.requires_grad for leaf in leaves):
        weights, loss = [], None
        for o in outs:
            if o.dtype.is_floating_point and o.requires_grad:
                w = torch.randn(o.shape, generator=WEIGHTS, dtype=f64).to(o.dtype)
                weights.append(enc(w))
                term = (o * w).sum()
                loss = term if loss is None else loss + term
            else:
                weights.append(None)
        if loss is not None:
            loss.backward()
            c['weights'] = weights
            c['grads'] = [enc(leaf.grad) if leaf.grad is not None else None for leaf in leaves]
    CASES.append(c)


# ---- arithmetic, with broadcasting gradients ---------------------------------------------------

for fn in ['add', 'sub', 'mul', 'div']:
    case(f'{fn} same shape', fn, randn(2, 3), randn(2, 3))
    case(f'{fn} (2,3) with (3,)', fn, randn(2, 3), randn(3))
    case(f'{fn} (4,1) with (1,5)', fn, randn(4, 1), randn(1, 5))
    case(f'{fn} 0-d with (2,3)', fn, randn(), randn(2, 3))
    case(f'{fn} (2,1,3) with 0-d', fn, randn(2, 1, 3), randn())
    case(f'{fn} tensor with scalar', fn, randn(2, 3), 2.5)
    case(f'{fn} scalar with tensor', fn, -1.5, uniform(0.5, 2, 3))
    case(f'{fn} float64', fn, randn(3, 2, dtype=f64), randn(2, dtype=f64))
    case(f'{fn} transposed inputs', fn, randn(3, 2, permute=(1, 0)), randn(2, 3))
    case(f'{fn} only second requires grad', fn, randn(2, 3, grad=False), randn(3))
    case(f'{fn} int64', fn, ints(-5, 5, 2, 3), ints(1, 4, 3))
    case(f'{fn} int32 with int scalar', fn, ints(-5, 5, 4, dtype=i32), 3)
    case(f'{fn} int64 with float scalar', fn, ints(-5, 5, 4), 2.5)
    case(f'{fn} int64 with float16 tensor', fn, ints(1, 5, 4), randn(4, dtype=f16, grad=False), tol=[1e-3, 1e-3])
    case(f'{fn} float16 with 0-d float64', fn, randn(4, dtype=f16, grad=False), const(1.5, f64), tol=[1e-3, 1e-3])
    case(f'{fn} int32 with 0-d int64', fn, ints(1, 5, 4, dtype=i32), const(3, i64))
    case(f'{fn} int64 with 0-d float64', fn, ints(1, 5, 4), const(0.5, f64))
    # the float64 0-d's gradient is computed in float32, then cast
    case(f'{fn} float32 with 0-d float64', fn, randn(3), randn(dtype=f64), tol=[1e-5, 1e-6])
    case(f'{fn} uint8 with int8', fn, ints(1, 9, 4, dtype=u8), ints(1, 5, 4, dtype=i8))
    case(f'{fn} bool with bool', fn, const([True, False, True], b), const([True, True, False], b))
    case(f'{fn} bool with int scalar', fn, const([True, False], b), 2)
    case(f'{fn} bool with float scalar', fn, const([True, False], b), 1.5)
    case(f'{fn} broadcast failure', fn, randn(2, 3), randn(2, 4))
    case(f'{fn} broadcast failure 1-d', fn, randn(3), randn(4))

case('add method', 'add', randn(2, 3), randn(3), method=True)
case('mul method with scalar', 'mul', randn(2, 3), -0.5, method=True)
case('div method rounding', 'div', randn(4), 0.5, opts={'roundingMode': 'floor'}, method=True)
case('pow method', 'pow', uniform(0.5, 2, 3), randn(3), method=True)
case('clamp method', 'clamp', randn(5), -0.5, 0.5, method=True)
case('trueDivide', 'trueDivide', ints(1, 9, 3), const([2, 4, 8], i64))
case('negative', 'negative', randn(3))
case('add with alpha', 'add', randn(2, 3), randn(3), opts={'alpha': 2.5})
case('sub with alpha', 'sub', randn(2, 3), randn(2, 3), opts={'alpha': -0.5})
case('add int with alpha', 'add', ints(0, 5, 3), ints(0, 5, 3), opts={'alpha': 3})
case('sub int with bool', 'sub', const([1, 2], i64), const([True, False], b))
case('sub float with True', 'sub', randn(2), True)
case('sub uint8 wraps', 'sub', ints(0, 3, 4, dtype=u8), 5)
case('int division is true division', 'div', ints(-9, 9, 5), const([2, 3, -4, 5, 7], i64))
case('int32 divided by int scalar', 'div', ints(-9, 9, 4, dtype=i32), 2)
for mode in ['trunc', 'floor']:
    case(f'div {mode} float', 'div', randn(2, 3), uniform(0.3, 1.5, 3), opts={'roundingMode': mode})
    case(f'div {mode} negative', 'div', const([-7.5, 7.5, -0.5, 3.0], grad=True), const([2.0, -2.0, 2.0, 1.5]), opts={'roundingMode': mode})
    case(f'div {mode} int64', 'div', const([-7, 7, -1, 9], i64), const([2, -2, 3, 4], i64), opts={'roundingMode': mode})
    case(f'div {mode} int with scalar', 'div', const([-7, 7, -1, 9], i32), 2, opts={'roundingMode': mode})
    case(f'div {mode} float64', 'div', randn(4, dtype=f64), 0.75, opts={'roundingMode': mode})
case('floorDivide float', 'floorDivide', const([-7.5, 7.5, -0.5, 3.0]), const([2.0, -2.0, 2.0, 1.5]))
case('floorDivide int', 'floorDivide', const([-7, 7, -1, 9], i64), 2)
case('remainder float', 'remainder', const([-7.5, 7.5, -0.5, 3.25], grad=True), const([2.0, -2.0, 2.0, 1.5], grad=True))
case('remainder broadcast', 'remainder', randn(2, 3), uniform(0.5, 1.5, 3))
case('remainder scalar', 'remainder', randn(5), 0.75)
case('remainder int', 'remainder', const([-7, 7, -1, 9], i64), const([2, -2, 3, -4], i64))
case('remainder int scalar', 'remainder', const([-7, 7, -1, 9], i32), 3)
case('pow tensor scalar', 'pow', randn(2, 3), 2)
case('pow tensor float scalar', 'pow', uniform(0.5, 2, 2, 3), 1.5)
case('pow negative exponent', 'pow', uniform(0.5, 2, 4), -0.5)
case('pow tensor tensor', 'pow', uniform(0.5, 2, 2, 3), randn(3))
case('pow broadcast', 'pow', uniform(0.5, 2, 4, 1), uniform(-1, 2, 1, 3))
case('pow scalar base', 'pow', 2.5, randn(4))
case('pow zero exponent at zero', 'pow', const([0.0, 1.5, -2.0], grad=True), 0)
case('pow zero base tensor exponent', 'pow', const([0.0, 0.0, 2.0], grad=True), const([2.0, 0.5, 3.0], grad=True))
case('pow square at zero', 'pow', const([0.0, -1.5, 2.0], grad=True), 2)
case('pow int', 'pow', const([1, 2, 3, -2], i64), 3)
case('pow int tensor float scalar', 'pow', const([1, 2, 3, 4], i64), 0.5)
case('pow int base int tensor', 'pow', 2, const([0, 1, 5, 10], i64))
case('pow int32 int64 0-d', 'pow', const([1, 2, 3], i32), const(2, i64))
case('pow float64', 'pow', uniform(0.5, 2, 3, dtype=f64), uniform(-1, 2, 3, dtype=f64))
case('pow int negative power', 'pow', const([1, 2, 3], i64), -1)

# edge cases: 64-bit exactness, wrapping, zero divisors, promotion corners
case('add int64 beyond 2**53', 'add', const([2**60 + 1, -2**62, 2**53], i64), const([3, -1, 1], i64))
case('mul int32 wraps', 'mul', const([2**30, -3, 70000], i32), const([4, 5, 70000], i32))
case('add uint8 scalar wraps', 'add', const([10, 250], u8), 300)
case('add int8 with 0-d int16', 'add', const([100, -100], i8), const(100, i16))
case('add float16 with 0-d int64', 'add', randn(3, dtype=f16, grad=False), const(7, i64), tol=[1e-3, 1e-3])
case('add bool with 0-d int64', 'add', const([True, False], b), const(5, i64))
case('add bool with 0-d float64', 'add', const([True, False], b), const(1.5, f64))
case('add int32 with 0-d float16', 'add', const([1, 2], i32), const(0.5, f16))
case('add float64 with float32', 'add', randn(3, dtype=f64), randn(3))
case('div int by int zero', 'div', const([1, -1, 0], i64), const([0, 0, 0], i64))
case('div float by zero', 'div', const([1.5, -1.5, 0.0]), const(0.0))
case('div scalar by int tensor', 'div', 3, const([2, 4], i64))
case('sub scalar minus tensor', 'sub', 2.5, randn(3))
case('remainder scalar by tensor', 'remainder', 2.5, uniform(0.5, 2, 4, grad=False))
case('remainder int by zero', 'remainder', const([5], i64), 0)
case('floorDivide int by zero', 'floorDivide', const([5], i64), const([0], i64))
case('floorDivide int by float zero', 'floorDivide', const([1, 2], i64), const([0.5, 0.0]))
case('div floor float by zero', 'div', const([1.5, -1.5, 0.0]), const([0.0, 0.0, 0.0]), opts={'roundingMode': 'floor'})
case('pow float by int64 tensor', 'pow', randn(3), const([0, 1, 3], i64))
case('pow int by float tensor', 'pow', const([1, 2, 4], i64), uniform(-1, 2, 3))
case('pow nan and inf', 'pow', const([float('nan'), float('inf'), -1.5, 0.0]), const([0.0, -1.0, 0.5, -1.0]))

# ---- unary math ------------------------------------------------------------------------------------

UNARY = {
    'neg': (-2, 2), 'abs': (-2, 2), 'exp': (-3, 3), 'log': (0.1, 4), 'log2': (0.1, 4), 'log10': (0.1, 4),
    'log1p': (-0.9, 3), 'expm1': (-2, 2), 'sqrt': (0.1, 4), 'rsqrt': (0.1, 4), 'sin': (-3, 3), 'cos': (-3, 3),
    'tan': (-1.4, 1.4), 'asin': (-0.95, 0.95), 'acos': (-0.95, 0.95), 'atan': (-4, 4), 'sinh': (-3, 3),
    'cosh': (-3, 3), 'tanh': (-3, 3), 'sigmoid': (-6, 6), 'reciprocal': (0.2, 3), 'floor': (-3, 3),
    'ceil': (-3, 3), 'trunc': (-3, 3), 'sign': (-3, 3), 'round': (-3, 3), 'relu': (-2, 2), 'silu': (-4, 4),
    'softplus': (-4, 4), 'square': (-2, 2),
}
for fn, (lo, hi) in UNARY.items():
    case(f'{fn} float32', fn, uniform(lo, hi, 2, 3))
    case(f'{fn} float64', fn, uniform(lo, hi, 5, dtype=f64))
    case(f'{fn} 0-d', fn, uniform(lo, hi))
    case(f'{fn} transposed', fn, T(uniform(lo, hi, 3, 2).data, True, (1, 0)))
    case(f'{fn} int64', fn, ints(1, 4, 4))
    case(f'{fn} float16', fn, uniform(lo, hi, 4, dtype=f16, grad=False), tol=[2e-3, 2e-3])
for fn in ['neg', 'abs', 'sign', 'floor', 'ceil', 'trunc', 'round', 'relu', 'exp', 'sqrt', 'square']:
    case(f'{fn} bool', fn, const([True, False], b))
for fn in ['neg', 'abs', 'sign', 'floor', 'round', 'relu', 'square']:
    case(f'{fn} int32', fn, const([-3, 0, 2], i32))

case('abs at zero', 'abs', const([-1.5, 0.0, 2.0], grad=True))
case('relu at zero', 'relu', const([-1.5, 0.0, 2.0], grad=True))
case('sign at zero', 'sign', const([-1.5, 0.0, 2.0], grad=True))
case('round half to even', 'round', const([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5], grad=True))
case('round decimals', 'round', const([1.2345, -2.5551, 0.125, 10.05], grad=True), opts={'decimals': 2})
case('round negative decimals', 'round', const([1234.5, -2551.0, 150.0], grad=True), opts={'decimals': -2})
case('floor of integral values', 'floor', const([-2.0, 0.0, 3.0], grad=True))
case('sqrt at zero', 'sqrt', const([0.0, 1.0, 4.0], grad=True))
case('log at zero and negative', 'log', const([0.0, -1.0, 1.0], grad=True))
case('exp overflow', 'exp', const([100.0, -100.0, 0.5], grad=True))
case('sigmoid extremes', 'sigmoid', const([-100.0, 100.0, 0.0], grad=True))
case('tanh extremes', 'tanh', const([-30.0, 30.0, 0.0], grad=True))
case('softplus large inputs', 'softplus', const([-100.0, 19.5, 20.5, 100.0], grad=True))
case('softplus beta threshold', 'softplus', randn(2, 3), opts={'beta': 2, 'threshold': 1.5})
case('softplus beta float64', 'softplus', randn(5, dtype=f64), opts={'beta': 0.5})
case('silu extremes', 'silu', const([-100.0, 100.0, 0.0], grad=True))
case('reciprocal of zero', 'reciprocal', const([0.0, -0.0, 2.0]))
case('reciprocal int', 'reciprocal', const([1, 2, 4], i64))
case('neg on bool', 'neg', const([True, False], b))

# ---- comparisons, logic, extrema --------------------------------------------------------------------

for fn in ['eq', 'ne', 'lt', 'le', 'gt', 'ge']:
    case(f'{fn} float', fn, const([1.0, 2.5, -1.0, 3.0]), const([1.0, 2.0, 0.0, 3.5]))
    case(f'{fn} broadcast', fn, randn(3, 1, grad=False), randn(4, grad=False))
    case(f'{fn} scalar', fn, const([1, 2, 3, 4], i64), 2.5)
    case(f'{fn} int float', fn, const([1, 2, 3], i32), const([1.0, 1.5, 3.5]))
    case(f'{fn} requires grad', fn, randn(3), randn(3))
    case(f'{fn} bool', fn, const([True, False, True], b), const([True, True, False], b))
for fn in ['logicalAnd', 'logicalOr', 'logicalXor']:
    case(f'{fn} bool', fn, const([True, False, True, False], b), const([True, True, False, False], b))
    case(f'{fn} float int', fn, const([0.0, 1.5, -2.0, 0.0]), const([3, 0, 1, 0], i64))
    case(f'{fn} broadcast', fn, const([[True], [False]], b), const([True, False, True], b))
case('logicalNot float', 'logicalNot', const([0.0, 1.5, -0.0]))
case('logicalNot int', 'logicalNot', const([0, 3], i64))
case('eq nan', 'eq', const([float('nan'), 1.0]), const([float('nan'), 1.0]))
case('ne nan', 'ne', const([float('nan'), 1.0]), const(float('nan')))
case('lt int64 beyond 2**53', 'lt', const([2**53, 2**53 + 1], i64), const([2**53 + 1, 2**53 + 1], i64))
case('gt uint8 with negative scalar', 'gt', const([1, 2], u8), -1)
case('sign nan and zeros', 'sign', const([float('nan'), -0.0, 0.0, -2.5]))
case('abs negative zero', 'abs', const([-0.0, -1.5]))
case('isnan', 'isnan', const([float('nan'), 1.0, float('inf')]))
case('isinf', 'isinf', const([float('nan'), 1.0, float('-inf')]))
case('isfinite', 'isfinite', const([float('nan'), 1.0, float('inf')]))
case('isnan int', 'isnan', const([1, 2], i64))

for fn in ['maximum', 'minimum']:
    case(f'{fn} same shape', fn, randn(2, 3), randn(2, 3))
    case(f'{fn} broadcast', fn, randn(4, 1), randn(1, 3))
    case(f'{fn} ties split the gradient', fn, const([1.0, 2.0, 3.0, -1.0], grad=True), const([1.0, 5.0, 3.0, -2.0], grad=True))
    case(f'{fn} ties broadcast', fn, const([[1.0, 2.0], [3.0, 0.0]], grad=True), const([1.0, 0.0], grad=True))
    case(f'{fn} int', fn, const([1, 5, -3], i64), const([2, 2, -4], i64))
    case(f'{fn} int and float', fn, const([1, 5, -3], i32), randn(3, grad=False))
    case(f'{fn} nan', fn, const([float('nan'), 1.0]), const([0.0, float('nan')]))
    case(f'{fn} float64', fn, randn(3, dtype=f64), randn(3, dtype=f64))

case('clamp both', 'clamp', randn(3, 4), -0.5, 0.5)
case('clamp min only', 'clamp', randn(3, 4), -0.25)
case('clamp max only', 'clamp', randn(3, 4), None, 0.25)
case('clamp boundaries get gradient', 'clamp', const([-1.0, -0.5, 0.0, 0.5, 1.0], grad=True), -0.5, 0.5)
case('clamp tensor bounds', 'clamp', randn(2, 3), randn(3, grad=True), uniform(1, 2, 2, 1))
case('clamp tensor min above max', 'clamp', const([-1.0, 0.5, 2.0, 0.5], grad=True), const([1.0, 1.0, 1.0, 0.5], grad=True), const([0.0, 0.0, 0.0, 0.5], grad=True))
case('clamp tensor min only', 'clamp', randn(2, 3), randn(3, grad=True))
case('clamp tensor max only', 'clamp', randn(2, 3), None, randn(2, 1, grad=True))
case('clamp tensor bound ties', 'clamp', const([0.0, 1.0, 2.0, 3.0], grad=True), const([0.0, 0.0, 2.5, 3.0], grad=True), const([2.0, 1.0, 3.0, 3.0], grad=True))
case('clamp int', 'clamp', const([-5, 0, 5, 10], i64), 0, 6)
case('clamp int float bound', 'clamp', const([-5, 0, 5, 10], i64), 0.5, 6)
case('clamp float64', 'clamp', randn(6, dtype=f64), -0.5, 0.5)
case('clamp min greater than max', 'clamp', randn(4), 1.5, -0.5)
case('clamp no bounds', 'clamp', randn(4), None, None)

case('where', 'where', const([True, False, True, False], b), randn(4), randn(4))
case('where broadcast', 'where', const([[True], [False], [True]], b), randn(1, 4), randn())
case('where scalar other', 'where', const([True, False, True], b), randn(3), 0.5)
case('where int and float', 'where', const([True, False], b), const([1, 2], i64), const([0.5, 1.5]))
case('where int and float scalar', 'where', const([True, False], b), const([1, 2], i64), 0.5)
case('where float64', 'where', const([True, False, True], b), randn(3, dtype=f64), randn(3, dtype=f64))
case('where non-bool condition', 'where', const([1, 0], i64), randn(2), randn(2))
case('where broadcast failure', 'where', const([True, False, True], b), randn(2, 4), randn(4))
case('comparison through where', '_whereGt', randn(2, 4), randn(4))
case('mask through where', '_maskThenSum', const([-1.0, 0.0, 0.5, 2.0], grad=True))
case('floor sign round mixed', '_floorMix', const([-1.5, -0.5, 0.25, 1.75, 2.5], grad=True))

case('maskedFill scalar', 'maskedFill', randn(2, 3), const([[True, False, True], [False, False, True]], b), 0.5)
case('maskedFill broadcast mask', 'maskedFill', randn(2, 3), const([True, False, False], b), -1.5)
case('maskedFill 0-d tensor value', 'maskedFill', randn(2, 3), const([False, True, True], b), randn())
case('maskedFill int', 'maskedFill', const([1, 2, 3], i64), const([True, False, True], b), 7)
case('maskedFill non-0-d value', 'maskedFill', randn(3), const([True, False, True], b), randn(3, grad=False))
case('clone', 'clone', randn(2, 3))
case('clone transposed', 'clone', randn(3, 2, permute=(1, 0)))
case('to float64', 'to', randn(2, 3), 'float64', method=True)
case('to float16', 'to', randn(2, 3), 'float16', method=True, tol=[1e-3, 1e-3])
case('to int64 truncates', 'to', const([-1.7, 0.5, 2.9]), 'int64', method=True)
case('to bool', 'to', const([-1.7, 0.0, 2.9]), 'bool', method=True)
case('to float32 from int', 'to', const([1, 2], i64), 'float32', method=True)

# ---- reductions ----------------------------------------------------------------------------------

X = lambda **kw: randn(3, 4, **kw)  # noqa: E731
for fn in ['sum', 'mean']:
    case(f'{fn} all', fn, X())
    case(f'{fn} dim 0', fn, X(), 0)
    case(f'{fn} dim -1 keepdim', fn, X(), -1, True)
    case(f'{fn} dims list', fn, randn(2, 3, 4), [0, 2])
    case(f'{fn} dims list keepdim', fn, randn(2, 3, 4), [-1, 0], True)
    case(f'{fn} 0-d', fn, randn())
    case(f'{fn} 0-d dim 0', fn, randn(), 0)
    case(f'{fn} transposed', fn, randn(4, 3, permute=(1, 0)), 1)
    case(f'{fn} float64', fn, randn(3, 5, dtype=f64), 1)
    case(f'{fn} empty dim', fn, T(torch.zeros(0, 3), True), 0)
    case(f'{fn} dim out of range', fn, X(), 2)
    case(f'{fn} repeated dim', fn, X(), [1, -1])
    case(f'{fn} dtype float64', fn, X(), 1, False, opts={'dtype': 'float64'})
case('sum int32', 'sum', ints(-5, 5, 3, 4, dtype=i32), 1)
case('sum bool', 'sum', const([[True, False], [True, True]], b))
case('sum uint8', 'sum', ints(0, 255, 6, dtype=u8))
case('sum float16', 'sum', randn(6, dtype=f16, grad=False), tol=[2e-3, 2e-3])
case('mean int', 'mean', const([1, 2, 3], i64))
case('mean int dtype', 'mean', const([1, 2, 4], i64), 0, False, opts={'dtype': 'float64'})
case('sum method', 'sum', X(), 1, True, method=True)
case('mean method', 'mean', X(), [0, 1], method=True)

case('sum large float32', 'sum', randn(64, 64, grad=False))
case('sum large float32 dim', 'sum', randn(64, 64, grad=False), 1)
case('mean large float32', 'mean', randn(64, 64, grad=False), 0)
case('sum empty', 'sum', T(torch.zeros(0, 3)))
case('mean empty', 'mean', T(torch.zeros(0)))
case('sum int64 beyond 2**53', 'sum', const([2**60, 3, -1], i64))
case('prod empty', 'prod', T(torch.zeros(0)))
case('prod int64 wraps', 'prod', const([2**40, 2**30], i64))
case('prod all', 'prod', uniform(0.5, 1.5, 3, 4))
case('prod dim', 'prod', uniform(0.5, 1.5, 3, 4), 1)
case('prod dim keepdim', 'prod', uniform(0.5, 1.5, 3, 4), 0, True)
case('prod negative dim', 'prod', uniform(-1.5, 1.5, 2, 3, 2), -2)
case('prod int', 'prod', const([[1, 2], [3, 4]], i64), 1)
case('prod int32', 'prod', const([1, 2, 3], i32))
case('prod bool', 'prod', const([True, True], b))
case('prod with a zero', 'prod', const([[2.0, 0.0, 3.0], [1.5, 2.0, -1.0]], grad=True), 1)
case('prod with two zeros', 'prod', const([[0.0, 0.0, 3.0], [1.5, 0.0, -1.0]], grad=True))
case('prod float64', 'prod', uniform(0.5, 1.5, 4, dtype=f64), 0)

for fn in ['var', 'std']:
    case(f'{fn} all', fn, X())
    case(f'{fn} dim', fn, X(), 1)
    case(f'{fn} dims keepdim', fn, randn(2, 3, 4), [0, 2], opts={'keepdim': True})
    case(f'{fn} correction 0', fn, X(), 0, opts={'correction': 0})
    case(f'{fn} correction 2', fn, X(), -1, opts={'correction': 2})
    case(f'{fn} unbiased false', fn, X(), 1, opts={'unbiased': False})
    case(f'{fn} single element', fn, randn(1), 0)
    case(f'{fn} float64', fn, randn(6, dtype=f64))
    case(f'{fn} int', fn, const([1, 2, 3], i64))
    case(f'{fn} method', fn, X(), 0, method=True)
    case(f'{fn} transposed', fn, randn(4, 3, permute=(1, 0)), 1)

TIES = lambda: const([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0]], grad=True)  # noqa: E731
for fn in ['amax', 'amin']:
    case(f'{fn} all', fn, X())
    case(f'{fn} dim', fn, X(), 1)
    case(f'{fn} dim keepdim', fn, X(), 0, True)
    case(f'{fn} dims', fn, randn(2, 3, 4), [0, -1])
    case(f'{fn} ties', fn, TIES(), 1)
    case(f'{fn} ties all', fn, TIES())
    case(f'{fn} int', fn, const([[1, 5], [7, 2]], i64), 0)
    case(f'{fn} float64', fn, randn(5, dtype=f64))
    case(f'{fn} nan', fn, const([1.0, float('nan'), 3.0]))
for fn in ['max', 'min']:
    case(f'{fn} all', fn, X())
    case(f'{fn} ties all', fn, TIES())
    case(f'{fn} dim', fn, X(), 1)
    case(f'{fn} dim keepdim', fn, X(), 0, True)
    case(f'{fn} negative dim', fn, randn(2, 3, 4), -2)
    case(f'{fn} dim ties', fn, TIES(), 1)
    case(f'{fn} dim int', fn, const([[1, 5], [7, 2]], i64), 1)
    case(f'{fn} 0-d dim', fn, randn(), 0)
    case(f'{fn} elementwise', fn, randn(3), randn(3))
    case(f'{fn} elementwise ties', fn, const([1.0, 2.0], grad=True), const([1.0, 0.0], grad=True))
    case(f'{fn} method', fn, X(), 1, method=True)
    case(f'{fn} empty', fn, T(torch.zeros(0)))
    case(f'{fn} dim out of range', fn, X(), 3)
    case(f'{fn} dim nan', fn, const([[1.0, float('nan'), 3.0], [2.0, 0.0, -1.0]]), 1)
    case(f'{fn} dim transposed', fn, randn(4, 3, permute=(1, 0)), 1)
    case(f'{fn} empty dim', fn, T(torch.zeros(2, 0)), 1)
for fn in ['amax', 'amin']:
    case(f'{fn} transposed', fn, randn(4, 3, permute=(1, 0)), 1)
    case(f'{fn} empty', fn, T(torch.zeros(0)))
    case(f'{fn} empty dim', fn, T(torch.zeros(2, 0)), -1)
    case(f'{fn} empty dims list', fn, T(torch.zeros(2, 0)), [0, 1])
    case(f'{fn} along a non-empty dim of an empty tensor', fn, T(torch.zeros(2, 0)), 0)
for fn in ['argmax', 'argmin']:
    case(f'{fn} empty', fn, T(torch.zeros(2, 0)))
    case(f'{fn} empty dim', fn, T(torch.zeros(2, 0)), -1)
    case(f'{fn} along a non-empty dim of an empty tensor', fn, T(torch.zeros(2, 0)), 0)
    case(f'{fn} all', fn, X(grad=False))
    case(f'{fn} dim', fn, X(grad=False), 1)
    case(f'{fn} dim keepdim', fn, X(grad=False), 0, True)
    case(f'{fn} ties take the first', fn, const([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0], [-1.0, -1.0, -1.0]]), 1)
    case(f'{fn} all ties', fn, const([3.0, 1.0, 3.0, 1.0]))
    case(f'{fn} int', fn, const([[1, 5], [7, 2]], i64), 0)
    case(f'{fn} transposed', fn, randn(4, 3, grad=False, permute=(1, 0)))
    case(f'{fn} transposed dim', fn, randn(4, 3, grad=False, permute=(1, 0)), 1)
    case(f'{fn} keepdim without dim', fn, X(grad=False), None, True)
    case(f'{fn} nan', fn, const([1.0, float('nan'), 3.0]))

case('logsumexp dim', 'logsumexp', X(), 1)
case('logsumexp dims keepdim', 'logsumexp', randn(2, 3, 4), [0, 2], True)
case('logsumexp large values', 'logsumexp', const([[1000.0, 1000.0], [-1000.0, 0.0]], grad=True), 1)
case('logsumexp -inf row', 'logsumexp', const([[float('-inf'), float('-inf')], [0.0, 1.0]]), 1)
case('logsumexp float64', 'logsumexp', randn(3, 4, dtype=f64), 0)
case('logsumexp int', 'logsumexp', const([[1, 2], [3, 4]], i64), 1)
case('logsumexp empty dim', 'logsumexp', T(torch.zeros(2, 0)), 1)
case('softmax empty', 'softmax', T(torch.zeros(2, 0)), 1)
case('div trunc int by zero', 'div', const([5], i64), 0, opts={'roundingMode': 'trunc'})
case('logsumexp 0-d', 'logsumexp', randn(), 0)
for fn in ['softmax', 'logSoftmax']:
    case(f'{fn} last dim', fn, X(), -1)
    case(f'{fn} dim 0', fn, X(), 0)
    case(f'{fn} 3-d middle dim', fn, randn(2, 3, 4), 1)
    case(f'{fn} large values', fn, const([[1000.0, 1001.0, 999.0], [-50.0, 0.0, 50.0]], grad=True), 1)
    case(f'{fn} float64', fn, randn(3, 4, dtype=f64), 1)
    case(f'{fn} transposed', fn, randn(4, 3, permute=(1, 0)), 1)
    case(f'{fn} 0-d', fn, randn(), 0)
    case(f'{fn} dim out of range', fn, X(), 2)
case('cumsum dim 0', 'cumsum', X(), 0)
case('cumsum dim -1', 'cumsum', X(), -1)
case('cumsum 3-d', 'cumsum', randn(2, 3, 4), 1)
case('cumsum transposed', 'cumsum', randn(4, 3, permute=(1, 0)), 1)
case('cumsum int32', 'cumsum', const([[1, 2], [3, 4]], i32), 1)
case('cumsum bool', 'cumsum', const([True, False, True], b), 0)
case('cumsum long float32', 'cumsum', randn(2000, grad=False), 0)
case('cumsum int64 beyond 2**53', 'cumsum', const([2**60, 3, -1], i64), 0)
case('cumsum float64', 'cumsum', randn(5, dtype=f64), 0)
case('cumsum 0-d', 'cumsum', randn(), 0)
for fn in ['all', 'any']:
    case(f'{fn} bool', fn, const([[True, False], [True, True]], b))
    case(f'{fn} bool dim', fn, const([[True, False], [True, True]], b), 1)
    case(f'{fn} dim keepdim', fn, const([[True, False], [False, False]], b), 0, True)
    case(f'{fn} float', fn, const([1.5, 0.0, -2.0]))
    case(f'{fn} int dim', fn, const([[1, 0], [2, 3]], i64), 0)
    case(f'{fn} uint8', fn, const([1, 0, 3], u8))
    case(f'{fn} empty', fn, const([], b))

# ---- shape ---------------------------------------------------------------------------------------

case('reshape', 'reshape', randn(2, 3, 4), [4, 6])
case('reshape -1', 'reshape', randn(2, 3, 4), [-1, 3])
case('reshape to 0-d', 'reshape', randn(1, 1), [])
case('reshape transposed copies', 'reshape', randn(3, 4, permute=(1, 0)), [12])
case('reshape invalid', 'reshape', randn(2, 3), [4, 2])
case('reshape two -1', 'reshape', randn(2, 3), [-1, -1])
case('reshape method varargs', 'reshape', randn(2, 3), 3, 2, method=True)
case('view', 'view', randn(2, 3, 4), [6, 4])
case('view -1', 'view', randn(2, 3, 4), [2, -1])
case('view varargs', 'view', randn(2, 6), 3, 4, method=True)
case('view on non-contiguous', 'view', randn(3, 4, permute=(1, 0)), [12])
case('view splits a transposed dim', 'view', randn(3, 4, permute=(1, 0)), [2, 2, 3])
case('view int', 'view', ints(0, 9, 2, 3), [3, 2])
case('flatten', 'flatten', randn(2, 3, 4))
case('flatten range', 'flatten', randn(2, 3, 4, 5), 1, 2)
case('flatten negative dims', 'flatten', randn(2, 3, 4), -2, -1)
case('flatten 0-d', 'flatten', randn())
case('flatten transposed', 'flatten', randn(3, 4, permute=(1, 0)))
case('flatten start after end', 'flatten', randn(2, 3, 4), 2, 1)
case('permute', 'permute', randn(2, 3, 4), [2, 0, 1])
case('permute negative dims', 'permute', randn(2, 3, 4), [-1, -3, -2])
case('permute varargs', 'permute', randn(2, 3, 4), 1, 2, 0, method=True)
case('permute repeated dim', 'permute', randn(2, 3), [0, 0])
case('permute wrong length', 'permute', randn(2, 3), [0])
case('transpose', 'transpose', randn(2, 3, 4), 0, 2)
case('transpose negative dims', 'transpose', randn(2, 3, 4), -1, -2)
case('transpose out of range', 'transpose', randn(2, 3), 0, 2)
case('t 2-d', 't', randn(2, 3))
case('t 1-d', 't', randn(3))
case('t 0-d', 't', randn())
case('t 3-d', 't', randn(2, 3, 4))
case('squeeze all', 'squeeze', randn(1, 3, 1, 2))
case('squeeze dim', 'squeeze', randn(1, 3, 1, 2), 2)
case('squeeze negative dim', 'squeeze', randn(1, 3, 1, 2), -4)
case('squeeze non-1 dim is a no-op', 'squeeze', randn(1, 3, 1, 2), 1)
case('squeeze out of range', 'squeeze', randn(1, 3), 2)
case('squeeze 0-d', 'squeeze', randn(), 0)
case('unsqueeze front', 'unsqueeze', randn(2, 3), 0)
case('unsqueeze end', 'unsqueeze', randn(2, 3), 2)
case('unsqueeze -1', 'unsqueeze', randn(2, 3), -1)
case('unsqueeze transposed', 'unsqueeze', randn(3, 2, permute=(1, 0)), 1)
case('unsqueeze 0-d', 'unsqueeze', randn(), 0)
case('unsqueeze out of range', 'unsqueeze', randn(2, 3), 3)
case('expand', 'expand', randn(3, 1), [3, 4])
case('expand new dims', 'expand', randn(3, 1), [2, 3, 5])
case('expand -1', 'expand', randn(3, 1), [-1, 4])
case('expand 0-d', 'expand', randn(), [2, 2])
case('expand varargs', 'expand', randn(1, 3), 4, 3, method=True)
case('expand mismatch', 'expand', randn(3, 2), [3, 4])
case('expand -1 in a new dim', 'expand', randn(3, 1), [-1, 3, 4])
case('expand too few sizes', 'expand', randn(2, 3), [3])
case('narrow', 'narrow', randn(4, 5), 1, 1, 3)
case('narrow negative start', 'narrow', randn(4, 5), 0, -2, 2)
case('narrow negative dim', 'narrow', randn(2, 4, 5), -1, 0, 2)
case('narrow out of range', 'narrow', randn(4, 5), 1, 3, 3)
case('narrow negative length', 'narrow', randn(4, 5), 1, 0, -1)
case('narrow start past the end', 'narrow', randn(4, 5), 1, 6, 0)
case('narrow start before the start', 'narrow', randn(4, 5), 1, -6, 1)
case('narrow empty at the end', 'narrow', randn(4, 5), 0, 3, 0)
case('split size', 'split', randn(5, 3), 2)
case('split size dim 1', 'split', randn(3, 5), 2, 1)
case('split sizes', 'split', randn(6, 2), [1, 3, 2])
case('split sizes negative dim', 'split', randn(2, 6), [4, 2], -1)
case('split sizes wrong sum', 'split', randn(6, 2), [1, 2])
case('split bigger than dim', 'split', randn(3, 2), 5)
case('chunk even', 'chunk', randn(6, 2), 3)
case('chunk uneven', 'chunk', randn(5, 2), 3)
case('chunk more than size', 'chunk', randn(3, 2), 5)
case('chunk dim 1', 'chunk', randn(2, 7), 2, 1)
case('chunk 6 into 4', 'chunk', randn(6), 4)
case('cat dim 0', 'cat', [randn(2, 3), randn(1, 3)])
case('cat dim 1', 'cat', [randn(2, 3), randn(2, 1), randn(2, 2)], 1)
case('cat negative dim', 'cat', [randn(2, 3), randn(2, 2)], -1)
case('cat mixed dtypes', 'cat', [randn(2), randn(3, dtype=f64)])
case('cat int and float', 'cat', [ints(0, 5, 2), randn(2)])
case('cat with empty 1-d', 'cat', [randn(2, 3), T(torch.zeros(0)), randn(1, 3)])
case('cat transposed', 'cat', [randn(3, 2, permute=(1, 0)), randn(2, 3)], 0)
case('cat size mismatch', 'cat', [randn(2, 3), randn(2, 4)], 0)
case('cat rank mismatch', 'cat', [randn(2, 3), randn(3)], 0)
case('cat 0-d', 'cat', [randn(), randn()])
case('cat dim out of range', 'cat', [randn(2, 3), randn(2, 3)], 2)
case('stack dim 0', 'stack', [randn(2, 3), randn(2, 3)])
case('stack dim 1', 'stack', [randn(2, 3), randn(2, 3), randn(2, 3)], 1)
case('stack last dim', 'stack', [randn(2, 3), randn(2, 3)], -1)
case('stack 0-d', 'stack', [randn(), randn(), randn()])
case('stack mixed dtypes', 'stack', [randn(2), randn(2, dtype=f64)])
case('stack size mismatch', 'stack', [randn(2, 3), randn(3, 2)])
case('stack dim out of range', 'stack', [randn(2), randn(2)], 2)
for fn in ['tril', 'triu']:
    case(f'{fn}', fn, randn(4, 4))
    case(f'{fn} diagonal 1', fn, randn(3, 5), 1)
    case(f'{fn} diagonal -1', fn, randn(5, 3), -1)
    case(f'{fn} batched', fn, randn(2, 3, 3))
    case(f'{fn} int', fn, ints(1, 9, 3, 3))
    case(f'{fn} bool', fn, const([[True, True], [True, True]], b))
    case(f'{fn} transposed', fn, randn(3, 4, permute=(1, 0)))
    case(f'{fn} 1-d', fn, randn(3))
    case(f'{fn} method', fn, randn(3, 3), -1, method=True)


# ---- torch.result_type over every pair of operand kinds ------------------------------------------

PROMOTION = []
PROMO_DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64']


def promotion_operands():
    # [kiln description, torch operand]: a 1-d tensor, a 0-d tensor, or a JS scalar
    for name in PROMO_DTYPES:
        yield {'dtype': name, 'ndim': 1}, torch.zeros(1, dtype=TORCH_DTYPES.get(name) or getattr(torch, name))
        yield {'dtype': name, 'ndim': 0}, torch.zeros((), dtype=TORCH_DTYPES.get(name) or getattr(torch, name))
    for v in [True, 2, 2.5]:
        yield v, v


for a, ta in promotion_operands():
    for b_, tb in promotion_operands():
        if not isinstance(ta, torch.Tensor) and not isinstance(tb, torch.Tensor):
            continue
        PROMOTION.append([a, b_, str(torch.result_type(ta, tb)).replace('torch.', '')])


def main():
    path = os.path.normpath(os.path.join(common.FIXTURES, 'torch_ops.json'))
    with open(path + '.tmp', 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': CASES, 'promotion': PROMOTION}, f, indent=None, separators=(',', ':'))
    os.replace(path + '.tmp', path)
    print(f'wrote {path} ({len(CASES)} cases, {os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    main()
