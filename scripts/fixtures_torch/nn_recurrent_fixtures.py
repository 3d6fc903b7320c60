#!/usr/bin/python3
"""PyTorch fixtures for kiln's recurrent and attention layers (test/nn/recurrent.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/nn_recurrent_fixtures.py

Writes test/fixtures/torch_nn_recurrent.json. A module case names a kiln module (`module`), its
constructor arguments (`args`, then `options` in kiln's camelCase spelling, translated to PyTorch's
snake_case here), the module's state_dict (parameters perturbed away from their initial values, so
zero biases and identical cloned layers test something), the forward inputs (`inputs`, by name;
those with `grad` require it), the forward options (`forward`: masks refer to inputs by name as
{"input": name}), the outputs in a fixed order (RNN/GRU: output, h_n; LSTM: output, h_n, c_n;
MultiheadAttention: output, weights or null; the rest: output), fixed random `weights` for the loss
sum_i (out_i * w_i).sum(), and the gradients of that loss w.r.t. the inputs that require grad and
every parameter (`grads`).

`sdpa` cases pin nn.functional.scaled_dot_product_attention, which PyTorch 1.13 lacks: their
results come from the reference formula of PyTorch 2's documentation, written with torch ops.
`init` cases pin the parameters a module gets from a seeded generator. Arrays use
scripts/fixtures/common.py's encoding: {dtype (NumPy's name), shape, data}.
"""
import importlib.util
import json
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# siblings named like stdlib modules (random.py) must not shadow them
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

torch.manual_seed(0)
GEN = torch.Generator().manual_seed(1)
f32, f64 = torch.float32, torch.float64

CASES = []


def enc(t):
    a = t.detach().numpy()
    e = common.enc(a)
    if a.dtype == 'float32':
        # the shortest decimal that reads back as the same float32 (half the digits of a double's)
        e['data'] = [v if isinstance(v, str) else float(repr(np.float32(v))) for v in e['data']]
    return e


def snake(name):
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def kwargs(options):
    return {snake(k): v for k, v in options.items()}


def randn(*shape, dtype=f32):
    return torch.randn(shape, generator=GEN, dtype=f64).to(dtype)


def build(spec):
    """A torch module from a {module, args, options} spec (TransformerEncoder/Decoder: a layer spec)."""
    name, args, options = spec['module'], spec.get('args', []), dict(spec.get('options', {}))
    if name in ('TransformerEncoder', 'TransformerDecoder'):
        layer = build(spec['layer'])
        norm = nn.LayerNorm(spec['layer']['args'][0]) if options.pop('norm', False) else None
        return getattr(nn, name)(layer, args[0], norm=norm, **kwargs(options))
    return getattr(nn, name)(*args, **kwargs(options))


def perturb(m, dtype):
    """Moves every parameter away from its initial value (deep-copied layers start identical)."""
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.2 * torch.randn(p.shape, generator=GEN, dtype=f64).to(dtype))


def run_forward(name, m, x, fwd):
    """Calls the torch module as kiln's test will call the kiln one; returns a list of outputs."""
    if name in ('RNN', 'GRU', 'RNNCell', 'GRUCell'):
        out = m(x['input'], x.get('hx'))
        return list(out) if isinstance(out, tuple) else [out]
    if name in ('LSTM', 'LSTMCell'):
        hx = (x['h0'], x['c0']) if 'h0' in x else None
        out = m(x['input'], hx)
        if name == 'LSTMCell':
            return list(out)
        return [out[0], out[1][0], out[1][1]]
    if name == 'MultiheadAttention':
        q = x['query']
        k = x.get('key', q)
        v = x.get('value', k)
        return list(m(q, k, v, **fwd))
    if name in ('TransformerEncoderLayer', 'TransformerEncoder'):
        return [m(x['src'], **fwd)]
    if name in ('TransformerDecoderLayer', 'TransformerDecoder'):
        return [m(x['tgt'], x['memory'], **fwd)]
    if name == 'Transformer':
        return [m(x['src'], x['tgt'], **fwd)]
    raise ValueError(name)


