/** Python's spelling of values, as PyTorch's module printouts (extraRepr) show them. */

/** repr(float): `1.0`, `0.1`, `1e-05`, `inf`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  // Python switches to exponent notation below 1e-4 and from 1e16, with at least two digits
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** A number PyTorch stores as given (an int stays an int): `1`, `0.5`. */
export function pyNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : pyFloat(x);
}

export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** A tuple of ints: `(8,)`, `(2, 3)`. */
export function pyTuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

export function pyOptional(x: number | null | undefined, show: (v: number) => string = pyFloat): string {
  return x === null || x === undefined ? 'None' : show(x);
}
