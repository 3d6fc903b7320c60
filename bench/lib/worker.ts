/** The orchestrator's handle on one peer process: line-JSON requests, answers prefixed by PREFIX. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const PREFIX = '@@kiln-bench ';

export interface Reply {
  ok: boolean;
  error?: string;
  trace?: string;
  skip?: string;
  estimate?: number;
  note?: string | null;
  times?: number[];
  info?: Record<string, unknown>;
}

export class PeerWorker {
  private readonly proc: ChildProcess;
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  private readonly stderrTail: string[] = [];
  private exited: string | null = null;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; verbose: boolean },
  ) {
    this.proc = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      if (line.startsWith(PREFIX)) {
        const w = this.waiting.shift();
        if (!w) return;
        clearTimeout(w.timer);
        try {
          w.resolve(JSON.parse(line.slice(PREFIX.length)) as Reply);
        } catch (e) {
          w.reject(e as Error);
        }
      } else if (options.verbose) {
        process.stderr.write(`[${name}] ${line}\n`);
      }
    });
    createInterface({ input: this.proc.stderr! }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 30) this.stderrTail.shift();
      if (options.verbose) process.stderr.write(`[${name}!] ${line}\n`);
    });
    const fail = (why: string): void => {
      this.exited = why;
      for (const w of this.waiting.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error(`${name} ${why}${this.stderrTail.length ? ': ' + this.stderrTail.slice(-8).join('\n') : ''}`));
      }
    };
    this.proc.on('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    this.proc.on('error', (e) => fail(`failed to start (${e.message})`));
    this.proc.stdin!.on('error', () => {});
  }

  get alive(): boolean {
    return this.exited === null;
  }

  request(msg: Record<string, unknown>, timeoutS: number): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error(`${this.name} ${this.exited}: ${this.stderrTail.slice(-8).join('\n')}`));
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name}: no answer to ${String(msg.op)} within ${timeoutS} s`));
        this.kill();
      }, timeoutS * 1e3);
      this.waiting.push({ resolve, reject, timer });
      this.proc.stdin!.write(JSON.stringify(msg) + '\n');
    });
  }

  async quit(): Promise<void> {
    if (!this.alive) return;
    try {
      await this.request({ op: 'quit' }, 10);
    } catch {
      this.kill();
    }
  }

  kill(): void {
    if (this.alive && this.proc.pid !== undefined) this.proc.kill('SIGKILL');
  }
}
