/** The suite's workloads (issue 5's list). Peers receive the `spec` part as JSON. */

export type WorkloadSpec =
  | { kind: 'matmul'; n: number; ta?: boolean; tb?: boolean }
  | { kind: 'add'; size: number; out: boolean }
  | { kind: 'unary'; fn: 'exp' | 'tanh'; size: number }
  | { kind: 'sum'; size: number }
  | { kind: 'conv2d' }
  | { kind: 'mlp' }
  | { kind: 'cnn' }
  | { kind: 'tiny' };

export interface Workload {
  /** Stable id, used by --only and in the JSON. */
  id: string;
  /** --only matches a group name, an id, or an id prefix. */
  group: string;
  /** As printed in the table. */
  label: string;
  threads: number;
  spec: WorkloadSpec;
  /** Floating-point operations per call, where GFLOP/s is the natural unit. */
  flops?: number;
  /** Scaling family: a peer's time at one size predicts the next (time ∝ size^exponent). */
  family?: { key: string; size: number; exponent: number };
}

const sizeLabel = (n: number): string => {
  const e = Math.log10(n);
  return Number.isInteger(e) && e >= 3 ? `1e${e}` : String(n);
};

export function workloads(quick: boolean): Workload[] {
  const list: Workload[] = [];
  const sizes = quick ? [256, 1024] : [128, 256, 512, 1024, 2048];
  for (const threads of [1, 2]) {
    for (const n of sizes) {
      if (quick && threads === 2 && n !== 1024) continue;
      list.push({
        id: `matmul-${n}-${threads}t`, group: 'matmul', label: `matmul ${n}`, threads,
        spec: { kind: 'matmul', n }, flops: 2 * n ** 3,
        family: { key: `matmul-${threads}t`, size: n, exponent: 3 },
      });
    }
  }
  list.push({
    id: 'matmul-tn-1024', group: 'matmul', label: 'matmul Aᵀ·B 1024', threads: 1,
    spec: { kind: 'matmul', n: 1024, ta: true }, flops: 2 * 1024 ** 3,
  });
  list.push({
    id: 'matmul-nt-1024', group: 'matmul', label: 'matmul A·Bᵀ 1024', threads: 1,
    spec: { kind: 'matmul', n: 1024, tb: true }, flops: 2 * 1024 ** 3,
  });
  for (const size of quick ? [1e7] : [1e6, 1e7]) {
    for (const out of [false, true]) {
      list.push({
        id: `add-${sizeLabel(size)}${out ? '-out' : ''}`, group: 'add',
        label: `add ${sizeLabel(size)}${out ? ' out=' : ' fresh'}`, threads: 1, spec: { kind: 'add', size, out },
      });
    }
  }
  list.push({ id: 'exp-1e6', group: 'exp', label: 'exp 1e6', threads: 1, spec: { kind: 'unary', fn: 'exp', size: 1e6 } });
  list.push({ id: 'tanh-1e6', group: 'tanh', label: 'tanh 1e6', threads: 1, spec: { kind: 'unary', fn: 'tanh', size: 1e6 } });
  list.push({ id: 'sum-1e7', group: 'sum', label: 'sum 1e7', threads: 1, spec: { kind: 'sum', size: 1e7 } });
  list.push({
    id: 'conv2d', group: 'conv2d', label: 'conv2d fwd 32x3x32x32→32', threads: 1, spec: { kind: 'conv2d' },
    flops: 2 * 32 * 32 * 32 * 32 * 3 * 9,
  });
  list.push({ id: 'mlp-step', group: 'mlp', label: 'MLP train step', threads: 1, spec: { kind: 'mlp' } });
  list.push({ id: 'cnn-step', group: 'cnn', label: 'CNN train step', threads: 1, spec: { kind: 'cnn' } });
  list.push({ id: 'tiny-add', group: 'tiny', label: 'tiny op (add 4)', threads: 1, spec: { kind: 'tiny' } });
  return list;
}

/** --only: a workload is kept when a token names its group or id, or prefixes its id. */
export function selectWorkloads(all: Workload[], only: string[] | null): Workload[] {
  if (!only || only.length === 0) return all;
  return all.filter((w) => only.some((t) => t === w.group || t === w.id || w.id.startsWith(t)));
}
