"""Fixtures for the tensor display: PyTorch 1.13's repr() of tensors of every dtype, shape and magnitude.

Writes test/fixtures/torch_print.json: {"torch": version, "cases": [...]}; each case is
  {"name", "input": {"dtype", "shape", "data"}, "build": {...}, "repr"}
where input is the data in C order (dtype a NumPy name, or "bfloat16" with the exact values as
floats; non-finite floats as "nan"/"inf"/"-inf"; int64 beyond 2**53 as decimal strings) and build
says how the printed tensor is made from it:
  "requiresGrad": true   x.requires_grad_() on the leaf made from input
  "ops": [names]         applied in order afterwards (see OPS), e.g. "add1" gives grad_fn=<AddBackward0>
  "defaultDtype": name   torch.set_default_dtype() while building and printing
Run with the Python that has torch (Debian's): /usr/bin/python3 scripts/fixtures_torch/print.py
"""
import json
import math
import os
import sys

# this folder is sys.path[0] when the script runs; a sibling such as random.py would shadow the
# standard library module of that name, so the folder is taken off the path before any import
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_printoptions(profile='default')
torch.set_printoptions(sci_mode=None)

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'torch_print.json')

# the ops a case may apply after building its leaf; the TS test has the same table
OPS = {
    'add1': lambda x: x + 1,
    'sub1': lambda x: x - 1,
    'mul2': lambda x: x * 2,
    'div2': lambda x: x / 2,
    'neg': lambda x: -x,
    'abs': lambda x: x.abs(),
    'relu': lambda x: x.relu(),
    'sum': lambda x: x.sum(),
    'sum0': lambda x: x.sum(0),
    'mean': lambda x: x.mean(),
    'clone': lambda x: x.clone(),
    'double': lambda x: x.double(),
    'float': lambda x: x.float(),
    'reshape': lambda x: x.reshape(-1),
    'view': lambda x: x.view(-1),
    'flatten': lambda x: x.flatten(),
    't': lambda x: x.t(),
    'transpose01': lambda x: x.transpose(0, 1),
    'permute': lambda x: x.permute(*reversed(range(x.dim()))),
    'unsqueeze0': lambda x: x.unsqueeze(0),
    'squeeze': lambda x: x.squeeze(),
    'expand2': lambda x: x.expand(2, *x.shape),
    'narrow': lambda x: x.narrow(-1, 1, x.shape[-1] - 1),
    'detach': lambda x: x.detach(),
}

cases = []


def value(v, floating):
    if isinstance(v, bool):
        return v
    if floating:
        f = float(v)
        if math.isnan(f):
            return 'nan'
        if math.isinf(f):
            return 'inf' if f > 0 else '-inf'
        return f
    i = int(v)
    return i if abs(i) <= 2**53 else str(i)


def encode(a):
    """The input record of an ndarray (or of a bfloat16 tensor)."""
    if isinstance(a, torch.Tensor):  # bfloat16: the exact values, as floats
        return {'dtype': 'bfloat16', 'shape': list(a.shape),
                'data': [value(v, True) for v in a.float().reshape(-1).tolist()]}
    floating = a.dtype.kind == 'f'
    flat = a.ravel(order='C')
    if a.dtype in (np.float32, np.float16):
        # shortest text that reads back to the same float32/float16: keeps the file small
        data = [value(float(str(v)), True) if np.isfinite(v) else value(v, True) for v in flat]
    else:
        data = [value(v, floating) for v in flat.tolist()]
    return {'dtype': a.dtype.name, 'shape': list(a.shape), 'data': data}


def add(name, a, requires_grad=False, ops=(), default_dtype=None):
    if isinstance(a, torch.Tensor):
        x = a.clone()
    else:
        a = np.asarray(a)
        x = torch.from_numpy(a.copy())
    previous = torch.get_default_dtype()
    if default_dtype:
        torch.set_default_dtype(getattr(torch, default_dtype))
    try:
        if requires_grad:
            x.requires_grad_()
        for op in ops:
            x = OPS[op](x)
        text = repr(x)
    finally:
        torch.set_default_dtype(previous)
    build = {}
    if requires_grad:
        build['requiresGrad'] = True
    if ops:
        build['ops'] = list(ops)
    if default_dtype:
        build['defaultDtype'] = default_dtype
    case = {'name': name, 'input': encode(a), 'repr': text}
    if build:
        case['build'] = build
    cases.append(case)


rng = np.random.default_rng(1234)
f32, f64, f16 = np.float32, np.float64, np.float16
INTS = ['int8', 'uint8', 'int16', 'int32', 'int64']
FLOATS = ['float16', 'float32', 'float64']

