#!/usr/bin/python3
"""PyTorch fixtures for convolution, pooling and resampling (test/nn/conv.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/nn_conv_fixtures.py

Writes test/fixtures/torch_nn_conv.json with two lists:

- `functional`: a kiln nn.functional name (`fn`), its positional arguments and trailing options
  object as kiln takes them (camelCase; the script passes them to PyTorch in snake_case), and what
  PyTorch gave: the result (a tuple for returnIndices), or the error; and, when an input requires
  grad, the gradient of sum_i (out_i * w_i).sum() w.r.t. each tensor argument (w_i fixed random
  weights, one per floating-point output). Cases marked `double` also pin the second derivative:
  the gradient of sum_k (g_k * v_k).sum(), where g_k are the first gradients (made with
  create_graph) and v_k fixed weights.
- `modules`: a kiln nn class, its constructor arguments and options, its state_dict right after
  torch.manual_seed(seed) (so kiln's seeded initialisation is checked too), its printout, and for
  an input the output and the gradients of (out * w).sum() w.r.t. the input and every parameter.

Argument encoding: {"t": array, "grad": bool} a tensor, {"v": value} a plain JSON value. Arrays use
scripts/fixtures/common.py's encoding: {dtype (NumPy's name), shape, data}.
"""
import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# siblings named like stdlib modules (random.py) must not shadow them
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

torch.manual_seed(7)
WEIGHTS = torch.Generator().manual_seed(8)

f32, f64 = torch.float32, torch.float64


def enc(t):
    return common.enc(t.detach().numpy())


def snake(name):
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def torch_opts(opts):
    return {snake(k): (tuple(v) if isinstance(v, list) else v) for k, v in (opts or {}).items()}


class T:
    """A tensor argument: fixed data and whether it requires grad."""

    def __init__(self, data, grad=True):
        self.data = data
        self.grad = grad and data.is_floating_point()

    def make(self, leaves):
        leaf = self.data.clone().requires_grad_(self.grad)
        leaves.append(leaf)
        return leaf

    def encode(self):
        return {'t': enc(self.data), 'grad': self.grad}


def randn(*shape, dtype=f32, grad=True):
    return T(torch.randn(shape, dtype=f64).to(dtype), grad)


def weights_like(r):
    return torch.randn(r.shape, generator=WEIGHTS, dtype=f64).to(r.dtype)


TORCH_FNS = {
    'conv1d': F.conv1d, 'conv2d': F.conv2d, 'convTranspose1d': F.conv_transpose1d, 'convTranspose2d': F.conv_transpose2d,
    'maxPool1d': F.max_pool1d, 'maxPool2d': F.max_pool2d, 'avgPool1d': F.avg_pool1d, 'avgPool2d': F.avg_pool2d,
    'adaptiveAvgPool1d': F.adaptive_avg_pool1d, 'adaptiveAvgPool2d': F.adaptive_avg_pool2d,
    'adaptiveMaxPool2d': F.adaptive_max_pool2d, 'interpolate': F.interpolate, 'unfold': F.unfold, 'fold': F.fold,
}

FUNCTIONAL = []


def case(name, fn, *args, opts=None, double=False):
    """Runs fn in PyTorch as kiln would: kiln.nn.functional[fn](...args, opts)."""
    c = {'name': name, 'fn': fn, 'args': [a.encode() if isinstance(a, T) else {'v': a} for a in args]}
    if opts is not None:
        c['opts'] = opts
    leaves = []
    targs = [a.make(leaves) if isinstance(a, T) else (tuple(a) if isinstance(a, list) else a) for a in args]
    try:
        r = TORCH_FNS[fn](*targs, **torch_opts(opts))
    except Exception as e:  # noqa: BLE001 - PyTorch's errors are fixture data
        c['result'] = {'error': type(e).__name__, 'message': str(e)}
        FUNCTIONAL.append(c)
        return
    outs = list(r) if isinstance(r, tuple) else [r]
    c['result'] = {'tuple': [enc(o) for o in outs]} if isinstance(r, tuple) else enc(r)
    diff = [o for o in outs if o.requires_grad]
    if diff:
        # for double backward the weights are leaves too: the gradient is a function of them
        ws = [weights_like(o).requires_grad_(double) for o in diff]
        c['weights'] = [enc(w) for w in ws]
        loss = sum((o * w).sum() for o, w in zip(diff, ws))
        wanted = [leaf for leaf in leaves if leaf.requires_grad]
        grads = torch.autograd.grad(loss, wanted, create_graph=double, allow_unused=True)
        by_leaf = dict(zip(map(id, wanted), grads))
        c['grads'] = [enc(by_leaf[id(leaf)]) if by_leaf.get(id(leaf)) is not None else None for leaf in leaves]
        if double:
            vs = [weights_like(g) for g in grads]
            loss2 = sum((g * v).sum() for g, v in zip(grads, vs))
            grads2 = torch.autograd.grad(loss2, wanted + ws, allow_unused=True)
            c['doubleWeights'] = [enc(v) for v in vs]
            c['doubleGrads'] = [enc(g) if g is not None else None for g in grads2]
    FUNCTIONAL.append(c)


