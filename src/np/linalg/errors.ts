import { ValueError } from '../../core/errors.js';

/**
 * NumPy's `numpy.linalg.LinAlgError`: a matrix the requested algorithm cannot handle (singular,
 * not positive definite, no convergence). Like NumPy's, it is a ValueError.
 */
export class LinAlgError extends ValueError {
  override name = 'LinAlgError';
}
