#!/usr/bin/python3
"""PyTorch fixtures for tensor indexing (test/tensor/indexing.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/indexing.py

Writes test/fixtures/torch_indexing.json with three kinds of case:
- get: x[index] on a float64 leaf (optionally permuted, so the source is strided): the result,
  whether it is a view, and the gradient of (out * w).sum() w.r.t. the leaf;
- set: y = x.clone(); y[index] = value: y, and the gradients of (y * w).sum() w.r.t. x and value;
- fn: gather, scatter, scatter_add, index_select, take, masked_select, index_add with their
  results and the gradients w.r.t. every floating-point argument.
Errors are recorded as {"error", "message"}.

An index is a list of items: {"int": n}, {"slice": [start, stop, step]}, {"none": true},
{"ellipsis": true}, {"bool": b}, {"list": nested list}, {"tensor": array}. Arrays use the
encoding of scripts/fixtures/common.py.
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# this folder's random.py would shadow the standard library's (NumPy imports it)
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import torch  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

torch.manual_seed(7)
f64 = torch.float64


def enc(t):
    return common.enc(t.detach().numpy())


def run(fn):
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - PyTorch's errors are fixture data
        return None, {'error': type(e).__name__, 'message': str(e).split('\n')[0]}


# ---- index items -------------------------------------------------------------------------------

class Tens:
    """An index tensor item."""

    def __init__(self, t):
        self.t = t


def enc_item(it):
    if it is None:
        return {'none': True}
    if it is Ellipsis:
        return {'ellipsis': True}
    if isinstance(it, bool):
        return {'bool': it}
    if isinstance(it, int):
        return {'int': it}
    if isinstance(it, slice):
        return {'slice': [it.start, it.stop, it.step]}
    if isinstance(it, list):
        return {'list': it}
    if isinstance(it, Tens):
        return {'tensor': enc(it.t)}
    raise TypeError(it)


def torch_item(it):
    return it.t if isinstance(it, Tens) else it


def torch_index(items):
    return tuple(torch_item(it) for it in items)


CASES = []
X = torch.randn(2, 3, 4, dtype=f64)


# ---- get ---------------------------------------------------------------------------------------

def get(name, items, permute=None, data=X):
    c = {'kind': 'get', 'name': name, 'x': enc(data), 'index': [enc_item(it) for it in items]}
    if permute:
        c['permute'] = permute
    leaf = data.clone().requires_grad_()
    src = leaf.permute(*permute) if permute else leaf
    out, err = run(lambda: src[torch_index(items)])
    if err:
        c['result'] = err
        CASES.append(c)
        return
    c['result'] = enc(out)
    c['view'] = out._is_view()
    w = torch.randn(out.shape, dtype=f64)
    c['weights'] = enc(w)
    (out * w).sum().backward()
    c['grad'] = enc(leaf.grad)
    CASES.append(c)


S = slice(None)
# basic indexing: views
get('int', [1])
get('negative int', [-1])
get('two ints', [1, 2])
get('all ints: 0-d view', [1, 2, 3])
get('slice, int', [S, 1])
get('slices with steps', [slice(0, 2), slice(None, None, 2)])
get('slice past the end', [slice(1, 10)])
get('empty slice', [slice(3, 1)])
get('ellipsis, int', [Ellipsis, 1])
get('None first', [None, 0])
get('None between', [S, None, slice(1, 3)])
get('empty index', [])
get('ellipsis alone', [Ellipsis])
get('strided source', [S, 1], permute=[2, 0, 1])
get('strided source, all ints', [3, 1, 2], permute=[2, 0, 1])
# advanced indexing: copies
get('list with duplicates', [[0, 0, 1]])
get('two lists', [[1, 0], [2, 2]])
get('adjacent index tensors', [S, [0, 2], [1, 3]])
get('separated index tensors go first', [[0, 1], S, [0, 3]])
get('int then list: ints select first', [0, S, [0, 1]])
get('list then int', [[1, 0, 1], 2])
get('broadcast index tensors', [[[0], [1]], S, [0, 2, 1]])
get('negative indices in a list', [S, [-1, -3]])
get('2-d int64 tensor', [Tens(torch.tensor([[0, 1], [1, 1]]))])
get('index tensor on last dim', [Ellipsis, Tens(torch.tensor([3, 0, 3]))])
get('0-d int64 tensor is an int', [Tens(torch.tensor(1)), S, 2])
get('mask over all dims', [Tens(X > 0.3)])
get('mask over two dims', [Tens(torch.tensor([[True, False, True], [False, False, True]]))])
get('mask on a middle dim', [S, Tens(torch.tensor([True, False, True]))])
get('list of booleans is a mask', [S, S, [True, False, False, True]])
get('mask and index tensor', [Tens(torch.tensor([False, True])), S, [0, 0, 3]])
get('True', [True])
get('False', [False])
get('0-d bool tensor', [Tens(torch.tensor(True)), 1])
get('empty list', [[]])
get('empty list on dim 1', [S, []])
get('ellipsis between index tensors', [[0, 1], Ellipsis, [0, 1]])
get('advanced on a strided source', [[0, 3, 3], S, 1], permute=[2, 0, 1])
get('0-d source: ()', [], data=torch.tensor(2.5, dtype=f64))
get('0-d source: None', [None], data=torch.tensor(2.5, dtype=f64))
get('0-d source: True', [True], data=torch.tensor(2.5, dtype=f64))
# errors
get('int out of bounds', [2])
get('negative int out of bounds', [0, -4])
get('int out of bounds on dim 2', [0, 0, 4])
get('list out of bounds', [[0, 2]])
get('second index tensor out of bounds', [S, [0], [9]])
get('too many indices', [0, 0, 0, 0])
get('int on a 0-d tensor', [0], data=torch.tensor(2.5, dtype=f64))
get('mask shape mismatch', [Tens(torch.tensor([True, False, True]))])
get('mask shape mismatch on dim 1', [S, Tens(torch.tensor([True, False]))])
get('index tensors do not broadcast', [[0, 1], [0, 1, 2]])
get('negative step', [slice(None, None, -1)])
get('zero step', [slice(None, None, 0)])
get('float index tensor', [Tens(torch.tensor([1.0]))])


# ---- set ---------------------------------------------------------------------------------------

def setc(name, items, value, data=X, value_grad=True):
    c = {'kind': 'set', 'name': name, 'x': enc(data), 'index': [enc_item(it) for it in items]}
    if isinstance(value, torch.Tensor):
        c['value'] = {'t': enc(value), 'grad': value_grad and value.dtype.is_floating_point}
    else:
        c['value'] = {'v': value}
    grad = data.dtype.is_floating_point
    leaf = data.clone().requires_grad_(grad)
    val = value.clone().requires_grad_(c['value']['grad']) if isinstance(value, torch.Tensor) else value

    def go():
        y = leaf.clone()
        y[torch_index(items)] = val
        return y

    y, err = run(go)
    if err:
        c['result'] = err
        CASES.append(c)
        return
    c['result'] = enc(y)
    if grad:
        w = torch.randn(y.shape, dtype=f64)
        c['weights'] = enc(w)
        (y * w).sum().backward()
        c['grad'] = enc(leaf.grad)
        if isinstance(val, torch.Tensor) and val.requires_grad:
            c['valueGrad'] = enc(val.grad)
    CASES.append(c)


setc('int, scalar', [1], 5.5)
setc('slice, broadcast row', [S, slice(1, 3)], torch.randn(4, dtype=f64))
setc('all ints, 0-d value', [1, 2, 3], torch.tensor(-2.5, dtype=f64))
setc('value with leading 1s', [0], torch.randn(1, 1, 3, 4, dtype=f64))
setc('value broadcast along a size-1 dim', [S, 0], torch.randn(2, 1, dtype=f64))
setc('index tensors, broadcast value', [[0, 1], [2, 0]], torch.randn(4, dtype=f64))
setc('index tensors with duplicates: last wins', [[0, 0], [1, 1]], torch.tensor([[1.5], [2.5]], dtype=f64).expand(2, 4).contiguous())
setc('mask, scalar', [Tens(X > 0)], -1.5)
setc('mask, one value per true', [Tens(torch.tensor([[True, False, True], [False, False, True]]))], torch.randn(3, 4, dtype=f64))
setc('int first then list', [0, S, [1, 3]], torch.randn(3, 2, dtype=f64))
setc('ellipsis, whole tensor', [Ellipsis], torch.randn(4, dtype=f64))
setc('bool value into float', [0, 0], True)
setc('float into int64 truncates', [1], 2.7, data=torch.arange(4))
setc('float tensor into int64 view', [slice(0, 2)], torch.tensor([1.5, -2.5], dtype=f64), data=torch.arange(4))
setc('mask into int64', [Tens(torch.tensor([True, False, True, False]))], 9, data=torch.arange(4))
setc('basic value shape mismatch', [S, 0], torch.randn(3, dtype=f64))
setc('advanced value shape mismatch', [[0, 1]], torch.randn(2, 4, dtype=f64))
setc('value with too many dims for a 0-d selection', [0, 0, 0], torch.randn(2, dtype=f64))
setc('integer overflow', [0], 300, data=torch.zeros(2, dtype=torch.int8))


# ---- gather, scatter and friends ---------------------------------------------------------------

def fn(name, f, args, method):
    """args: tensors (float tensors become leaves requiring grad) and plain values."""
    c = {'kind': 'fn', 'name': name, 'fn': f, 'args': []}
    leaves = []
    targs = []
    for a in args:
        if isinstance(a, torch.Tensor):
            g = a.dtype.is_floating_point
            c['args'].append({'t': enc(a), 'grad': g})
            leaf = a.clone().requires_grad_(g)
            leaves.append(leaf)
            targs.append(leaf)
        else:
            c['args'].append({'v': a})
            targs.append(a)
    out, err = run(lambda: method(*targs))
    if err:
        c['result'] = err
        CASES.append(c)
        return
    c['result'] = enc(out)
    w = torch.randn(out.shape, dtype=f64)
    c['weights'] = enc(w)
    grads, err = run(lambda: torch.autograd.grad((out * w).sum(), [l for l in leaves if l.requires_grad], allow_unused=True))
    if err:
        c['gradError'] = err
    else:
        # one entry per argument: the gradient of each float tensor argument, else null
        it = iter(grads)
        by_leaf = {id(l): next(it) for l in leaves if l.requires_grad}
        c['grads'] = [enc(by_leaf[id(a)]) if id(a) in by_leaf and by_leaf[id(a)] is not None else None for a in targs]
    CASES.append(c)


def t(*data, dtype=torch.int64):
    return torch.tensor(data[0] if len(data) == 1 else list(data), dtype=dtype)


A = torch.randn(3, 4, dtype=f64)
gather = lambda x, d, i: torch.gather(x, d, i)  # noqa: E731
fn('gather dim 1 with duplicates', 'gather', [A, 1, t([[0, 0], [1, 0], [3, 3]])], gather)
fn('gather dim 0', 'gather', [A, 0, t([[2, 1, 0, 2], [0, 0, 0, 0]])], gather)
fn('gather smaller index', 'gather', [A, 1, t([[3]])], gather)
fn('gather index longer along dim', 'gather', [A, 1, t([[0, 1, 2, 3, 3, 0]] * 2)], gather)
fn('gather negative dim', 'gather', [A, -1, t([[1], [2], [3]])], gather)
fn('gather 3-d', 'gather', [torch.randn(2, 3, 2, dtype=f64), 1, t([[[0, 1]], [[2, 2]]])], gather)
fn('gather 0-d index on 1-d', 'gather', [torch.randn(3, dtype=f64), 0, t(2)], gather)
fn('gather empty index', 'gather', [A, 1, torch.zeros(0, 2, dtype=torch.int64)], gather)
fn('gather out of bounds', 'gather', [A, 1, t([[4]])], gather)
fn('gather negative index', 'gather', [A, 1, t([[-1]])], gather)
fn('gather wrong ndim', 'gather', [A, 1, t([0])], gather)
fn('gather int32 index', 'gather', [A, 1, t([[0]], dtype=torch.int32)], gather)
fn('gather index too big', 'gather', [A, 1, t([[0, 0]] * 4)], gather)
fn('gather bad dim', 'gather', [A, 2, t([[0]])], gather)

scatter = lambda x, d, i, s: torch.scatter(x, d, i, s)  # noqa: E731
fn('scatter tensor src', 'scatter', [A, 1, t([[0, 2], [1, 0], [3, 1]]), torch.randn(3, 2, dtype=f64)], scatter)
fn('scatter dim 0', 'scatter', [A, 0, t([[2, 0, 1, 2]]), torch.randn(1, 4, dtype=f64)], scatter)
fn('scatter scalar src', 'scatter', [A, 1, t([[0], [1], [3]]), 7.5], scatter)
fn('scatter out of bounds', 'scatter', [A, 1, t([[4]]), 7.5], scatter)
fn('scatter wrong ndim', 'scatter', [A, 1, t([1]), 7.5], scatter)
fn('scatter int32 index', 'scatter', [A, 1, t([[0]], dtype=torch.int32), 7.5], scatter)
fn('scatter src dtype', 'scatter', [A, 1, t([[0]]), torch.ones(1, 1, dtype=torch.float32)], scatter)
fn('scatter src smaller than index', 'scatter', [A, 1, t([[0, 1]] * 3), torch.randn(3, 1, dtype=f64)], scatter)
fn('scatter index bigger than self', 'scatter', [A, 1, t([[0]] * 4), torch.randn(4, 1, dtype=f64)], scatter)

scatter_add = lambda x, d, i, s: torch.scatter_add(x, d, i, s)  # noqa: E731
fn('scatterAdd with duplicates', 'scatterAdd', [A, 1, t([[0, 0, 0], [3, 1, 3], [2, 2, 2]]), torch.randn(3, 3, dtype=f64)], scatter_add)
fn('scatterAdd dim 0', 'scatterAdd', [A, 0, t([[1, 1, 1, 0], [1, 2, 1, 0]]), torch.randn(2, 4, dtype=f64)], scatter_add)
fn('scatterAdd out of bounds', 'scatterAdd', [A, 1, t([[7, 0]]), torch.randn(1, 2, dtype=f64)], scatter_add)

index_select = lambda x, d, i: torch.index_select(x, d, i)  # noqa: E731
fn('indexSelect with duplicates', 'indexSelect', [A, 1, t([3, 0, 0])], index_select)
fn('indexSelect dim 0', 'indexSelect', [A, 0, t([2, 2, 1, 0, 1])], index_select)
fn('indexSelect int32 index', 'indexSelect', [A, 0, t([1], dtype=torch.int32)], index_select)
fn('indexSelect 0-d index', 'indexSelect', [A, 1, t(1)], index_select)
fn('indexSelect empty index', 'indexSelect', [A, 1, torch.zeros(0, dtype=torch.int64)], index_select)
fn('indexSelect 2-d index', 'indexSelect', [A, 1, t([[1]])], index_select)
fn('indexSelect float index', 'indexSelect', [A, 1, t([1.0], dtype=f64)], index_select)

take = lambda x, i: torch.take(x, i)  # noqa: E731
fn('take with negatives and duplicates', 'take', [A, t([[0, 11], [-1, 5], [5, 5]])], take)
fn('take out of range', 'take', [A, t([12])], take)
fn('take negative out of range', 'take', [A, t([-13])], take)
fn('take int32 index', 'take', [A, t([1], dtype=torch.int32)], take)

masked_select = lambda x, m: torch.masked_select(x, m)  # noqa: E731
fn('maskedSelect', 'maskedSelect', [A, A > 0], masked_select)
fn('maskedSelect broadcast mask', 'maskedSelect', [A, t([True, False, True, True], dtype=torch.bool)], masked_select)
fn('maskedSelect broadcast input', 'maskedSelect', [torch.randn(4, dtype=f64), t([[True, False, False, True], [False, True, True, True]], dtype=torch.bool)], masked_select)
fn('maskedSelect integer mask', 'maskedSelect', [A, t([1, 0, 1, 0])], masked_select)

index_add = lambda x, d, i, s, alpha=1: torch.index_add(x, d, i, s, alpha=alpha)  # noqa: E731
fn('indexAdd with duplicates', 'indexAdd', [A, 0, t([0, 2, 0]), torch.randn(3, 4, dtype=f64)], index_add)
fn('indexAdd dim 1 with alpha', 'indexAdd', [A, 1, t([3, 3]), torch.randn(3, 2, dtype=f64), {'alpha': 2.5}],
   lambda x, d, i, s, o: torch.index_add(x, d, i, s, alpha=o['alpha']))
fn('indexAdd out of range', 'indexAdd', [A, 0, t([0, 5]), torch.randn(2, 4, dtype=f64)], index_add)
fn('indexAdd count mismatch', 'indexAdd', [A, 0, t([0, 1, 2]), torch.randn(2, 4, dtype=f64)], index_add)
fn('indexAdd dtype mismatch', 'indexAdd', [A, 0, t([0, 1]), torch.randn(2, 4, dtype=torch.float32)], index_add)

path = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'torch_indexing.json')
with open(path + '.tmp', 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': CASES}, f, separators=(',', ':'))
os.replace(path + '.tmp', path)
print(f'wrote {path} ({len(CASES)} cases)')
