#!/usr/bin/python3
"""bfloat16 fixtures from PyTorch 1.13 for test/tensor/bfloat16.test.ts.

Writes test/fixtures/torch_bfloat16.json:
  "casts"      float32 -> bfloat16 ("f32bits" in, "bits" out: float32 and bfloat16 bit patterns;
               NaN inputs are listed in "nan", their output only has to be a NaN), float64 ->
               bfloat16 through a float64 tensor and through torch.tensor(list, dtype=bfloat16)
               ("f64" in, "viaTensor" and "viaList" bits out), int64 -> bfloat16, and bfloat16 ->
               float16 / integer / bool (bfloat16 bits in, values out)
  "ops"        ops on bfloat16 tensors: name, inputs (exact values, C order), result dtype, shape
               and values (exact, as floats)
  "promotion"  torch.promote_types(bfloat16, d) and torch.result_type of tensor/0-d/scalar mixes
  "grads"      gradients through casts and of bfloat16 leaves
  "reprs"      repr() of bfloat16 tensors
Floats are written as JSON numbers (exact: Python's repr round-trips) with "nan", "inf", "-inf".

Run with the Python that has torch (Debian's): /usr/bin/python3 scripts/fixtures_torch/bfloat16_fixtures.py
"""
import json
import math
import os
import sys

# sibling scripts (random.py) would shadow standard modules that torch imports: drop this folder
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = os.path.join(_HERE, '..', '..', 'test', 'fixtures', 'torch_bfloat16.json')
rng = np.random.default_rng(20240611)

KILN = {torch.bool: 'bool', torch.uint8: 'uint8', torch.int8: 'int8', torch.int16: 'int16',
        torch.int32: 'int32', torch.int64: 'int64', torch.float16: 'float16', torch.bfloat16: 'bfloat16',
        torch.float32: 'float32', torch.float64: 'float64', torch.complex64: 'complex64',
        torch.complex128: 'complex128'}
TORCH = {v: k for k, v in KILN.items()}


