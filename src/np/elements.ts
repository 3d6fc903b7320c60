/** Reading and writing single elements of a view as JS values (numbers, booleans). */
import { isBig } from '../core/dtype.js';
import { fromHalfBits, toHalfBits } from '../core/float16.js';
import type { View } from '../core/view.js';

/** The element at an element offset, as a JS number (booleans for bool arrays). */
export function readElement(v: View, offset: number): number | boolean {
  const raw = v.storage.typed(v.dtype)[offset]!;
  if (v.dtype === 'bool') return raw !== 0;
  if (v.dtype === 'float16') return fromHalfBits(raw as number);
  return typeof raw === 'bigint' ? Number(raw) : raw;
}

/** The element at an element offset, exactly: BigInt for 64-bit integer arrays. */
export function readElementExact(v: View, offset: number): number | boolean | bigint {
  const raw = v.storage.typed(v.dtype)[offset]!;
  if (v.dtype === 'bool') return raw !== 0;
  if (v.dtype === 'float16') return fromHalfBits(raw as number);
  return raw;
}

/** Stores a JS value at an element offset with NumPy's cast to the view's dtype. */
export function writeElement(v: View, offset: number, value: number | boolean | bigint): void {
  const arr = v.storage.typed(v.dtype) as unknown as { [i: number]: number | bigint };
  if (v.dtype === 'bool') arr[offset] = typeof value === 'bigint' ? (value !== 0n ? 1 : 0) : value !== 0 && value !== false ? 1 : 0;
  else if (isBig(v.dtype)) {
    if (typeof value === 'bigint') arr[offset] = value;
    else {
      const n = Number(value);
      arr[offset] = Number.isFinite(n) ? BigInt(Math.trunc(n)) : -(2n ** 63n);
    }
  } else if (v.dtype === 'float16') arr[offset] = toHalfBits(Number(value));
  else arr[offset] = Number(value);
}