# ---- conv2d ------------------------------------------------------------------------------------------

case('conv2d basic', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(4))
case('conv2d no bias', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None)
case('conv2d padding 1', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(4), opts={'padding': 1})
case('conv2d stride 2', 'conv2d', randn(2, 3, 7, 6), randn(4, 3, 3, 3), randn(4), opts={'stride': 2})
case('conv2d stride (2, 1) padding (1, 2)', 'conv2d', randn(1, 2, 6, 5), randn(3, 2, 3, 2), randn(3), opts={'stride': [2, 1], 'padding': [1, 2]})
case('conv2d dilation 2', 'conv2d', randn(2, 2, 7, 7), randn(3, 2, 3, 3), randn(3), opts={'dilation': 2, 'padding': 1})
case('conv2d dilation (2, 3) stride 2', 'conv2d', randn(1, 2, 9, 10), randn(3, 2, 2, 3), randn(3), opts={'dilation': [2, 3], 'stride': 2})
case("conv2d padding 'same' odd kernel", 'conv2d', randn(2, 3, 5, 6), randn(4, 3, 3, 3), randn(4), opts={'padding': 'same'})
case("conv2d padding 'same' even kernel", 'conv2d', randn(2, 3, 5, 6), randn(4, 3, 2, 4), randn(4), opts={'padding': 'same'})
case("conv2d padding 'same' dilation 2", 'conv2d', randn(1, 2, 6, 6), randn(2, 2, 3, 2), None, opts={'padding': 'same', 'dilation': 2})
case("conv2d padding 'valid'", 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(4), opts={'padding': 'valid'})
case('conv2d groups 2', 'conv2d', randn(2, 4, 5, 5), randn(6, 2, 3, 3), randn(6), opts={'groups': 2, 'padding': 1})
case('conv2d depthwise', 'conv2d', randn(2, 3, 6, 6), randn(3, 1, 3, 3), randn(3), opts={'groups': 3, 'padding': 1})
case('conv2d depthwise multiplier 2', 'conv2d', randn(2, 3, 5, 5), randn(6, 1, 3, 3), randn(6), opts={'groups': 3, 'stride': 2})
case('conv2d 1x1', 'conv2d', randn(2, 5, 4, 3), randn(3, 5, 1, 1), randn(3))
case('conv2d kernel = input', 'conv2d', randn(2, 3, 4, 4), randn(2, 3, 4, 4), randn(2))
case('conv2d odd sizes', 'conv2d', randn(3, 2, 7, 5), randn(5, 2, 4, 2), randn(5), opts={'stride': [3, 2], 'padding': [2, 1], 'dilation': [1, 2]})
case('conv2d unbatched', 'conv2d', randn(3, 5, 5), randn(4, 3, 3, 3), randn(4), opts={'padding': 1})
case('conv2d float64', 'conv2d', randn(2, 3, 5, 5, dtype=f64), randn(4, 3, 3, 3, dtype=f64), randn(4, dtype=f64), opts={'padding': 1, 'stride': 2}, double=True)
case('conv2d float64 groups double backward', 'conv2d', randn(1, 4, 5, 4, dtype=f64), randn(4, 2, 2, 3, dtype=f64), randn(4, dtype=f64), opts={'groups': 2, 'padding': 1, 'dilation': [1, 2]}, double=True)
case('conv2d int64', 'conv2d', T(torch.randint(-5, 5, (2, 3, 5, 5))), T(torch.randint(-3, 3, (4, 3, 3, 3))), T(torch.randint(-3, 3, (4,))))
case('conv2d empty batch', 'conv2d', randn(0, 3, 5, 5), randn(4, 3, 3, 3), randn(4))
case('conv2d input not requiring grad', 'conv2d', randn(2, 3, 5, 5, grad=False), randn(4, 3, 3, 3), randn(4), opts={'padding': 1})