# ---- the examples ----
add('issue example', np.array([[1.0, 2.0]], f32), requires_grad=True)
add('torch.zeros(5)', np.zeros(5, f32))
add('broadcast zeros(2,3) + ones(3)', np.ones((2, 3), f32))
add('float16 3-D', rng.random((2, 3, 4)).astype(f16))
add('float16 4-D', rng.random((2, 2, 3, 4)).astype(f16))
add('float16 4-D normal', rng.standard_normal((2, 3, 2, 5)).astype(f16))

# ---- every dtype ----
for dt in INTS:
    add(f'{dt} 1-D', np.array([1, 2, 3], dt))
    add(f'{dt} 2-D', np.arange(12, dtype=dt).reshape(3, 4))
    add(f'{dt} 0-d', np.array(7, dt))
    add(f'{dt} empty', np.array([], dt))
    add(f'{dt} empty 2-D', np.zeros((0, 3), dt))
    info = np.iinfo(dt)
    add(f'{dt} extremes', np.array([info.min, 0, info.max], dt))
    add(f'{dt} random', rng.integers(info.min, info.max, size=(3, 5), dtype=dt, endpoint=True))
for dt in ['int8', 'int16', 'int32', 'int64']:
    add(f'{dt} negatives', np.array([-5, 10, -100, 7], dt))
add('int64 wide row', np.arange(-20, 20, dtype='int64') * 12345)
add('int64 0-d negative', np.array(-7, 'int64'))
add('int64 huge', np.array([2**62 + 1, -(2**60) - 3, 5], 'int64'))
for dt in FLOATS:
    add(f'{dt} 1-D', np.array([1, 2, 3], dt))
    add(f'{dt} fractions', np.array([0.1, 0.25, 0.5], dt))
    add(f'{dt} 2-D', (np.arange(6).reshape(2, 3) / 4).astype(dt))
    add(f'{dt} 0-d', np.array(1.5, dt))
    add(f'{dt} 0-d whole', np.array(2.0, dt))
    add(f'{dt} empty', np.array([], dt))
    add(f'{dt} empty 3-D', np.zeros((2, 0, 3), dt))
    add(f'{dt} nan inf', np.array([np.nan, np.inf, -np.inf, 1.5], dt))
    add(f'{dt} whole nan inf', np.array([np.nan, np.inf, -np.inf, 1.0, 20.0], dt))
    add(f'{dt} negative zero', np.array([-0.0, 0.0, 1.0], dt))
    add(f'{dt} negative zero fractions', np.array([-0.0, 0.0, 1.5], dt))
    add(f'{dt} zeros', np.zeros((2, 2), dt))
    add(f'{dt} negative zeros', np.array([-0.0, -0.0], dt))
    add(f'{dt} all nan', np.array([np.nan, np.nan], dt))
    add(f'{dt} zero nan', np.array([0.0, np.nan], dt))
    add(f'{dt} thirds', np.array([1 / 3, 2 / 3, 1.0], dt))
    add(f'{dt} small', np.array([1e-5, 1.0], dt))
    add(f'{dt} ratio', np.array([1.5, 2000.0], dt))
    add(f'{dt} ratio 1000', np.array([1.5, 1500.0], dt))
    add(f'{dt} whole ratio 1000', np.array([1.0, 1000.0], dt))
    add(f'{dt} whole ratio 1001', np.array([1.0, 1001.0], dt))
    add(f'{dt} large', np.array([65000.0, 1.0], dt))
    add(f'{dt} eps', np.array([1 + np.finfo(dt).eps, 1.0], dt))
    add(f'{dt} tiny', np.array([np.finfo(dt).tiny, 1.0], dt))
    add(f'{dt} smallest subnormal', np.array([np.finfo(dt).smallest_subnormal, 1.0], dt))
    add(f'{dt} max', np.array([np.finfo(dt).max, -np.finfo(dt).max], dt))
    add(f'{dt} linspace', np.linspace(0, 1, 7).astype(dt))
    add(f'{dt} 1/7 multiples', (np.arange(1, 9) / 7).astype(dt))
    add(f'{dt} random', rng.standard_normal(10).astype(dt))
    add(f'{dt} random wide', (rng.standard_normal(12) * 1e3).astype(dt))
    add(f'{dt} random 2-D', rng.standard_normal((4, 6)).astype(dt))
    add(f'{dt} random 3-D', rng.standard_normal((2, 3, 4)).astype(dt))
    add(f'{dt} random 4-D', rng.standard_normal((2, 2, 2, 3)).astype(dt))
    for v in [0.0, -0.0, 1e-4, 9.9e-5, 1e-5, 0.1, 3.5, 999.0, 999.5, 1000.0, 65504.0, 1e5, 999999.0, 1e6,
              1.6e7, 1e8, 1.5e8, 123456789.0, 1e10, 1e15, 1e16, 1.5e20, 1e300, 3.14159, -2.5, np.nan, np.inf,
              -np.inf, 123.456, 1 / 3, 99999.99995, 9.99995, 0.99995]:
        with np.errstate(over='ignore'):
            add(f'{dt} 0-d {v!r}', np.array(v, dt))
    # 1.0e8 boundaries of the scientific rule, and magnitudes around it
    with np.errstate(over='ignore'):
        add(f'{dt} 1e8 whole', np.array([1e8, 2.0], dt))
        add(f'{dt} above 1e8', np.array([1.5e8, 1e6], dt))
        add(f'{dt} 1e-4 boundary', np.array([1e-4, 0.05], dt))
        add(f'{dt} below 1e-4', np.array([9e-5, 0.05], dt))
