/**
 * CPU reductions over the trailing axes of a view. Each output element reduces one block; the
 * block is walked with an odometer over its (collapsed) axes. Integer sums and products are
 * accumulated in JS numbers and redone in BigInt when the result leaves the exact range, so
 * int64 results are exact without paying for BigInt in the common case.
 */
import { type DType, dtypeInfo, isBig } from '../../core/dtype.js';
import type { View } from '../../core/view.js';
import type { ReduceOp } from '../backend.js';
import { collapseAxes } from './elementwise.js';
import { ELEMENTWISE_HELPERS } from './helpers.js';

/** Visits every element offset of a block (shape/strides) starting at `base`. */
function forEachOffset(base: number, shape: number[], strides: number[], visit: (offset: number, k: number) => boolean | void): void {
  const nd = shape.length;
  let total = 1;
  for (const n of shape) total *= n;
  if (total === 0) return;
  const counter = new Array<number>(nd).fill(0);
  let off = base;
  for (let k = 0; k < total; k++) {
    if (visit(off, k) === false) return;
    for (let d = nd - 1; d >= 0; d--) {
      off += strides[d]!;
      if (++counter[d]! < shape[d]!) break;
      counter[d] = 0;
      off -= strides[d]! * shape[d]!;
    }
  }
}

type Reader = (a: ArrayLike<number | bigint>, i: number) => number;

function numberReader(dtype: DType): Reader {
  if (dtype === 'float16') return (a, i) => ELEMENTWISE_HELPERS.halfToNum(a[i] as number);
  if (isBig(dtype)) return (a, i) => Number(a[i]);
  return (a, i) => a[i] as number;
}

function storeNumber(outArr: { [i: number]: number | bigint }, dtype: DType, i: number, v: number): void {
  if (dtype === 'bool') outArr[i] = v !== 0 ? 1 : 0;
  else if (dtype === 'float16') outArr[i] = ELEMENTWISE_HELPERS.numToHalf(v);
  else if (isBig(dtype)) outArr[i] = ELEMENTWISE_HELPERS.numToBig(v);
  else outArr[i] = v;
}

export function reduceCpu(op: ReduceOp, x: View, reduceNdim: number, out: View): void {
  const keepNdim = x.shape.length - reduceNdim;
  const keepShape = x.shape.slice(0, keepNdim);
  const keepStrides = x.elementStrides.slice(0, keepNdim);
  const [rShape, [rStrides]] = collapseAxes(x.shape.slice(keepNdim), [x.elementStrides.slice(keepNdim)]);
  const src = x.storage.typed(x.dtype);
  const dst = out.storage.typed(out.dtype) as unknown as { [i: number]: number | bigint; length: number };
  const read = numberReader(x.dtype);
  const isFloatIn = dtypeInfo(x.dtype).kind === 'f';
  const exactInt = !isFloatIn && (op === 'sum' || op === 'prod');
  const bigIn = isBig(x.dtype);
  let k = 0;
  const outStrides = out.elementStrides;
  const outShape = out.shape;
  // walk output elements and the matching block bases together
  forEachOffset(x.offset, keepShape as number[], keepStrides as number[], (base) => {
    let o = out.offset;
    let rem = k;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const n = outShape[d]!;
      o += (rem % n) * outStrides[d]!;
      rem = Math.floor(rem / n);
    }
    k++;
    reduceBlock(op, src, read, base, rShape, rStrides!, isFloatIn, exactInt, bigIn, dst, out.dtype, o);
  });
}

function reduceBlock(
  op: ReduceOp, src: ArrayLike<number | bigint>, read: Reader, base: number, shape: number[], strides: number[],
  isFloatIn: boolean, exactInt: boolean, bigIn: boolean,
  dst: { [i: number]: number | bigint }, outDtype: DType, o: number,
): void {
  switch (op) {
    case 'sum':
    case 'prod': {
      const isSum = op === 'sum';
      let acc = isSum ? 0 : 1;
      let exact = true; // integer results stay exact while every value and partial result is a safe integer
      forEachOffset(base, shape, strides, (i) => {
        const v = read(src, i);
        acc = isSum ? acc + v : acc * v;
        if (exactInt && !(Math.abs(acc) <= Number.MAX_SAFE_INTEGER && Math.abs(v) <= Number.MAX_SAFE_INTEGER)) exact = false;
      });
      if (exactInt && !exact) {
        // redo exactly: BigInt accumulation wraps like NumPy's 64-bit integers
        let big = isSum ? 0n : 1n;
        forEachOffset(base, shape, strides, (i) => {
          const v = typeof src[i] === 'bigint' ? (src[i] as bigint) : BigInt(src[i] as number);
          big = isSum ? big + v : BigInt.asIntN(64, big * v);
        });
        if (isBig(outDtype)) dst[o] = big;
        else storeNumber(dst, outDtype, o, Number(big));
        return;
      }
      storeNumber(dst, outDtype, o, acc);
      return;
    }
    case 'max':
    case 'min':
    case 'argmax':
    case 'argmin': {
      const isMax = op === 'max' || op === 'argmax';
      if (bigIn && (op === 'max' || op === 'min')) {
        let best: bigint | undefined;
        forEachOffset(base, shape, strides, (i) => {
          const v = src[i] as bigint;
          if (best === undefined || (isMax ? v > best : v < best)) best = v;
        });
        if (best === undefined) throw new Error('zero-size reduction');
        if (isBig(outDtype)) dst[o] = best;
        else storeNumber(dst, outDtype, o, Number(best));
        return;
      }
      let best = NaN;
      let bestK = -1;
      forEachOffset(base, shape, strides, (i, kk) => {
        const v = read(src, i);
        if (bestK < 0) {
          best = v;
          bestK = kk;
          return isFloatIn && v !== v ? false : undefined;
        }
        if (isFloatIn && v !== v) {
          best = v;
          bestK = kk;
          return false; // NaN wins and the first NaN is the answer
        }
        if (isMax ? v > best : v < best) {
          best = v;
          bestK = kk;
        }
        return undefined;
      });
      if (op === 'argmax' || op === 'argmin') storeNumber(dst, outDtype, o, bestK);
      else storeNumber(dst, outDtype, o, best);
      return;
    }
    case 'any':
    case 'all': {
      const isAny = op === 'any';
      let result = !isAny;
      forEachOffset(base, shape, strides, (i) => {
        const v = src[i];
        const truthy = typeof v === 'bigint' ? v !== 0n : read(src, i) !== 0;
        if (truthy === isAny) {
          result = isAny;
          return false;
        }
        return undefined;
      });
      storeNumber(dst, outDtype, o, result ? 1 : 0);
      return;
    }
  }
}
