/** Python's spelling of the size arguments the conv and pooling modules print as given. */
import { pyFloat } from '../layers/repr.js';

/** An int, None, or a tuple of them, as Python prints it: `2`, `None`, `(3,)`, `(3, None)`. */
export function pyGiven(v: number | null | undefined | readonly (number | null)[], show: (x: number) => string = String): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return show(v);
  const items = v.map((x) => (x === null ? 'None' : show(x)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** Floats as Python prints them: `2.0`, `(2.0, 1.5)`. */
export function pyGivenFloat(v: number | null | undefined | readonly (number | null)[]): string {
  return pyGiven(v, pyFloat);
}

/** A size argument as a tuple of `n` ints, as PyTorch's _single/_pair store them. */
export function ntuple(v: number | readonly number[], n: number): number[] {
  return typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
}