def module_case(name, spec, inputs, forward=None, dtype=f32, train=False, seed=None, tol=None, torch_only=None, kiln_only=None):
    """inputs: {name: (tensor, requires_grad)}; forward: kiln's forward options, masks as input names."""
    m = build(spec).to(dtype)
    perturb(m, dtype)
    m.train(train)
    leaves = {k: (t.to(dtype) if t.is_floating_point() else t).clone().requires_grad_(g) for k, (t, g) in inputs.items()}
    fwd = {}
    enc_fwd = {}
    for k, v in (forward or {}).items():
        if isinstance(v, str) and v in leaves:
            fwd[snake(k)] = leaves[v]
            enc_fwd[k] = {'input': v}
        else:
            fwd[snake(k)] = v
            enc_fwd[k] = v
    fwd.update(torch_only or {})
    enc_fwd.update(kiln_only or {})
    state = {k: enc(v) for k, v in m.state_dict().items()}
    if seed is not None:
        torch.manual_seed(seed)
    outs = run_forward(spec['module'], m, leaves, fwd)
    weights = [None if o is None else torch.randn(o.shape, generator=GEN, dtype=f64).to(o.dtype) for o in outs]
    loss = sum((o * w).sum() for o, w in zip(outs, weights) if o is not None)
    loss.backward()
    c = {
        'name': name, 'kind': 'module', **spec, 'dtype': str(dtype).replace('torch.', ''), 'train': train,
        'state': state,
        'inputs': {k: {'t': enc(t), 'grad': t.requires_grad} for k, t in leaves.items()},
        'forward': enc_fwd,
        'outputs': [None if o is None else enc(o) for o in outs],
        'weights': [None if w is None else enc(w) for w in weights],
        'grads': {
            'inputs': {k: enc(t.grad) for k, t in leaves.items() if t.requires_grad},
            'params': {k: enc(p.grad) for k, p in m.named_parameters()},
        },
    }
    if seed is not None:
        c['seed'] = seed
    if tol is not None:
        c['tol'] = tol
    CASES.append(c)


def mod(module, *args, **options):
    return {'module': module, 'args': list(args), 'options': options}


def x(*shape, grad=True):
    return (randn(*shape), grad)


def bool_mask(*shape, p=0.3):
    """A random bool mask that never masks the first key, so no row is fully masked."""
    m = torch.rand(shape, generator=GEN) < p
    m[..., 0] = False
    return (m, False)


def float_mask(*shape):
    return (randn(*shape), False)


def causal(n):
    return (nn.Transformer.generate_square_subsequent_mask(n), False)


# ---- RNN, LSTM, GRU ---------------------------------------------------------------------------

module_case('RNN tanh with h0', mod('RNN', 5, 7), {'input': x(4, 3, 5), 'hx': x(1, 3, 7)})
module_case('RNN relu, 2 layers, bidirectional, batchFirst', mod('RNN', 5, 7, numLayers=2, nonlinearity='relu', bidirectional=True, batchFirst=True),
            {'input': x(3, 4, 5)})
module_case('RNN without bias, unbatched', mod('RNN', 5, 7, bias=False), {'input': x(4, 5), 'hx': x(1, 7)})
module_case('LSTM with h0, c0', mod('LSTM', 6, 7), {'input': x(5, 3, 6), 'h0': x(1, 3, 7), 'c0': x(1, 3, 7)})
module_case('LSTM 2 layers batchFirst', mod('LSTM', 6, 7, numLayers=2, batchFirst=True),
            {'input': x(3, 5, 6), 'h0': x(2, 3, 7), 'c0': x(2, 3, 7)})
module_case('LSTM 2 layers bidirectional', mod('LSTM', 6, 7, numLayers=2, bidirectional=True), {'input': x(5, 3, 6)})
module_case('LSTM projSize, 2 layers, bidirectional', mod('LSTM', 6, 7, numLayers=2, bidirectional=True, projSize=3),
            {'input': x(5, 3, 6), 'h0': x(4, 3, 3), 'c0': x(4, 3, 7)})
