/**
 * The NumPy face's dtype functions (np.promoteTypes, np.resultType, np.canCast). They take dtype
 * names or aliases as NumPy does, and refuse 'bfloat16', which NumPy does not have (it is a dtype
 * of the tensor face only).
 */
import {
  type DType, type DTypeLike, canCastSafely, promoteTypes as promote, resultType as result, toNumpyDType,
} from '../core/dtype.js';

/** np.promote_types(a, b). */
export function promoteTypes(a: DTypeLike, b: DTypeLike): DType {
  return promote(toNumpyDType(a), toNumpyDType(b));
}

/** np.result_type over dtypes. */
export function resultType(...dtypes: DTypeLike[]): DType {
  return result(...dtypes.map(toNumpyDType));
}

/** np.can_cast(from, to) with 'safe' casting. */
export function canCast(from: DTypeLike, to: DTypeLike): boolean {
  return canCastSafely(toNumpyDType(from), toNumpyDType(to));
}
