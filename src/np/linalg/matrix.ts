/** Small dense-matrix helpers over row-major Float64Arrays, shared by the linalg kernels. */

/** The transpose of an m x n matrix (n x m). */
export function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
}

/** The n x n identity. */
export function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

/** The 2-norm of x[start], x[start + stride], ... (count values), scaled against overflow. */
export function norm2(x: Float64Array, start: number, count: number, stride = 1): number {
  let scale = 0;
  for (let i = 0; i < count; i++) scale = Math.max(scale, Math.abs(x[start + i * stride]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const v = x[start + i * stride]! / scale;
    sum += v * v;
  }
  return scale * Math.sqrt(sum);
}

/** Whether every value is finite (no NaN, no infinity). */
export function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}