module_case('LSTM unbatched', mod('LSTM', 6, 7), {'input': x(5, 6), 'h0': x(1, 7), 'c0': x(1, 7)})
module_case('LSTM unbatched batchFirst bidirectional', mod('LSTM', 6, 7, batchFirst=True, bidirectional=True), {'input': x(5, 6)})
module_case('LSTM without bias', mod('LSTM', 6, 7, bias=False), {'input': x(4, 2, 6)})
module_case('LSTM longer sequence', mod('LSTM', 3, 4), {'input': x(30, 2, 3)})
module_case('GRU with h0', mod('GRU', 5, 6), {'input': x(4, 3, 5), 'hx': x(1, 3, 6)})
module_case('GRU 2 layers bidirectional batchFirst', mod('GRU', 5, 6, numLayers=2, bidirectional=True, batchFirst=True),
            {'input': x(3, 4, 5), 'hx': x(4, 3, 6)})
module_case('GRU unbatched batchFirst', mod('GRU', 5, 6, batchFirst=True), {'input': x(4, 5), 'hx': x(1, 6)})
module_case('GRU without bias', mod('GRU', 5, 6, bias=False), {'input': x(4, 3, 5)})
module_case('LSTM float64, 2 layers bidirectional', mod('LSTM', 4, 5, numLayers=2, bidirectional=True),
            {'input': x(6, 2, 4), 'h0': x(4, 2, 5), 'c0': x(4, 2, 5)}, dtype=f64)
module_case('GRU float64 batchFirst', mod('GRU', 4, 5, batchFirst=True, numLayers=2), {'input': x(2, 6, 4)}, dtype=f64)
module_case('RNN float64 relu', mod('RNN', 4, 5, nonlinearity='relu', bidirectional=True), {'input': x(6, 2, 4)}, dtype=f64)
# dropout between layers draws its mask from the seeded generator, as PyTorch's (same stream)
module_case('LSTM training with dropout (seeded)', mod('LSTM', 4, 6, numLayers=3, dropout=0.5), {'input': x(5, 2, 4)}, train=True, seed=7)
module_case('GRU training with dropout (seeded)', mod('GRU', 4, 6, numLayers=2, dropout=0.3, bidirectional=True), {'input': x(5, 2, 4)}, train=True, seed=8)

# ---- cells ------------------------------------------------------------------------------------

module_case('RNNCell tanh', mod('RNNCell', 5, 7), {'input': x(3, 5), 'hx': x(3, 7)})
module_case('RNNCell relu unbatched, no hx', mod('RNNCell', 5, 7, nonlinearity='relu'), {'input': x(5)})
module_case('LSTMCell', mod('LSTMCell', 5, 7), {'input': x(3, 5), 'h0': x(3, 7), 'c0': x(3, 7)})
module_case('LSTMCell unbatched', mod('LSTMCell', 5, 7), {'input': x(5), 'h0': x(7), 'c0': x(7)})
module_case('GRUCell', mod('GRUCell', 5, 7), {'input': x(3, 5), 'hx': x(3, 7)})
module_case('GRUCell without bias, unbatched', mod('GRUCell', 5, 7, bias=False), {'input': x(5), 'hx': x(7)})

# ---- MultiheadAttention -------------------------------------------------------------------------

module_case('MHA cross-attention, weights averaged', mod('MultiheadAttention', 8, 2),
            {'query': x(4, 3, 8), 'key': x(5, 3, 8), 'value': x(5, 3, 8)})
module_case('MHA self-attention batchFirst, no weights', mod('MultiheadAttention', 8, 2, batchFirst=True),
            {'query': x(3, 4, 8)}, forward={'needWeights': False})
module_case('MHA bool attnMask + bool keyPaddingMask, per-head weights', mod('MultiheadAttention', 8, 2),
            {'query': x(4, 3, 8), 'key': x(5, 3, 8), 'value': x(5, 3, 8), 'mask': bool_mask(4, 5), 'kpm': bool_mask(3, 5)},
            forward={'attnMask': 'mask', 'keyPaddingMask': 'kpm', 'averageAttnWeights': False})
module_case('MHA float 3-D attnMask batchFirst', mod('MultiheadAttention', 8, 4, batchFirst=True),
            {'query': x(2, 4, 8), 'key': x(2, 5, 8), 'value': x(2, 5, 8), 'mask': float_mask(8, 4, 5)},
            forward={'attnMask': 'mask'})
