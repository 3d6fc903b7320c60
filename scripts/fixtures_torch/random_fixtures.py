#!/usr/bin/python3
"""PyTorch random-number fixtures (test/tensor/random.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/random.py

Writes test/fixtures/torch_random.json. Each case seeds a generator (the default one, or a fresh
torch.Generator passed as `generator=` when "generator" is true), makes the listed calls in order
and records what each returned, so the tests see the generator's state carried from call to call
(the cached Box-Muller sample included).

A call: {"fn": kiln name, "args": [...], "options": {...}} with, for in-place and *Like
functions, "target": {"shape", "dtype", "transpose"} (the tensor made with empty() first,
transposed when asked so kernels see a non-contiguous view). An argument {"t": array} is a
tensor. Results use the array encoding of scripts/fixtures/common.py; an error is recorded as
{"error", "message"}.

Float32 normal fills of >= 16 contiguous elements take PyTorch's AVX2 kernel on an AVX2 machine
and a scalar one elsewhere (AVX-512 machines included), so the script records the capability.
"""
import os
import sys

# this file's name shadows the standard library's `random`, which torch imports: drop its folder
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import base64  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402

import torch  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

DTYPES = {'float16': torch.float16, 'float32': torch.float32, 'float64': torch.float64, 'int8': torch.int8,
          'uint8': torch.uint8, 'int16': torch.int16, 'int32': torch.int32, 'int64': torch.int64, 'bool': torch.bool}
TORCH_NAMES = {'randLike': 'rand_like', 'randnLike': 'randn_like', 'randintLike': 'randint_like'}
SEEDS = [0, 1, 42, 2**32 + 5]


def call(fn, args=(), options=None, target=None):
    return {'fn': fn, 'args': list(args), 'options': options or {}, **({'target': target} if target else {})}


def tgt(shape, dtype='float32', transpose=False):
    return {'shape': list(shape), 'dtype': dtype, 'transpose': transpose}


def make_target(t):
    shape = list(t['shape'])
    if t['transpose']:
        return torch.empty(shape[::-1], dtype=DTYPES[t['dtype']]).t()
    return torch.empty(shape, dtype=DTYPES[t['dtype']])


def decode_arg(a):
    if isinstance(a, dict) and 't' in a:
        e = a['t']
        return torch.tensor(e['data'], dtype=DTYPES[e['dtype']]).reshape(e['shape'])
    if isinstance(a, list):
        return tuple(a)
    return a


def tensor_arg(values, dtype='float32'):
    t = torch.tensor(values, dtype=DTYPES[dtype])
    return {'t': common.enc(t.numpy())}


def run_call(c, gen):
    kwargs = {}
    for k, v in c['options'].items():
        kwargs[k] = DTYPES[v] if k == 'dtype' else v
    if gen is not None:
        kwargs['generator'] = gen
    args = [decode_arg(a) for a in c['args']]
    fn = c['fn']
    if fn.endswith('_') and fn != 'manualSeed':
        t = make_target(c['target'])
        getattr(t, fn)(*args, **kwargs)
        return t
    if fn in TORCH_NAMES:
        kwargs.pop('generator', None)  # the *_like functions take no generator in 1.13
        return getattr(torch, TORCH_NAMES[fn])(make_target(c['target']), *args, **kwargs)
    return getattr(torch, fn)(*args, **kwargs)


def encode_result(r):
    return common.enc(r.contiguous().numpy())


def case(name, seed, calls, generator=False):
    gen = torch.Generator().manual_seed(seed) if generator else None
    if not generator:
        torch.manual_seed(seed)
    results = []
    for c in calls:
        try:
            results.append(encode_result(run_call(c, gen)))
        except Exception as e:  # noqa: BLE001 - errors are data
            results.append({'error': type(e).__name__, 'message': str(e).split('\n')[0]})
    return {'name': name, 'seed': seed, 'generator': generator, 'calls': calls, 'results': results}


