/**
 * The general (nonsymmetric) real eigenvalue kernel: balancing, Householder reduction to
 * Hessenberg form, the Francis double-shift QR algorithm to real Schur form, and eigenvectors by
 * back-substitution (EISPACK's balanc, orthes and hqr2, by way of JAMA). Eigenvectors are then
 * normalized as LAPACK's geev leaves them: unit 2-norm, and for complex ones the component of
 * largest modulus made real.
 *
 * Results are split into real and imaginary parts; eig.ts builds real arrays from them when every
 * eigenvalue is real and complex arrays otherwise.
 */

export interface GeneralEigen {
  /** Eigenvalues: real parts and imaginary parts. A complex pair comes as (+im, -im), adjacent. */
  readonly wr: Float64Array;
  readonly wi: Float64Array;
  /** Eigenvectors as the columns of n x n row-major matrices (real and imaginary parts); null if not asked for. */
  readonly vr: Float64Array | null;
  readonly vi: Float64Array | null;
}

const EPS = 2 ** -52;

/** Eigen-decomposes the n x n row-major `a` (not modified); null when QR did not converge. */
export function generalEigen(a: Float64Array, n: number, wantVectors: boolean): GeneralEigen | null {
  const h = a.slice();
  const scale = balance(h, n);
  const v = hessenberg(h, n);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  if (!schur(h, v, wr, wi, n)) return null;
  if (!wantVectors) return { wr, wi, vr: null, vi: null };
  backSubstitute(h, v, wr, wi, n);
  // Undo the balancing (x = D y), then normalize.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v[i * n + j]! *= scale[i]!;
  const vi = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    if (wi[j] === 0) normalizeReal(v, n, j);
    else if (wi[j]! > 0) {
      normalizeComplexPair(v, n, j);
      // Column j + 1 holds the imaginary part of this vector; its conjugate belongs to w[j + 1].
      for (let i = 0; i < n; i++) {
        vi[i * n + j] = v[i * n + j + 1]!;
        vi[i * n + j + 1] = -v[i * n + j + 1]!;
        v[i * n + j + 1] = v[i * n + j]!;
      }
    }
  }
  return { wr, wi, vr: v, vi };
}

/**
 * Scales rows and columns by powers of two (exact) so that their norms are comparable, as
 * LAPACK's gebal does (without its permutation step). Returns the scale factors D; the matrix
 * becomes D^-1 A D, with the same eigenvalues.
 */
function balance(h: Float64Array, n: number): Float64Array {
  const scale = new Float64Array(n).fill(1);
  const RADIX = 2;
  let noconv = true;
  while (noconv) {
    noconv = false;
    for (let i = 0; i < n; i++) {
      let c = 0;
      let r = 0;
      for (let j = 0; j < n; j++) {
        c += h[j * n + i]! ** 2;
        r += h[i * n + j]! ** 2;
      }
      c = Math.sqrt(c);
      r = Math.sqrt(r);
      if (c === 0 || r === 0 || !Number.isFinite(c + r)) continue;
      const s = c + r;
      let f = 1;
      let g = r / RADIX;
      while (c < g && f < 2 ** 500) {
        f *= RADIX;
        c *= RADIX;
        r /= RADIX;
        g /= RADIX;
      }
      g = c / RADIX;
      while (g >= r && f > 2 ** -500) {
        f /= RADIX;
        c /= RADIX;
        g /= RADIX;
        r *= RADIX;
      }
      if (c + r >= 0.95 * s) continue;
      scale[i]! *= f;
      noconv = true;
      for (let j = 0; j < n; j++) h[i * n + j]! /= f;
      for (let j = 0; j < n; j++) h[j * n + i]! *= f;
    }
  }
  return scale;
}

/** Reduces h to upper Hessenberg form in place (orthes); returns the orthogonal transform V. */
function hessenberg(H: Float64Array, n: number): Float64Array {
  const ort = new Float64Array(n);
  const high = n - 1;
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(H[i * n + m - 1]!);
    if (scale === 0) continue;
    let h = 0;
    for (let i = high; i >= m; i--) {
      ort[i] = H[i * n + m - 1]! / scale;
      h += ort[i]! * ort[i]!;
    }
    let g = Math.sqrt(h);
    if (ort[m]! > 0) g = -g;
    h -= ort[m]! * g;
    ort[m]! -= g;
    // H = (I - u u^T / h) H (I - u u^T / h)
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = high; i >= m; i--) f += ort[i]! * H[i * n + j]!;
      f /= h;
      for (let i = m; i <= high; i++) H[i * n + j]! -= f * ort[i]!;
    }
    for (let i = 0; i <= high; i++) {
      let f = 0;
      for (let j = high; j >= m; j--) f += ort[j]! * H[i * n + j]!;
      f /= h;
      for (let j = m; j <= high; j++) H[i * n + j]! -= f * ort[j]!;
    }
    ort[m] = scale * ort[m]!;
    H[m * n + m - 1] = scale * g;
  }
  // Accumulate the transformations.
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let m = high - 1; m >= 1; m--) {
    if (H[m * n + m - 1] === 0) continue;
    for (let i = m + 1; i <= high; i++) ort[i] = H[i * n + m - 1]!;
    for (let j = m; j <= high; j++) {
      let g = 0;
      for (let i = m; i <= high; i++) g += ort[i]! * V[i * n + j]!;
      // double division avoids possible underflow
      g = g / ort[m]! / H[m * n + m - 1]!;
      for (let i = m; i <= high; i++) V[i * n + j]! += g * ort[i]!;
    }
  }
  return V;
}

