#!/usr/bin/python3
"""PyTorch fixtures for the tensor face's matrix products (test/tensor/linalg.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/linalg.py

Writes test/fixtures/torch_linalg.json. Each case names a kiln function (`fn`: matmul, mm, bmm,
mv, dot, outer, addmm, addmv, baddbmm, linear, einsum), its arguments (an einsum case has its
equation first), an options object (addmm's beta/alpha), and what PyTorch gave: the result, or
the error; and, when some input requires grad, the gradient of the scalar loss (out * w).sum()
w.r.t. each tensor argument (w fixed random weights, stored in the case).

Argument encoding: {"t": array, "grad": bool, "permute": [...]} a tensor (made from the array, then
permuted when asked, so kernels see strided views such as transposes; its gradient is taken w.r.t.
the unpermuted leaf), {"v": value} a plain JSON value. Arrays use scripts/fixtures/common.py's
encoding: {dtype (NumPy's name), shape, data}.
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# siblings named like stdlib modules (random.py) must not shadow them
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

torch.manual_seed(4)
WEIGHTS = torch.Generator().manual_seed(5)

f16, f32, f64 = torch.float16, torch.float32, torch.float64
i32, i64, b = torch.int32, torch.int64, torch.bool


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


def randn(*shape, dtype=f64, grad=True, permute=None):
    """Normal values; float inputs require grad unless told otherwise."""
    return T(torch.randn(shape, dtype=f64).to(dtype), grad and dtype.is_floating_point, permute)


def ints(*shape, dtype=i64):
    return T(torch.randint(-5, 6, shape).to(dtype))


def transposed(*shape, dtype=f64):
    """A tensor of `shape` that is the transpose (last two dims) of a contiguous one."""
    stored = list(shape)
    stored[-2], stored[-1] = stored[-1], stored[-2]
    perm = list(range(len(shape)))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    return randn(*stored, dtype=dtype, permute=perm)


def torch_fn(fn):
    if fn == 'linear':
        return F.linear
    return getattr(torch, fn)


CASES = []


def case(name, fn, *args, opts=None, tol=None):
    """Runs fn in PyTorch as kiln would: kiln.fn(...args, opts)."""
    c = {'name': name, 'fn': fn, 'args': [a.encode() if isinstance(a, T) else {'v': a} for a in args]}
    if opts is not None:
        c['opts'] = opts
    if tol is not None:
        c['tol'] = tol
    leaves = []
    targs = [a.make(leaves) if isinstance(a, T) else a for a in args]
    call = lambda xs: torch_fn(fn)(*xs, **(opts or {}))  # noqa: E731
    try:
        r = call(targs)
    except Exception as e:  # noqa: BLE001 - PyTorch's errors are fixture data
        if "not implemented for 'Half'" not in str(e):
            c['result'] = {'error': type(e).__name__, 'message': str(e)}
            CASES.append(c)
            return
        # PyTorch 1.13's CPU has no Half matmul; newer ones compute in float32 and round, as kiln
        c['note'] = 'float16 computed in float32 and rounded (PyTorch 1.13 CPU has no Half kernel)'
        r = call([x.float() if isinstance(x, torch.Tensor) and x.dtype == f16 else x for x in targs]).half()
    c['result'] = enc(r)
    if r.requires_grad:
        w = torch.randn(r.shape, generator=WEIGHTS, dtype=f64).to(r.dtype)
        (r * w).sum().backward()
        c['weights'] = enc(w)
        c['grads'] = [enc(leaf.grad) if leaf.grad is not None else None for leaf in leaves]
    CASES.append(c)


# ---- matmul: every rank combination ------------------------------------------------------------

MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
    ((2, 3, 4), (4,)), ((4,), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)),
    ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((1, 3, 4), (2, 4, 5)),
    ((2, 2, 3, 4), (4,)), ((4,), (3, 1, 4, 2)), ((3, 4), (2, 2, 4, 5)), ((2, 1, 3), (3, 2)),
    ((1, 4), (4, 1)), ((5, 1), (1, 6)), ((2, 0), (0, 3)), ((0, 3), (3, 2)), ((2, 3), (3, 0)),
    ((0, 2, 3), (3, 4)), ((2, 3, 4), (1, 4, 0)),
]
for sa, sb in MATMUL_SHAPES:
    case(f'matmul {sa} @ {sb}', 'matmul', randn(*sa), randn(*sb))

# strided operands: transposes reach the kernel as views
case('matmul Aᵀ B', 'matmul', transposed(3, 4), randn(4, 2))
case('matmul A Bᵀ', 'matmul', randn(3, 4), transposed(4, 5))
case('matmul Aᵀ Bᵀ', 'matmul', transposed(3, 4), transposed(4, 5))
case('matmul batched Aᵀ (not foldable) @ 2-D', 'matmul', transposed(2, 3, 4), randn(4, 5))
case('matmul batched Aᵀ @ 1-D', 'matmul', transposed(2, 3, 4), randn(4))
case('matmul batched A @ Bᵀ', 'matmul', randn(2, 3, 4), transposed(2, 4, 5))
case('matmul permuted batch', 'matmul', randn(3, 2, 4, permute=[1, 0, 2]), randn(2, 4, 5))

# dtypes: float32 and integers keep their dtype; Half is computed as newer PyTorch does
case('matmul float32', 'matmul', randn(2, 3, 4, dtype=f32), randn(4, 5, dtype=f32), tol=1e-5)
case('matmul float32 mv', 'matmul', randn(3, 4, dtype=f32), randn(4, dtype=f32), tol=1e-5)
case('matmul float32 dot', 'matmul', randn(6, dtype=f32), randn(6, dtype=f32), tol=1e-5)
case('matmul int64', 'matmul', ints(2, 3, 4), ints(4, 2))
case('matmul int64 dot', 'matmul', ints(5), ints(5))
case('matmul int32 batched', 'matmul', ints(2, 2, 3, dtype=i32), ints(2, 3, 2, dtype=i32))
case('matmul float16', 'matmul', randn(2, 3, dtype=f16, grad=False), randn(3, 2, dtype=f16, grad=False), tol=1e-3)

# errors
case('matmul 0-D', 'matmul', randn(), randn(2, 2))
case('matmul 0-D right', 'matmul', randn(2, 2), randn())
case('matmul dot size', 'matmul', randn(3), randn(4))
case('matmul mv size', 'matmul', randn(2, 3), randn(4))
case('matmul vm size', 'matmul', randn(3), randn(4, 5))
case('matmul mm size', 'matmul', randn(2, 3), randn(4, 5))
case('matmul batched · 1-D size', 'matmul', randn(2, 3, 4), randn(5))
case('matmul 1-D · batched size', 'matmul', randn(5), randn(2, 3, 4))
case('matmul batched · 2-D size', 'matmul', randn(2, 3, 4), randn(5, 5))
case('matmul 2-D · batched size', 'matmul', randn(3, 4), randn(2, 5, 5))
case('matmul 2-D · 4-D size', 'matmul', randn(3, 5), randn(2, 1, 3, 4))
case('matmul batched k size', 'matmul', randn(2, 3, 4), randn(2, 5, 5))
case('matmul 4-D · 3-D k size', 'matmul', randn(2, 1, 3, 4), randn(5, 5, 4))
case('matmul batch broadcast', 'matmul', randn(2, 3, 4), randn(3, 4, 5))
case('matmul unfoldable k size', 'matmul', transposed(2, 3, 4), randn(5, 5))
case('matmul dtype', 'matmul', randn(2, 3, dtype=f32), randn(3, 4))
case('matmul dtype reversed', 'matmul', randn(2, 3), randn(3, 4, dtype=f32))
case('matmul dtype long float', 'matmul', ints(2, 3), randn(3, 4, dtype=f32))
case('matmul dtype batched', 'matmul', randn(2, 2, 3, dtype=f32), randn(3, 4))
case('matmul dtype 1-D', 'matmul', randn(3, dtype=f32), randn(3))
case('matmul shape before dtype', 'matmul', randn(2, 3, dtype=f32), randn(4, 5))
case('matmul bool', 'matmul', T(torch.rand(2, 3) > 0.5), T(torch.rand(3, 2) > 0.5))
case('matmul bool batched', 'matmul', T(torch.rand(2, 2, 3) > 0.5), T(torch.rand(2, 3, 2) > 0.5))

# ---- mm, bmm, mv, dot, outer ---------------------------------------------------------------------

case('mm', 'mm', randn(2, 3), randn(3, 4))
case('mm Aᵀ Bᵀ', 'mm', transposed(2, 3), transposed(3, 4))
case('mm float32', 'mm', randn(4, 5, dtype=f32), randn(5, 3, dtype=f32), tol=1e-5)
case('mm int64', 'mm', ints(3, 3), ints(3, 2))
case('mm 1-D', 'mm', randn(3), randn(3, 4))
case('mm 1-D right', 'mm', randn(2, 3), randn(3))
case('mm 3-D', 'mm', randn(2, 2, 3), randn(3, 4))
case('mm size', 'mm', randn(2, 3), randn(4, 5))
case('mm dtype', 'mm', randn(2, 2), randn(2, 2, dtype=f32))
case('mm bool', 'mm', T(torch.rand(2, 3) > 0.5), T(torch.rand(3, 2) > 0.5))

case('bmm', 'bmm', randn(2, 3, 4), randn(2, 4, 5))
case('bmm Aᵀ', 'bmm', transposed(3, 2, 4), randn(3, 4, 2))
case('bmm Bᵀ', 'bmm', randn(3, 2, 4), transposed(3, 4, 2))
case('bmm float32', 'bmm', randn(2, 3, 4, dtype=f32), randn(2, 4, 5, dtype=f32), tol=1e-5)
case('bmm 2-D', 'bmm', randn(3, 4), randn(2, 4, 5))
case('bmm 2-D right', 'bmm', randn(2, 3, 4), randn(4, 5))
case('bmm k size', 'bmm', randn(2, 3, 3), randn(2, 4, 5))
case('bmm batch size', 'bmm', randn(2, 3, 4), randn(3, 4, 5))
case('bmm no broadcast', 'bmm', randn(1, 3, 4), randn(2, 4, 5))
case('bmm dtype', 'bmm', randn(2, 2, 2), randn(2, 2, 2, dtype=f32))
case('bmm bool', 'bmm', T(torch.rand(2, 2, 3) > 0.5), T(torch.rand(2, 3, 2) > 0.5))

case('mv', 'mv', randn(2, 3), randn(3))
case('mv Aᵀ', 'mv', transposed(4, 3), randn(3))
case('mv int64', 'mv', ints(2, 3), ints(3))
case('mv size', 'mv', randn(2, 3), randn(4))
case('mv 1-D', 'mv', randn(3), randn(3))
case('mv 2-D vec', 'mv', randn(2, 3), randn(3, 1))
case('mv dtype', 'mv', randn(2, 3, dtype=f32), randn(3))

case('dot', 'dot', randn(5), randn(5))
case('dot float32', 'dot', randn(7, dtype=f32), randn(7, dtype=f32), tol=1e-5)
case('dot int64', 'dot', ints(4), ints(4))
case('dot 2-D', 'dot', randn(2, 2), randn(2, 2))
case('dot size', 'dot', randn(3), randn(4))
case('dot dtype', 'dot', randn(2, dtype=f32), randn(2))
case('dot dtype reversed', 'dot', randn(2), randn(2, dtype=f32))
case('dot dtype long', 'dot', ints(2), randn(2, dtype=f32))
case('dot bool', 'dot', T(torch.rand(3) > 0.5), T(torch.rand(3) > 0.5))

case('outer', 'outer', randn(3), randn(4))
case('outer float32', 'outer', randn(3, dtype=f32), randn(2, dtype=f32))
case('outer promotes', 'outer', ints(3), randn(2, dtype=f32))
case('outer float/double', 'outer', randn(2, dtype=f32), randn(3))
case('outer 2-D', 'outer', randn(2, 2), randn(3))
case('outer 2-D right', 'outer', randn(2), randn(3, 3))
case('outer 0-D', 'outer', randn(), randn(3))

# ---- addmm, addmv, baddbmm, linear ---------------------------------------------------------------

case('addmm', 'addmm', randn(2, 4), randn(2, 3), randn(3, 4))
case('addmm row input', 'addmm', randn(4), randn(2, 3), randn(3, 4))
case('addmm column input', 'addmm', randn(2, 1), randn(2, 3), randn(3, 4))
case('addmm 0-D input', 'addmm', randn(), randn(2, 3), randn(3, 4))
case('addmm beta alpha', 'addmm', randn(2, 4), randn(2, 3), randn(3, 4), opts={'beta': 0.5, 'alpha': -1.5})
case('addmm beta 0 ignores nan', 'addmm', T(torch.full((2, 4), float('nan'), dtype=f64), grad=True), randn(2, 3), randn(3, 4), opts={'beta': 0})
case('addmm beta 0 broadcast input', 'addmm', randn(4), randn(2, 3), randn(3, 4), opts={'beta': 0, 'alpha': 0.5})
case('addmv beta 0', 'addmv', randn(2), randn(2, 3), randn(3), opts={'beta': 0})
case('addmm transposed mats', 'addmm', randn(4), transposed(2, 3), transposed(3, 4))
case('addmm float32', 'addmm', randn(3, dtype=f32), randn(2, 4, dtype=f32), randn(4, 3, dtype=f32), opts={'alpha': 2, 'beta': 3}, tol=1e-5)
case('addmm int64', 'addmm', ints(3), ints(2, 4), ints(4, 3), opts={'alpha': 2, 'beta': 3})
case('addmm input shape', 'addmm', randn(4), randn(2, 3), randn(3, 3))
case('addmm 1-D mat1', 'addmm', randn(3), randn(3), randn(3, 3))
case('addmm 1-D mat2', 'addmm', randn(3), randn(2, 3), randn(3))
case('addmm size', 'addmm', randn(2, 3), randn(2, 3), randn(4, 3))
case('addmm dtype mats', 'addmm', randn(3), randn(2, 3, dtype=f32), randn(3, 3))
case('addmm dtype input', 'addmm', randn(3), randn(2, 3, dtype=f32), randn(3, 3, dtype=f32))

case('addmv', 'addmv', randn(2), randn(2, 3), randn(3))
case('addmv 0-D input', 'addmv', randn(), randn(2, 3), randn(3))
case('addmv beta alpha', 'addmv', randn(2), randn(2, 3), randn(3), opts={'beta': -2, 'alpha': 0.25})
case('addmv input cast', 'addmv', randn(2, dtype=f32), randn(2, 3), randn(3))
case('addmv size', 'addmv', randn(5), randn(2, 3), randn(3))
case('addmv 1-D mat', 'addmv', randn(2), randn(3), randn(3))

case('baddbmm', 'baddbmm', randn(2, 3, 5), randn(2, 3, 4), randn(2, 4, 5))
case('baddbmm broadcast input', 'baddbmm', randn(5), randn(2, 3, 4), randn(2, 4, 5), opts={'beta': 0.5, 'alpha': 2})
case('baddbmm input cast', 'baddbmm', randn(3, 1, dtype=f32), randn(2, 3, 4), randn(2, 4, 5))
case('baddbmm 2-D', 'baddbmm', randn(3), randn(2, 3), randn(2, 3, 3))
case('baddbmm size', 'baddbmm', randn(3), randn(2, 2, 3), randn(2, 4, 3))
case('baddbmm input shape', 'baddbmm', randn(4), randn(2, 2, 3), randn(2, 3, 3))

case('linear', 'linear', randn(5, 3), randn(4, 3), randn(4))
case('linear no bias', 'linear', randn(5, 3), randn(4, 3))
case('linear 3-D input', 'linear', randn(2, 5, 3), randn(4, 3), randn(4))
case('linear 1-D input', 'linear', randn(3), randn(4, 3), randn(4))
case('linear 1-D weight', 'linear', randn(2, 5, 3), randn(3))
case('linear float32', 'linear', randn(6, 8, dtype=f32), randn(4, 8, dtype=f32), randn(4, dtype=f32), tol=1e-5)
case('linear size', 'linear', randn(5, 3), randn(4, 2), randn(4))
case('linear dtype', 'linear', randn(5, 3, dtype=f32), randn(4, 3))

# ---- einsum ------------------------------------------------------------------------------------------

EINSUM = [
    ('bij,bjk->bik', [(2, 3, 4), (2, 4, 5)]),
    ('bhqd,bhkd->bhqk', [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ('bhqk,bhkd->bhqd', [(2, 2, 3, 5), (2, 2, 5, 4)]),
    ('bi,ij,bj->b', [(2, 3), (3, 4), (2, 4)]),
    ('bi,oij,bj->bo', [(2, 3), (4, 3, 5), (2, 5)]),
    ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)]),
    ('ij->ji', [(2, 3)]),
    ('ii->i', [(3, 3)]),
    ('ii', [(3, 3)]),
    ('ii->', [(3, 3)]),
    ('iii->i', [(2, 2, 2)]),
    ('iij->ij', [(2, 2, 3)]),
    ('ii,i->i', [(3, 3), (3,)]),
    ('i,i->', [(4,)] * 2),
    ('i,i->i', [(4,)] * 2),
    ('i,j->ij', [(3,), (4,)]),
    ('i,i,i->', [(4,)] * 3),
    ('ij,ij->ij', [(2, 3), (2, 3)]),
    ('ij,ij->', [(2, 3), (2, 3)]),
    ('ij,ij->ij', [(1, 3), (2, 3)]),
    ('ij,jk->ik', [(2, 1), (3, 4)]),
    ('ij,jk->ik', [(2, 3), (1, 4)]),
    ('ij,jk', [(2, 3), (3, 4)]),
    ('ba,ca', [(2, 3), (4, 3)]),
    ('ba', [(2, 3)]),
    ('bA', [(2, 3)]),
    ('Ba,aB', [(2, 3), (3, 2)]),
    ('ij->', [(2, 3)]),
    ('ij->j', [(2, 3)]),
    ('ij->ij', [(2, 3)]),
    ('ij', [(2, 3)]),
    ('i,jk->ijk', [(2,), (3, 4)]),
    ('ijk,jil->kl', [(3, 2, 4), (2, 3, 5)]),
    ('bn,anm,bm->ba', [(2, 3), (4, 3, 3), (2, 3)]),
    ('...ij,...jk->...ik', [(2, 1, 2, 3), (5, 3, 4)]),
    ('...ij,...jk', [(2, 2, 3), (3, 4)]),
    ('...ij->...ji', [(2, 2, 3)]),
    ('...ij->ij', [(2, 2, 3)]),
    ('i...->...', [(2, 3, 4)]),
    ('...i,...i->...', [(2, 3, 4), (3, 4)]),
    ('b...,b...->b', [(2, 3, 4), (2, 3, 4)]),
    ('ij->...ij', [(2, 2)]),
    (' i j , j k -> i k ', [(2, 3), (3, 4)]),
    ('->', [()]),
    (',i->i', [(), (3,)]),
    ('ij,jk->ik', [(0, 3), (3, 2)]),
    ('ij,jk->ik', [(2, 0), (0, 2)]),
]
for eq, shapes in EINSUM:
    case(f'einsum {eq!r} {shapes}', 'einsum', eq, *[randn(*s) for s in shapes])

case("einsum 'ij,jk->ik' transposed", 'einsum', 'ij,jk->ik', transposed(3, 4), transposed(4, 2))
case("einsum 'bhqd,bhkd->bhqk' float32", 'einsum', 'bhqd,bhkd->bhqk', randn(2, 2, 3, 4, dtype=f32), randn(2, 2, 5, 4, dtype=f32), tol=1e-5)
case("einsum 'ij,jk->ik' int64", 'einsum', 'ij,jk->ik', ints(2, 3), ints(3, 4))
case("einsum 'ij->' int32", 'einsum', 'ij->', ints(2, 3, dtype=i32))
case("einsum 'i,i->i' float/double", 'einsum', 'i,i->i', randn(3, dtype=f32), randn(3))

EINSUM_ERRORS = [
    ('ij,jk->ik', [(2, 3), (4, 5)]),
    ('ij->ji', [(2, 3), (4, 5)]),
    ('ij,jk->ik', [(2, 3)]),
    ('ijk->i', [(2, 3)]),
    ('...ijk->i', [(2, 2)]),
    ('ij->ii', [(2, 2)]),
    ('ij->k', [(2, 2)]),
    ('i1->i', [(2, 2)]),
    ('ij-ji', [(2, 2)]),
    ('ij->j,i', [(2, 2)]),
    ('ii->i', [(2, 3)]),
    ('ii->i', [(1, 3)]),
    ('i,ii->i', [(4,), (2, 3)]),
    ('i.j->i', [(2, 2)]),
    ('......', [(2,)]),
    ('ij->i.', [(2, 2)]),
    ('...ij->......', [(2, 2)]),
    ('...i,...i->...', [(2, 3, 4), (5, 2, 4)]),
    ('...i,...i->...', [(3, 2, 4), (5, 4)]),
    ('...i,...i->...', [(5, 4), (3, 2, 4)]),
    ('ij,jk,kl->il', [(2, 3), (3, 4), (5, 4)]),
]
for eq, shapes in EINSUM_ERRORS:
    case(f'einsum error {eq!r} {shapes}', 'einsum', eq, *[randn(*s) for s in shapes])
case('einsum error dtype', 'einsum', 'ij,jk->ik', randn(2, 3, dtype=f32), randn(3, 4))
case('einsum error dtype three', 'einsum', 'i,i,i->', randn(2, dtype=f32), randn(2, dtype=f32), randn(2))
case('einsum error bool', 'einsum', 'ij,jk->ik', T(torch.rand(2, 2) > 0.5), T(torch.rand(2, 2) > 0.5))


if __name__ == '__main__':
    path = os.path.normpath(os.path.join(common.FIXTURES, 'torch_linalg.json'))
    with open(path + '.tmp', 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': CASES}, f, indent=None, separators=(',', ':'))
    os.replace(path + '.tmp', path)
    print(f'wrote {path} ({len(CASES)} cases)')
