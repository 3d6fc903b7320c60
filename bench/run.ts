/**
 * kiln's benchmark suite (`npm run bench`; docs/benchmarks.md): kiln and its peers (NumPy,
 * PyTorch, TensorFlow.js wasm and cpu) measured in the same run, each in its own process,
 * interleaved round by round so that the machine's noise falls on all of them alike; one table
 * of medians and ratios on stdout, the same as JSON in bench/results/latest.json.
 *
 * Options: --quick (fewer sizes and repetitions), --only matmul,add (groups, ids or id
 * prefixes), --peers kiln,numpy,... , --budget <seconds per cell>, --json <path>, --verbose.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGflops, formatRatio, formatSpread, formatTime, markdownTable } from './lib/format.js';
import { type Stats, stats } from './lib/stats.js';
import { PeerWorker, type Reply } from './lib/worker.js';
import { type Workload, selectWorkloads, workloads } from './lib/workloads.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = ['kiln', 'numpy', 'torch', 'tfjs-wasm', 'tfjs-cpu'] as const;
type PeerName = (typeof PEERS)[number];

// ---- options ------------------------------------------------------------------------------------

interface Options {
  quick: boolean;
  only: string[] | null;
  peers: PeerName[];
  /** Seconds of timed calls per peer per workload (spread over the rounds). */
  budget: number;
  json: string;
  verbose: boolean;
  peak: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    quick: false, only: null, peers: [...PEERS], budget: NaN, json: join(ROOT, 'bench/results/latest.json'), verbose: false,
    peak: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [key, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value`);
      return v;
    };
    const list = (): string[] => value().split(',').map((s) => s.trim()).filter(Boolean);
    switch (key) {
      case '--quick': opts.quick = true; break;
      case '--only': opts.only = list(); break;
      case '--peers': {
        const ps = list();
        const bad = ps.filter((p) => !(PEERS as readonly string[]).includes(p));
        if (bad.length) throw new Error(`unknown peer(s) ${bad.join(', ')}; known: ${PEERS.join(', ')}`);
        if (!ps.includes('kiln')) ps.unshift('kiln');
        opts.peers = PEERS.filter((p) => ps.includes(p));
        break;
      }
      case '--budget': opts.budget = Number(value()); break;
      case '--json': opts.json = value(); break;
      case '--verbose': opts.verbose = true; break;
      case '--no-peak': opts.peak = false; break;
      case '--help':
      case '-h':
        process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]! + '*/\n');
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default: throw new Error(`unknown option ${arg} (try --help)`);
    }
  }
  if (Number.isNaN(opts.budget)) opts.budget = opts.quick ? 0.25 : 0.6;
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
/** How each cell is measured. */
const plan = {
  warm: opts.quick ? 0.1 : 0.25,
  rounds: opts.quick ? 4 : 8,
  minSamples: opts.quick ? 3 : 5,
  /** Fewest samples for calls slower than half a second, and for those slower than 1.5 s. */
  minSamplesSlow: 3,
  minSamplesVerySlow: 2,
  maxSamples: opts.quick ? 20 : 60,
  /** Each sample lasts at least this long (many calls of a tiny op, one of a big one). */
  minSampleTime: opts.quick ? 0.002 : 0.005,
  /** Skip a peer on a workload when one call would take longer than this. */
  maxCall: opts.quick ? 1.5 : 3,
  /** Pause when switching peers on multi-threaded workloads (spinning BLAS/OpenMP threads go idle). */
  settle: 0.15,
  /** A peer whose setup (inputs, warm-up) takes longer is killed and restarted, its cell marked too slow. */
  setupTimeout: 10,
};

const log = (s: string): void => void process.stderr.write(s + '\n');
const sleep = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1e3));

// ---- finding the peers --------------------------------------------------------------------------

interface Candidate {
  python: string;
  version: string;
}

/** The environment a Python peer runs in: threads fixed, OpenBLAS's forced-kernel variables removed for NumPy. */
function pythonEnv(lib: 'numpy' | 'torch', threads: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (lib === 'numpy') {
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
  }
  for (const k of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) env[k] = String(threads);
  env.PYTHONUNBUFFERED = '1';
  return env;
}

function findPython(lib: 'numpy' | 'torch', override: string | undefined): { found: Candidate | null; tried: string[] } {
  const candidates = [...new Set([override, 'python3', '/usr/bin/python3', 'python'].filter((c): c is string => !!c))];
  const tried: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', `import ${lib}; print(${lib}.__version__)`], {
      env: pythonEnv(lib, 1), encoding: 'utf8', timeout: 120_000,
    });
    if (r.status === 0) return { found: { python, version: r.stdout.trim() }, tried };
    tried.push(`${python}: ${(r.error?.message ?? r.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 120)}`);
  }
  return { found: null, tried };
}

/** The single-thread FMA peak from bench/fma-peak.c (best of three), or null without a C compiler. */
function fmaPeak(): { gflops: number; isa: string; lines: string[] } | null {
  const src = join(ROOT, 'bench/fma-peak.c');
  if (!existsSync(src)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'kiln-bench-'));
  try {
    const exe = join(dir, 'fma-peak');
    const cc = spawnSync(process.env.CC ?? 'cc', ['-O2', '-o', exe, src], { encoding: 'utf8' });
    if (cc.status !== 0) return null;
    let best: { gflops: number; isa: string; lines: string[] } | null = null;
    for (let i = 0; i < 3; i++) {
      const out = execFileSync(exe, { encoding: 'utf8' });
      const lines = out.trim().split('\n');
      const m = /^(.*) float32 FMA peak: ([\d.]+)/.exec(lines[0] ?? '');
      if (m && (!best || Number(m[2]) > best.gflops)) best = { gflops: Number(m[2]), isa: m[1]!, lines };
    }
    return best;
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- workers ------------------------------------------------------------------------------------

interface PeerState {
  name: PeerName;
  /** Why this peer has no numbers at all (not installed, failed to start). */
  unavailable: string | null;
  info: Record<string, unknown> | null;
  /** One process per thread count for the Python peers (threads are fixed at start); one in all for the JS peers. */
  workers: Map<number, PeerWorker | Error>;
  /** A peer's last median per scaling family, to predict (and skip) calls that would be too slow. */
  lastBySize: Map<string, { size: number; median: number }>;
}

const python = {
  numpy: opts.peers.includes('numpy') ? findPython('numpy', process.env.KILN_BENCH_PYTHON) : null,
  torch: opts.peers.includes('torch') ? findPython('torch', process.env.KILN_BENCH_TORCH_PYTHON) : null,
};

const nodeArgs = (script: string, ...rest: string[]): string[] => ['--import', 'tsx', join(ROOT, script), ...rest];

/** Node's environment for the JS peers, without the kiln-source condition (kiln must be measured from dist/). */
function nodeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (env.NODE_OPTIONS) env.NODE_OPTIONS = env.NODE_OPTIONS.replace(/--conditions[= ]kiln-source/g, '').trim();
  return env;
}

function startWorker(peer: PeerName, threads: number): PeerWorker {
  const common = { cwd: ROOT, verbose: opts.verbose };
  const name = `${peer}@${threads}t`;
  switch (peer) {
    case 'kiln':
      return new PeerWorker(name, process.execPath, nodeArgs('bench/peers/kiln.ts'), { ...common, env: nodeEnv() });
    case 'tfjs-wasm':
    case 'tfjs-cpu':
      return new PeerWorker(name, process.execPath, nodeArgs('bench/peers/tfjs.ts', peer.slice(5)), { ...common, env: nodeEnv() });
    case 'numpy':
    case 'torch': {
      const py = python[peer]!.found!;
      return new PeerWorker(name, py.python, [join(ROOT, 'bench/peers/python_peer.py'), peer, String(threads)], {
        ...common, env: pythonEnv(peer, threads),
      });
    }
  }
}

const isPython = (p: PeerName): boolean => p === 'numpy' || p === 'torch';

async function workerFor(state: PeerState, threads: number): Promise<PeerWorker> {
  const key = isPython(state.name) ? threads : 0;
  let w = state.workers.get(key);
  if (w instanceof PeerWorker && !w.alive) w = undefined; // killed after a call ran too long: start afresh
  if (!w) {
    const worker = startWorker(state.name, threads);
    try {
      const hello = await worker.request({ op: 'hello' }, 180);
      if (!hello.ok) throw new Error(hello.error);
      if (!state.info) state.info = { ...hello.info };
      else if (hello.info) state.info[`at${threads}threads`] = hello.info;
      w = worker;
    } catch (e) {
      worker.kill();
      w = e as Error;
    }
    state.workers.set(key, w);
  }
  if (w instanceof Error) throw w;
  return w;
}

// ---- measuring ----------------------------------------------------------------------------------

type CellStatus = 'ok' | 'skipped' | 'error' | 'unavailable';

interface Cell {
  status: CellStatus;
  reason?: string;
  note?: string;
  stats?: Stats;
  /** Calls per sample. */
  inner?: number;
  gflops?: number;
  samples?: number[];
  /** One call only (the warm-up), too slow to repeat within the budget. */
  cold?: boolean;
}

interface Row {
  workload: Workload;
  cells: Partial<Record<PeerName, Cell>>;
  /** Wall time the row took, setup and warm-up included. */
  seconds: number;
}

async function measure(w: Workload, states: PeerState[]): Promise<Row> {
  const row: Row = { workload: w, cells: {}, seconds: 0 };
  const t0 = performance.now();
  try {
    await measureInto(row, w, states);
  } finally {
    row.seconds = (performance.now() - t0) / 1e3;
  }
  return row;
}

async function measureInto(row: Row, w: Workload, states: PeerState[]): Promise<void> {
  const active: { state: PeerState; worker: PeerWorker; inner: number; rounds: number; perRound: number; times: number[]; note?: string }[] = [];
  for (const state of states) {
    if (state.unavailable) {
      row.cells[state.name] = { status: 'unavailable', reason: state.unavailable };
      continue;
    }
    // Predict from the previous size of the same family; skip calls that would take too long.
    if (w.family) {
      const last = state.lastBySize.get(w.family.key);
      if (last) {
        const predicted = last.median * (w.family.size / last.size) ** w.family.exponent;
        if (predicted > plan.maxCall) {
          row.cells[state.name] = { status: 'skipped', reason: `too slow: ~${formatTime(predicted)} per call (predicted from n=${last.size})` };
          continue;
        }
      }
    }
    let worker: PeerWorker;
    try {
      worker = await workerFor(state, w.threads);
    } catch (e) {
      row.cells[state.name] = { status: 'unavailable', reason: (e as Error).message.split('\n')[0]! };
      continue;
    }
    let reply: Reply;
    try {
      reply = await worker.request({ op: 'setup', spec: w.spec, threads: w.threads, warm: plan.warm }, plan.setupTimeout);
    } catch (e) {
      const msg = (e as Error).message;
      row.cells[state.name] = /no answer to setup/.test(msg)
        ? { status: 'skipped', reason: `too slow: no call finished within ${plan.setupTimeout} s (process restarted)` }
        : { status: 'error', reason: msg.split('\n').slice(0, 3).join(' ') };
      continue;
    }
    if (!reply.ok) {
      row.cells[state.name] = { status: 'error', reason: reply.error ?? 'setup failed' };
      if (opts.verbose && reply.trace) log(reply.trace);
      continue;
    }
    if (reply.skip) {
      row.cells[state.name] = { status: 'skipped', reason: reply.skip };
      continue;
    }
    const est = reply.estimate!;
    if (est > plan.maxCall) {
      // Too slow to repeat: report the warm-up call itself, marked as one cold call.
      const cell: Cell = { status: 'ok', stats: stats([est]), inner: 1, samples: [est], cold: true };
      if (reply.note) cell.note = reply.note;
      if (w.flops) cell.gflops = w.flops / est / 1e9;
      row.cells[state.name] = cell;
      if (w.family) state.lastBySize.set(w.family.key, { size: w.family.size, median: est });
      await worker.request({ op: 'teardown' }, 60).catch(() => undefined);
      continue;
    }
    const inner = Math.max(1, Math.ceil(plan.minSampleTime / Math.max(est, 1e-9)));
    const minS = est > 1.5 ? plan.minSamplesVerySlow : est > 0.5 ? plan.minSamplesSlow : plan.minSamples;
    const total = Math.min(plan.maxSamples, Math.max(minS, Math.round(opts.budget / (est * inner))));
    const rounds = Math.min(plan.rounds, total);
    active.push({ state, worker, inner, rounds, perRound: Math.ceil(total / rounds), times: [], ...(reply.note ? { note: reply.note } : {}) });
  }
  // Interleave: every round runs each peer once, starting with a different peer each time.
  const rounds = Math.max(0, ...active.map((a) => a.rounds));
  const failed = new Map<PeerName, string>();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < active.length; k++) {
      const a = active[(k + r) % active.length]!;
      if (r >= a.rounds || failed.has(a.state.name)) continue;
      if (w.threads > 1 && active.length > 1) await sleep(plan.settle);
      try {
        const timeout = 120 + a.perRound * a.inner * (a.times.length ? stats(a.times).median : 1) * 10;
        const res = await a.worker.request({ op: 'run', inner: a.inner, samples: a.perRound }, timeout);
        if (!res.ok) throw new Error(res.error ?? 'run failed');
        a.times.push(...res.times!);
      } catch (e) {
        failed.set(a.state.name, (e as Error).message.split('\n')[0]!);
      }
    }
  }
  for (const a of active) {
    await a.worker.request({ op: 'teardown' }, 60).catch(() => undefined);
    const bad = failed.get(a.state.name);
    if (bad || a.times.length === 0) {
      row.cells[a.state.name] = { status: 'error', reason: bad ?? 'no samples' };
      continue;
    }
    const s = stats(a.times);
    const cell: Cell = { status: 'ok', stats: s, inner: a.inner, samples: a.times };
    if (a.note) cell.note = a.note;
    if (w.flops) cell.gflops = w.flops / s.median / 1e9;
    row.cells[a.state.name] = cell;
    if (w.family) a.state.lastBySize.set(w.family.key, { size: w.family.size, median: s.median });
  }
}

// ---- report -------------------------------------------------------------------------------------

const speedup = (row: Row, peer: PeerName): number | null => {
  const k = row.cells.kiln;
  const p = row.cells[peer];
  return k?.status === 'ok' && p?.status === 'ok' ? p.stats!.median / k.stats!.median : null;
};

function cellText(row: Row, peer: PeerName): string {
  const c = row.cells[peer];
  if (!c) return '';
  if (c.status !== 'ok') {
    if (c.status === 'unavailable') return '—';
    if (c.reason?.startsWith('n/a') || (row.workload.threads > 1 && peer.startsWith('tfjs'))) return 'n/a';
    if (c.reason?.startsWith('too slow')) return 'too slow';
    return c.status === 'error' ? 'error' : 'skipped';
  }
  const s = c.stats!;
  const main = c.gflops !== undefined && row.workload.spec.kind === 'matmul' ? formatGflops(c.gflops) : formatTime(s.median);
  return c.cold ? `${main} (1 call)` : `${main} ${formatSpread(s.median, s.p25, s.p75)}`;
}

interface Target {
  target: string;
  value: string;
  met: boolean | null;
}

function targets(rows: Row[], peak: { gflops: number } | null): Target[] {
  const byId = new Map(rows.map((r) => [r.workload.id, r]));
  const out: Target[] = [];
  const ratio = (id: string, peer: PeerName, min: number, label: string): void => {
    const row = byId.get(id);
    if (!row) return;
    const s = speedup(row, peer);
    out.push({ target: `${label}: ≥ ${min}× ${peer}`, value: s === null ? 'not measured' : `${s.toFixed(2)}×`, met: s === null ? null : s >= min });
  };
  ratio('matmul-1024-1t', 'numpy', 1.1, 'matmul 1024, 1 thread');
  ratio('matmul-1024-2t', 'numpy', 1.0, 'matmul 1024, 2 threads');
  const m1 = byId.get('matmul-1024-1t')?.cells.kiln;
  if (m1) {
    const frac = peak && m1.status === 'ok' ? m1.gflops! / peak.gflops : null;
    out.push({
      target: 'matmul 1024, 1 thread: ≥ 85% of FMA peak',
      value: frac === null ? (peak ? 'not measured' : 'no peak (no C compiler?)') : `${(frac * 100).toFixed(0)}% of ${peak!.gflops.toFixed(0)} GF/s`,
      met: frac === null ? null : frac >= 0.85,
    });
  }
  for (const [id, label] of [['matmul-tn-1024', 'Aᵀ·B'], ['matmul-nt-1024', 'A·Bᵀ']] as const) {
    const t = byId.get(id)?.cells.kiln;
    const base = byId.get('matmul-1024-1t')?.cells.kiln;
    if (!t || !base) continue;
    const r = t.status === 'ok' && base.status === 'ok' ? t.stats!.median / base.stats!.median : null;
    out.push({ target: `${label} 1024: within 10% of A·B (kiln, 1 thread)`, value: r === null ? 'not measured' : `${r.toFixed(2)}× A·B's time`, met: r === null ? null : r <= 1.1 });
  }
  ratio('add-1e7', 'numpy', 1.0, 'add 1e7 fresh');
  ratio('add-1e7-out', 'numpy', 0.9, 'add 1e7 out=');
  ratio('exp-1e6', 'numpy', 0.8, 'exp 1e6');
  ratio('sum-1e7', 'torch', 1.0, 'sum 1e7');
  ratio('conv2d', 'torch', 1.0, 'conv2d forward');
  for (const id of ['mlp-step', 'cnn-step']) {
    const label = id === 'mlp-step' ? 'MLP step' : 'CNN step';
    ratio(id, 'torch', 1.0, label);
    // "TensorFlow.js": its faster backend on this workload.
    const row = byId.get(id);
    if (row) {
      const best = (['tfjs-wasm', 'tfjs-cpu'] as const)
        .map((p) => ({ p, s: speedup(row, p) }))
        .filter((x): x is { p: 'tfjs-wasm' | 'tfjs-cpu'; s: number } => x.s !== null)
        .sort((a, b) => a.s - b.s)[0];
      out.push({
        target: `${label}: ≥ 20× TensorFlow.js (its faster backend${best ? `, ${best.p}` : ''})`,
        value: best ? `${best.s.toFixed(1)}×` : 'not measured',
        met: best ? best.s >= 20 : null,
      });
    }
  }
  const tiny = byId.get('tiny-add')?.cells.kiln;
  if (tiny) {
    const t = tiny.status === 'ok' ? tiny.stats!.median : null;
    out.push({ target: 'tiny op (add of two 4-element tensors): ≤ 1 µs', value: t === null ? 'not measured' : formatTime(t), met: t === null ? null : t <= 1e-6 });
  }
  return out;
}