/**
 * The Francis double-shift QR iteration (first half of hqr2): H becomes quasi-triangular (real
 * Schur form), V accumulates the transforms, (wr, wi) get the eigenvalues. False if it did not
 * converge.
 */
function schur(H: Float64Array, V: Float64Array, d: Float64Array, e: Float64Array, nn: number): boolean {
  let n = nn - 1;
  const low = 0;
  const high = nn - 1;
  let exshift = 0;
  let p = 0, q = 0, r = 0, s = 0, z = 0, w = 0, x = 0, y = 0;
  let norm = 0;
  for (let i = 0; i < nn; i++) {
    for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i * nn + j]!);
  }
  let iter = 0;
  let total = 0;
  const maxTotal = 30 * Math.max(10, nn);
  while (n >= low) {
    // Look for a single small subdiagonal element.
    let l = n;
    while (l > low) {
      s = Math.abs(H[(l - 1) * nn + l - 1]!) + Math.abs(H[l * nn + l]!);
      if (s === 0) s = norm;
      if (Math.abs(H[l * nn + l - 1]!) < EPS * s) break;
      l--;
    }
    if (l === n) {
      // one root found
      H[n * nn + n]! += exshift;
      d[n] = H[n * nn + n]!;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // two roots found
      w = H[n * nn + n - 1]! * H[(n - 1) * nn + n]!;
      p = (H[(n - 1) * nn + n - 1]! - H[n * nn + n]!) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      H[n * nn + n]! += exshift;
      H[(n - 1) * nn + n - 1]! += exshift;
      x = H[n * nn + n]!;
      if (q >= 0) {
        // a real pair: rotate the 2 x 2 block to upper triangular
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = d[n - 1]!;
        if (z !== 0) d[n] = x - w / z;
        e[n - 1] = 0;
        e[n] = 0;
        x = H[n * nn + n - 1]!;
        s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        for (let j = n - 1; j < nn; j++) {
          z = H[(n - 1) * nn + j]!;
          H[(n - 1) * nn + j] = q * z + p * H[n * nn + j]!;
          H[n * nn + j] = q * H[n * nn + j]! - p * z;
        }
        for (let i = 0; i <= n; i++) {
          z = H[i * nn + n - 1]!;
          H[i * nn + n - 1] = q * z + p * H[i * nn + n]!;
          H[i * nn + n] = q * H[i * nn + n]! - p * z;
        }
        for (let i = low; i <= high; i++) {
          z = V[i * nn + n - 1]!;
          V[i * nn + n - 1] = q * z + p * V[i * nn + n]!;
          V[i * nn + n] = q * V[i * nn + n]! - p * z;
        }
      } else {
        // a complex pair
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      if (++total > maxTotal) return false;
      // Form the shift.
      x = H[n * nn + n]!;
      y = 0;
      w = 0;
      if (l < n) {
        y = H[(n - 1) * nn + n - 1]!;
        w = H[n * nn + n - 1]! * H[(n - 1) * nn + n]!;
      }
      // Wilkinson's original ad hoc shift
      if (iter === 10) {
        exshift += x;
        for (let i = low; i <= n; i++) H[i * nn + i]! -= x;
        s = Math.abs(H[n * nn + n - 1]!) + Math.abs(H[(n - 1) * nn + n - 2]!);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      // MATLAB's ad hoc shift
      if (iter === 30) {
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = low; i <= n; i++) H[i * nn + i]! -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      // Look for two consecutive small subdiagonal elements.
      let m = n - 2;
      while (m >= l) {
        z = H[m * nn + m]!;
        r = x - z;
        s = y - z;
        p = (r * s - w) / H[(m + 1) * nn + m]! + H[m * nn + m + 1]!;
        q = H[(m + 1) * nn + m + 1]! - z - r - s;
        r = H[(m + 2) * nn + m + 1]!;
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (
          Math.abs(H[m * nn + m - 1]!) * (Math.abs(q) + Math.abs(r)) <
          EPS * (Math.abs(p) * (Math.abs(H[(m - 1) * nn + m - 1]!) + Math.abs(z) + Math.abs(H[(m + 1) * nn + m + 1]!)))
        ) {
          break;
        }
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        H[i * nn + i - 2] = 0;
        if (i > m + 2) H[i * nn + i - 3] = 0;
      }
      // Double QR step on rows l..n and columns m..n.
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = H[k * nn + k - 1]!;
          q = H[(k + 1) * nn + k - 1]!;
          r = notlast ? H[(k + 2) * nn + k - 1]! : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) H[k * nn + k - 1] = -s * x;
        else if (l !== m) H[k * nn + k - 1] = -H[k * nn + k - 1]!;
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        // row modification
        for (let j = k; j < nn; j++) {
          p = H[k * nn + j]! + q * H[(k + 1) * nn + j]!;
          if (notlast) {
            p += r * H[(k + 2) * nn + j]!;
            H[(k + 2) * nn + j]! -= p * z;
          }
          H[k * nn + j]! -= p * x;
          H[(k + 1) * nn + j]! -= p * y;
        }
        // column modification
        for (let i = 0; i <= Math.min(n, k + 3); i++) {
          p = x * H[i * nn + k]! + y * H[i * nn + k + 1]!;
          if (notlast) {
            p += z * H[i * nn + k + 2]!;
            H[i * nn + k + 2]! -= p * r;
          }
          H[i * nn + k]! -= p;
          H[i * nn + k + 1]! -= p * q;
        }
        // accumulate transformations
        for (let i = low; i <= high; i++) {
          p = x * V[i * nn + k]! + y * V[i * nn + k + 1]!;
          if (notlast) {
            p += z * V[i * nn + k + 2]!;
            V[i * nn + k + 2]! -= p * r;
          }
          V[i * nn + k]! -= p;
          V[i * nn + k + 1]! -= p * q;
        }
      }
    }
  }
  return true;
}

