/** Reshaping rules shared by NDArray and Tensor: one inferred dimension, and views without copies. */
import { ValueError, shapeString } from './errors.js';
import { contiguousStrides, isContiguous, sizeOf } from './shape.js';

/** Resolves one -1 in a reshape target, with NumPy's messages. */
export function resolveReshape(size: number, shape: number[]): number[] {
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new ValueError('can only specify one unknown dimension');
  for (const d of shape) {
    if (!Number.isInteger(d)) throw new TypeError(`'${d}' cannot be interpreted as an integer`);
    if (d < -1) throw new ValueError('negative dimensions not allowed');
  }
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const fail = (): never => {
    throw new ValueError(`cannot reshape array of size ${size} into shape ${shapeString(shape)}`);
  };
  if (unknown === 1) {
    if (known === 0 || size % known !== 0) fail();
    return shape.map((d) => (d === -1 ? size / known : d));
  }
  if (known !== size) fail();
  return shape;
}

/** Strides for viewing (shape, strides) as newShape without copying, or null (NumPy's algorithm). */
export function reshapeStrides(shape: readonly number[], strides: readonly number[], newShape: number[]): number[] | null {
  if (sizeOf(shape) === 0 || isContiguous(shape, strides)) return contiguousStrides(newShape);
  const oldDims: number[] = [];
  const oldStrides: number[] = [];
  shape.forEach((d, i) => {
    if (d !== 1) {
      oldDims.push(d);
      oldStrides.push(strides[i]!);
    }
  });
  const out = new Array<number>(newShape.length).fill(0);
  let oi = 0;
  let oj = 1;
  let ni = 0;
  let nj = 1;
  while (ni < newShape.length && oi < oldDims.length) {
    let np = newShape[ni]!;
    let op = oldDims[oi]!;
    while (np !== op) {
      if (np < op) np *= newShape[nj++]!;
      else op *= oldDims[oj++]!;
    }
    for (let ok = oi; ok < oj - 1; ok++) {
      if (oldStrides[ok] !== oldDims[ok + 1]! * oldStrides[ok + 1]!) return null;
    }
    out[nj - 1] = oldStrides[oj - 1]!;
    for (let nk = nj - 1; nk > ni; nk--) out[nk - 1] = out[nk]! * newShape[nk]!;
    ni = nj++;
    oi = oj++;
  }
  // trailing ones in the new shape
  const last = ni >= 1 ? out[ni - 1]! : 1;
  for (let nk = ni; nk < newShape.length; nk++) out[nk] = last;
  return out;
}
