/**
 * PyTorch's dtype rules, which differ from NumPy's: floats default to float32, an integer tensor
 * with a float tensor takes the float tensor's dtype (int64 + float16 is float16), and Python
 * scalars and 0-d tensors only raise the result's category, never its size within a category.
 */
import { type DType, dtypeInfo, promoteTypes } from '../core/dtype.js';

let defaultFloat: DType = 'float32';

/** torch.get_default_dtype(). */
export function getDefaultDtype(): DType {
  return defaultFloat;
}

/** torch.set_default_dtype(float32 | float64). */
export function setDefaultDtype(dtype: DType): void {
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'float16') {
    throw new TypeError(`only floating-point types are supported as the default type, got ${dtype}`);
  }
  defaultFloat = dtype;
}

/** 0 bool, 1 integer, 2 floating point, 3 complex: PyTorch's promotion categories. */
export function category(d: DType): number {
  const k = dtypeInfo(d).kind;
  return k === 'b' ? 0 : k === 'f' ? 2 : k === 'c' ? 3 : 1;
}

/**
 * torch.promote_types: the higher category wins, except that a complex type meeting a float
 * keeps the wider of the two precisions (complex64 with float64 is complex128).
 */
export function torchPromoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a);
  const cb = category(b);
  if (ca !== cb && !(ca + cb === 5)) return ca > cb ? a : b;
  return promoteTypes(a, b);
}

/** The complex type whose parts are a float type (PyTorch's toComplexType; half types give complex64). */
const complexOf = (d: DType): DType => (d === 'float64' ? 'complex128' : 'complex64');

/** An operand as torch.result_type sees it: a dimensioned tensor, a 0-d tensor, or a JS scalar. */
export type Operand = { dtype: DType; ndim: number } | number | boolean;

function scalarDtype(x: number | boolean): DType {
  if (typeof x === 'boolean') return 'bool';
  return Number.isInteger(x) ? 'int64' : getDefaultDtype();
}

/**
 * torch.result_type: dimensioned tensors decide within their category; a 0-d tensor decides only
 * when it is of a higher category; a JS scalar of a higher category gives that category's default.
 */
export function torchResultType(operands: readonly Operand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  for (const o of operands) {
    if (typeof o === 'number' || typeof o === 'boolean') {
      const d = scalarDtype(o);
      wrapped = wrapped === undefined ? d : torchPromoteTypes(wrapped, d);
    } else if (o.ndim === 0) {
      zero = zero === undefined ? o.dtype : torchPromoteTypes(zero, o.dtype);
    } else {
      dim = dim === undefined ? o.dtype : torchPromoteTypes(dim, o.dtype);
    }
  }
  let result = dim;
  for (const next of [zero, wrapped]) {
    if (next === undefined) continue;
    if (result === undefined) result = next;
    else if (category(next) > category(result)) {
      // a float result meeting a complex 0-d tensor keeps its precision (combine_categories)
      if (category(next) === 3 && category(result) === 2) result = complexOf(result);
      else result = next === wrapped && category(next) === 2 ? getDefaultDtype() : next;
      if (next === wrapped && category(next) === 1) result = 'int64';
    }
  }
  return result ?? getDefaultDtype();
}

export const isFloatingPoint = (d: DType): boolean => category(d) === 2;

/**
 * torchResultType of two operands (a Tensor-like: a tensor or a JS scalar), answering the common
 * cases (one dtype; a float tensor with a scalar; an integer tensor with an integer) without
 * building an operand list.
 */
export function resultType2(a: { dtype: DType; ndim: number } | number | boolean, b: { dtype: DType; ndim: number } | number | boolean): DType {
  if (typeof a === 'object') {
    if (typeof b === 'object') {
      if (a.dtype === b.dtype) return a.dtype;
    } else if (typeof b === 'number') {
      const c = category(a.dtype);
      if (c === 2 || (c === 1 && Number.isInteger(b))) return a.dtype;
    }
  } else if (typeof b === 'object' && typeof a === 'number') {
    const c = category(b.dtype);
    if (c === 2 || (c === 1 && Number.isInteger(a))) return b.dtype;
  }
  return torchResultType([a, b]);
}
