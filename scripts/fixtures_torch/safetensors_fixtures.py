#!/usr/bin/python3
"""safetensors fixtures and a PyTorch-side reader for test/deploy/safetensors.test.ts.

Run with a Python that can `import torch` (on Debian: /usr/bin/python3). The `safetensors` package
is not needed: this file has a small writer and reader of the documented format
(https://github.com/huggingface/safetensors):

    8 bytes   N, the header length, unsigned little-endian
    N bytes   JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
              padded with spaces to a multiple of 8
    the rest  the tensors' bytes, C order, little-endian

The writer lays files out as the reference (Rust) library does: tensors sorted by descending dtype
alignment, then by name; compact JSON; metadata keys sorted (the reference keeps them in a hash map).

Usage:
    safetensors_fixtures.py                 writes test/fixtures/safetensors/*.safetensors and expected.json
    safetensors_fixtures.py read FILE       reads FILE into torch tensors (checking it as the reference
                                            library does) and prints their dtype, shape and values as JSON
    safetensors_fixtures.py linear FILE     loads FILE into torch.nn.Linear(4, 3) with load_state_dict
                                            (strict) and prints its output for a fixed input as JSON
    safetensors_fixtures.py batch JSON      runs a list of such commands ([["read", FILE], ...]) in one
                                            process (importing torch once) and prints the list of results
"""
import json
import math
import os
import struct
import sys

# sibling scripts (random.py) would shadow standard modules that torch imports: drop this folder
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import torch  # noqa: E402

OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'safetensors')

# The reference library's dtype order (increasing alignment), with sizes and torch dtypes.
ORDER = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64',
         'I64', 'U64']
SIZES = {'BOOL': 1, 'U8': 1, 'I8': 1, 'F8_E5M2': 1, 'F8_E4M3': 1, 'I16': 2, 'U16': 2, 'F16': 2, 'BF16': 2,
         'I32': 4, 'U32': 4, 'F32': 4, 'F64': 8, 'I64': 8, 'U64': 8}
TO_ST = {torch.bool: 'BOOL', torch.uint8: 'U8', torch.int8: 'I8', torch.int16: 'I16', torch.float16: 'F16',
         torch.bfloat16: 'BF16', torch.int32: 'I32', torch.float32: 'F32', torch.float64: 'F64',
         torch.int64: 'I64'}
FROM_ST = {v: k for k, v in TO_ST.items()}
KILN_NAMES = {torch.bool: 'bool', torch.uint8: 'uint8', torch.int8: 'int8', torch.int16: 'int16',
              torch.float16: 'float16', torch.bfloat16: 'bfloat16', torch.int32: 'int32',
              torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64'}


def tensor_bytes(t):
    """A tensor's elements in C order as little-endian bytes (sys.byteorder is little here)."""
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-ORDER.index(TO_ST[kv[1].dtype]), kv[0].encode('utf-8')))
    parts = []
    if metadata is not None:
        meta = ','.join(json.dumps(k, ensure_ascii=False) + ':' + json.dumps(metadata[k], ensure_ascii=False)
                        for k in sorted(metadata))
        parts.append('"__metadata__":{' + meta + '}')
    chunks = []
    offset = 0
    for name, t in items:
        data = tensor_bytes(t)
        shape = ','.join(str(d) for d in t.shape)
        parts.append(json.dumps(name, ensure_ascii=False)
                     + f':{{"dtype":"{TO_ST[t.dtype]}","shape":[{shape}],"data_offsets":[{offset},{offset + len(data)}]}}')
        chunks.append(data)
        offset += len(data)
    header = ('{' + ','.join(parts) + '}').encode('utf-8')
    header += b' ' * ((8 - len(header) % 8) % 8)
    with open(path + '.tmp', 'wb') as f:
        f.write(struct.pack('<Q', len(header)))
        f.write(header)
        for c in chunks:
            f.write(c)
    os.replace(path + '.tmp', path)


def read_safetensors(path):
    """The tensors (as torch tensors) and metadata of a file, checked as the reference library does."""
    with open(path, 'rb') as f:
        buf = f.read()
    if len(buf) < 8:
        raise ValueError('HeaderTooSmall')
    (n,) = struct.unpack('<Q', buf[:8])
    if n > 100_000_000:
        raise ValueError('HeaderTooLarge')
    if 8 + n > len(buf):
        raise ValueError('InvalidHeaderLength')
    header = json.loads(buf[8:8 + n].decode('utf-8'))
    if n % 8 != 0:
        raise ValueError(f'header length {n} is not a multiple of 8')
    metadata = header.pop('__metadata__', None)
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError('metadata must map strings to strings')
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]['data_offsets']))
    start = 0
    data = buf[8 + n:]
    tensors = {}
    for name, info in entries:
        begin, end = info['data_offsets']
        if begin != start or end < begin:
            raise ValueError(f'InvalidOffset({name})')
        numel = math.prod(info['shape'])
        if end - begin != numel * SIZES[info['dtype']]:
            raise ValueError('TensorInvalidInfo')
        dtype = FROM_ST[info['dtype']]
        if begin % SIZES[info['dtype']] != 0:
            raise ValueError(f'{name}: data not aligned')
        raw = bytearray(data[begin:end])
        if numel == 0:
            t = torch.empty(info['shape'], dtype=dtype)
        else:
            t = torch.frombuffer(raw, dtype=dtype).reshape(info['shape'])
        tensors[name] = t
        start = end
    if start != len(data):
        raise ValueError('MetadataIncompleteBuffer')
    return tensors, metadata


