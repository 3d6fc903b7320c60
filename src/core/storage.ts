/**
 * Storage owns the bytes of one or more views. On the CPU it is an ArrayBuffer; a GPU backend
 * will hold a buffer handle instead. Views share a storage, so slicing never copies.
 */
import { type DType, type TypedArray, dtypeInfo } from './dtype.js';

/** Where a storage's bytes live. Only 'cpu' exists now; 'gpu' arrives with the WebGPU backend. */
export type Device = 'cpu';

let largeAllocator: ((bytes: number) => ArrayBuffer) | null = null;
let largeMinBytes = Infinity;

let nextSerial = 0;

/** The serial the next storage will get. */
export const nextStorageSerial = (): number => nextSerial;

export class Storage {
  readonly device: Device = 'cpu';
  /** Bumped by every in-place write, so autograd can detect saved tensors modified later. */
  version = 0;
  /** Creation order: storages made after a point in time have larger serials (autograd uses it). */
  readonly serial = nextSerial++;
  private readonly arrays = new Map<DType, TypedArray>();

  constructor(readonly buffer: ArrayBufferLike) {}

  static allocate(dtype: DType, size: number): Storage {
    const bytes = size * dtypeInfo(dtype).itemsize;
    return new Storage(largeAllocator && bytes >= largeMinBytes ? largeAllocator(bytes) : new ArrayBuffer(bytes));
  }

  /**
   * Installs how buffers of at least `minBytes` are made (the native backend's allocator asks for
   * huge pages, which makes first touch of fresh memory cheaper); null restores plain ArrayBuffers.
   * The allocator must return zero-filled memory, as `new ArrayBuffer` does.
   */
  static setLargeAllocator(allocator: ((bytes: number) => ArrayBuffer) | null, minBytes = 1 << 20): void {
    largeAllocator = allocator;
    largeMinBytes = minBytes;
  }

  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /**
   * The whole storage as a typed array of `dtype` (cached: views index into it). For complex64 /
   * complex128 it is a Float32Array / Float64Array of parts: element i is at [2 * i, 2 * i + 1].
   */
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
