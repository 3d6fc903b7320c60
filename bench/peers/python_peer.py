"""NumPy / PyTorch side of kiln's benchmark suite (bench/run.ts starts one per library and thread count).

Protocol: one JSON request per line on stdin; each answer is one line on stdout starting with
'@@kiln-bench ' (anything else a library prints is ignored by the orchestrator). Requests:
  {"op": "hello"}                                -> versions, BLAS/kernel information
  {"op": "setup", "spec": {...}, "warm": s}      -> builds the inputs, warms up, estimates a call
  {"op": "run", "inner": k, "samples": m}        -> m samples, each the mean of k calls (seconds)
  {"op": "teardown"} / {"op": "quit"}
Thread counts come from the environment (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS), set by the
orchestrator before this process starts, plus torch.set_num_threads for PyTorch.
"""
import json
import os
import sys
import time
import traceback

LIB = sys.argv[1]  # 'numpy' or 'torch'
THREADS = int(sys.argv[2])
PREFIX = '@@kiln-bench '

import numpy as np  # noqa: E402

if LIB == 'torch':
    import torch  # noqa: E402
    import torch.nn.functional as F  # noqa: E402

    torch.set_num_threads(THREADS)
    torch.manual_seed(0)


def send(obj):
    sys.stdout.write(PREFIX + json.dumps(obj) + '\n')
    sys.stdout.flush()


def numpy_blas_info():
    """Which BLAS kernel NumPy runs: threadpoolctl when importable, else show_config plus OpenBLAS's own answer."""
    info = {}
    try:
        import threadpoolctl

        pools = threadpoolctl.threadpool_info()
        info['source'] = 'threadpoolctl'
        info['pools'] = [
            {k: p.get(k) for k in ('internal_api', 'version', 'architecture', 'num_threads', 'threading_layer')}
            for p in pools
        ]
        blas = [p for p in pools if p.get('user_api') == 'blas']
        if blas:
            b = blas[0]
            info['summary'] = f"{b.get('internal_api')} {b.get('version')} kernel={b.get('architecture')} threads={b.get('num_threads')}"
        return info
    except ImportError:
        pass
    info['source'] = 'numpy.show_config'
    summary = []
    try:
        cfg = np.show_config(mode='dicts')
        blas = cfg.get('Build Dependencies', {}).get('blas', {})
        summary.append(f"{blas.get('name')} {blas.get('version')}")
        info['blas'] = blas
        info['simd'] = cfg.get('SIMD Extensions')
    except Exception as e:  # older NumPy: show_config has no mode argument
        info['error'] = repr(e)
    # Ask OpenBLAS itself which kernel it picked (DYNAMIC_ARCH builds choose at load time).
    try:
        import ctypes
        import glob

        libdir = os.path.dirname(np.__file__) + '.libs'
        for path in glob.glob(os.path.join(libdir, '*openblas*.so*')):
            lib = ctypes.CDLL(path)
            for name in ('scipy_openblas_get_corename64_', 'scipy_openblas_get_corename', 'openblas_get_corename64_',
                         'openblas_get_corename'):
                fn = getattr(lib, name, None)
                if fn is not None:
                    fn.restype = ctypes.c_char_p
                    info['corename'] = fn().decode()
                    break
            for name in ('scipy_openblas_get_num_threads64_', 'openblas_get_num_threads64_', 'openblas_get_num_threads'):
                fn = getattr(lib, name, None)
                if fn is not None:
                    info['openblas_threads'] = fn()
                    break
    except Exception as e:
        info['corename_error'] = repr(e)
    if 'corename' in info:
        summary.append(f"kernel={info['corename']}")
    if 'openblas_threads' in info:
        summary.append(f"threads={info['openblas_threads']}")
    info['summary'] = ' '.join(summary)
    return info


def torch_blas():
    """The BLAS library this torch loaded (Debian's python3-torch takes whatever libblas.so.3 the alternatives system names)."""
    a = torch.ones(64, 64)
    a @ a  # make sure the BLAS is loaded
    libs = []
    try:
        with open('/proc/self/maps') as f:
            for ln in f:
                path = ln.split()[-1] if len(ln.split()) >= 6 else ''
                name = os.path.basename(path).lower()
                if any(k in name for k in ('blas', 'mkl_', 'libmkl', 'dnnl')) and path not in libs:
                    libs.append(path)
    except OSError:
        pass
    real = [os.path.realpath(p) for p in libs]
    reference = any('/blas/libblas.so' in r for r in real)
    summary = ', '.join(real) or 'unknown'
    if reference:
        summary += ' (the netlib reference BLAS: slow matmul; libopenblas0 would replace it)'
    return {'libs': real, 'reference': reference, 'summary': summary}


def hello():
    out = {'lib': LIB, 'python': sys.executable, 'python_version': sys.version.split()[0], 'numpy': np.__version__,
           'threads': THREADS,
           'env': {k: os.environ.get(k) for k in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'OPENBLAS_CORETYPE',
                                                   'OPENBLAS_L2_SIZE')}}
    if LIB == 'numpy':
        out['version'] = np.__version__
        out['blas'] = numpy_blas_info()
    else:
        out['version'] = torch.__version__
        out['num_threads'] = torch.get_num_threads()
        try:
            out['capability'] = torch.backends.cpu.get_cpu_capability()
        except Exception:
            cfg = torch.__config__.show()
            line = [ln.strip() for ln in cfg.splitlines() if 'CPU capability' in ln]
            out['capability'] = line[0].split(':')[-1].strip() if line else None
        out['mkldnn'] = bool(torch.backends.mkldnn.is_available())
        out['blas'] = torch_blas()
    return out


# ---- workloads ----------------------------------------------------------------------------------

rng = np.random.default_rng(0)