def num(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def values(t):
    """Exact values in C order: bfloat16 and float16 widen to float32 exactly."""
    t = t.detach()
    if t.dtype in (torch.bfloat16, torch.float16):
        t = t.float()
    return [num(v) for v in t.reshape(-1).tolist()]


def bits16(t):
    return [int(b) & 0xffff for b in t.contiguous().view(torch.int16).reshape(-1).tolist()]


def encoded(t):
    return {'dtype': KILN[t.dtype], 'shape': list(t.shape), 'data': values(t)}


# ---- casts -----------------------------------------------------------------------------------------

def f32_from_bits(bits):
    return torch.from_numpy(np.array(bits, dtype=np.uint32).view(np.float32).copy())


special_bits = [
    0x00000000, 0x80000000, 0x7f800000, 0xff800000,                  # zeros, infinities
    0x7fc00000, 0xffc00000, 0x7f800001, 0x7fbfffff, 0xffffffff,      # NaNs (quiet, negative, signalling)
    0x7f7fffff, 0xff7fffff, 0x7f7f8000, 0x7f7e8000, 0x7f7f7fff,      # overflow to inf and its ties
    0x00000001, 0x00008000, 0x00018000, 0x00007fff, 0x00008001,      # subnormals and their ties
    0x007fffff, 0x007f8000, 0x007f7fff, 0x80008000, 0x80018000,
    0x00800000, 0x00808000, 0x00818000,                              # the smallest normal
    0x3f800000, 0x3f808000, 0x3f818000, 0x3f808001, 0x3f807fff,      # ties around 1
    0x3fff8000, 0x3fff7fff, 0xbf808000, 0xbf818000, 0x3dcccccd,      # carry into the exponent, -ties, 0.1
    0x4b800001, 0x4b808000, 0x4b818000,
]
random_bits = [int(b) for b in rng.integers(0, 2**32, size=1500, dtype=np.uint64)]
# values near ties of ordinary magnitudes: random bfloat16 patterns with low halves at and around 0x8000
near_ties = []
for hi in rng.integers(0x0080, 0x7f7f, size=200):
    for lo in (0x7fff, 0x8000, 0x8001, 0x0000, 0xffff):
        near_ties.append((int(hi) << 16) | lo)
        near_ties.append(((int(hi) | 0x8000) << 16) | lo)
normals = [int(b) for b in (rng.standard_normal(300).astype(np.float32) * np.float32(3.0)).view(np.uint32)]
f32bits = special_bits + random_bits + near_ties + normals
f32 = f32_from_bits(f32bits)
cast_f32 = {
    'f32bits': f32bits,
    'bits': bits16(f32.bfloat16()),
    'nan': [i for i, b in enumerate(f32bits) if math.isnan(f32[i].item())],
}

f64_in = [
    0.0, -0.0, 1.0, 0.1, 1 / 3, -2.5, 1e-45, 1e-40, 1e-38, 3.4028234663852886e38, 3.5e38, 1e300, -1e300, 5e-324,
    1 + 2**-8 + 2**-30,            # rounds to a float32 tie, then to even: 1.0 (a single rounding gives 1 + 2**-7)
    1 + 2**-8 + 2**-20,            # above the tie in float32 too: 1 + 2**-7
    1 + 3 * 2**-8 - 2**-30,        # rounds up to a float32 tie, then to even
    -(1 + 2**-8 + 2**-30), 65504.0, 65520.0, 3.0e38,
    float('inf'), float('-inf'), float('nan'),
] + [float(v) for v in rng.standard_normal(200) * 10.0 ** rng.integers(-5, 6, size=200)]
cast_f64 = {
    'f64': [num(v) for v in f64_in],
    'viaTensor': bits16(torch.tensor(f64_in, dtype=torch.float64).bfloat16()),
    'viaList': bits16(torch.tensor(f64_in, dtype=torch.bfloat16)),
}

i64_in = [0, 1, -1, 255, 256, 257, 2**24 + 1, 2**24 + 2**16 + 1, 2**24 + 2**16, 2**24 + 3 * 2**16, 2**31 - 1, -2**31,
          2**53 + 1, 2**62 + 2**40 + 1, 2**63 - 1, -2**63, 123456789, -987654321]
cast_i64 = {
    'i64': [str(v) for v in i64_in],
    'bits': bits16(torch.tensor(i64_in, dtype=torch.int64).bfloat16()),
}
i32_in = [v for v in i64_in if -2**31 <= v < 2**31]
cast_i32 = {'i32': i32_in, 'bits': bits16(torch.tensor(i32_in, dtype=torch.int32).bfloat16())}

# bfloat16 -> float16: every 5th bit pattern (NaN inputs give a NaN, which the test only checks is one)
bf_all = torch.arange(0, 65536, 5, dtype=torch.int32).to(torch.int16).view(torch.bfloat16)
to_f16 = bf_all.half()
cast_to_f16 = {'bf16bits': bits16(bf_all), 'f16bits': bits16(to_f16)}

# bfloat16 -> integers and bool, values in range of every target
small = torch.tensor([0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.99609375, 127.0, -128.0, 100.5, -100.5, 1e-30,
                      3.0, 7.75] + list(rng.uniform(-127, 127, size=60)), dtype=torch.float32).bfloat16()
cast_to_int = {'bf16bits': bits16(small)}
for d in ('int64', 'int32', 'int16', 'int8', 'bool'):
    cast_to_int[d] = [num(v) for v in small.to(TORCH[d]).tolist()]
small_pos = small.abs()
cast_to_int['uint8In'] = bits16(small_pos)
cast_to_int['uint8'] = small_pos.to(torch.uint8).tolist()
# bfloat16 -> float32 / float64: exact widening
bf_some = torch.arange(0, 65536, 61, dtype=torch.int32).to(torch.int16).view(torch.bfloat16)
cast_widen = {'bf16bits': bits16(bf_some), 'f32bits': [int(b) & 0xffffffff for b in bf_some.float().view(torch.int32).tolist()]}

casts = {'fromFloat32': cast_f32, 'fromFloat64': cast_f64, 'fromInt64': cast_i64, 'fromInt32': cast_i32,
         'toFloat16': cast_to_f16, 'toInt': cast_to_int, 'toFloat32': cast_widen}

# ---- ops -------------------------------------------------------------------------------------------

def bf(shape, scale=1.0):
    return torch.from_numpy((rng.standard_normal(shape) * scale).astype(np.float32)).bfloat16()


x = bf((3, 4))
y = bf((3, 4))
v = bf((4,))
m = bf((4, 5))
big = bf((6, 40))
pos = x.abs() + 0.25
f16 = torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float16))
f32 = torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32))
i64 = torch.from_numpy(rng.integers(-5, 6, size=(3, 4)))
img = bf((1, 2, 5, 5))
kernel = bf((3, 2, 2, 2))
bias = bf((3,))
inputs = {'x': x, 'y': y, 'v': v, 'm': m, 'big': big, 'pos': pos, 'f16': f16, 'f32': f32, 'i64': i64,
          'img': img, 'kernel': kernel, 'bias': bias}