# errors
case('conv2d error 2-D input', 'conv2d', randn(2, 3), randn(4, 3, 3, 3))
case('conv2d error channels', 'conv2d', randn(2, 2, 5, 5), randn(4, 3, 3, 3))
case('conv2d error channels unbatched', 'conv2d', randn(2, 5, 5), randn(4, 3, 3, 3))
case('conv2d error kernel too large', 'conv2d', randn(2, 3, 2, 2), randn(4, 3, 3, 3))
case('conv2d error dilated kernel too large', 'conv2d', randn(2, 3, 4, 4), randn(4, 3, 3, 3), None, opts={'dilation': 2})
case('conv2d error stride 0', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'stride': 0})
case('conv2d error negative padding', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'padding': -1})
case('conv2d error dilation 0', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'dilation': 0})
case('conv2d error groups 0', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'groups': 0})
case('conv2d error same strided', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'padding': 'same', 'stride': 2})
case('conv2d error padding string', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'padding': 'full'})
case('conv2d error groups channels', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'groups': 2})
case('conv2d error groups weight', 'conv2d', randn(2, 6, 5, 5), randn(3, 3, 3, 3), None, opts={'groups': 2})
case('conv2d error groups > out', 'conv2d', randn(2, 6, 5, 5), randn(1, 2, 3, 3), None, opts={'groups': 3})
case('conv2d error bias size', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(3))
case('conv2d error bias 2-D', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(4, 1))
case('conv2d error stride length', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'stride': [1, 2, 3]})
case('conv2d error padding length', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), None, opts={'padding': [1, 2, 3]})
case('conv2d error weight dtype', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3, dtype=f64))
case('conv2d error bias dtype', 'conv2d', randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(4, dtype=f64))
case('conv2d error bool', 'conv2d', T(torch.rand(2, 3, 5, 5) > 0.5), T(torch.rand(4, 3, 3, 3) > 0.5))
case('conv2d error half', 'conv2d', randn(2, 3, 5, 5, dtype=torch.float16, grad=False), randn(4, 3, 3, 3, dtype=torch.float16, grad=False))

# ---- conv1d --------------------------------------------------------------------------------------

case('conv1d basic', 'conv1d', randn(2, 3, 7), randn(4, 3, 3), randn(4))
case('conv1d stride padding dilation', 'conv1d', randn(2, 2, 11), randn(3, 2, 3), randn(3), opts={'stride': 2, 'padding': 2, 'dilation': 2})
case("conv1d padding 'same' even kernel", 'conv1d', randn(2, 3, 7), randn(4, 3, 4), randn(4), opts={'padding': 'same'})
case("conv1d padding 'same' dilation 2", 'conv1d', randn(2, 3, 7), randn(4, 3, 3), None, opts={'padding': 'same', 'dilation': 2})
case('conv1d groups', 'conv1d', randn(2, 4, 6), randn(4, 1, 3), randn(4), opts={'groups': 4, 'padding': [1]})
case('conv1d unbatched', 'conv1d', randn(3, 7), randn(4, 3, 3), randn(4))
case('conv1d float64 double backward', 'conv1d', randn(2, 2, 6, dtype=f64), randn(3, 2, 3, dtype=f64), randn(3, dtype=f64), opts={'stride': 2, 'padding': 1}, double=True)
case('conv1d error 4-D input', 'conv1d', randn(2, 3, 4, 4), randn(4, 3, 3))
case('conv1d error channels', 'conv1d', randn(2, 3), randn(4, 3, 3))
case('conv1d error padding length', 'conv1d', randn(2, 3, 5), randn(4, 3, 3), None, opts={'padding': [1, 2]})

# ---- transposed convolution ----------------------------------------------------------------------

case('convTranspose2d basic', 'convTranspose2d', randn(2, 3, 4, 4), randn(3, 4, 3, 3), randn(4))
case('convTranspose2d stride 2', 'convTranspose2d', randn(2, 3, 4, 5), randn(3, 2, 3, 3), randn(2), opts={'stride': 2})
case('convTranspose2d stride 2 padding 1 outputPadding 1', 'convTranspose2d', randn(2, 3, 4, 4), randn(3, 2, 3, 3), randn(2), opts={'stride': 2, 'padding': 1, 'outputPadding': 1})
case('convTranspose2d stride (3, 2) outputPadding (2, 1)', 'convTranspose2d', randn(1, 2, 3, 4), randn(2, 3, 2, 3), None, opts={'stride': [3, 2], 'outputPadding': [2, 1]})
case('convTranspose2d dilation', 'convTranspose2d', randn(1, 2, 4, 4), randn(2, 3, 3, 2), randn(3), opts={'dilation': 2, 'padding': 1})
case('convTranspose2d outputPadding via dilation', 'convTranspose2d', randn(1, 2, 3, 3), randn(2, 2, 3, 3), randn(2), opts={'dilation': 2, 'outputPadding': 1})
case('convTranspose2d groups', 'convTranspose2d', randn(2, 4, 3, 3), randn(4, 3, 3, 3), randn(6), opts={'groups': 2, 'stride': 2, 'padding': 1})
case('convTranspose2d depthwise', 'convTranspose2d', randn(2, 3, 3, 3), randn(3, 1, 2, 2), randn(3), opts={'groups': 3, 'stride': 2})
case('convTranspose2d padding shrinks', 'convTranspose2d', randn(1, 2, 5, 5), randn(2, 2, 3, 3), None, opts={'padding': 2})
case('convTranspose2d unbatched', 'convTranspose2d', randn(3, 4, 4), randn(3, 4, 3, 3), randn(4), opts={'stride': 2})
case('convTranspose2d float64 double backward', 'convTranspose2d', randn(1, 2, 3, 3, dtype=f64), randn(2, 2, 3, 2, dtype=f64), randn(2, dtype=f64), opts={'stride': 2, 'padding': 1, 'outputPadding': 1}, double=True)
case('convTranspose1d', 'convTranspose1d', randn(2, 3, 5), randn(3, 2, 3), randn(2), opts={'stride': 2, 'padding': 1, 'outputPadding': 1})
case('convTranspose1d groups dilation', 'convTranspose1d', randn(2, 4, 5), randn(4, 1, 3), randn(2), opts={'groups': 2, 'dilation': 2})
case('convTranspose2d error outputPadding', 'convTranspose2d', randn(2, 3, 5, 5), randn(3, 4, 3, 3), None, opts={'outputPadding': 1})
case('convTranspose2d error channels', 'convTranspose2d', randn(2, 3, 5, 5), randn(2, 4, 3, 3))
case('convTranspose2d error groups', 'convTranspose2d', randn(2, 3, 5, 5), randn(3, 4, 3, 3), None, opts={'groups': 2})
case('convTranspose2d error bias', 'convTranspose2d', randn(2, 3, 5, 5), randn(3, 4, 3, 3), randn(3))
case('convTranspose2d error output too small', 'convTranspose2d', randn(2, 3, 5, 5), randn(3, 4, 3, 3), None, opts={'padding': 4})
case('convTranspose2d error 2-D input', 'convTranspose2d', randn(5, 5), randn(3, 4, 3, 3))