/** Complex division (xr + i xi) / (yr + i yi), scaled against overflow. */
function cdiv(xr: number, xi: number, yr: number, yi: number): [number, number] {
  if (Math.abs(yr) > Math.abs(yi)) {
    const r = yi / yr;
    const d = yr + r * yi;
    return [(xr + r * xi) / d, (xi - r * xr) / d];
  }
  const r = yr / yi;
  const d = yi + r * yr;
  return [(r * xr + xi) / d, (r * xi - xr) / d];
}

/**
 * Eigenvectors of the quasi-triangular H by back-substitution (second half of hqr2), then mapped
 * back to the original basis: V gets them as columns (a complex pair as real, imaginary columns).
 */
function backSubstitute(H: Float64Array, V: Float64Array, d: Float64Array, e: Float64Array, nn: number): void {
  let norm = 0;
  for (let i = 0; i < nn; i++) {
    for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i * nn + j]!);
  }
  if (norm === 0) return;
  let p = 0, q = 0, r = 0, s = 0, t = 0, w = 0, x = 0, y = 0, z = 0;
  for (let n = nn - 1; n >= 0; n--) {
    p = d[n]!;
    q = e[n]!;
    if (q === 0) {
      // a real vector
      let l = n;
      H[n * nn + n] = 1;
      for (let i = n - 1; i >= 0; i--) {
        w = H[i * nn + i]! - p;
        r = 0;
        for (let j = l; j <= n; j++) r += H[i * nn + j]! * H[j * nn + n]!;
        if (e[i]! < 0) {
          z = w;
          s = r;
        } else {
          l = i;
          if (e[i] === 0) {
            H[i * nn + n] = w !== 0 ? -r / w : -r / (EPS * norm);
          } else {
            // solve the real 2 x 2 system
            x = H[i * nn + i + 1]!;
            y = H[(i + 1) * nn + i]!;
            q = (d[i]! - p) * (d[i]! - p) + e[i]! * e[i]!;
            t = (x * s - z * r) / q;
            H[i * nn + n] = t;
            H[(i + 1) * nn + n] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
          }
          // overflow control
          t = Math.abs(H[i * nn + n]!);
          if (EPS * t * t > 1) {
            for (let j = i; j <= n; j++) H[j * nn + n]! /= t;
          }
        }
      }
    } else if (q < 0) {
      // a complex vector (real part in column n - 1, imaginary in column n)
      let l = n - 1;
      // the last component is chosen imaginary so that the eigenvector matrix is triangular
      if (Math.abs(H[n * nn + n - 1]!) > Math.abs(H[(n - 1) * nn + n]!)) {
        H[(n - 1) * nn + n - 1] = q / H[n * nn + n - 1]!;
        H[(n - 1) * nn + n] = -(H[n * nn + n]! - p) / H[n * nn + n - 1]!;
      } else {
        [H[(n - 1) * nn + n - 1], H[(n - 1) * nn + n]] = cdiv(0, -H[(n - 1) * nn + n]!, H[(n - 1) * nn + n - 1]! - p, q);
      }
      H[n * nn + n - 1] = 0;
      H[n * nn + n] = 1;
      for (let i = n - 2; i >= 0; i--) {
        let ra = 0;
        let sa = 0;
        for (let j = l; j <= n; j++) {
          ra += H[i * nn + j]! * H[j * nn + n - 1]!;
          sa += H[i * nn + j]! * H[j * nn + n]!;
        }
        w = H[i * nn + i]! - p;
        if (e[i]! < 0) {
          z = w;
          r = ra;
          s = sa;
        } else {
          l = i;
          if (e[i] === 0) {
            [H[i * nn + n - 1], H[i * nn + n]] = cdiv(-ra, -sa, w, q);
          } else {
            // solve the complex 2 x 2 system
            x = H[i * nn + i + 1]!;
            y = H[(i + 1) * nn + i]!;
            let vr = (d[i]! - p) * (d[i]! - p) + e[i]! * e[i]! - q * q;
            const vi = (d[i]! - p) * 2 * q;
            if (vr === 0 && vi === 0) {
              vr = EPS * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
            }
            [H[i * nn + n - 1], H[i * nn + n]] = cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
            if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
              H[(i + 1) * nn + n - 1] = (-ra - w * H[i * nn + n - 1]! + q * H[i * nn + n]!) / x;
              H[(i + 1) * nn + n] = (-sa - w * H[i * nn + n]! - q * H[i * nn + n - 1]!) / x;
            } else {
              [H[(i + 1) * nn + n - 1], H[(i + 1) * nn + n]] = cdiv(
                -r - y * H[i * nn + n - 1]!, -s - y * H[i * nn + n]!, z, q,
              );
            }
          }
          // overflow control
          t = Math.max(Math.abs(H[i * nn + n - 1]!), Math.abs(H[i * nn + n]!));
          if (EPS * t * t > 1) {
            for (let j = i; j <= n; j++) {
              H[j * nn + n - 1]! /= t;
              H[j * nn + n]! /= t;
            }
          }
        }
      }
    }
  }
  // Back transformation: V = V * (upper triangle of H).
  const col = new Float64Array(nn);
  for (let j = nn - 1; j >= 0; j--) {
    for (let i = 0; i < nn; i++) {
      let sum = 0;
      for (let k = 0; k <= j; k++) sum += V[i * nn + k]! * H[k * nn + j]!;
      col[i] = sum;
    }
    for (let i = 0; i < nn; i++) V[i * nn + j] = col[i]!;
  }
}