# name -> (the kiln expression the test evaluates, the torch result); the test has the same table
op_table = {
    'add': lambda: x + y,
    'sub': lambda: x - y,
    'mul': lambda: x * y,
    'div': lambda: x / y,
    'addBroadcast': lambda: x + v,
    'addInt': lambda: x + 3,
    'mulHalf': lambda: x * 0.5,
    'mulTenth': lambda: big * 0.1,
    'addTenth': lambda: big + 0.1,
    'neg': lambda: -x,
    'abs': lambda: x.abs(),
    'relu': lambda: x.relu(),
    'sqrt': lambda: pos.sqrt(),
    'exp': lambda: x.exp(),
    'log': lambda: pos.log(),
    'tanh': lambda: x.tanh(),
    'sigmoid': lambda: x.sigmoid(),
    'maximum': lambda: torch.maximum(x, y),
    'clamp': lambda: x.clamp(-0.5, 0.5),
    'gt': lambda: x > y,
    'where': lambda: torch.where(x > 0, x, y),
    'sum': lambda: x.sum(),
    'sum0': lambda: x.sum(0),
    'sum1': lambda: x.sum(1),
    'sumBig': lambda: big.sum(1),
    'mean': lambda: x.mean(),
    'mean1': lambda: x.mean(1),
    'amax': lambda: x.amax(1),
    'argmax': lambda: x.argmax(1),
    'prod': lambda: pos.prod(1),
    'cumsum': lambda: big.cumsum(1),
    # PyTorch 1.13's own bfloat16 gemm (no MKL in Debian's build) rounds every product and partial
    # sum to bfloat16 when b is row-major, and accumulates in float32 when b is column-major
    # (gemm_transa_ with opmath); PyTorch 2 and oneDNN accumulate in float32 everywhere, as kiln
    # does: the *FloatAcc cases are that reference
    'matmul': lambda: x @ m,
    'matmulTransposedB': lambda: x @ m.t().contiguous().t(),
    'matmulFloatAcc': lambda: (x.float() @ m.float()).bfloat16(),
    'mv': lambda: x @ v,
    'mvFloatAcc': lambda: (x.float() @ v.float()).bfloat16(),
    'dot': lambda: v.dot(v),
    'dotFloatAcc': lambda: v.float().dot(v.float()).bfloat16(),
    'softmax': lambda: x.softmax(1),
    'maxPool2d': lambda: torch.nn.functional.max_pool2d(img, 2, 1),
    'avgPool2d': lambda: torch.nn.functional.avg_pool2d(img, 2, 1),
    'unfold': lambda: torch.nn.functional.unfold(img, 2),
    'conv2d': lambda: torch.nn.functional.conv2d(img, kernel, bias),
    'conv2dFloatAcc': lambda: torch.nn.functional.conv2d(img.float(), kernel.float(), bias.float()).bfloat16(),
    'logSoftmax': lambda: x.log_softmax(1),
    'transposeContiguous': lambda: x.t().contiguous(),
    'plusFloat32': lambda: x + f32,
    'plusFloat16': lambda: x + f16,
    'plusInt64': lambda: x + i64,
    'int64PlusZeroDim': lambda: i64 + x[0, 0],
    'float32PlusZeroDim': lambda: f32 + x[0, 0],
    'toFloat32': lambda: x.float(),
    'toFloat64': lambda: x.double(),
    'toFloat16': lambda: x.half(),
    'toInt64': lambda: (x * 10).long(),
    'fromFloat16': lambda: f16.bfloat16(),
}
ops = []
for name, fn in op_table.items():
    try:
        out = fn()
    except RuntimeError as e:  # PyTorch 1.13 has no bfloat16 loop for some ops (prod)
        ops.append({'name': name, 'error': str(e).split('\n')[0]})
        continue
    ops.append({'name': name, 'dtype': KILN[out.dtype], 'shape': list(out.shape), 'data': values(out)})

# ---- promotion ---------------------------------------------------------------------------------------

