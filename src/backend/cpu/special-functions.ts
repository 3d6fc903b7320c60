/** Special functions the elementwise table needs beyond Math: erf, erfc and GELU. */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) to about 1 ulp: for |x| <= 3 the series exp(-x²) Σ 2ⁿ x^(2n+1) / (2n+1)!! (all terms
 * positive, so nothing cancels); beyond, 1 - erfc(x) with erfc's continued fraction.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  if (ax <= 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  return Math.sign(x) * (1 - erfcLarge(ax));
}

/**
 * erfc(x) = 1 - erf(x), without the cancellation for large x: the continued fraction beyond 3,
 * 1 - erf(x) up to it (erfc(3) = 2e-5, so at most ~5 digits of a double are lost), and
 * 2 - erfc(-x) for negative x.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 0) return 2 - erfc(-x);
  if (x > 28) return 0; // below the smallest subnormal (and the fraction fails at infinity)
  return x > 3 ? erfcLarge(x) : 1 - erf(x);
}

/**
 * GELU, x * Phi(x) = x/2 * erfc(-x/sqrt2) (the erf form, PyTorch's default). Through erfc, the
 * result keeps its relative accuracy for negative x, where x/2 * (1 + erf(x/sqrt2)) cancels.
 */
export function gelu(x: number): number {
  return 0.5 * x * erfc(-x * Math.SQRT1_2);
}

const SQRT_8_OVER_PI = Math.sqrt(8 / Math.PI);

/**
 * GELU's tanh approximation, x/2 * (1 + tanh(u)) with u = sqrt(2/pi) (x + 0.044715 x^3), written
 * x / (1 + e^(-2u)) so negative x does not cancel.
 */
export function geluTanh(x: number): number {
  return x / (1 + Math.exp(-SQRT_8_OVER_PI * (x + 0.044715 * x * x * x)));
}

/** erfc(x) for x > 3 by the continued fraction x + 1/2 / (x + 1 / (x + 3/2 / (x + ...))) (modified Lentz). */
function erfcLarge(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}
