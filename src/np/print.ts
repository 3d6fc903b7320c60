/** NumPy's print format for NDArray.toString and repr. (Stub: being written.) */
import type { NDArray } from './ndarray.js';

export interface FormatOptions {
  /** repr() form: `array([1, 2], dtype=int32)`. */
  repr?: boolean;
}

export function formatArray(a: NDArray, options: FormatOptions = {}): string {
  const body = JSON.stringify(a.tolist());
  return options.repr ? `array(${body}, dtype=${a.dtype})` : body;
}
