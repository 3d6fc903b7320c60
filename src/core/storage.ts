/**
 * Storage owns the bytes of one or more views. On the CPU it is an ArrayBuffer; a GPU backend
 * will hold a buffer handle instead. Views share a storage, so slicing never copies.
 */
import { type DType, type TypedArray, dtypeInfo } from './dtype.js';

/** Where a storage's bytes live. Only 'cpu' exists now; 'gpu' arrives with the WebGPU backend. */
export type Device = 'cpu';

let largeAllocator: ((bytes: number, zeroed: boolean) => ArrayBuffer) | null = null;
let largeMinBytes = Infinity;

/**
 * From this size, a buffer whose every byte an op will write is taken uninitialized: zeroing it
 * first (what `new ArrayBuffer` does) costs a pass over memory, as much as a large elementwise op.
 */
const UNINITIALIZED_MIN_BYTES = 1 << 16;

/** A fresh ArrayBuffer, zero-filled or (when allowed and large) with whatever memory held. */
export function newBuffer(bytes: number, zeroed: boolean): ArrayBuffer {
  if (zeroed || bytes < UNINITIALIZED_MIN_BYTES || typeof Buffer === 'undefined') return new ArrayBuffer(bytes);
  // Node's unpooled unsafe Buffer: its own ArrayBuffer, exactly `bytes` long, not zero-filled
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

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

  /**
   * Fresh memory for `size` elements, zero-filled unless `zeroed` is false, which only callers that
   * write every element may ask for (op results; not Tensor.empty or NDArray.empty).
   */
  static allocate(dtype: DType, size: number, zeroed = true): Storage {
    const bytes = size * dtypeInfo(dtype).itemsize;
    return new Storage(largeAllocator && bytes >= largeMinBytes ? largeAllocator(bytes, zeroed) : newBuffer(bytes, zeroed));
  }

  /**
   * Installs how buffers of at least `minBytes` are made (the native backend's allocator asks for
   * huge pages, which makes first touch of fresh memory cheaper); null restores plain ArrayBuffers.
   * The allocator must return zero-filled memory when asked to (`newBuffer` does it either way).
   */
  static setLargeAllocator(allocator: ((bytes: number, zeroed: boolean) => ArrayBuffer) | null, minBytes = 1 << 20): void {
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
