#!/usr/bin/python3
"""PyTorch fixtures for kiln's losses (test/nn/losses.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/losses_fixtures.py

Writes test/fixtures/torch_losses.json. Each case names a kiln function of nn.functional (`fn`:
mseLoss, l1Loss, smoothL1Loss, huberLoss, crossEntropy, nllLoss, binaryCrossEntropy,
binaryCrossEntropyWithLogits, klDiv, cosineEmbeddingLoss), its tensor arguments, the options object
as kiln takes it (camelCase; tensors such as `weight` encoded as {"t": array}), and what PyTorch
gave: the result, or the error (class and message); and, when some argument requires grad, the
gradient of (out * w).sum() w.r.t. each tensor argument (w fixed random weights, stored).

Argument encoding: {"t": array, "grad": bool}. Arrays use scripts/fixtures/common.py's encoding:
{dtype (NumPy's name), shape, data (flat; 'nan'/'inf' strings)}.
"""
import importlib.util
import os
import sys
import warnings

# sibling scripts named like stdlib modules (random.py) must not shadow them
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

_spec = importlib.util.spec_from_file_location('common', os.path.join(HERE, '..', 'fixtures', 'common.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

warnings.simplefilter('ignore')  # size-mismatch and kl_div 'mean' warnings are expected here
torch.manual_seed(2024)
WEIGHTS = torch.Generator().manual_seed(7)

f32, f64, i64 = torch.float32, torch.float64, torch.int64
REDUCTIONS = ['mean', 'sum', 'none']


def enc(t):
    return common.enc(t.detach().numpy())


class T:
    """A tensor argument: fixed data and whether it requires grad."""

    def __init__(self, data, grad=False):
        self.data = data
        self.grad = grad and data.dtype.is_floating_point

    def make(self, leaves):
        leaf = self.data.clone().requires_grad_(self.grad)
        leaves.append(leaf)
        return leaf

    def encode(self):
        return {'t': enc(self.data), 'grad': self.grad}


def randn(*shape, dtype=f32, grad=True):
    return T(torch.randn(shape, dtype=f64).to(dtype), grad)


def rand(*shape, dtype=f32, grad=True, lo=0.0, hi=1.0):
    return T((torch.rand(shape, dtype=f64) * (hi - lo) + lo).to(dtype), grad)


def classes(*shape, n, ignore=None, where=()):
    """Class indices in [0, n), with `ignore` written at the flat positions `where`."""
    t = torch.randint(0, n, shape)
    for i in where:
        t.view(-1)[i] = ignore
    return T(t)


def signs(*shape):
    return T(torch.where(torch.rand(shape) < 0.5, -1, 1).to(i64))


def probs(*shape, dim=1, dtype=f32, grad=False):
    return T(torch.softmax(torch.randn(shape, dtype=f64), dim).to(dtype), grad)


def log_probs(*shape, dim=1, dtype=f32, grad=True):
    return T(torch.log_softmax(torch.randn(shape, dtype=f64), dim).to(dtype), grad)


TORCH_FNS = {
    'mseLoss': F.mse_loss, 'l1Loss': F.l1_loss, 'smoothL1Loss': F.smooth_l1_loss, 'huberLoss': F.huber_loss,
    'crossEntropy': F.cross_entropy, 'nllLoss': F.nll_loss, 'binaryCrossEntropy': F.binary_cross_entropy,
    'binaryCrossEntropyWithLogits': F.binary_cross_entropy_with_logits, 'klDiv': F.kl_div,
    'cosineEmbeddingLoss': F.cosine_embedding_loss,
}
SNAKE = {
    'ignoreIndex': 'ignore_index', 'labelSmoothing': 'label_smoothing', 'posWeight': 'pos_weight',
    'logTarget': 'log_target',
}

CASES = []


def case(name, fn, *args, **opts):
    """Runs F.fn in PyTorch as kiln would run nn.functional.fn(...args, opts)."""
    c = {'name': name, 'fn': fn, 'args': [a.encode() for a in args]}
    if opts:
        c['opts'] = {k: ({'t': enc(v.data)} if isinstance(v, T) else v) for k, v in opts.items()}
    leaves = []
    targs = [a.make(leaves) for a in args]
    topts = {SNAKE.get(k, k): (v.data if isinstance(v, T) else v) for k, v in opts.items()}
    try:
        r = TORCH_FNS[fn](*targs, **topts)
    except Exception as e:  # noqa: BLE001 - PyTorch's errors are fixture data
        c['result'] = {'error': type(e).__name__, 'message': str(e)}
        CASES.append(c)
        return
    c['result'] = enc(r)
    if r.requires_grad:
        w = torch.randn(r.shape, generator=WEIGHTS, dtype=f64).to(r.dtype)
        (r * w).sum().backward()
        c['weights'] = enc(w)
        c['grads'] = [enc(leaf.grad) if leaf.grad is not None else None for leaf in leaves]
    CASES.append(c)


# ---- regression losses ----------------------------------------------------------------------------

def with_ties(x, y):
    """y equal to x at a few places (where |x - y| has a kink)."""
    y.data.view(-1)[:2] = x.data.view(-1)[:2]
    return x, y


for red in REDUCTIONS:
    case(f'mse {red}', 'mseLoss', randn(4, 3), randn(4, 3), reduction=red)
    case(f'l1 {red}', 'l1Loss', *with_ties(randn(4, 3), randn(4, 3)), reduction=red)
    for beta in [1.0, 0.5, 0.0]:
        # at a tie with beta = 0 PyTorch gives both input and target the gradient -1, which no
        # single formula does; kiln matches the input's (its target gets +1), so only it is pinned
        x, y = randn(4, 5), randn(4, 5, grad=beta != 0)
        y.data.view(-1)[0] = x.data.view(-1)[0] + beta  # exactly at the boundary
        case(f'smoothL1 beta={beta} {red}', 'smoothL1Loss', x, y, reduction=red, beta=beta)
    for delta in [1.0, 0.3, 2.0]:
        x, y = randn(4, 5), randn(4, 5)
        y.data.view(-1)[0] = x.data.view(-1)[0] - delta
        case(f'huber delta={delta} {red}', 'huberLoss', x, y, reduction=red, delta=delta)

case('mse float64', 'mseLoss', randn(3, 4, dtype=f64), randn(3, 4, dtype=f64))
case('mse defaults', 'mseLoss', randn(2, 3), randn(2, 3))
case('mse 0-d', 'mseLoss', randn(), randn())
case('mse broadcast target', 'mseLoss', randn(4, 3), randn(3), reduction='none')
case('mse target without grad', 'mseLoss', randn(4, 3), randn(4, 3, grad=False), reduction='sum')
case('mse size error', 'mseLoss', randn(4, 3), randn(2, 3))
case('l1 defaults', 'l1Loss', randn(5), randn(5))
case('l1 size error', 'l1Loss', randn(4, 3), randn(4, 2))
case('smoothL1 defaults', 'smoothL1Loss', randn(6), randn(6))
case('smoothL1 negative beta', 'smoothL1Loss', randn(3), randn(3), beta=-1.0)
case('huber defaults', 'huberLoss', randn(6), randn(6))
case('huber zero delta', 'huberLoss', randn(3), randn(3), delta=0.0)
case('huber float64', 'huberLoss', randn(3, 2, dtype=f64), randn(3, 2, dtype=f64), delta=0.5)
case('mse bad reduction', 'mseLoss', randn(3), randn(3), reduction='avg')

# ---- cross-entropy and NLL ------------------------------------------------------------------------

W4 = T(torch.tensor([0.2, 1.0, 2.5, 0.7]))
for red in REDUCTIONS:
    case(f'ce {red}', 'crossEntropy', randn(5, 4), classes(5, n=4), reduction=red)
    case(f'ce weight {red}', 'crossEntropy', randn(5, 4), classes(5, n=4), weight=W4, reduction=red)
    case(f'ce ignore default {red}', 'crossEntropy', randn(6, 4), classes(6, n=4, ignore=-100, where=[1, 4]), reduction=red)
    case(f'ce ignoreIndex=2 {red}', 'crossEntropy', randn(6, 4), classes(6, n=4, ignore=2, where=[0, 3]),
         ignoreIndex=2, reduction=red)
    case(f'ce weight ignore {red}', 'crossEntropy', randn(6, 4), classes(6, n=4, ignore=-1, where=[2]),
         weight=W4, ignoreIndex=-1, reduction=red)
    case(f'ce smoothing {red}', 'crossEntropy', randn(5, 4), classes(5, n=4), labelSmoothing=0.1, reduction=red)
    case(f'ce smoothing weight {red}', 'crossEntropy', randn(5, 4), classes(5, n=4), weight=W4,
         labelSmoothing=0.2, reduction=red)
    case(f'ce smoothing ignore {red}', 'crossEntropy', randn(6, 4), classes(6, n=4, ignore=-100, where=[0, 5]),
         labelSmoothing=0.15, reduction=red)
    case(f'ce smoothing weight ignore {red}', 'crossEntropy', randn(6, 4), classes(6, n=4, ignore=1, where=[2]),
         weight=W4, ignoreIndex=1, labelSmoothing=0.3, reduction=red)
    case(f'ce k-dim {red}', 'crossEntropy', randn(2, 3, 4, 5), classes(2, 4, 5, n=3), reduction=red)
    case(f'ce k-dim weight ignore {red}', 'crossEntropy', randn(2, 3, 4), classes(2, 4, n=3, ignore=-100, where=[1, 6]),
         weight=T(torch.tensor([1.5, 0.5, 1.0])), reduction=red)
    case(f'ce k-dim smoothing {red}', 'crossEntropy', randn(2, 3, 4), classes(2, 4, n=3), labelSmoothing=0.1,
         reduction=red)
    case(f'ce unbatched {red}', 'crossEntropy', randn(4), classes(n=4), reduction=red)
    case(f'ce unbatched smoothing weight {red}', 'crossEntropy', randn(4), classes(n=4), weight=W4,
         labelSmoothing=0.1, reduction=red)
    case(f'ce probabilities {red}', 'crossEntropy', randn(5, 4), probs(5, 4, grad=True), reduction=red)
    case(f'ce probabilities weight {red}', 'crossEntropy', randn(5, 4), probs(5, 4), weight=W4, reduction=red)
    case(f'ce probabilities smoothing {red}', 'crossEntropy', randn(5, 4), probs(5, 4), labelSmoothing=0.25,
         reduction=red)
    case(f'ce probabilities smoothing weight {red}', 'crossEntropy', randn(5, 4), probs(5, 4), weight=W4,
         labelSmoothing=0.25, reduction=red)
    case(f'ce probabilities k-dim {red}', 'crossEntropy', randn(2, 3, 4), probs(2, 3, 4), reduction=red)
    case(f'ce probabilities unbatched {red}', 'crossEntropy', randn(4), probs(4, dim=0), reduction=red)

    case(f'nll {red}', 'nllLoss', log_probs(5, 3), classes(5, n=3), reduction=red)
    case(f'nll weight {red}', 'nllLoss', log_probs(5, 3), classes(5, n=3), weight=T(torch.tensor([0.3, 2.0, 1.0])),
         reduction=red)
    case(f'nll ignore {red}', 'nllLoss', log_probs(5, 3), classes(5, n=3, ignore=-100, where=[0]), reduction=red)
    case(f'nll weight ignoreIndex=0 {red}', 'nllLoss', log_probs(6, 3), classes(6, n=3),
         weight=T(torch.tensor([0.3, 2.0, 1.0])), ignoreIndex=0, reduction=red)
    case(f'nll k-dim {red}', 'nllLoss', log_probs(2, 3, 2, 2), classes(2, 2, 2, n=3), reduction=red)
    case(f'nll unbatched {red}', 'nllLoss', log_probs(3, dim=0), classes(n=3), reduction=red)
    case(f'nll all ignored {red}', 'nllLoss', log_probs(2, 3), classes(2, n=3, ignore=-100, where=[0, 1]),
         reduction=red)

case('ce defaults', 'crossEntropy', randn(3, 5), classes(3, n=5))
case('ce float64', 'crossEntropy', randn(4, 3, dtype=f64), classes(4, n=3), weight=T(torch.tensor([1.0, 2.0, 0.5], dtype=f64)))
case('ce large logits', 'crossEntropy', T(torch.tensor([[1000.0, 0.0, -1000.0], [-500.0, 500.0, 0.0]]), True), T(torch.tensor([0, 2])))
case('ce all ignored', 'crossEntropy', randn(2, 3), classes(2, n=3, ignore=-100, where=[0, 1]))
case('ce all ignored smoothing', 'crossEntropy', randn(2, 3), classes(2, n=3, ignore=-100, where=[0, 1]), labelSmoothing=0.1)
case('ce batch mismatch', 'crossEntropy', randn(3, 4), classes(2, n=4))
case('ce target out of bounds', 'crossEntropy', randn(3, 4), T(torch.tensor([0, 4, 1])))
case('ce negative target', 'crossEntropy', randn(3, 4), T(torch.tensor([0, -1, 1])))
case('ce weight size', 'crossEntropy', randn(3, 4), classes(3, n=4), weight=T(torch.ones(3)))
case('ce k-dim target size', 'crossEntropy', randn(2, 3, 4), classes(2, 5, n=3))
case('ce 0-d input', 'crossEntropy', randn(), classes(n=1))
case('ce probabilities long', 'crossEntropy', randn(3, 4), T(torch.ones(3, 4, dtype=i64)))
case('ce probabilities ignoreIndex', 'crossEntropy', randn(3, 4), probs(3, 4), ignoreIndex=1)
case('ce smoothing range', 'crossEntropy', randn(3, 4), classes(3, n=4), labelSmoothing=1.5)
case('ce int32 target', 'crossEntropy', randn(3, 4), T(torch.tensor([0, 1, 2], dtype=torch.int32)))
case('nll 3-D target size', 'nllLoss', log_probs(2, 3, 4), classes(2, 5, n=3))
case('nll target dims', 'nllLoss', log_probs(2, 3), classes(2, 1, n=3))
case('nll out of bounds', 'nllLoss', log_probs(2, 3), T(torch.tensor([3, 0])))
case('nll unbatched size', 'nllLoss', log_probs(3, dim=0), classes(2, n=3))
case('nll 0-d input', 'nllLoss', randn(), classes(n=1))
case('nll 3-D short target', 'nllLoss', log_probs(2, 3, 4), classes(2, n=3))
case('nll 4-D target dims', 'nllLoss', log_probs(2, 3, 4, 5), classes(2, n=3))
case('nll 4-D size', 'nllLoss', log_probs(2, 3, 4, 5), classes(2, 4, 6, n=3))
case('ce probabilities weight size', 'crossEntropy', randn(3, 4), probs(3, 4), weight=T(torch.ones(3)))
case('ce probabilities negative smoothing', 'crossEntropy', randn(3, 4), probs(3, 4), labelSmoothing=-0.1)
case('ce negative smoothing', 'crossEntropy', randn(3, 4), classes(3, n=4), labelSmoothing=-0.1)

# ---- binary cross-entropy -------------------------------------------------------------------------

for red in REDUCTIONS:
    case(f'bce {red}', 'binaryCrossEntropy', rand(4, 3, lo=0.05, hi=0.95), rand(4, 3, grad=False), reduction=red)
    case(f'bce weight {red}', 'binaryCrossEntropy', rand(4, 3, lo=0.05, hi=0.95), rand(4, 3, grad=False),
         weight=T(torch.tensor([0.5, 1.0, 2.0])), reduction=red)
    case(f'bce extremes {red}', 'binaryCrossEntropy', T(torch.tensor([0.0, 1.0, 0.0, 1.0, 1e-30, 0.5]), True),
         T(torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 0.5])), reduction=red)
    case(f'bcel {red}', 'binaryCrossEntropyWithLogits', randn(4, 3), rand(4, 3, grad=False), reduction=red)
    case(f'bcel posWeight {red}', 'binaryCrossEntropyWithLogits', randn(4, 3), rand(4, 3, grad=False),
         posWeight=T(torch.tensor([0.5, 2.0, 3.0])), reduction=red)
    case(f'bcel weight posWeight {red}', 'binaryCrossEntropyWithLogits', randn(4, 3), rand(4, 3, grad=False),
         weight=T(torch.tensor([[1.0], [0.5], [2.0], [0.1]])), posWeight=T(torch.tensor([0.5, 2.0, 3.0])),
         reduction=red)
    case(f'bcel extremes {red}', 'binaryCrossEntropyWithLogits',
         T(torch.tensor([100.0, -100.0, 1000.0, -1000.0, 0.0, 30.0]), True),
         T(torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5, 1.0])), reduction=red)

