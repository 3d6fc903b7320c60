/**
 * Memory for op results. A fresh ArrayBuffer costs V8 a few hundred nanoseconds (a zeroed
 * backing store, its accounting, and later its sweep): for a tensor of a few elements that is
 * more than the whole op. So small results are carved out of shared slabs: each result still gets
 * its own Storage (its own version counter, so autograd's in-place checks stay per tensor), over
 * a region of a slab that no other tensor uses, at an element offset into it. Large results get a
 * buffer of their own, as Tensor.empty gives.
 *
 * Only ops use this. Tensor.empty keeps "a fresh storage of exactly this tensor, at offset 0",
 * which callers elsewhere rely on (they write whole buffers).
 */
import { type DType, type TypedArray, dtypeInfo } from '../core/dtype.js';
import { contiguousStrides } from '../core/shape.js';
import { Storage } from '../core/storage.js';
import { Tensor } from './tensor.js';

/** Results of at most this many bytes come from a slab. */
const SMALL_BYTES = 128;
/**
 * Slab size: a slab lives while any tensor carved from it does, so one long-lived tiny tensor
 * (a saved loss) keeps at most this much memory alive; it is amortised over at least 16 results.
 */
const SLAB_BYTES = 2048;
/** Regions start on 16-byte boundaries (complex128's element size). */
const ALIGN = 16;

/** A slab's typed arrays, shared by every storage carved from it. */
class Slab {
  private readonly arrays: Partial<Record<DType, TypedArray>> = {};
  constructor(readonly buffer: ArrayBuffer) {}

  typed(dtype: DType): TypedArray {
    let a = this.arrays[dtype];
    if (a === undefined) {
      const ctor = dtypeInfo(dtype).array;
      a = new ctor(this.buffer, 0, Math.floor(this.buffer.byteLength / ctor.BYTES_PER_ELEMENT));
      this.arrays[dtype] = a;
    }
    return a;
  }
}

/** A storage over a slab: the slab's bytes, its own version counter. */
class SlabStorage extends Storage {
  constructor(private readonly slab: Slab) {
    super(slab.buffer);
  }

  override typed(dtype: DType): TypedArray {
    return this.slab.typed(dtype);
  }
}

let slab: Slab | null = null;
let used = SLAB_BYTES;

/** Itemsizes by dtype, looked up once. */
const itemsizes = new Map<DType, number>();
function itemsizeOf(dtype: DType): number {
  let s = itemsizes.get(dtype);
  if (s === undefined) itemsizes.set(dtype, (s = dtypeInfo(dtype).itemsize));
  return s;
}

/**
 * A contiguous tensor of `shape` (not copied: callers pass arrays nobody changes) for an op's
 * result, which the op writes whole: large ones are not zeroed first.
 */
export function allocTensor(shape: readonly number[], dtype: DType): Tensor {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  const itemsize = itemsizeOf(dtype);
  const bytes = n * itemsize;
  if (bytes > SMALL_BYTES || bytes === 0) {
    return new Tensor(Storage.allocate(dtype, n, false), dtype, shape, contiguousStrides(shape), 0);
  }
  if (used + bytes > SLAB_BYTES) {
    slab = new Slab(new ArrayBuffer(SLAB_BYTES));
    used = 0;
  }
  const at = used;
  used += (bytes + ALIGN - 1) & ~(ALIGN - 1);
  const strides = shape.length === 1 ? [1] : contiguousStrides(shape);
  return new Tensor(new SlabStorage(slab!), dtype, shape, strides, at / itemsize);
}

// ---- scratch for temporaries that never leave an op -----------------------------------------------

/** Scratch buffers are kept for temporaries of at least this many bytes, and at most the cap. */
const SCRATCH_MIN_BYTES = 1 << 16;
const SCRATCH_MAX_BYTES = 1 << 26;
/** Scratch slots, each reused from call to call. Slot 0 is for in-place pointwise ops; 1-3 for convolution. */
const scratchBuffers: (Storage | null)[] = [null, null, null, null];
export type ScratchSlot = 0 | 1 | 2 | 3;

/**
 * A contiguous tensor of `shape` over memory reused from call to call, for a temporary an op
 * creates, consumes and drops before it returns (the scaled operand of add_ with alpha, the
 * product inside addcmul_). On these machines first touching fresh memory costs ten times the
 * arithmetic of a large elementwise op, so reusing the temporary's memory is what makes those
 * in-place ops cheap. The contents are garbage (not zeroed); only one scratch tensor may be in
 * use per slot at a time, and it must not escape the op. Small or huge temporaries get fresh memory.
 */
export function scratchTensor(shape: readonly number[], dtype: DType, slot: ScratchSlot = 0): Tensor {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  const bytes = n * itemsizeOf(dtype);
  if (bytes < SCRATCH_MIN_BYTES || bytes > SCRATCH_MAX_BYTES) return allocTensor(shape, dtype);
  let buffer = scratchBuffers[slot]!;
  if (buffer === null || buffer.byteLength < bytes) scratchBuffers[slot] = buffer = Storage.allocate('uint8', bytes, false);
  return new Tensor(buffer, dtype, shape, contiguousStrides(shape), 0);
}