def cases():
    out = []
    for seed in SEEDS:
        s = f'seed {seed}'
        out.append(case(f'rand {s}', seed, [
            call('rand', [[5]]), call('rand', [[3, 4]]), call('rand', [[7]], {'dtype': 'float64'}),
            call('rand', [[20]]), call('rand', [[6]], {'dtype': 'float16'}),
        ]))
        out.append(case(f'randn small {s}', seed, [
            call('randn', [[5]]), call('randn', [[3]], {'dtype': 'float64'}), call('randn', [[1]]),
            call('randn', [[2, 3]]), call('randn', [[15]], {'dtype': 'float64'}),
        ]))
        out.append(case(f'randn blocks {s}', seed, [
            call('randn', [[16]]), call('randn', [[17]]), call('randn', [[40]]), call('randn', [[4, 8]]),
            call('randn', [[16]], {'dtype': 'float64'}), call('randn', [[33]], {'dtype': 'float64'}),
            call('randn', [[20]], {'dtype': 'float16'}),
        ]))
        out.append(case(f'randint {s}', seed, [
            call('randint', [10, [8]]), call('randint', [3, 10, [2, 3]]), call('randint', [-5, 5, [6]]),
            call('randint', [0, 2**32, [4]]), call('randint', [-2**40, 2**40, [4]]),
            call('randint', [-2**62, 2**62, [3]]), call('randint', [0, 256, [5]], {'dtype': 'uint8'}),
            call('randint', [0, 1000, [5]], {'dtype': 'float32'}), call('randint', [0, 2**33, [3]], {'dtype': 'float64'}),
            call('randint', [0, 100, [4]], {'dtype': 'int32'}),
        ]))
        out.append(case(f'randperm {s}', seed, [
            call('randperm', [5]), call('randperm', [10]), call('randperm', [100]), call('randperm', [1]),
            call('randperm', [8], {'dtype': 'float32'}),
        ]))
        out.append(case(f'normal {s}', seed, [
            call('normal', [2.0, 3.0, [5]]), call('normal', [2.0, 3.0, [20]]),
            call('normal', [-1.0, 0.5, [7]], {'dtype': 'float64'}), call('normal', [-1.0, 0.5, [20]], {'dtype': 'float64'}),
            call('normal', [tensor_arg([0.0, 10.0, 100.0]), 1.0]),
            call('normal', [0.5, tensor_arg([1.0, 2.0, 3.0, 4.0])]),
            call('normal', [tensor_arg([1.0, 2.0]), tensor_arg([0.1, 0.2])]),
        ]))
        out.append(case(f'in-place {s}', seed, [
            call('uniform_', [-0.3, 0.7], target=tgt([50])), call('uniform_', [-0.3, 0.7], target=tgt([50], 'float64')),
            call('uniform_', [], target=tgt([3, 4], transpose=True)), call('normal_', [], target=tgt([4, 5], transpose=True)),
            call('normal_', [0.5, 2.0], target=tgt([24])), call('normal_', [0.5, 2.0], target=tgt([24], 'float64')),
            call('normal_', [0.5, 2.0], target=tgt([5])), call('normal_', [0.0, 0.02], target=tgt([3, 6])),
        ]))
        out.append(case(f'like {s}', seed, [
            call('randLike', target=tgt([2, 3])), call('randnLike', target=tgt([4], 'float64')),
            call('randintLike', [7], target=tgt([5])), call('randintLike', [2, 7], target=tgt([5], 'int64')),
        ]))
        out.append(case(f'bernoulli multinomial {s}', seed, [
            call('bernoulli', [tensor_arg([0.1, 0.5, 0.9, 0.0, 1.0, 0.3])]),
            call('bernoulli', [tensor_arg([0.2, 0.7, 0.5], 'float64')]),
            call('bernoulli_', [0.3], target=tgt([8])),
            call('multinomial', [tensor_arg([0.1, 0.2, 0.3, 0.4]), 6, True]),
            call('multinomial', [tensor_arg([0.1, 0.2, 0.3, 0.4]), 1]),
            call('multinomial', [tensor_arg([[1.0, 2.0, 3.0, 4.0, 5.0], [5.0, 0.0, 1.0, 0.0, 2.0]]), 3]),
            call('multinomial', [tensor_arg([0.25, 0.25, 0.5], 'float64'), 5, True]),
        ]))
        out.append(case(f'more dtypes {s}', seed, [
            call('randint', [-100, 100, [6]], {'dtype': 'int8'}), call('randint', [0, 2, [6]], {'dtype': 'bool'}),
            call('randint', [-1000, 1000, [4]], {'dtype': 'int16'}), call('randint', [0, 100, [4]], {'dtype': 'float16'}),
            call('random_', target=tgt([3], 'int64')), call('random_', target=tgt([3], 'float32')),
            call('random_', target=tgt([3], 'int32')), call('random_', target=tgt([2], 'float64')),
            call('random_', target=tgt([4], 'bool')), call('random_', target=tgt([4], 'uint8')),
            call('random_', target=tgt([3], 'float16')), call('random_', [5], target=tgt([4], 'int64')),
            call('random_', [10, None], target=tgt([3], 'int64')), call('random_', [-3, 3], target=tgt([2, 3], 'float32', True)),
            call('uniform_', [-2.0, 3.0], target=tgt([5], 'float16')), call('uniform_', [0.0, 5.0], target=tgt([6], 'float64')),
            call('exponential_', [2.0], target=tgt([5])), call('exponential_', target=tgt([5], 'float64')),
        ]))
        out.append(case(f'more bernoulli normal multinomial {s}', seed, [
            call('bernoulli_', [tensor_arg([0.2, 0.5, 0.9])], target=tgt([2, 3])),
            call('bernoulli_', [tensor_arg([0.3, 0.6], 'float64')], target=tgt([2])),
            call('bernoulli_', [tensor_arg([0.1, 0.9, 0.5])], target=tgt([2, 3], transpose=True)),
            call('bernoulli_', [0.7], target=tgt([5], 'int64')), call('bernoulli', [tensor_arg([0.0, 0.0, 0.0, 0.0]), 0.25]),
            call('normal', [tensor_arg([1.0, -1.0, 0.5], 'float64'), tensor_arg([0.5, 2.0, 1.0], 'float64')]),
            call('normal', [tensor_arg([[1.0], [2.0]]), tensor_arg([0.5, 1.5, 2.5])]),
            call('multinomial', [tensor_arg([0.1, 0.2, 0.3, 0.4], 'float64'), 3]),
            call('multinomial', [tensor_arg([[0.5, 0.5, 0.0], [0.1, 0.1, 0.8]]), 4, True]),
            call('randperm', [0]), call('randperm', [3], {'dtype': 'int32'}),
        ]))
        out.append(case(f'generator {s}', seed, [
            call('rand', [[4]]), call('randn', [[3]], {'dtype': 'float64'}), call('randint', [0, 10, [3]]),
        ], generator=True))
    # larger blocks pin the AVX2 log/sincos emulation and the uniform FMA
    out.append(case('randn 2000', 7, [call('randn', [[2000]]), call('randn', [[1000]], {'dtype': 'float64'})]))
    out.append(case('uniform_ 1000', 8, [
        call('uniform_', [-2.5, 1.25], target=tgt([1000])), call('uniform_', [-2.5, 1.25], target=tgt([500], 'float64')),
        call('normal', [3.0, 0.7, [1000]]), call('normal', [3.0, 0.7, [500]], {'dtype': 'float64'}),
        call('normal_', [3.0, 0.7], target=tgt([15])), call('normal_', [3.0, 0.7], target=tgt([300], transpose=False)),
    ]))
    out.append(case('errors', 0, [
        call('randint', [5, 5, [3]]), call('randint', [5, 2, [3]]), call('normal_', [0.0, -1.0], target=tgt([3])),
        call('uniform_', [1.0, 0.0], target=tgt([3])), call('randint', [0, 300, [3]], {'dtype': 'uint8'}),
        call('randperm', [-1]), call('bernoulli_', [1.5], target=tgt([3])),
        call('multinomial', [tensor_arg([0.1, 0.2]), 3]),
    ]))
    return out


def states():
    """get_rng_state() after some draws: the byte layout of PyTorch's CPU generator state."""
    out = []
    for seed, draws in [(42, 0), (42, 5), (7, 700)]:
        torch.manual_seed(seed)
        if draws:
            torch.rand(draws)
            torch.randn(3, dtype=torch.float64)  # leaves a cached normal sample
        out.append({'seed': seed, 'draws': draws, 'state': base64.b64encode(torch.get_rng_state().numpy().tobytes()).decode()})
    return out


def main():
    path = os.path.join(common.FIXTURES, 'torch_random.json')
    data = {'torch': torch.__version__, 'capability': torch.__config__.show().split('CPU capability usage: ')[1].split('\n')[0],
            'cases': cases(), 'states': states()}
    with open(path + '.tmp', 'w') as f:
        json.dump(data, f, separators=(',', ':'))
    os.replace(path + '.tmp', path)
    print(f'wrote {os.path.normpath(path)} ({len(data["cases"])} cases)')


if __name__ == '__main__':
    main()