module_case('MHA float keyPaddingMask', mod('MultiheadAttention', 8, 2),
            {'query': x(4, 3, 8), 'key': x(5, 3, 8), 'value': x(5, 3, 8), 'kpm': float_mask(3, 5)},
            forward={'keyPaddingMask': 'kpm'})
module_case('MHA float attnMask + bool keyPaddingMask', mod('MultiheadAttention', 8, 2),
            {'query': x(4, 3, 8), 'key': x(5, 3, 8), 'value': x(5, 3, 8), 'mask': float_mask(4, 5), 'kpm': bool_mask(3, 5)},
            forward={'attnMask': 'mask', 'keyPaddingMask': 'kpm'})
module_case('MHA kdim, vdim', mod('MultiheadAttention', 8, 2, kdim=5, vdim=6),
            {'query': x(4, 3, 8), 'key': x(5, 3, 5), 'value': x(5, 3, 6), 'kpm': bool_mask(3, 5)}, forward={'keyPaddingMask': 'kpm'})
module_case('MHA without bias', mod('MultiheadAttention', 8, 2, bias=False), {'query': x(4, 3, 8), 'key': x(5, 3, 8), 'value': x(5, 3, 8)})
module_case('MHA unbatched, 3-D mask, 1-D keyPaddingMask', mod('MultiheadAttention', 8, 2),
            {'query': x(4, 8), 'key': x(5, 8), 'value': x(5, 8), 'mask': float_mask(2, 4, 5), 'kpm': bool_mask(5)},
            forward={'attnMask': 'mask', 'keyPaddingMask': 'kpm', 'averageAttnWeights': False})
module_case('MHA addBiasKv, addZeroAttn, masks', mod('MultiheadAttention', 8, 2, addBiasKv=True, addZeroAttn=True),
            {'query': x(4, 3, 8), 'key': x(5, 3, 8), 'value': x(5, 3, 8), 'mask': bool_mask(4, 5), 'kpm': bool_mask(3, 5)},
            forward={'attnMask': 'mask', 'keyPaddingMask': 'kpm'})
module_case('MHA causal mask with isCausal hint', mod('MultiheadAttention', 8, 2, batchFirst=True),
            {'query': x(2, 5, 8), 'mask': causal(5)}, forward={'attnMask': 'mask'}, kiln_only={'isCausal': True})
module_case('MHA float64', mod('MultiheadAttention', 6, 3),
            {'query': x(4, 2, 6), 'key': x(3, 2, 6), 'value': x(3, 2, 6), 'kpm': bool_mask(2, 3)}, forward={'keyPaddingMask': 'kpm'}, dtype=f64)

# ---- Transformer layers -----------------------------------------------------------------------

TEL = dict(dimFeedforward=16)
module_case('TransformerEncoderLayer relu, causal float mask', mod('TransformerEncoderLayer', 8, 2, **TEL),
            {'src': x(5, 3, 8), 'mask': causal(5)}, forward={'srcMask': 'mask'})
module_case('TransformerEncoderLayer gelu normFirst batchFirst, keyPaddingMask', mod('TransformerEncoderLayer', 8, 2, activation='gelu', normFirst=True, batchFirst=True, **TEL),
            {'src': x(3, 5, 8), 'kpm': bool_mask(3, 5)}, forward={'srcKeyPaddingMask': 'kpm'})
module_case('TransformerEncoderLayer bool mask, layerNormEps', mod('TransformerEncoderLayer', 8, 4, layerNormEps=1e-3, **TEL),
            {'src': x(5, 2, 8), 'mask': bool_mask(5, 5), 'kpm': bool_mask(2, 5)}, forward={'srcMask': 'mask', 'srcKeyPaddingMask': 'kpm'})
module_case('TransformerEncoderLayer unbatched', mod('TransformerEncoderLayer', 8, 2, **TEL), {'src': x(5, 8)})
module_case('TransformerEncoder 2 layers with norm, batchFirst', {'module': 'TransformerEncoder', 'args': [2], 'options': {'norm': True},
                                                                 'layer': mod('TransformerEncoderLayer', 8, 2, batchFirst=True, **TEL)},
            {'src': x(3, 5, 8), 'mask': causal(5), 'kpm': bool_mask(3, 5)}, forward={'mask': 'mask', 'srcKeyPaddingMask': 'kpm'})
