/**
 * The worker side of the suite's protocol, for the JavaScript peers (bench/peers/kiln.ts,
 * bench/peers/tfjs.ts); bench/peers/python_peer.py speaks the same one. One JSON request per line
 * on stdin; each answer one line on stdout starting with PREFIX (anything else on stdout, such as
 * a library's banner, is ignored by the orchestrator).
 */
import { createInterface } from 'node:readline';
import type { WorkloadSpec } from './workloads.js';

export const PREFIX = '@@kiln-bench ';

/** A prepared workload: the function to time, an optional note (which API it used), and cleanup. */
export interface Prepared {
  fn: () => void;
  note?: string;
  dispose?: () => void;
}

/** Thrown by a peer's prepare() when it does not run a workload (the message says why). */
export class Skip extends Error {}

export interface PeerImpl {
  hello(): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Builds the inputs (untimed) for one workload at the given thread count. */
  prepare(spec: WorkloadSpec, threads: number): Promise<Prepared> | Prepared;
}

function send(obj: unknown): void {
  process.stdout.write(PREFIX + JSON.stringify(obj) + '\n');
}

const now = (): number => performance.now() / 1e3;

/** Calls fn until `warm` seconds have passed (at least twice; once for calls over half a second); returns a typical call's time. */
function warmUp(fn: () => void, warm: number): number {
  const start = now();
  const times: number[] = [];
  for (;;) {
    const t0 = now();
    fn();
    const t = now() - t0;
    times.push(t);
    if ((now() - start >= warm && (times.length >= 2 || t > 0.5)) || times.length >= 1e6) break;
  }
  const tail = times.slice(-5).sort((a, b) => a - b);
  return tail[tail.length >> 1]!;
}

function run(fn: () => void, inner: number, samples: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    out.push((performance.now() - t0) / 1e3 / inner);
  }
  return out;
}

export async function serve(impl: PeerImpl): Promise<void> {
  let current: Prepared | null = null;
  const drop = (): void => {
    current?.dispose?.();
    current = null;
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as { op: string; spec?: WorkloadSpec; threads?: number; warm?: number; inner?: number; samples?: number };
    try {
      switch (req.op) {
        case 'hello':
          send({ ok: true, info: await impl.hello() });
          break;
        case 'setup': {
          drop();
          let prepared: Prepared;
          try {
            prepared = await impl.prepare(req.spec!, req.threads ?? 1);
          } catch (e) {
            if (e instanceof Skip) {
              send({ ok: true, skip: e.message });
              break;
            }
            throw e;
          }
          let estimate: number;
          try {
            estimate = warmUp(prepared.fn, req.warm ?? 0.25);
          } catch (e) {
            prepared.dispose?.();
            throw e;
          }
          current = prepared;
          send({ ok: true, estimate, note: prepared.note ?? null });
          break;
        }
        case 'run':
          if (!current) throw new Error('run before setup');
          send({ ok: true, times: run(current.fn, req.inner ?? 1, req.samples ?? 1) });
          break;
        case 'teardown':
          drop();
          send({ ok: true });
          break;
        case 'quit':
          drop();
          send({ ok: true });
          process.exit(0);
        default:
          send({ ok: false, error: `unknown op ${req.op}` });
      }
    } catch (e) {
      const err = e as Error;
      send({ ok: false, error: `${err.name}: ${err.message}`, trace: String(err.stack ?? '').slice(0, 2000) });
    }
  }
}
