/**
 * Progress display for long loops, like tqdm:
 *
 *   const bar = data.progress(loader, {desc: 'epoch 1'});
 *   for (const [x, y] of bar) { ...; bar.setPostfix({loss}); }
 *
 * On a terminal it keeps one line up to date: a bar, the count, the elapsed time and the time
 * left, the speed, and the postfix values (the loss). When the stream is not a terminal (CI, a
 * pipe, a log file) it writes plain lines instead, at every tenth of the total and at least every
 * `interval` seconds, so logs stay short and readable.
 */
import { Tensor } from '../tensor/tensor.js';

/** Where the display goes: process.stderr by default; anything with write() (and isTTY) works. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** The expected number of steps (default: the iterable's length, when it has one). */
  total?: number;
  /** A label before the count. */
  desc?: string;
  /** What a step is called in the speed (default 'it': `12.5it/s`). */
  unit?: string;
  /** Where to write (default process.stderr). */
  stream?: ProgressStream;
  /** Without a terminal: the most seconds between two plain lines (default 10). */
  interval?: number;
  /** On a terminal: the fewest seconds between two redraws (default 0.1). */
  minInterval?: number;
  /** Show nothing. */
  disable?: boolean;
}

/** What one line shows. */
export interface ProgressState {
  n: number;
  total: number | undefined;
  /** Seconds since the start. */
  elapsed: number;
  desc?: string;
  unit?: string;
  postfix?: Readonly<Record<string, string>>;
}

const BLOCKS = ' ▏▎▍▌▋▊▉█';

export class ProgressBar<T = unknown> implements Iterable<T> {
  /** Steps done so far. */
  n = 0;
  total: number | undefined;
  desc: string | undefined;
  private readonly iterable: Iterable<T> | null;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly unit: string;
  private readonly interval: number;
  private readonly minInterval: number;
  private readonly disabled: boolean;
  private readonly start = performance.now();
  private postfix: Record<string, string> = {};
  private lastWrite: number;
  private lastLineN = -1;
  private lastTenth = 0;
  private closed = false;

  constructor(iterable?: Iterable<T> | null, options: ProgressOptions = {}) {
    this.iterable = iterable ?? null;
    const length = (iterable as { length?: unknown } | null | undefined)?.length;
    this.total = options.total ?? (typeof length === 'number' ? length : undefined);
    if (this.total !== undefined && !(this.total >= 0)) throw new RangeError(`progress: total must be a non-negative number, got ${this.total}`);
    this.desc = options.desc;
    this.unit = options.unit ?? 'it';
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
    this.interval = options.interval ?? 10;
    this.minInterval = options.minInterval ?? 0.1;
    this.disabled = options.disable ?? false;
    this.lastWrite = this.start;
    if (this.tty && !this.disabled) this.redraw();
  }

  /** Seconds since the bar was made. */
  get elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** Records `n` more steps done (default 1) and refreshes the display when it is due. */
  update(n = 1): void {
    if (this.closed) return;
    this.n += n;
    if (this.disabled) return;
    const now = performance.now();
    if (this.tty) {
      if ((now - this.lastWrite) / 1000 >= this.minInterval || this.n === this.total) this.redraw();
      return;
    }
    const tenth = this.total ? Math.floor((this.n * 10) / this.total) : 0;
    if (tenth > this.lastTenth || (now - this.lastWrite) / 1000 >= this.interval) {
      this.lastTenth = Math.max(this.lastTenth, tenth);
      this.writeLine();
    }
  }

  /** Values shown after the speed (`loss=0.4321`); numbers and one-element tensors are rounded to 4 digits. */
  setPostfix(values: Readonly<Record<string, number | string | boolean | Tensor>>): void {
    this.postfix = {};
    for (const [k, v] of Object.entries(values)) this.postfix[k] = formatValue(v);
  }

  setDescription(desc: string): void {
    this.desc = desc;
  }