case('bce target grad', 'binaryCrossEntropy', rand(5, lo=0.1, hi=0.9), rand(5))
case('bce float64', 'binaryCrossEntropy', rand(3, 2, dtype=f64, lo=0.1, hi=0.9), rand(3, 2, dtype=f64, grad=False))
case('bce target out of range', 'binaryCrossEntropy', rand(2, lo=0.1, hi=0.9), T(torch.tensor([1.5, -0.5])))
case('bce weight broadcast error', 'binaryCrossEntropy', rand(2, 3, lo=0.1, hi=0.9), rand(2, 3, grad=False),
     weight=T(torch.ones(2)))
case('bce size mismatch', 'binaryCrossEntropy', rand(3, 1), rand(3, grad=False))
case('bce out of range', 'binaryCrossEntropy', T(torch.tensor([0.5, 1.5])), T(torch.tensor([0.0, 1.0])))
case('bcel target grad', 'binaryCrossEntropyWithLogits', randn(5), rand(5))
case('bcel posWeight target grad', 'binaryCrossEntropyWithLogits', randn(2, 3), rand(2, 3),
     posWeight=T(torch.tensor([0.5, 2.0, 3.0])))
case('bcel size mismatch', 'binaryCrossEntropyWithLogits', randn(3, 1), rand(3, grad=False))
case('bcel float64', 'binaryCrossEntropyWithLogits', randn(3, 2, dtype=f64), rand(3, 2, dtype=f64, grad=False))