def randn(*shape):
    return rng.standard_normal(shape, dtype=np.float32)


def np_conv2d(x, w, b):
    """3x3, stride 1, padding 1 convolution as im2col + one GEMM (NumPy has no convolution)."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))  # n, c, h, w, kh, kw
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * wd, c * kh * kw)
    y = cols @ w.reshape(o, -1).T + b
    return y.reshape(n, h, wd, o).transpose(0, 3, 1, 2)


def make_numpy(spec):
    kind = spec['kind']
    note = None
    if kind == 'matmul':
        n = spec['n']
        a, b = randn(n, n), randn(n, n)
        if spec.get('ta'):
            return (lambda: a.T @ b), 'a.T @ b'
        if spec.get('tb'):
            return (lambda: a @ b.T), 'a @ b.T'
        return (lambda: a @ b), note
    if kind == 'add':
        a, b = randn(spec['size']), randn(spec['size'])
        if spec.get('out'):
            c = np.empty_like(a)
            return (lambda: np.add(a, b, out=c)), 'np.add(a, b, out=c)'
        return (lambda: np.add(a, b)), note
    if kind == 'unary':
        a = randn(spec['size'])
        fn = getattr(np, spec['fn'])
        return (lambda: fn(a)), note
    if kind == 'sum':
        a = randn(spec['size'])
        return (lambda: a.sum()), note
    if kind == 'conv2d':
        x, w, bias = randn(32, 3, 32, 32), randn(32, 3, 3, 3), randn(32, 1, 1)
        bias = bias.reshape(32)
        return (lambda: np_conv2d(x, w, bias)), 'im2col (sliding_window_view) + one GEMM: NumPy has no convolution'
    if kind == 'tiny':
        a, b = randn(4), randn(4)
        return (lambda: np.add(a, b)), note
    if kind in ('mlp', 'cnn'):
        raise Skip('n/a: NumPy has no autograd / training step')
    raise Skip(f'unknown workload kind {kind}')


def make_torch(spec):
    kind = spec['kind']
    note = None

    def t(*shape):
        return torch.from_numpy(randn(*shape))

    if kind == 'matmul':
        n = spec['n']
        a, b = t(n, n), t(n, n)
        if spec.get('ta'):
            return (lambda: a.t() @ b), 'a.t() @ b'
        if spec.get('tb'):
            return (lambda: a @ b.t()), 'a @ b.t()'
        return (lambda: a @ b), note
    if kind == 'add':
        a, b = t(spec['size']), t(spec['size'])
        if spec.get('out'):
            c = torch.empty_like(a)
            return (lambda: torch.add(a, b, out=c)), 'torch.add(a, b, out=c)'
        return (lambda: torch.add(a, b)), note
    if kind == 'unary':
        a = t(spec['size'])
        fn = getattr(torch, spec['fn'])
        return (lambda: fn(a)), note
    if kind == 'sum':
        a = t(spec['size'])
        return (lambda: a.sum()), note
    if kind == 'conv2d':
        x, w, bias = t(32, 3, 32, 32), t(32, 3, 3, 3), t(32)
        return (lambda: F.conv2d(x, w, bias, padding=1)), note
    if kind == 'tiny':
        a, b = t(4), t(4)
        return (lambda: torch.add(a, b)), note
    if kind == 'mlp':
        model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256),
                                    torch.nn.ReLU(), torch.nn.Linear(256, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x = t(128, 784)
        y = torch.from_numpy(rng.integers(0, 10, 128)).long()

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

        return step, 'nn.Sequential(Linear, ReLU, ...), F.cross_entropy, optim.SGD(lr=0.01)'
    if kind == 'cnn':
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(32 * 7 * 7, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x = t(64, 1, 28, 28)
        y = torch.from_numpy(rng.integers(0, 10, 64)).long()

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

        return step, 'nn.Conv2d/MaxPool2d/Linear, F.cross_entropy, optim.SGD(lr=0.01)'
    raise Skip(f'unknown workload kind {kind}')


class Skip(Exception):
    pass


def warm_up(fn, warm):
    """Calls fn until `warm` seconds have passed (at least twice, once for calls over half a second); returns the last call's time."""
    start = time.perf_counter()
    count = 0
    times = []
    while True:
        t0 = time.perf_counter()
        fn()
        t = time.perf_counter() - t0
        times.append(t)
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= warm and (count >= 2 or t > 0.5):
            break
        if count >= 100000:
            break
    tail = sorted(times[-5:])
    return tail[len(tail) // 2]


def run(fn, inner, samples):
    out = []
    perf = time.perf_counter
    for _ in range(samples):
        t0 = perf()
        for _ in range(inner):
            fn()
        out.append((perf() - t0) / inner)
    return out


def main():
    current = None
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        op = req['op']
        try:
            if op == 'hello':
                send({'ok': True, 'info': hello()})
            elif op == 'setup':
                current = None
                make = make_numpy if LIB == 'numpy' else make_torch
                try:
                    fn, note = make(req['spec'])
                except Skip as s:
                    send({'ok': True, 'skip': str(s)})
                    continue
                est = warm_up(fn, req.get('warm', 0.25))
                current = fn
                send({'ok': True, 'estimate': est, 'note': note})
            elif op == 'run':
                send({'ok': True, 'times': run(current, req['inner'], req['samples'])})
            elif op == 'teardown':
                current = None
                send({'ok': True})
            elif op == 'quit':
                send({'ok': True})
                return
            else:
                send({'ok': False, 'error': f'unknown op {op}'})
        except Exception as e:  # report, keep serving
            send({'ok': False, 'error': f'{type(e).__name__}: {e}', 'trace': traceback.format_exc()[-2000:]})


if __name__ == '__main__':
    main()