# ties at the 4th decimal round half to even, as Python's format does
add('float64 ties', np.array([1.03125, 2.5, 0.5 + 2**-6], f64))
add('float32 ties', np.array([1.03125, 2.34375, 0.59375], f32))
add('float64 scientific ties', np.array([1.03125, 2000.5, 2**-20], f64))
add('float64 carry to next power', np.array([9.99995, 99.99995, 0.5], f64))
add('float64 scientific carry', np.array([9.99996e10, 1.0], f64))
add('float64 subnormals', np.array([5e-324, 2.2250738585072014e-308 / 3, 1.0], f64))
add('float64 exponent 3 digits', np.array([1e-300, 1e300], f64))
add('float32 precise', np.array([1.00005, 2.5, 100000.1], f32))
add('float64 precise', np.array([1.00005, 2.5, 100000.1], f64))
add('float32 big whole', np.array([123456.0, 7.0, -31.0], f32))

# ---- bool ----
add('bool 1-D', np.array([True, False]))
add('bool all true', np.array([True, True]))
add('bool 2-D', np.array([[True, False, True], [False, False, True]]))
add('bool 0-d true', np.array(True))
add('bool 0-d false', np.array(False))
add('bool empty', np.array([], bool))
add('bool long', rng.random(40) > 0.5)

# ---- line wrapping ----
add('float32 30 values', rng.standard_normal(30).astype(f32))
add('float32 3x20', rng.standard_normal((3, 20)).astype(f32))
add('float32 2x2x15', rng.standard_normal((2, 2, 15)).astype(f32))
add('float32 scientific 20', (rng.standard_normal(20) * 10.0 ** rng.integers(-6, 6, 20)).astype(f32))
add('float64 scientific 3x9', (rng.standard_normal((3, 9)) * 10.0 ** rng.integers(-30, 30, (3, 9))).astype(f64))
add('int64 100', np.arange(100, dtype='int64'))
add('int64 widths', (rng.integers(-10**9, 10**9, 50)).astype('int64'))
add('uint8 2x40', rng.integers(0, 256, (2, 40)).astype('uint8'))
add('float32 whole 50', np.arange(50, dtype=f32) - 25)
for n in [1, 2, 3, 5, 8, 11, 13, 14, 15, 16, 17, 20, 25]:
    add(f'float32 arange {n}', np.arange(n, dtype=f32) / 3)
add('deep nesting 30-D', np.array([1.5, 2.0], f32).reshape([1] * 29 + [2]))
add('deep nesting 10-D', np.arange(4, dtype='int64').reshape([1] * 8 + [2, 2]))
add('row of one', np.array([[1.5], [2.5], [3.5]], f32))
add('one element 1-D', np.array([4.25], f32))
add('one element 3-D', np.array([[[4.25]]], f32))
add('5-D', rng.standard_normal((2, 1, 2, 1, 3)).astype(f32))

# ---- summarization (over 1000 elements) ----
add('int64 arange 2000', np.arange(2000, dtype='int64'))
add('int64 1001', np.arange(1001, dtype='int64'))
add('float32 1000 (not summarized)', (np.arange(1000) / 8).astype(f32))
add('float32 randn 2000', rng.standard_normal(2000).astype(f32))
add('float32 40x30', rng.standard_normal((40, 30)).astype(f32))
add('float32 2x600', rng.standard_normal((2, 600)).astype(f32))
add('float64 11x11x11', rng.standard_normal((11, 11, 11)))
add('int32 3x4x100', np.arange(1200, dtype='int32').reshape(3, 4, 100))
add('bool 2000', rng.random(2000) > 0.5)
hidden = np.ones(2000, f32)
hidden[1000] = 1e10
hidden[1001] = np.nan
add('hidden middle values', hidden)
add('float16 2x3x200', rng.standard_normal((2, 3, 200)).astype(f16))
add('float16 2x3x15x15', rng.random((2, 3, 15, 15)).astype(f16))
add('float32 1001 whole', np.arange(1001, dtype=f32))
add('float64 summarized scientific', np.logspace(-10, 10, 1500))
add('int8 summarized 2-D', rng.integers(-128, 128, (50, 50)).astype('int8'))
add('summarized 7x200', (np.arange(1400) % 13).astype(f32).reshape(7, 200))