# ---- KL divergence --------------------------------------------------------------------------------

for red in REDUCTIONS + ['batchmean']:
    case(f'klDiv {red}', 'klDiv', log_probs(4, 5), probs(4, 5, grad=True), reduction=red)
    case(f'klDiv logTarget {red}', 'klDiv', log_probs(4, 5), log_probs(4, 5), reduction=red, logTarget=True)
    zeros = probs(3, 4)
    zeros.data[0, 1] = 0.0
    zeros.data[2, 0] = 0.0
    case(f'klDiv zero target {red}', 'klDiv', log_probs(3, 4), zeros, reduction=red)
case('klDiv defaults', 'klDiv', log_probs(2, 3), probs(2, 3))
case('klDiv 0-d batchmean', 'klDiv', randn(), rand(), reduction='batchmean')
case('klDiv broadcast', 'klDiv', log_probs(2, 3), probs(3, dim=0), reduction='sum')

# ---- cosine embedding -----------------------------------------------------------------------------

for red in REDUCTIONS:
    for margin in [0.0, 0.3, -0.2]:
        case(f'cosineEmbedding margin={margin} {red}', 'cosineEmbeddingLoss', randn(6, 4), randn(6, 4), signs(6),
             margin=margin, reduction=red)
case('cosineEmbedding 1-D', 'cosineEmbeddingLoss', randn(5), randn(5), T(torch.tensor(-1)), margin=-0.5)
case('cosineEmbedding 1-D positive', 'cosineEmbeddingLoss', randn(5), randn(5), T(torch.tensor(1)))
case('cosineEmbedding zero vector', 'cosineEmbeddingLoss', T(torch.zeros(2, 3), True), randn(2, 3), T(torch.tensor([1, -1])))
case('cosineEmbedding other labels', 'cosineEmbeddingLoss', randn(3, 4), randn(3, 4), T(torch.tensor([1, 0, -1])))
case('cosineEmbedding float64', 'cosineEmbeddingLoss', randn(3, 4, dtype=f64), randn(3, 4, dtype=f64), signs(3))
case('cosineEmbedding 2-D target', 'cosineEmbeddingLoss', randn(3, 4), randn(3, 4), T(torch.ones(3, 1, dtype=i64)))
case('cosineEmbedding input dims', 'cosineEmbeddingLoss', randn(3, 4, 2), randn(3, 4, 2), signs(3))
case('cosineEmbedding 0-d target dims', 'cosineEmbeddingLoss', randn(3, 4), randn(3, 4), T(torch.tensor(1)))

common.write('torch_losses', CASES)
