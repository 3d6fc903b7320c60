/**
 * Error types with the names NumPy and PyTorch users know. Messages follow NumPy's wording where
 * NumPy has one, so a message can be searched for and recognised.
 */

/** A value of the right type but an unacceptable value (NumPy's ValueError). */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** An index outside an axis (NumPy's IndexError). */
export class IndexError extends Error {
  override name = 'IndexError';
}

/** An axis argument outside the array's dimensions (NumPy's AxisError). */
export class AxisError extends ValueError {
  override name = 'AxisError';
}

/** An argument of the wrong kind (Python's TypeError; JS's own TypeError is reused). */
export class KilnTypeError extends TypeError {
  override name = 'TypeError';
}

/** A value that does not fit the requested integer type (Python's OverflowError). */
export class OverflowError extends Error {
  override name = 'OverflowError';
}

/** Formats a shape as NumPy prints it in messages: (2,3), (4,), (). */
export function shapeString(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(',')})`;
}

/** Division of an integer by zero where Python raises (np.split into 0 sections). */
export class ZeroDivisionError extends Error {
  override name = 'ZeroDivisionError';
}

/** An operation or mode that exists in NumPy/PyTorch but not (yet) in kiln (Python's NotImplementedError). */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}
