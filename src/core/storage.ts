/**
 * Storage owns the bytes of one or more views. On the CPU it is an ArrayBuffer; a GPU backend
 * will hold a buffer handle instead. Views share a storage, so slicing never copies.
 */
import { type DType, type TypedArray, dtypeInfo } from './dtype.js';

/** Where a storage's bytes live. Only 'cpu' exists now; 'gpu' arrives with the WebGPU backend. */
export type Device = 'cpu';

export class Storage {
  readonly device: Device = 'cpu';
  /** Bumped by every in-place write, so autograd can detect saved tensors modified later. */
  version = 0;
  private readonly arrays = new Map<DType, TypedArray>();

  constructor(readonly buffer: ArrayBufferLike) {}

  static allocate(dtype: DType, size: number): Storage {
    return new Storage(new ArrayBuffer(size * dtypeInfo(dtype).itemsize));
  }

  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /** The whole storage as a typed array of `dtype` (cached: views index into it). */
  typed(dtype: DType): TypedArray {
    let a = this.arrays.get(dtype);
    if (!a) {
      const ctor = dtypeInfo(dtype).array;
      a = new ctor(this.buffer, 0, Math.floor(this.buffer.byteLength / ctor.BYTES_PER_ELEMENT));
      this.arrays.set(dtype, a);
    }
    return a;
  }
}