# ---- max pooling ---------------------------------------------------------------------------------

case('maxPool2d 2', 'maxPool2d', randn(2, 3, 6, 6), 2)
case('maxPool2d odd size', 'maxPool2d', randn(2, 3, 7, 5), 2)
case('maxPool2d 3 stride 2 padding 1', 'maxPool2d', randn(2, 2, 7, 7), 3, opts={'stride': 2, 'padding': 1})
case('maxPool2d (2, 3) stride 1 padding 1 dilation 2', 'maxPool2d', randn(1, 2, 7, 8), [2, 3], opts={'stride': 1, 'padding': 1, 'dilation': 2})
case('maxPool2d ceilMode', 'maxPool2d', randn(2, 2, 7, 7), 2, opts={'ceilMode': True})
case('maxPool2d ceilMode padding', 'maxPool2d', randn(1, 2, 6, 5), 3, opts={'stride': 2, 'padding': 1, 'ceilMode': True})
case('maxPool2d ceilMode last window dropped', 'maxPool2d', randn(1, 1, 5, 5), 2, opts={'stride': 2, 'padding': 1, 'ceilMode': True})
case('maxPool2d returnIndices', 'maxPool2d', randn(2, 3, 5, 5), 2, opts={'returnIndices': True})
case('maxPool2d returnIndices overlapping', 'maxPool2d', randn(1, 2, 6, 6), 3, opts={'stride': 1, 'padding': 1, 'returnIndices': True})
case('maxPool2d overlapping windows share a maximum', 'maxPool2d', randn(1, 1, 5, 5), 3, opts={'stride': 1})
case('maxPool2d unbatched returnIndices', 'maxPool2d', randn(3, 4, 4), 2, opts={'returnIndices': True})
case('maxPool2d NaN and -inf', 'maxPool2d', T(torch.tensor([[[[1., float('nan'), -float('inf'), -float('inf')], [2., 3., -float('inf'), -float('inf')], [float('nan'), 0., 5., 4.], [1., float('nan'), 4., 5.]]]])), 2, opts={'returnIndices': True})
case('maxPool2d float64 double backward', 'maxPool2d', randn(1, 2, 5, 5, dtype=f64), 2, opts={'stride': 1, 'padding': 1}, double=True)
case('maxPool2d empty batch', 'maxPool2d', randn(0, 3, 4, 4), 2)
case('maxPool1d', 'maxPool1d', randn(2, 3, 9), 3)
case('maxPool1d stride padding dilation ceilMode', 'maxPool1d', randn(2, 3, 10), 3, opts={'stride': 2, 'padding': 1, 'dilation': 2, 'ceilMode': True})
case('maxPool1d returnIndices', 'maxPool1d', randn(2, 2, 7), 2, opts={'returnIndices': True})
case('maxPool1d unbatched', 'maxPool1d', randn(3, 8), 2, opts={'stride': 3})
case('maxPool2d error padding', 'maxPool2d', randn(2, 3, 5, 5), 3, opts={'padding': 2})
case('maxPool2d error output too small', 'maxPool2d', randn(2, 3, 5, 5), 7)
case('maxPool2d error stride 0', 'maxPool2d', randn(2, 3, 5, 5), 3, opts={'stride': 0})
case('maxPool2d error dilation 0', 'maxPool2d', randn(2, 3, 5, 5), 2, opts={'dilation': 0})
case('maxPool2d error negative padding', 'maxPool2d', randn(2, 3, 5, 5), 3, opts={'padding': -1})
case('maxPool2d error 2-D input', 'maxPool2d', randn(3, 3), 2)
case('maxPool2d error empty plane', 'maxPool2d', randn(2, 3, 0, 4), 2)
case('maxPool2d error kernel length', 'maxPool2d', randn(2, 3, 5, 5), [2, 2, 2])
case('maxPool2d error stride length', 'maxPool2d', randn(2, 3, 5, 5), 2, opts={'stride': [1, 2, 3]})
case('maxPool2d error padding length', 'maxPool2d', randn(2, 3, 5, 5), 2, opts={'padding': [1, 0, 0]})
case('maxPool2d error dilation length', 'maxPool2d', randn(2, 3, 5, 5), 2, opts={'dilation': [1, 1, 1]})
case('maxPool1d error kernel length', 'maxPool1d', randn(2, 3, 8), [2, 2])
case('maxPool1d error stride length', 'maxPool1d', randn(2, 3, 8), 2, opts={'stride': [2, 2]})
case('maxPool1d error padding length', 'maxPool1d', randn(2, 3, 8), 2, opts={'padding': [1, 1]})
case('maxPool2d error int64', 'maxPool2d', T(torch.randint(0, 5, (2, 3, 4, 4))), 2)
case('maxPool1d error 1-D input', 'maxPool1d', randn(3), 2)