def value(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return str(v)  # int64 values exactly
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def describe(t):
    vals = t.float() if t.dtype == torch.bfloat16 else t
    return {'dtype': KILN_NAMES[t.dtype], 'shape': list(t.shape),
            'data': [value(v) for v in vals.reshape(-1).tolist()]}


def make_fixtures():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(7)
    special = torch.tensor([0.0, -0.0, 1.5, -2.25, float('nan'), float('inf'), float('-inf'), 1e-30, 3.4e38])
    dtypes = {
        'f64': torch.randn(2, 3, generator=g, dtype=torch.float64),
        'f32': torch.randn(3, 4, generator=g),
        'f32_special': special,
        'f32_transposed': torch.randn(4, 3, generator=g).t(),  # written contiguous
        'f16': torch.tensor([0.5, -1.0, 65504.0, 6e-8, float('inf'), float('nan')], dtype=torch.float16),
        'i64': torch.tensor([0, -1, 2**62 + 3, -2**63, 2**63 - 1], dtype=torch.int64),
        'i32': torch.tensor([[0, -2**31], [2**31 - 1, 7]], dtype=torch.int32),
        'i16': torch.tensor([-32768, 32767, 5], dtype=torch.int16),
        'i8': torch.tensor([-128, 127, 0], dtype=torch.int8),
        'u8': torch.tensor([0, 255, 17], dtype=torch.uint8),
        'bool': torch.tensor([[True, False], [False, True]]),
        'scalar_f32': torch.tensor(3.25),
        'scalar_i64': torch.tensor(-9, dtype=torch.int64),
        'empty': torch.zeros(0),
        'empty_2d': torch.zeros(2, 0, 3, dtype=torch.float64),
        '0': torch.arange(3, dtype=torch.int32),  # integer-like name: JSON order must not matter
        'layer.1.weight': torch.randn(2, 2, generator=g),
    }
    write_safetensors(os.path.join(OUT, 'torch_dtypes.safetensors'), dtypes, {'format': 'pt', 'source': 'kiln fixtures'})
    bf16 = {'w': torch.tensor([1.0, -2.5, 3.140625, 0.0, float('inf')], dtype=torch.bfloat16),
            'b': torch.tensor([1.0, 2.0])}
    write_safetensors(os.path.join(OUT, 'torch_bf16.safetensors'), bf16)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    state = {k: v for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(OUT, 'torch_mlp.safetensors'), state)
    x = torch.linspace(-1, 1, 8).reshape(2, 4)
    expected = {
        'torch': torch.__version__,
        'files': {
            'torch_dtypes.safetensors': {'metadata': {'format': 'pt', 'source': 'kiln fixtures'},
                                         'tensors': {k: describe(v) for k, v in dtypes.items()}},
            'torch_bf16.safetensors': {'metadata': None, 'tensors': {k: describe(v) for k, v in bf16.items()}},
            'torch_mlp.safetensors': {'metadata': None, 'tensors': {k: describe(v) for k, v in state.items()},
                                      'input': describe(x), 'output': describe(model(x).detach())},
        },
    }
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT}')


def command(name, path):
    if name == 'read':
        tensors, metadata = read_safetensors(path)
        return {'metadata': metadata, 'tensors': {k: describe(v) for k, v in tensors.items()}}
    if name == 'linear':
        tensors, _ = read_safetensors(path)
        layer = torch.nn.Linear(4, 3)
        layer.load_state_dict(tensors, strict=True)
        x = torch.linspace(-1, 1, 8).reshape(2, 4)
        return {'output': describe(layer(x).detach())}
    sys.exit(__doc__)


def main():
    if len(sys.argv) == 1:
        make_fixtures()
    elif sys.argv[1] == 'batch':
        print(json.dumps([command(name, path) for name, path in json.loads(sys.argv[2])]))
    elif len(sys.argv) == 3:
        print(json.dumps(command(sys.argv[1], sys.argv[2])))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
