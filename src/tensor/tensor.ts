/**
 * Tensor: the PyTorch face over the same strided view NDArray uses, plus a device, requiresGrad,
 * grad and the graph node that made it. Ops live in ./ops/*; the methods here are the catalogue
 * PyTorch users know, each a one-line call into an op.
 */
import { inspect } from 'node:util';
import { type DType, dtypeInfo } from '../core/dtype.js';
import { contiguousStrides, isContiguous, sizeOf } from '../core/shape.js';
import { Storage, type Device } from '../core/storage.js';
import type { View } from '../core/view.js';
import { NDArray } from '../np/ndarray.js';
import { readElement } from '../np/elements.js';
import { AccumulateGrad, type Node } from './autograd/node.js';
import { type BackwardOptions, runBackward } from './autograd/engine.js';
import { formatTensor } from './print.js';
import * as pw from './ops/pointwise.js';
import * as red from './ops/reduce.js';
import * as shp from './ops/shape.js';
import * as idx from './ops/indexing.js';
import * as lin from './ops/linalg.js';
import * as special from './ops/special.js';
import * as rnd from './random.js';
import { onesLike } from './creation.js';
import type { Scalar, TensorLike } from './types.js';

/** PyTorch's legacy type names, used in error messages (`torch.FloatTensor`). */
const TYPE_NAMES: Partial<Record<DType, string>> = {
  float32: 'FloatTensor', float64: 'DoubleTensor', float16: 'HalfTensor', bfloat16: 'BFloat16Tensor', int64: 'LongTensor',
  int32: 'IntTensor', int16: 'ShortTensor', int8: 'CharTensor', uint8: 'ByteTensor', bool: 'BoolTensor',
};

export class Tensor implements View {
  /** Whether gradients are computed for this tensor. */
  requiresGrad = false;
  /** The accumulated gradient (leaves, and non-leaves after retainGrad()). */
  grad: Tensor | null = null;
  /** The node that made this tensor, or null for leaves. */
  gradFn: Node | null = null;
  private accumulator: AccumulateGrad | null = null;

  // Mutable only through the `data` setter (PyTorch's `t.data = ...`, which module.to() relies on).
  storage: Storage;
  dtype: DType;
  shape: readonly number[];
  elementStrides: readonly number[];
  offset: number;

  constructor(storage: Storage, dtype: DType, shape: readonly number[], elementStrides: readonly number[], offset = 0) {
    this.storage = storage;
    this.dtype = dtype;
    this.shape = shape;
    this.elementStrides = elementStrides;
    this.offset = offset;
  }

  /** The tensor's values without its graph (a detached alias), as PyTorch's `.data`. */
  get data(): Tensor {
    return this.detach();
  }

  /** Points this tensor at other memory (and dtype/shape), keeping its identity and grad flags. */
  set data(value: Tensor) {
    this.storage = value.storage;
    this.dtype = value.dtype;
    this.shape = value.shape;
    this.elementStrides = value.elementStrides;
    this.offset = value.offset;
  }

  /** A fresh contiguous tensor with zeroed memory. */
  static empty(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(Storage.allocate(dtype, sizeOf(shape)), dtype, [...shape], contiguousStrides(shape), 0);
  }

  /** A tensor viewing an NDArray's memory (what fromNumpy returns). */
  static fromView(v: View): Tensor {
    return new Tensor(v.storage, v.dtype, [...v.shape], [...v.elementStrides], v.offset);
  }