  /** The line as it would be shown now (with a bar `barWidth` wide, or none). */
  format(barWidth: number | null = null): string {
    return formatProgress(this.state(), barWidth);
  }

  /** Shows the final state and ends the line; later updates are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.disabled) return;
    if (this.tty) {
      this.redraw();
      this.stream.write('\n');
    } else if (this.lastLineN !== this.n) {
      this.writeLine();
    }
  }

  /** Iterates the wrapped iterable, counting a step per item; closes when the loop ends or breaks. */
  *[Symbol.iterator](): Iterator<T> {
    if (!this.iterable) throw new TypeError('progress: this bar wraps no iterable; call update() instead');
    try {
      for (const item of this.iterable) {
        yield item;
        this.update(1);
      }
    } finally {
      this.close();
    }
  }

  private state(): ProgressState {
    return { n: this.n, total: this.total, elapsed: this.elapsed, desc: this.desc, unit: this.unit, postfix: this.postfix };
  }

  private redraw(): void {
    const columns = this.stream.columns || 80;
    const bare = formatProgress(this.state(), 0);
    // The bar takes the room the text leaves, so the line never wraps (which would break the \r).
    const room = columns - 1 - bare.length;
    const line = this.total ? formatProgress(this.state(), room >= 10 ? Math.min(room, 40) : null) : bare;
    this.stream.write(`\r${line}\x1b[K`);
    this.lastWrite = performance.now();
  }

  private writeLine(): void {
    this.stream.write(`${formatProgress(this.state(), null)}\n`);
    this.lastWrite = performance.now();
    this.lastLineN = this.n;
  }
}

/** Wraps an iterable in a ProgressBar: `for (const batch of progress(loader, {desc}))`. */
export function progress<T>(iterable: Iterable<T>, options: ProgressOptions = {}): ProgressBar<T> {
  return new ProgressBar(iterable, options);
}

/**
 * One progress line: `desc: 45%|████▌     | 45/100 [00:02<00:03, 18.20it/s, loss=0.1234]` with a
 * bar of `barWidth` cells, or `desc: 45/100 (45%) [00:02<00:03, 18.20it/s, loss=0.1234]` without.
 */
export function formatProgress(s: ProgressState, barWidth: number | null = null): string {
  const unit = s.unit ?? 'it';
  const rate = s.elapsed > 0 ? s.n / s.elapsed : 0;
  const speed = rate === 0 ? `?${unit}/s` : rate >= 1 ? `${rate.toFixed(2)}${unit}/s` : `${(1 / rate).toFixed(2)}s/${unit}`;
  const total = s.total;
  const left = total !== undefined && rate > 0 ? formatTime(Math.max(0, total - s.n) / rate) : '?';
  const times = total !== undefined ? `${formatTime(s.elapsed)}<${left}` : formatTime(s.elapsed);
  const extras = Object.entries(s.postfix ?? {}).map(([k, v]) => `, ${k}=${v}`).join('');
  const tail = `[${times}, ${speed}${extras}]`;
  const head = s.desc ? `${s.desc}: ` : '';
  if (total === undefined) return `${head}${s.n}${unit} ${tail}`;
  const fraction = total > 0 ? Math.min(1, s.n / total) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  if (barWidth === null) return `${head}${s.n}/${total} (${percent.trim()}) ${tail}`;
  return `${head}${percent}|${bar(fraction, barWidth)}| ${s.n}/${total} ${tail}`;
}

/** A bar `width` cells wide, filled to `fraction` in eighths of a cell. */
function bar(fraction: number, width: number): string {
  const eighths = Math.floor(fraction * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  const filled = '█'.repeat(full) + (full < width && partial > 0 ? BLOCKS[partial] : '');
  return filled.padEnd(width, ' ');
}

/** mm:ss, or h:mm:ss past an hour. */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function formatValue(v: number | string | boolean | Tensor): string {
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new Error(`progress: a postfix tensor must have one element, got shape [${v.shape.join(', ')}]`);
    return formatValue(v.item());
  }
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  return String(v);
}