/** Scales column j to unit 2-norm. */
function normalizeReal(v: Float64Array, n: number, j: number): void {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i * n + j]! ** 2;
  const nrm = Math.sqrt(sum);
  if (nrm > 0) for (let i = 0; i < n; i++) v[i * n + j]! /= nrm;
}

/**
 * Normalizes the complex vector (column j) + i (column j + 1) as LAPACK's geev: unit 2-norm, then
 * rotated so that its component of largest modulus is real (keeping that component's sign).
 */
function normalizeComplexPair(v: Float64Array, n: number, j: number): void {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i * n + j]! ** 2 + v[i * n + j + 1]! ** 2;
  const nrm = Math.sqrt(sum);
  if (nrm === 0) return;
  let k = 0;
  let best = -1;
  for (let i = 0; i < n; i++) {
    v[i * n + j]! /= nrm;
    v[i * n + j + 1]! /= nrm;
    const mod = v[i * n + j]! ** 2 + v[i * n + j + 1]! ** 2;
    if (mod > best) {
      best = mod;
      k = i;
    }
  }
  // multiply by conj(f)/|f| (a rotation of re, im parts) where f = v_k, sign kept as LAPACK's lartg
  const f = v[k * n + j]!;
  const g = v[k * n + j + 1]!;
  const rr = Math.hypot(f, g) * (f < 0 ? -1 : 1);
  const c = f / rr;
  const s = g / rr;
  for (let i = 0; i < n; i++) {
    const re = v[i * n + j]!;
    const im = v[i * n + j + 1]!;
    v[i * n + j] = c * re + s * im;
    v[i * n + j + 1] = c * im - s * re;
  }
  v[k * n + j + 1] = 0;
}