# ---- dtype suffixes and the line they go on ----
for n in range(1, 13):
    add(f'float64 randn {n} requires grad', rng.standard_normal(n), requires_grad=True)
for n in range(8, 16):
    add(f'int32 {n} wide values', (np.arange(n) * 1111111).astype('int32'))
    add(f'int16 2x{n}', (np.arange(2 * n) * 1000).astype('int16').reshape(2, n))
for n in [9, 10, 11, 12]:
    add(f'float16 {n} requires grad', (np.arange(n) / 7).astype(f16), requires_grad=True)
    add(f'float32 {n} add grad_fn', (np.arange(n) / 7 - 0.5).astype(f32), requires_grad=True, ops=['add1'])
    add(f'float64 {n} mul grad_fn', np.arange(n) / 7 - 0.5, requires_grad=True, ops=['mul2'])

# ---- requires_grad and grad_fn ----
add('requires grad 0-d', np.array(2.5, f32), requires_grad=True)
add('requires grad empty', np.array([], f32), requires_grad=True)
add('requires grad empty 2-D float64', np.zeros((0, 2)), requires_grad=True)
add('requires grad float64', np.array([1.0, 2.0]), requires_grad=True)
add('requires grad 3-D', rng.standard_normal((2, 3, 4)).astype(f32), requires_grad=True)
add('requires grad summarized', rng.standard_normal((40, 40)).astype(f32), requires_grad=True)
base = np.array([[1.5, -2.0, 3.25], [0.5, 4.0, -1.0]], f32)
for op in ['add1', 'sub1', 'mul2', 'div2', 'neg', 'abs', 'relu', 'sum', 'sum0', 'mean', 'clone', 'double',
           'reshape', 'view', 'flatten', 't', 'transpose01', 'permute', 'unsqueeze0', 'expand2', 'narrow',
           'detach']:
    add(f'grad_fn {op}', base, requires_grad=True, ops=[op])
add('grad_fn chain', base, requires_grad=True, ops=['mul2', 'add1', 'sum'])
add('grad_fn float64 add', base.astype(f64), requires_grad=True, ops=['add1'])
add('grad_fn float64 to float', base.astype(f64), requires_grad=True, ops=['float'])

# ---- views that are not contiguous ----
add('transposed', np.arange(12, dtype=f32).reshape(3, 4) / 2, ops=['t'])
add('permuted', rng.standard_normal((2, 3, 4)).astype(f32), ops=['permute'])
add('expanded', np.array([1.0, 2.5, -3.0], f32), ops=['expand2'])
add('narrowed', np.arange(20, dtype='int64').reshape(4, 5), ops=['narrow'])
add('transposed summarized', rng.standard_normal((30, 50)).astype(f32), ops=['t'])

# ---- another default dtype ----
for name, a in [('float64', np.array([1.5, 2.0])), ('float32', np.array([1.5, 2.0], f32)),
                ('float16', np.array([1.5, 2.0], f16)), ('int64', np.array([1, 2], 'int64')),
                ('float64 empty', np.array([])), ('float32 empty', np.array([], f32)),
                ('int64 empty', np.array([], 'int64')), ('float64 0-d', np.array(2.5))]:
    add(f'default float64: {name}', a, default_dtype='float64')
add('default float64: requires grad float32', np.array([1.5, 2.0], f32), requires_grad=True,
    default_dtype='float64')

# ---- bfloat16 (kiln tests these once the dtype exists) ----
add('bfloat16 1-D', torch.tensor([1.0, 2.5, -3.0]).bfloat16())
add('bfloat16 random', torch.from_numpy(rng.standard_normal((3, 4)).astype(f32)).bfloat16())
add('bfloat16 whole', torch.tensor([1.0, 256.0, 1e4]).bfloat16())
add('bfloat16 0-d', torch.tensor(0.1).bfloat16())
add('bfloat16 requires grad', torch.tensor([0.5, 1.0]).bfloat16(), requires_grad=True)

names = [c['name'] for c in cases]
assert len(names) == len(set(names)), 'case names must be unique'
with open(OUT + '.tmp', 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, indent=None, separators=(',', ':'))
os.replace(OUT + '.tmp', OUT)
print(f'wrote {os.path.normpath(OUT)} ({len(cases)} cases)')
