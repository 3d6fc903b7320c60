/**
 * np.linalg: `import { np } from 'kiln'; np.linalg.inv(a)`. Decompositions are kiln's own, in
 * float64 over Float64Arrays (see the kernels: lu, householder, jacobi-svd, symmetric-eigen,
 * general-eigen); float32 input gives float32 results, integer and bool input float64.
 */
export { LinAlgError } from './errors.js';
export { inv, solve } from './solve.js';
export { det, slogdet } from './det.js';
export { cholesky, type CholeskyOptions } from './cholesky.js';
export { qr, type QRMode, type QROptions } from './qr.js';
export { svd, type SVDOptions } from './svd.js';
export { eig, eigvals } from './eig.js';
export { eigh, eigvalsh, type EighOptions } from './eigh.js';
export { lstsq, pinv, type LstsqOptions, type PinvOptions } from './lstsq.js';
export { norm, type NormOrder, type NormOptions } from './norm.js';
export { matrixRank, type MatrixRankOptions } from './rank.js';
export { matrixPower } from './power.js';