function describePeers(states: PeerState[], peak: ReturnType<typeof fmaPeak>): string[] {
  const lines: string[] = [];
  for (const s of states) {
    const i = s.info as Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (s.unavailable || !i) {
      lines.push(`- ${s.name}: ${s.unavailable ?? 'did not start'}`);
      continue;
    }
    switch (s.name) {
      case 'kiln': {
        const kernels = Array.isArray(i.backends) ? i.backends.map((b: { device: string; kernels: string }) => `${b.device}: ${b.kernels}`).join(', ') : 'kiln.backends() absent';
        lines.push(`- kiln ${i.version} from ${relative(ROOT, fileURLToPath(String(i.resolved)))} (${kernels}; default threads ${i.defaultThreads ?? '?'}; setNumThreads ${i.setNumThreads ? 'present' : 'absent'}), Node ${i.node}`);
        break;
      }
      case 'numpy': {
        const blas = i.blas as Record<string, unknown> | undefined;
        lines.push(`- numpy ${i.version} (${i.python}; ${String(blas?.summary ?? '?')} via ${String(blas?.source ?? '?')}; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset)`);
        break;
      }
      case 'torch':
        lines.push(`- torch ${i.version} (${i.python}; CPU capability ${i.capability ?? '?'}; mkldnn ${i.mkldnn}; BLAS ${i.blas?.summary ?? '?'})`);
        break;
      default:
        lines.push(`- ${s.name}: @tensorflow/tfjs-core ${i.version}, backend ${i.backend}${i.simd !== null ? `, wasm SIMD ${i.simd}, multithread ${i.multithread}` : ''}`);
    }
  }
  if (peak) lines.push(`- FMA peak (bench/fma-peak.c, one thread, best of 3): ${peak.lines.join('; ')}`);
  return lines;
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const selected = selectWorkloads(workloads(opts.quick), opts.only);
  if (selected.length === 0) throw new Error(`--only ${opts.only?.join(',')} matches no workload`);
  const started = new Date();
  const load0 = loadavg();
  const t0 = performance.now();

  const states: PeerState[] = opts.peers.map((name) => ({ name, unavailable: null, info: null, workers: new Map(), lastBySize: new Map() }));
  for (const s of states) {
    if (s.name === 'numpy' || s.name === 'torch') {
      const found = python[s.name]!;
      if (!found.found) s.unavailable = `no Python here can import ${s.name} (tried ${found.tried.join('; ')})`;
    }
  }
  const notes: string[] = [];
  for (const s of states) if (s.unavailable) notes.push(`${s.name} skipped: ${s.unavailable}`);

  const peak = opts.peak && selected.some((w) => w.spec.kind === 'matmul') ? fmaPeak() : null;
  // Start every peer up front (in parallel: imports take seconds), so startup costs no workload anything.
  await Promise.all(states.filter((s) => !s.unavailable).map(async (s) => {
    try {
      await workerFor(s, 1);
    } catch (e) {
      s.unavailable = `failed to start: ${(e as Error).message.split('\n').slice(0, 4).join(' ')}`;
      notes.push(`${s.name} ${s.unavailable}`);
    }
  }));
  const kilnState = states.find((s) => s.name === 'kiln')!;
  if (kilnState.unavailable) {
    log(`kiln itself ${kilnState.unavailable}: the table will have no kiln numbers (was dist/ built?)`);
    process.exitCode = 1;
  }
  log(`kiln bench: ${selected.length} workloads × ${states.filter((s) => !s.unavailable).map((s) => s.name).join(', ')}${opts.quick ? ' (quick)' : ''}`);

  const rows: Row[] = [];
  for (const w of selected) {
    const row = await measure(w, states);
    rows.push(row);
    log(`  [${row.seconds.toFixed(1)} s] ${w.label} (${w.threads}t): ${states.map((s) => `${s.name} ${cellText(row, s.name)}`).join(', ')}`);
  }
  await Promise.all(states.flatMap((s) => [...s.workers.values()].map((w) => (w instanceof PeerWorker ? w.quit() : undefined))));

  // The table.
  const shown = states.map((s) => s.name);
  const others = shown.filter((p) => p !== 'kiln');
  const header = ['workload', 'thr', ...shown, ...others.map((p) => `kiln/${p}`)];
  const body = rows.map((r) => [
    r.workload.label, String(r.workload.threads), ...shown.map((p) => cellText(r, p)), ...others.map((p) => formatRatio(speedup(r, p))),
  ]);
  const table = markdownTable(header, body);

  // Notes: which API each peer used, and why cells are empty.
  const apiNotes = new Map<string, string[]>();
  for (const r of rows) {
    for (const p of shown) {
      const c = r.cells[p];
      if (!c) continue;
      if (c.note) {
        const key = `${p}: ${c.note}`;
        apiNotes.set(key, [...(apiNotes.get(key) ?? []), r.workload.label]);
      }
      if (c.cold) notes.push(`${p}, ${r.workload.label} (${r.workload.threads}t): one call only (the first, cold), slower than ${plan.maxCall} s`);
      if (c.status !== 'ok' && c.status !== 'unavailable') {
        if (r.workload.threads > 1 && p.startsWith('tfjs')) continue;
        notes.push(`${p}, ${r.workload.label} (${r.workload.threads}t): ${c.status === 'error' ? 'ERROR ' : ''}${c.reason}`);
      }
    }
  }
  if (rows.some((r) => r.workload.threads > 1)) notes.push('tfjs-wasm and tfjs-cpu run on one thread in Node: n/a on 2-thread rows');
  const usage = [...apiNotes].map(([k, ids]) => `${k} [${ids.join(', ')}]`);

  const tgt = targets(rows, peak);
  const load1 = loadavg();
  const elapsed = (performance.now() - t0) / 1e3;
  const machine = `${cpus()[0]?.model ?? '?'} × ${cpus().length}, load average ${load0.map((x) => x.toFixed(1)).join('/')} at start, ${load1.map((x) => x.toFixed(1)).join('/')} at end`;

  const out: string[] = [];
  out.push(`# kiln benchmarks, ${started.toISOString()}${opts.quick ? ' (--quick)' : ''}`);
  out.push('');
  out.push(`Machine: ${machine}. Run took ${elapsed.toFixed(0)} s.`);
  out.push(...describePeers(states, peak));
  out.push('');
  out.push('Medians over repeated calls after warm-up, interleaved across peers; ±x% is half the interquartile range (p25–p75) relative to the median.');
  out.push('matmul cells are GFLOP/s (2n³ per call); other cells are time per call. kiln/peer = peer time ÷ kiln time.');
  out.push('');
  out.push(table);
  out.push('');
  if (tgt.length) {
    out.push('Targets (issue 5):');
    for (const t of tgt) out.push(`- [${t.met === null ? ' ' : t.met ? 'x' : ' '}] ${t.target} — ${t.value}${t.met === false ? ' (not met)' : t.met === null ? '' : ' (met)'}`);
    out.push('');
  }
  if (usage.length) {
    out.push('What each peer ran (where it is not the obvious call):');
    for (const u of usage) out.push(`- ${u}`);
    out.push('');
  }
  const torchInfo = states.find((s) => s.name === 'torch')?.info as { blas?: { reference?: boolean } } | null | undefined;
  if (torchInfo?.blas?.reference) {
    notes.unshift('torch runs on the netlib reference BLAS here (its libblas.so.3 alternative), so its matmul and Linear layers (and any convolution path that falls back to im2col + BLAS) run far below the usual PyTorch speed: kiln/torch ratios on those rows flatter kiln. Installing libopenblas0-pthread gives torch an optimized BLAS.');
  }
  if (notes.length) {
    out.push('Skipped, missing or caveats:');
    for (const n of notes) out.push(`- ${n}`);
    out.push('');
  }
  process.stdout.write(out.join('\n'));

  const json = {
    date: started.toISOString(),
    options: { quick: opts.quick, only: opts.only, peers: opts.peers, budget: opts.budget, plan },
    machine: { cpu: cpus()[0]?.model ?? null, cores: cpus().length, loadavgStart: load0, loadavgEnd: load1 },
    seconds: elapsed,
    peers: Object.fromEntries(states.map((s) => [s.name, s.unavailable ? { unavailable: s.unavailable } : s.info])),
    fmaPeak: peak,
    rows: rows.map((r) => ({
      id: r.workload.id,
      label: r.workload.label,
      threads: r.workload.threads,
      flops: r.workload.flops ?? null,
      seconds: Number(r.seconds.toFixed(2)),
      cells: Object.fromEntries(Object.entries(r.cells).map(([p, c]) => [p, {
        status: c.status,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.note ? { note: c.note } : {}),
        ...(c.stats ? { median: c.stats.median, p25: c.stats.p25, p75: c.stats.p75, min: c.stats.min, max: c.stats.max, n: c.stats.n, callsPerSample: c.inner } : {}),
        ...(c.gflops !== undefined ? { gflops: c.gflops } : {}),
        ...(c.cold ? { cold: true } : {}),
        ...(c.samples ? { samples: c.samples.map((x) => Number(x.toPrecision(4))) } : {}),
      }])),
      speedup: Object.fromEntries(others.map((p) => [p, speedup(r, p)])),
    })),
    targets: tgt,
    notes: [...usage, ...notes],
    table,
  };
  mkdirSync(dirname(opts.json), { recursive: true });
  writeFileSync(opts.json, JSON.stringify(json, null, 2) + '\n');
  log(`wrote ${relative(process.cwd(), opts.json) || opts.json}`);
}

main().catch((e) => {
  log(`bench failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