module_case('TransformerEncoder 3 layers normFirst', {'module': 'TransformerEncoder', 'args': [3], 'options': {},
                                                       'layer': mod('TransformerEncoderLayer', 8, 2, normFirst=True, **TEL)},
            {'src': x(4, 2, 8)})
module_case('TransformerDecoderLayer causal tgtMask, memoryKeyPaddingMask', mod('TransformerDecoderLayer', 8, 2, **TEL),
            {'tgt': x(4, 3, 8), 'memory': x(5, 3, 8), 'mask': causal(4), 'mkpm': bool_mask(3, 5)},
            forward={'tgtMask': 'mask', 'memoryKeyPaddingMask': 'mkpm'})
module_case('TransformerDecoderLayer gelu normFirst batchFirst, all masks', mod('TransformerDecoderLayer', 8, 2, activation='gelu', normFirst=True, batchFirst=True, **TEL),
            {'tgt': x(3, 4, 8), 'memory': x(3, 5, 8), 'tmask': causal(4), 'mmask': float_mask(4, 5), 'tkpm': bool_mask(3, 4), 'mkpm': bool_mask(3, 5)},
            forward={'tgtMask': 'tmask', 'memoryMask': 'mmask', 'tgtKeyPaddingMask': 'tkpm', 'memoryKeyPaddingMask': 'mkpm'})
module_case('TransformerDecoder 2 layers with norm', {'module': 'TransformerDecoder', 'args': [2], 'options': {'norm': True},
                                                       'layer': mod('TransformerDecoderLayer', 8, 2, **TEL)},
            {'tgt': x(4, 2, 8), 'memory': x(5, 2, 8), 'mask': causal(4)}, forward={'tgtMask': 'mask'})
module_case('Transformer', mod('Transformer', dModel=8, nhead=2, numEncoderLayers=2, numDecoderLayers=2, dimFeedforward=16),
            {'src': x(5, 2, 8), 'tgt': x(4, 2, 8), 'mask': causal(4), 'skpm': bool_mask(2, 5)},
            forward={'tgtMask': 'mask', 'srcKeyPaddingMask': 'skpm', 'memoryKeyPaddingMask': 'skpm'})
module_case('Transformer batchFirst normFirst gelu', mod('Transformer', dModel=8, nhead=4, numEncoderLayers=1, numDecoderLayers=1, dimFeedforward=12, batchFirst=True, normFirst=True, activation='gelu'),
            {'src': x(2, 5, 8), 'tgt': x(2, 3, 8), 'mask': causal(3)}, forward={'tgtMask': 'mask'})

# ---- scaled_dot_product_attention (PyTorch 2's reference formula) -------------------------------


def sdpa_reference(q, k, v, attn_mask=None, is_causal=False, scale=None):
    L, S = q.size(-2), k.size(-2)
    scale_factor = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    attn_bias = torch.zeros(L, S, dtype=q.dtype)
    if is_causal:
        keep = torch.ones(L, S, dtype=torch.bool).tril(diagonal=0)
        attn_bias = attn_bias.masked_fill(keep.logical_not(), float('-inf'))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            attn_bias = torch.where(attn_mask, attn_bias, torch.tensor(float('-inf'), dtype=q.dtype))
        else:
            attn_bias = attn_mask + attn_bias
    w = q @ k.transpose(-2, -1) * scale_factor
    w = torch.softmax(w + attn_bias, dim=-1)
    return w @ v