# ---- average pooling ----------------------------------------------------------------------------

case('avgPool2d 2', 'avgPool2d', randn(2, 3, 6, 6), 2)
case('avgPool2d 3 stride 2 padding 1', 'avgPool2d', randn(2, 2, 7, 7), 3, opts={'stride': 2, 'padding': 1})
case('avgPool2d countIncludePad false', 'avgPool2d', randn(2, 2, 7, 7), 3, opts={'stride': 2, 'padding': 1, 'countIncludePad': False})
case('avgPool2d ceilMode', 'avgPool2d', randn(1, 2, 7, 6), 2, opts={'ceilMode': True})
case('avgPool2d ceilMode padding', 'avgPool2d', randn(1, 2, 6, 5), 3, opts={'stride': 2, 'padding': 1, 'ceilMode': True})
case('avgPool2d ceilMode padding countIncludePad false', 'avgPool2d', randn(1, 2, 6, 5), 3, opts={'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False})
case('avgPool2d (3, 2) stride (1, 2) padding (1, 0)', 'avgPool2d', randn(2, 2, 5, 6), [3, 2], opts={'stride': [1, 2], 'padding': [1, 0]})
case('avgPool2d divisorOverride', 'avgPool2d', randn(1, 2, 6, 6), 3, opts={'stride': 2, 'padding': 1, 'divisorOverride': 2})
case('avgPool2d unbatched', 'avgPool2d', randn(3, 5, 5), 2)
case('avgPool2d int64', 'avgPool2d', T(torch.randint(-9, 9, (1, 2, 4, 4))), 2)
case('avgPool2d float64 double backward', 'avgPool2d', randn(1, 2, 5, 5, dtype=f64), 3, opts={'stride': 2, 'padding': 1, 'countIncludePad': False}, double=True)
case('avgPool1d', 'avgPool1d', randn(2, 3, 9), 3)
case('avgPool1d stride padding ceilMode countIncludePad false', 'avgPool1d', randn(2, 3, 10), 3, opts={'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False})
case('avgPool1d unbatched', 'avgPool1d', randn(3, 8), 2)
case('avgPool2d error padding', 'avgPool2d', randn(2, 3, 5, 5), 3, opts={'padding': 2})
case('avgPool2d error output too small', 'avgPool2d', randn(2, 3, 5, 5), 7)
case('avgPool2d error stride 0', 'avgPool2d', randn(2, 3, 5, 5), 2, opts={'stride': 0})
case('avgPool2d error divisorOverride 0', 'avgPool2d', randn(2, 3, 5, 5), 2, opts={'divisorOverride': 0})
case('avgPool2d error kernel length', 'avgPool2d', randn(2, 3, 5, 5), [2, 2, 2])
case('avgPool2d error padding length', 'avgPool2d', randn(2, 3, 5, 5), 2, opts={'padding': [1, 0, 0]})
case('avgPool1d error kernel length', 'avgPool1d', randn(2, 3, 8), [2, 2])
case('avgPool1d error stride length', 'avgPool1d', randn(2, 3, 8), 2, opts={'stride': [2, 2]})
case('avgPool1d error 1-D input', 'avgPool1d', randn(3), 2)

# ---- adaptive pooling -----------------------------------------------------------------------------

case('adaptiveAvgPool2d divides', 'adaptiveAvgPool2d', randn(2, 3, 6, 4), 2)
case("adaptiveAvgPool2d doesn't divide", 'adaptiveAvgPool2d', randn(2, 3, 7, 5), [3, 2])
case('adaptiveAvgPool2d grows', 'adaptiveAvgPool2d', randn(1, 2, 3, 2), [5, 4])
case('adaptiveAvgPool2d None keeps a size', 'adaptiveAvgPool2d', randn(2, 2, 5, 6), [3, None])
case('adaptiveAvgPool2d 1', 'adaptiveAvgPool2d', randn(2, 4, 5, 5), 1)
case('adaptiveAvgPool2d unbatched', 'adaptiveAvgPool2d', randn(3, 7, 7), 3)
case('adaptiveAvgPool2d float64 double backward', 'adaptiveAvgPool2d', randn(1, 2, 5, 4, dtype=f64), [3, 3], double=True)
case('adaptiveAvgPool1d', 'adaptiveAvgPool1d', randn(2, 3, 10), 4)
case('adaptiveMaxPool2d', 'adaptiveMaxPool2d', randn(2, 3, 7, 5), [3, 2])
case('adaptiveMaxPool2d returnIndices', 'adaptiveMaxPool2d', randn(2, 2, 5, 6), [2, 4], opts={'returnIndices': True})
case('adaptiveMaxPool2d grows', 'adaptiveMaxPool2d', randn(1, 2, 3, 2), [4, 3], opts={'returnIndices': True})
case('adaptiveAvgPool2d error 1-D', 'adaptiveAvgPool2d', randn(3), 2)
case('adaptiveAvgPool2d error negative', 'adaptiveAvgPool2d', randn(2, 3, 5, 5), [2, -1])
case('adaptiveAvgPool2d error size length', 'adaptiveAvgPool2d', randn(2, 3, 5, 5), [2, 3, 4])
case('adaptiveAvgPool2d error empty plane', 'adaptiveAvgPool2d', randn(2, 3, 0, 5), 2)
case('adaptiveAvgPool2d error int64', 'adaptiveAvgPool2d', T(torch.randint(0, 5, (2, 3, 4, 4))), 2)

# ---- interpolate ----------------------------------------------------------------------------------

case('interpolate nearest scaleFactor 2', 'interpolate', randn(2, 3, 3, 4), opts={'scaleFactor': 2})
case('interpolate nearest size', 'interpolate', randn(2, 3, 4, 5), opts={'size': [7, 3]})
case('interpolate nearest scaleFactor 1.5', 'interpolate', randn(1, 2, 5, 5), opts={'scaleFactor': 1.5})
case('interpolate nearest scaleFactor (0.5, 2.5)', 'interpolate', randn(1, 2, 6, 3), opts={'scaleFactor': [0.5, 2.5]})
case('interpolate nearest scaleFactor 1.7 recompute', 'interpolate', randn(1, 2, 5, 3), opts={'scaleFactor': 1.7, 'recomputeScaleFactor': True})
case('interpolate nearest downsample', 'interpolate', randn(1, 2, 7, 9), opts={'size': 4})
case('interpolate nearest 1-D', 'interpolate', randn(2, 3, 5), opts={'size': 8})
case('interpolate bilinear scaleFactor 2', 'interpolate', randn(2, 3, 3, 4), opts={'scaleFactor': 2, 'mode': 'bilinear'})
case('interpolate bilinear alignCorners', 'interpolate', randn(2, 3, 3, 4), opts={'scaleFactor': 2, 'mode': 'bilinear', 'alignCorners': True})
case('interpolate bilinear size', 'interpolate', randn(1, 2, 5, 4), opts={'size': [3, 7], 'mode': 'bilinear'})
case('interpolate bilinear size alignCorners', 'interpolate', randn(1, 2, 5, 4), opts={'size': [3, 7], 'mode': 'bilinear', 'alignCorners': True})
case('interpolate bilinear to 1 alignCorners', 'interpolate', randn(1, 2, 4, 4), opts={'size': [1, 3], 'mode': 'bilinear', 'alignCorners': True})
case('interpolate bilinear scaleFactor 0.6', 'interpolate', randn(1, 2, 7, 6), opts={'scaleFactor': 0.6, 'mode': 'bilinear'})
case('interpolate bilinear scaleFactor 1.3 recompute', 'interpolate', randn(1, 2, 7, 6), opts={'scaleFactor': 1.3, 'mode': 'bilinear', 'recomputeScaleFactor': True})
case('interpolate bilinear float64 double backward', 'interpolate', randn(1, 2, 3, 3, dtype=f64), opts={'size': [5, 4], 'mode': 'bilinear'}, double=True)
case('interpolate linear', 'interpolate', randn(2, 3, 5), opts={'size': 8, 'mode': 'linear'})
case('interpolate linear alignCorners', 'interpolate', randn(2, 3, 5), opts={'scaleFactor': 1.5, 'mode': 'linear', 'alignCorners': True})
case('interpolate error no size', 'interpolate', randn(2, 3, 5, 5))
case('interpolate error both', 'interpolate', randn(2, 3, 5, 5), opts={'size': 3, 'scaleFactor': 2})
case('interpolate error nearest alignCorners', 'interpolate', randn(2, 3, 5, 5), opts={'size': 3, 'alignCorners': True})
case('interpolate error bilinear 3-D', 'interpolate', randn(2, 3, 4), opts={'size': 3, 'mode': 'bilinear'})
case('interpolate error linear 4-D', 'interpolate', randn(2, 3, 4, 4), opts={'size': 3, 'mode': 'linear'})
case('interpolate error 2-D', 'interpolate', randn(3, 4), opts={'size': 5})
case('interpolate error size length', 'interpolate', randn(2, 3, 5, 5), opts={'size': [3, 4, 5]})
case('interpolate error scaleFactor length', 'interpolate', randn(2, 3, 5, 5), opts={'scaleFactor': [1.5]})
case('interpolate error size 0', 'interpolate', randn(2, 3, 5, 5), opts={'size': [0, 3]})

# ---- unfold and fold -------------------------------------------------------------------------------

case('unfold', 'unfold', randn(2, 3, 5, 5), 2)
case('unfold stride padding dilation', 'unfold', randn(2, 2, 6, 7), [2, 3], opts={'stride': [2, 1], 'padding': 1, 'dilation': [1, 2]})
case('unfold unbatched', 'unfold', randn(3, 4, 4), 3, opts={'padding': 1})
case('unfold float64 double backward', 'unfold', randn(1, 2, 4, 4, dtype=f64), 2, opts={'stride': 2, 'padding': 1}, double=True)
case('fold', 'fold', randn(2, 12, 16), [5, 5], 2)
case('fold stride padding dilation', 'fold', randn(2, 8, 28), [6, 7], [2, 2], opts={'stride': [2, 1], 'padding': 1, 'dilation': [1, 2]})
case('fold unbatched', 'fold', randn(12, 16), [5, 5], 2)
case('fold float64 double backward', 'fold', randn(1, 8, 9, dtype=f64), [4, 4], 2, opts={'stride': 2, 'padding': 1}, double=True)
case('unfold error kernel 0', 'unfold', randn(2, 3, 5, 5), 0)
case('unfold error stride 0', 'unfold', randn(2, 3, 5, 5), 2, opts={'stride': 0})
case('unfold error dilation 0', 'unfold', randn(2, 3, 5, 5), 2, opts={'dilation': 0})
case('unfold error negative padding', 'unfold', randn(2, 3, 5, 5), 2, opts={'padding': -1})
case('unfold error too large', 'unfold', randn(2, 3, 5, 5), 6)
case('unfold error kernel length', 'unfold', randn(2, 3, 5, 5), [2, 2, 2])
case('unfold error 5-D', 'unfold', randn(1, 2, 3, 4, 5), 2)
case('unfold error int64', 'unfold', T(torch.randint(0, 5, (2, 3, 5, 5))), 2)
case('fold error blocks', 'fold', randn(2, 12, 15), [5, 5], 2)
case('fold error divisible', 'fold', randn(2, 13, 16), [5, 5], 2)
case('fold error 4-D', 'fold', randn(2, 12, 16, 1), [5, 5], 2)

# ---- modules ---------------------------------------------------------------------------------------

MODULES = []


def module_case(name, cls, args, opts=None, input_shape=None, forward_args=None, seed=0, dtype=f32):
    torch.manual_seed(seed)
    m = getattr(nn, cls)(*[tuple(a) if isinstance(a, list) else a for a in args], **torch_opts(opts))
    c = {'name': name, 'module': cls, 'args': args, 'seed': seed, 'repr': str(m),
         'state': {k: enc(v) for k, v in m.state_dict().items()}}
    if opts is not None:
        c['opts'] = opts
    if input_shape is not None:
        x = torch.randn(input_shape, generator=WEIGHTS, dtype=f64).to(dtype).requires_grad_()
        c['input'] = enc(x)
        if forward_args is not None:
            c['forwardArgs'] = forward_args
        out = m(x, *forward_args) if forward_args else m(x)
        outs = list(out) if isinstance(out, tuple) else [out]
        c['output'] = {'tuple': [enc(o) for o in outs]} if isinstance(out, tuple) else enc(out)
        ws = [weights_like(o) for o in outs if o.is_floating_point()]
        c['weights'] = [enc(w) for w in ws]
        sum((o * w).sum() for o, w in zip(outs, ws)).backward()
        c['inputGrad'] = enc(x.grad)
        c['paramGrads'] = {k: enc(p.grad) for k, p in m.named_parameters()}
    MODULES.append(c)


module_case('Conv2d(3, 4, 3)', 'Conv2d', [3, 4, 3], input_shape=(2, 3, 6, 6), seed=1)
module_case('Conv2d(4, 6, (3, 2)) strided dilated grouped, no bias', 'Conv2d', [4, 6, [3, 2]],
            {'stride': 2, 'padding': 1, 'dilation': 2, 'groups': 2, 'bias': False}, input_shape=(2, 4, 7, 8), seed=2)
module_case("Conv2d depthwise padding 'same'", 'Conv2d', [4, 4, 3], {'groups': 4, 'padding': 'same'}, input_shape=(2, 4, 5, 5), seed=3)
module_case("Conv2d padding 'valid'", 'Conv2d', [2, 3, 2], {'padding': 'valid'}, input_shape=(1, 2, 4, 4), seed=4)
module_case("Conv1d(2, 4, 3, padding='same')", 'Conv1d', [2, 4, 3], {'padding': 'same'}, input_shape=(2, 2, 7), seed=5)
module_case('Conv1d strided', 'Conv1d', [3, 2, 4], {'stride': 2, 'padding': 1}, input_shape=(2, 3, 9), seed=6)
module_case('ConvTranspose2d(2, 4, 3, stride=2, output_padding=1, groups=2)', 'ConvTranspose2d', [2, 4, 3],
            {'stride': 2, 'outputPadding': 1, 'groups': 2}, input_shape=(2, 2, 3, 3), seed=7)
module_case('ConvTranspose2d outputSize', 'ConvTranspose2d', [3, 2, 3], {'stride': 2, 'padding': 1},
            input_shape=(1, 3, 4, 4), forward_args=[[8, 8]], seed=8)
module_case('ConvTranspose1d', 'ConvTranspose1d', [3, 2, 3], {'stride': 2, 'bias': False}, input_shape=(2, 3, 5), seed=9)
module_case('MaxPool2d(2)', 'MaxPool2d', [2], input_shape=(2, 3, 6, 6))
module_case('MaxPool2d((2, 3), ...)', 'MaxPool2d', [[2, 3]], {'stride': 1, 'padding': 1, 'dilation': 2, 'ceilMode': True}, input_shape=(1, 2, 7, 7))
module_case('MaxPool2d returnIndices', 'MaxPool2d', [2], {'returnIndices': True}, input_shape=(1, 2, 4, 5))
module_case('MaxPool1d(3)', 'MaxPool1d', [3], input_shape=(2, 3, 9))
module_case('AvgPool2d(2)', 'AvgPool2d', [2], input_shape=(2, 3, 6, 6))
module_case('AvgPool2d(3, 2, 1, ceilMode, no pad count, divisor 2)', 'AvgPool2d', [3],
            {'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False, 'divisorOverride': 2}, input_shape=(1, 2, 6, 6))
module_case('AvgPool1d(3)', 'AvgPool1d', [3], input_shape=(2, 3, 9))
module_case('AdaptiveAvgPool2d((3, None))', 'AdaptiveAvgPool2d', [[3, None]], input_shape=(2, 2, 7, 5))
module_case('AdaptiveAvgPool2d(3)', 'AdaptiveAvgPool2d', [3], input_shape=(2, 2, 7, 5))
module_case('AdaptiveMaxPool2d(2)', 'AdaptiveMaxPool2d', [2], input_shape=(2, 2, 5, 5))
module_case('Upsample(scale_factor=2)', 'Upsample', [], {'scaleFactor': 2}, input_shape=(1, 2, 3, 3))
module_case("Upsample(size=(3, 4), mode='bilinear', align_corners=True)", 'Upsample', [],
            {'size': [3, 4], 'mode': 'bilinear', 'alignCorners': True}, input_shape=(1, 2, 5, 5))
module_case('Upsample(scale_factor=(2, 1.5))', 'Upsample', [], {'scaleFactor': [2, 1.5]}, input_shape=(1, 2, 3, 4))
module_case('Unfold', 'Unfold', [[2, 3]], {'dilation': 1, 'padding': 1, 'stride': 2}, input_shape=(2, 3, 5, 5))
module_case('Fold', 'Fold', [[4, 5], 2], {'stride': 1}, input_shape=(2, 12, 12))

MODULE_ERRORS = []


def module_error(name, cls, args, opts=None):
    try:
        getattr(nn, cls)(*[tuple(a) if isinstance(a, list) else a for a in args], **torch_opts(opts))
    except Exception as e:  # noqa: BLE001
        MODULE_ERRORS.append({'name': name, 'module': cls, 'args': args, 'opts': opts or {},
                              'error': type(e).__name__, 'message': str(e)})
        return
    raise AssertionError(f'{name}: expected an error')


module_error('Conv2d groups must divide in', 'Conv2d', [3, 4, 3], {'groups': 2})
module_error('Conv2d groups must divide out', 'Conv2d', [4, 3, 3], {'groups': 2})
module_error('Conv2d groups 0', 'Conv2d', [4, 4, 3], {'groups': 0})
module_error("Conv2d 'same' strided", 'Conv2d', [3, 4, 3], {'padding': 'same', 'stride': 2})
module_error('Conv2d padding string', 'Conv2d', [4, 4, 3], {'padding': 'full'})
module_error('Conv2d padding mode', 'Conv2d', [4, 4, 3], {'paddingMode': 'mirror'})

path = os.path.join(common.FIXTURES, 'torch_nn_conv.json')
with open(path + '.tmp', 'w') as f:
    import json
    json.dump({'torch': torch.__version__, 'functional': FUNCTIONAL, 'modules': MODULES, 'moduleErrors': MODULE_ERRORS},
              f, indent=None, separators=(',', ':'))
os.replace(path + '.tmp', path)
print(f'wrote {path} ({len(FUNCTIONAL)} functional cases, {len(MODULES)} modules, {len(MODULE_ERRORS)} module errors)')
