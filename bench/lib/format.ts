/** Number and table formatting for the suite's report. */

const sig3 = (x: number): string => {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
};

/** Seconds in ns/µs/ms/s with three significant digits. */
export function formatTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 1e-6) return `${sig3(s * 1e9)} ns`;
  if (s < 1e-3) return `${sig3(s * 1e6)} µs`;
  if (s < 1) return `${sig3(s * 1e3)} ms`;
  return `${sig3(s)} s`;
}

export function formatGflops(g: number): string {
  return `${sig3(g)} GF/s`;
}

/** Half the interquartile range, relative to the median, as ±x%. */
export function formatSpread(median: number, p25: number, p75: number): string {
  const r = ((p75 - p25) / 2 / median) * 100;
  if (!Number.isFinite(r)) return '';
  return `±${r < 1 ? r.toFixed(1) : r.toFixed(0)}%`;
}

/** speedup = peer time / kiln time: "1.23× faster" or "2.50× slower". */
export function formatRatio(speedup: number | null): string {
  if (speedup === null || !Number.isFinite(speedup) || speedup <= 0) return '—';
  return speedup >= 1 ? `${sig3(speedup)}× faster` : `${sig3(1 / speedup)}× slower`;
}

/** A Markdown table with padded columns (right-aligned except the first). */
export function markdownTable(header: string[], rows: string[][]): string {
  const width = (s: string): number => [...s].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (s: string, i: number): string => {
    const fill = ' '.repeat(widths[i]! - width(s));
    return i === 0 ? s + fill : fill + s;
  };
  const line = (cells: string[]): string => `| ${cells.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