def sdpa_case(name, q, k, v, mask=None, dtype=f32, tol=None, **options):
    leaves = [t.to(dtype).clone().requires_grad_(True) for t in (q, k, v)]
    m = None if mask is None else (mask if mask.dtype == torch.bool else mask.to(dtype))
    out = sdpa_reference(*leaves, attn_mask=m, is_causal=options.get('isCausal', False), scale=options.get('scale'))
    w = torch.randn(out.shape, generator=GEN, dtype=f64).to(dtype)
    (out * w).sum().backward()
    c = {
        'name': name, 'kind': 'sdpa', 'dtype': str(dtype).replace('torch.', ''),
        'inputs': {n: {'t': enc(t), 'grad': True} for n, t in zip(('query', 'key', 'value'), leaves)},
        'forward': dict(options),
        'outputs': [enc(out)], 'weights': [enc(w)],
        'grads': {'inputs': {n: enc(t.grad) for n, t in zip(('query', 'key', 'value'), leaves)}, 'params': {}},
    }
    if m is not None:
        c['inputs']['mask'] = {'t': enc(m), 'grad': False}
        c['forward']['attnMask'] = {'input': 'mask'}
    if tol is not None:
        c['tol'] = tol
    CASES.append(c)


sdpa_case('sdpa 4-D', randn(2, 3, 4, 5), randn(2, 3, 6, 5), randn(2, 3, 6, 7))
sdpa_case('sdpa 3-D, custom scale', randn(2, 4, 5), randn(2, 6, 5), randn(2, 6, 3), scale=0.7)
sdpa_case('sdpa isCausal (square)', randn(2, 2, 5, 4), randn(2, 2, 5, 4), randn(2, 2, 5, 4), isCausal=True)
sdpa_case('sdpa isCausal (L < S, top-left aligned)', randn(1, 2, 3, 4), randn(1, 2, 5, 4), randn(1, 2, 5, 4), isCausal=True)
sdpa_case('sdpa bool mask (True = attend), broadcast', randn(2, 2, 4, 5), randn(2, 2, 6, 5), randn(2, 2, 6, 5),
          mask=torch.logical_not(bool_mask(4, 6)[0]))
sdpa_case('sdpa float mask per batch', randn(2, 2, 4, 5), randn(2, 2, 6, 5), randn(2, 2, 6, 5), mask=randn(2, 1, 4, 6))
sdpa_case('sdpa float64 with mask and scale', randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 2), mask=randn(3, 5), dtype=f64, scale=0.3)
sdpa_case('sdpa broadcast batch dims', randn(2, 3, 4, 5), randn(1, 3, 6, 5), randn(1, 3, 6, 5))

# ---- seeded initialisation ---------------------------------------------------------------------


def init_case(name, spec, seed):
    torch.manual_seed(seed)
    m = build(spec)
    CASES.append({'name': name, 'kind': 'init', **spec, 'seed': seed, 'state': {k: enc(v) for k, v in m.state_dict().items()}})


init_case('init LSTM', mod('LSTM', 4, 5, numLayers=2, bidirectional=True, projSize=2), 11)
init_case('init GRU', mod('GRU', 3, 4, bias=False), 12)
init_case('init RNNCell', mod('RNNCell', 3, 4), 13)
init_case('init MultiheadAttention', mod('MultiheadAttention', 8, 2), 14)
init_case('init MultiheadAttention kdim vdim bias_kv', mod('MultiheadAttention', 8, 2, kdim=3, vdim=5, addBiasKv=True), 15)
init_case('init TransformerEncoderLayer', mod('TransformerEncoderLayer', 8, 2, dimFeedforward=16), 16)
init_case('init TransformerDecoderLayer', mod('TransformerDecoderLayer', 8, 2, dimFeedforward=16), 17)
init_case('init Transformer', mod('Transformer', dModel=8, nhead=2, numEncoderLayers=2, numDecoderLayers=1, dimFeedforward=16), 18)

# ---- masks ---------------------------------------------------------------------------------------

for n in (1, 4):
    CASES.append({'name': f'generateSquareSubsequentMask({n})', 'kind': 'mask', 'size': n,
                  'result': enc(nn.Transformer.generate_square_subsequent_mask(n))})


if __name__ == '__main__':
    path = os.path.normpath(os.path.join(common.FIXTURES, 'torch_nn_recurrent.json'))
    with open(path + '.tmp', 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': CASES}, f, indent=None, separators=(',', ':'))
    os.replace(path + '.tmp', path)
    print(f'wrote {path} ({len(CASES)} cases)')