  get device(): Device {
    return this.storage.device;
  }

  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  /** The size of every dimension, or of one (`t.size(0)`). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.shape];
    return this.shape[shp.wrapDim(dim, this.ndim)]!;
  }

  numel(): number {
    return sizeOf(this.shape);
  }

  /** Element strides, as torch's stride(). */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this.elementStrides];
    return this.elementStrides[shp.wrapDim(dim, this.ndim)]!;
  }

  isContiguous(): boolean {
    return isContiguous(this.shape, this.elementStrides);
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  elementSize(): number {
    return dtypeInfo(this.dtype).itemsize;
  }

  /** `torch.FloatTensor` and friends, for messages. */
  typeName(): string {
    return `torch.${TYPE_NAMES[this.dtype] ?? `${this.dtype}Tensor`}`;
  }

  /** A view of the same memory sharing nothing else (no grad, no graph). */
  makeView(shape: readonly number[], elementStrides: readonly number[], offset: number): Tensor {
    return new Tensor(this.storage, this.dtype, shape, elementStrides, offset);
  }

  /** The AccumulateGrad node of a leaf that requires grad (one per leaf, so graphs share it). */
  gradAccumulator(): AccumulateGrad {
    this.accumulator ??= new AccumulateGrad(this);
    return this.accumulator;
  }

  // ---- autograd -----------------------------------------------------------------------------

  /** Computes gradients of this tensor with respect to the graph's leaves. */
  backward(gradient?: Tensor | null, options: BackwardOptions = {}): void {
    let g = gradient ?? null;
    if (!g) {
      if (this.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
      g = onesLike(this);
    }
    runBackward([this], [g], options);
  }

  /** Keeps .grad for this non-leaf tensor after backward. */
  retainGrad(): this {
    if (!this.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn && !this.gradFn.retained.includes(this)) this.gradFn.retained.push(this);
    return this;
  }

  /** A tensor sharing memory with this one, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.dtype, this.shape, this.elementStrides, this.offset);
  }

  /** Sets requiresGrad in place (leaves only, floating point only). */
  requiresGrad_(requiresGrad = true): this {
    if (!this.isLeaf && !requiresGrad) {
      throw new Error('you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn\'t require differentiation use var_no_grad = var.detach().');
    }
    if (requiresGrad && !['float16', 'float32', 'float64', 'bfloat16'].includes(this.dtype)) {
      throw new Error('Only Tensors of floating point and complex dtype can require gradients');
    }
    this.requiresGrad = requiresGrad;
    return this;
  }

  // ---- bridges ------------------------------------------------------------------------------

  /** An NDArray sharing this tensor's memory (CPU tensors that don't require grad). */
  numpy(options: { force?: boolean } = {}): NDArray {
    // NumPy has no bfloat16 (PyTorch's TypeError, force or not)
    if (this.dtype === 'bfloat16') throw new TypeError('Got unsupported ScalarType BFloat16');
    if (this.requiresGrad && !options.force) {
      throw new Error("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    }
    return new NDArray(this.storage, this.dtype, this.shape, this.elementStrides, this.offset, null);
  }

  /** Nested JS arrays (numbers; booleans for bool tensors); a 0-d tensor gives its number. */
  tolist(): import('../np/ndarray.js').NestedList {
    return new NDArray(this.storage, this.dtype, this.shape, this.elementStrides, this.offset, null).tolist();
  }

  /** The value of a one-element tensor. */
  item(): number | boolean {
    if (this.numel() !== 1) {
      throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    return readElement(this, this.offset);
  }

  /** Converts to a dtype and/or device; returns this tensor when nothing changes. */
  to(target: DType | Device | { dtype?: DType; device?: Device }, options: { copy?: boolean } = {}): Tensor {
    return pw.to(this, target, options);
  }

  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  half(): Tensor { return this.to('float16'); }
  bfloat16(): Tensor { return this.to('bfloat16'); }
  long(): Tensor { return this.to('int64'); }
  int(): Tensor { return this.to('int32'); }
  short(): Tensor { return this.to('int16'); }
  bool(): Tensor { return this.to('bool'); }
  byte(): Tensor { return this.to('uint8'); }
  cpu(): Tensor { return this.to('cpu'); }
  type(dtype: DType): Tensor { return this.to(dtype); }

  /** A copy with its own memory, recorded for autograd. */
  clone(): Tensor { return pw.clone(this); }
  contiguous(): Tensor { return this.isContiguous() ? this : this.clone(); }

  // ---- display ------------------------------------------------------------------------------

  toString(): string {
    return formatTensor(this);
  }

  [inspect.custom](): string {
    return formatTensor(this);
  }

  // ---- pointwise ----------------------------------------------------------------------------

  add(other: TensorLike, options?: pw.AlphaOptions): Tensor { return pw.add(this, other, options); }
  sub(other: TensorLike, options?: pw.AlphaOptions): Tensor { return pw.sub(this, other, options); }
  mul(other: TensorLike): Tensor { return pw.mul(this, other); }
  div(other: TensorLike, options?: pw.DivOptions): Tensor { return pw.div(this, other, options); }
  pow(exponent: TensorLike): Tensor { return pw.pow(this, exponent); }
  neg(): Tensor { return pw.neg(this); }
  abs(): Tensor { return pw.abs(this); }
  sqrt(): Tensor { return pw.sqrt(this); }
  rsqrt(): Tensor { return pw.rsqrt(this); }
  exp(): Tensor { return pw.exp(this); }
  log(): Tensor { return pw.log(this); }
  log1p(): Tensor { return pw.log1p(this); }
  log2(): Tensor { return pw.log2(this); }
  log10(): Tensor { return pw.log10(this); }
  expm1(): Tensor { return pw.expm1(this); }
  sin(): Tensor { return pw.sin(this); }
  cos(): Tensor { return pw.cos(this); }
  tan(): Tensor { return pw.tan(this); }
  asin(): Tensor { return pw.asin(this); }
  acos(): Tensor { return pw.acos(this); }
  atan(): Tensor { return pw.atan(this); }
  sinh(): Tensor { return pw.sinh(this); }
  cosh(): Tensor { return pw.cosh(this); }
  tanh(): Tensor { return pw.tanh(this); }
  erf(): Tensor { return special.erf(this); }
  gelu(options?: { approximate?: 'none' | 'tanh' }): Tensor { return special.gelu(this, options); }
  negative(): Tensor { return pw.neg(this); }
  remainder(other: TensorLike): Tensor { return pw.remainder(this, other); }
  floorDivide(other: TensorLike): Tensor { return pw.floorDivide(this, other); }
  /** this + value * t1 * t2. */
  addcmul(tensor1: Tensor, tensor2: Tensor, options?: pw.ValueOptions): Tensor { return pw.addcmul(this, tensor1, tensor2, options); }
  /** this + value * t1 / t2. */
  addcdiv(tensor1: Tensor, tensor2: Tensor, options?: pw.ValueOptions): Tensor { return pw.addcdiv(this, tensor1, tensor2, options); }
  /** this + weight * (end - this). */
  lerp(end: Tensor, weight: number | Tensor): Tensor { return pw.lerp(this, end, weight); }
  sigmoid(): Tensor { return pw.sigmoid(this); }
  relu(): Tensor { return pw.relu(this); }
  square(): Tensor { return pw.square(this); }
  reciprocal(): Tensor { return pw.reciprocal(this); }
  round(options?: { decimals?: number }): Tensor { return pw.round(this, options); }
  ceil(): Tensor { return pw.ceil(this); }
  floor(): Tensor { return pw.floor(this); }
  trunc(): Tensor { return pw.trunc(this); }
  sign(): Tensor { return pw.sign(this); }
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor { return pw.clamp(this, min, max); }
  clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor { return pw.clamp(this, min, max); }
  clampMin(min: number | Tensor): Tensor { return pw.clampMin(this, min); }
  clampMax(max: number | Tensor): Tensor { return pw.clampMax(this, max); }
  maximum(other: Tensor): Tensor { return pw.maximum(this, other); }
  minimum(other: Tensor): Tensor { return pw.minimum(this, other); }
  eq(other: TensorLike): Tensor { return pw.eq(this, other); }
  ne(other: TensorLike): Tensor { return pw.ne(this, other); }
  lt(other: TensorLike): Tensor { return pw.lt(this, other); }
  le(other: TensorLike): Tensor { return pw.le(this, other); }
  gt(other: TensorLike): Tensor { return pw.gt(this, other); }
  ge(other: TensorLike): Tensor { return pw.ge(this, other); }
  logicalNot(): Tensor { return pw.logicalNot(this); }
  logicalAnd(other: TensorLike): Tensor { return pw.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return pw.logicalOr(this, other); }
  logicalXor(other: TensorLike): Tensor { return pw.logicalXor(this, other); }
  isnan(): Tensor { return pw.isnan(this); }
  isinf(): Tensor { return pw.isinf(this); }
  isfinite(): Tensor { return pw.isfinite(this); }
  where(condition: Tensor, other: TensorLike): Tensor { return pw.where(condition, this, other); }
  maskedFill(mask: Tensor, value: Scalar | Tensor): Tensor { return pw.maskedFill(this, mask, value); }

  // in place (PyTorch's trailing underscore)
  // without a graph to record, these write straight into this tensor (no temporary)
  add_(other: TensorLike, options?: pw.AlphaOptions): this { return pw.add_(this, other, options); }
  sub_(other: TensorLike, options?: pw.AlphaOptions): this { return pw.sub_(this, other, options); }
  mul_(other: TensorLike): this { return pw.mul_(this, other); }
  div_(other: TensorLike, options?: pw.DivOptions): this { return pw.div_(this, other, options); }
  pow_(exponent: TensorLike): this { return pw.inPlace(this, pw.pow(this, exponent)); }
  neg_(): this { return pw.neg_(this); }
  negative_(): this { return pw.neg_(this); }
  exp_(): this { return pw.exp_(this); }
  sqrt_(): this { return pw.sqrt_(this); }
  relu_(): this { return pw.relu_(this); }
  clamp_(min?: number | Tensor | null, max?: number | Tensor | null): this { return pw.clamp_(this, min, max); }
  clip_(min?: number | Tensor | null, max?: number | Tensor | null): this { return pw.clamp_(this, min, max); }
  clampMin_(min: number | Tensor): this { return pw.clampMin_(this, min); }
  clampMax_(max: number | Tensor): this { return pw.clampMax_(this, max); }
  /** this += value * t1 * t2, in place. */
  addcmul_(tensor1: Tensor, tensor2: Tensor, options?: pw.ValueOptions): this { return pw.addcmul_(this, tensor1, tensor2, options); }
  /** this += value * t1 / t2, in place. */
  addcdiv_(tensor1: Tensor, tensor2: Tensor, options?: pw.ValueOptions): this { return pw.addcdiv_(this, tensor1, tensor2, options); }
  /** this += weight * (end - this), in place. */
  lerp_(end: Tensor, weight: number | Tensor): this { return pw.lerp_(this, end, weight); }
  maskedFill_(mask: Tensor, value: Scalar | Tensor): this { return pw.inPlace(this, pw.maskedFill(this, mask, value)); }
  copy_(src: TensorLike): this { return pw.copy_(this, src); }
  fill_(value: Scalar | Tensor): this { return pw.fill_(this, value); }
  uniform_(from?: number, to?: number, options?: rnd.GeneratorOption): this { return rnd.uniform_(this, from, to, options) as this; }
  normal_(mean?: number, std?: number, options?: rnd.GeneratorOption): this { return rnd.normal_(this, mean, std, options) as this; }
  bernoulli_(p?: number | Tensor, options?: rnd.GeneratorOption): this { return rnd.bernoulli_(this, p, options) as this; }
  exponential_(lambd?: number, options?: rnd.GeneratorOption): this { return rnd.exponential_(this, lambd, options) as this; }
  zero_(): this { return pw.fill_(this, 0); }

  // ---- reductions ---------------------------------------------------------------------------

  sum(dim?: red.Dims, keepdim?: boolean, options?: red.DtypeOption): Tensor { return red.sum(this, dim, keepdim, options); }
  mean(dim?: red.Dims, keepdim?: boolean, options?: red.DtypeOption): Tensor { return red.mean(this, dim, keepdim, options); }
  prod(dim?: number, keepdim?: boolean, options?: red.DtypeOption): Tensor { return red.prod(this, dim, keepdim, options); }
  var(dim?: red.Dims, options?: red.VarOptions): Tensor { return red.var_(this, dim, options); }
  std(dim?: red.Dims, options?: red.VarOptions): Tensor { return red.std(this, dim, options); }
  amax(dim?: red.Dims, keepdim?: boolean): Tensor { return red.amax(this, dim, keepdim); }
  amin(dim?: red.Dims, keepdim?: boolean): Tensor { return red.amin(this, dim, keepdim); }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, keepdim?: boolean): Tensor | [Tensor, Tensor] { return red.max(this, dim as number, keepdim); }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, keepdim?: boolean): Tensor | [Tensor, Tensor] { return red.min(this, dim as number, keepdim); }
  argmax(dim?: number | null, keepdim?: boolean): Tensor { return red.argmax(this, dim, keepdim); }
  argmin(dim?: number | null, keepdim?: boolean): Tensor { return red.argmin(this, dim, keepdim); }
  logsumexp(dim: red.Dims, keepdim?: boolean): Tensor { return red.logsumexp(this, dim, keepdim); }
  softmax(dim: number): Tensor { return red.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return red.logSoftmax(this, dim); }
  cumsum(dim: number, options?: red.DtypeOption): Tensor { return red.cumsum(this, dim, options); }
  all(dim?: number, keepdim?: boolean): Tensor { return red.all(this, dim, keepdim); }
  any(dim?: number, keepdim?: boolean): Tensor { return red.any(this, dim, keepdim); }

  // ---- shape --------------------------------------------------------------------------------

  reshape(...shape: shp.ShapeArgs): Tensor { return shp.reshape(this, ...shape); }
  view(...shape: shp.ShapeArgs): Tensor { return shp.view(this, ...shape); }
  viewAs(other: Tensor): Tensor { return shp.view(this, other.shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return shp.flatten(this, startDim, endDim); }
  permute(...dims: shp.ShapeArgs): Tensor { return shp.permute(this, ...dims); }
  transpose(dim0: number, dim1: number): Tensor { return shp.transpose(this, dim0, dim1); }
  t(): Tensor { return shp.t(this); }
  get T(): Tensor { return shp.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  get mT(): Tensor { return shp.transpose(this, -2, -1); }
  squeeze(dim?: number | readonly number[]): Tensor { return shp.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return shp.unsqueeze(this, dim); }
  expand(...sizes: shp.ShapeArgs): Tensor { return shp.expand(this, ...sizes); }
  expandAs(other: Tensor): Tensor { return shp.expand(this, other.shape); }
  split(splitSize: number | readonly number[], dim = 0): Tensor[] { return shp.split(this, splitSize, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return shp.chunk(this, chunks, dim); }
  narrow(dim: number, start: number, length: number): Tensor { return shp.narrow(this, dim, start, length); }
  unbind(dim = 0): Tensor[] { return shp.unbind(this, dim); }
  tril(diagonal = 0): Tensor { return shp.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return shp.triu(this, diagonal); }

  // ---- indexing -----------------------------------------------------------------------------

  /** PyTorch indexing with NDArray's notation: `t.get('1:3, ::2')`; views where PyTorch makes views. */
  get(index: idx.TensorIndex): Tensor { return idx.get(this, index); }
  /** `t[index] = value`, in place. */
  set(index: idx.TensorIndex, value: TensorLike): this { return idx.set(this, index, value); }
  gather(dim: number, index: Tensor): Tensor { return idx.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | Scalar): Tensor { return idx.scatter(this, dim, index, src); }
  scatter_(dim: number, index: Tensor, src: Tensor | Scalar): this { return idx.scatter_(this, dim, index, src); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return idx.scatterAdd(this, dim, index, src); }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this { return idx.scatterAdd_(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return idx.indexSelect(this, dim, index); }
  indexAdd(dim: number, index: Tensor, source: Tensor, options?: idx.IndexAddOptions): Tensor { return idx.indexAdd(this, dim, index, source, options); }
  indexAdd_(dim: number, index: Tensor, source: Tensor, options?: idx.IndexAddOptions): this { return idx.indexAdd_(this, dim, index, source, options); }
  take(index: Tensor): Tensor { return idx.take(this, index); }
  maskedSelect(mask: Tensor): Tensor { return idx.maskedSelect(this, mask); }

  // ---- linear algebra -----------------------------------------------------------------------

  matmul(other: Tensor): Tensor { return lin.matmul(this, other); }
  mm(other: Tensor): Tensor { return lin.mm(this, other); }
  bmm(other: Tensor): Tensor { return lin.bmm(this, other); }
  mv(vec: Tensor): Tensor { return lin.mv(this, vec); }
  dot(other: Tensor): Tensor { return lin.dot(this, other); }
  outer(other: Tensor): Tensor { return lin.outer(this, other); }
  addmm(mat1: Tensor, mat2: Tensor, options?: lin.AddOptions): Tensor { return lin.addmm(this, mat1, mat2, options); }
  addmv(mat: Tensor, vec: Tensor, options?: lin.AddOptions): Tensor { return lin.addmv(this, mat, vec, options); }
  baddbmm(batch1: Tensor, batch2: Tensor, options?: lin.AddOptions): Tensor { return lin.baddbmm(this, batch1, batch2, options); }
}