promote = []
for d in ('bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64',
          'complex64', 'complex128'):
    promote.append({'a': 'bfloat16', 'b': d, 'result': KILN[torch.promote_types(torch.bfloat16, TORCH[d])]})
    promote.append({'a': d, 'b': 'bfloat16', 'result': KILN[torch.promote_types(TORCH[d], torch.bfloat16)]})


def operand(spec):
    kind, d = spec
    if kind == 'tensor':
        return torch.ones(2, dtype=TORCH[d])
    if kind == 'zerodim':
        return torch.tensor(1, dtype=TORCH[d])
    return {'int': 2, 'float': 2.5, 'bool': True}[d]


result_cases = [
    [('tensor', 'bfloat16'), ('scalar', 'float')],
    [('tensor', 'bfloat16'), ('scalar', 'int')],
    [('tensor', 'bfloat16'), ('zerodim', 'float32')],
    [('tensor', 'bfloat16'), ('zerodim', 'float64')],
    [('tensor', 'bfloat16'), ('zerodim', 'int64')],
    [('tensor', 'bfloat16'), ('tensor', 'float16')],
    [('tensor', 'bfloat16'), ('tensor', 'int32')],
    [('tensor', 'int64'), ('zerodim', 'bfloat16')],
    [('tensor', 'bool'), ('zerodim', 'bfloat16')],
    [('tensor', 'float16'), ('zerodim', 'bfloat16')],
    [('zerodim', 'bfloat16'), ('zerodim', 'float16')],
    [('zerodim', 'bfloat16'), ('scalar', 'float')],
    [('tensor', 'uint8'), ('tensor', 'bfloat16')],
]
results = []
for case in result_cases:
    first, second = [operand(s) for s in case]
    if not isinstance(first, torch.Tensor):
        first, second = second, first
    got = torch.result_type(first, second)
    results.append({'operands': [list(s) for s in case], 'result': KILN[got]})

# ---- gradients ---------------------------------------------------------------------------------------

grads = []
a = torch.tensor([0.5, -1.25, 3.0, 0.1], requires_grad=True)
b = a.bfloat16()
out = (b * b + b).sum()
out.backward()
grads.append({'name': 'float32 through bfloat16', 'input': values(a), 'gradFn': b.grad_fn.name(),
              'outDtype': KILN[out.dtype], 'out': values(out), 'grad': encoded(a.grad)})

w = torch.tensor([0.5, -1.25, 3.0, 0.1], dtype=torch.bfloat16, requires_grad=True)
out = (w * w).sum()
out.backward()
grads.append({'name': 'bfloat16 leaf', 'input': values(w), 'gradFn': out.grad_fn.name(),
              'outDtype': KILN[out.dtype], 'out': values(out), 'grad': encoded(w.grad)})

c = torch.tensor([0.3, 2.0], dtype=torch.bfloat16, requires_grad=True)
d = c.float()
out = (d * torch.tensor([1.5, -2.0])).sum()
out.backward()
grads.append({'name': 'bfloat16 through float32', 'input': values(c), 'gradFn': d.grad_fn.name(),
              'outDtype': KILN[out.dtype], 'out': values(out), 'grad': encoded(c.grad)})

# ---- reprs -------------------------------------------------------------------------------------------

reprs = []
for name, t in [
    ('small', torch.tensor([0.1, 1.0, -2.5]).bfloat16()),
    ('big', torch.tensor([1e20, -3e38, 1.0]).bfloat16()),
    ('special', torch.tensor([float('nan'), float('inf'), 0.0, -0.0]).bfloat16()),
    ('matrix', x),
    ('scalar', torch.tensor(3.14159).bfloat16()),
]:
    reprs.append({'name': name, 'input': values(t), 'shape': list(t.shape), 'repr': repr(t)})
t = torch.tensor([0.5, 1.0], requires_grad=True).bfloat16()
reprs.append({'name': 'cast with grad', 'input': [0.5, 1.0], 'shape': [2], 'fromFloat32': True, 'repr': repr(t)})

fixture = {
    'torch': torch.__version__,
    'inputs': {k: encoded(t) for k, t in inputs.items()},
    'casts': casts,
    'ops': ops,
    'promotion': {'promoteTypes': promote, 'resultType': results},
    'grads': grads,
    'reprs': reprs,
}
with open(OUT, 'w') as f:
    json.dump(fixture, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print(f'wrote {os.path.relpath(OUT)}: {len(f32bits)} float32 casts, {len(ops)} ops')
