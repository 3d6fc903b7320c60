/**
 * Tensor creation with PyTorch's names, argument orders and default dtypes (float32 for floats,
 * int64 for integers, bool). Every function takes a trailing options object.
 */
import { type DType, toDType } from '../core/dtype.js';
import type { Device } from '../core/storage.js';
import { ELEMENTWISE as E } from '../core/elementwise-ops.js';
import { NDArray } from '../np/ndarray.js';
import { array as npArray } from '../np/convert.js';
import { writeElement } from '../np/elements.js';
import { category, getDefaultDtype } from './dtype-rules.js';
import { Tensor } from './tensor.js';
import { launchElementwise } from './ops/launch.js';
import type { Scalar } from './types.js';

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

/** Sizes as PyTorch takes them: `zeros(2, 3)`, `zeros([2, 3])`, with a trailing options object. */
export type SizeArgs = (number | readonly number[] | TensorOptions)[];

export function parseSizeArgs(args: SizeArgs): [number[], TensorOptions] {
  const list = [...args];
  const last = list[list.length - 1];
  const options = last !== undefined && typeof last === 'object' && !Array.isArray(last) ? (list.pop() as TensorOptions) : {};
  const sizes = list.length === 1 && Array.isArray(list[0]) ? [...(list[0] as number[])] : (list as number[]);
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`Trying to create tensor with negative dimension ${s}: [${sizes.join(', ')}]`);
  }
  return [sizes, options];
}

/** Applies device and requiresGrad options to a freshly made tensor. */
export function finish(t: Tensor, options: TensorOptions): Tensor {
  if (options.device !== undefined && options.device !== 'cpu') {
    throw new Error(`unknown device '${String(options.device)}': only 'cpu' is available`);
  }
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function filled(sizes: readonly number[], value: Scalar, dtype: DType): Tensor {
  const out = Tensor.empty(sizes, dtype);
  if (value !== 0 && value !== false) launchElementwise(E.copy, [value], dtype, dtype, out);
  return out;
}

/**
 * An NDArray over a tensor's memory for the tensor face's own element loops. Unlike t.numpy()
 * it takes any dtype (bfloat16 too, which NumPy does not have): it never reaches the user.
 */
function elements(t: Tensor): NDArray {
  return new NDArray(t.storage, t.dtype, t.shape, t.elementStrides, t.offset, null);
}

/**
 * torch.tensor(data): a number, nested arrays, a typed array or an NDArray (copied). Floats
 * default to float32; an NDArray keeps its dtype, as torch.tensor does with numpy arrays.
 * bfloat16 values are rounded as PyTorch rounds them: to float32 first, then to bfloat16.
 */
export function tensor(data: unknown, options: TensorOptions = {}): Tensor {
  let nd: NDArray;
  if (data instanceof Tensor) nd = elements(data).copy();
  else if (data instanceof NDArray) nd = data.copy();
  // JS numbers bound for bfloat16 are read as the floats they are (-0 stays -0), then rounded
  else if (options.dtype === 'bfloat16' && !ArrayBuffer.isView(data)) nd = npArray(data as never, { dtype: 'float64' });
  else nd = npArray(data as never);
  let dtype = options.dtype ? toDType(options.dtype) : nd.dtype;
  if (!options.dtype && !(data instanceof NDArray) && !(data instanceof Tensor) && !ArrayBuffer.isView(data) && dtype === 'float64') {
    dtype = getDefaultDtype();
  }
  // JS cannot write 1.0 apart from 1: asking for gradients means a float tensor was meant
  if (!options.dtype && options.requiresGrad && category(dtype) !== 2) dtype = getDefaultDtype();
  // the cast runs here rather than through nd.astype, which is NumPy's and refuses bfloat16
  const t = dtype === nd.dtype ? Tensor.fromView(nd) : launchElementwise(E.copy, [Tensor.fromView(nd)], nd.dtype, dtype);
  return finish(t, options);
}

/** torch.as_tensor / from a value with memory shared when possible. */
export function asTensor(data: unknown, options: TensorOptions = {}): Tensor {
  if (data instanceof Tensor && (!options.dtype || options.dtype === data.dtype)) return data;
  if (data instanceof NDArray && (!options.dtype || options.dtype === data.dtype)) return Tensor.fromView(data);
  return tensor(data, options);
}

/** torch.from_numpy: a tensor sharing the NDArray's memory, both ways. */
export function fromNumpy(a: NDArray): Tensor {
  if (!(a instanceof NDArray)) throw new TypeError(`expected np.ndarray (got ${typeof a})`);
  return Tensor.fromView(a);
}

export function empty(...args: SizeArgs): Tensor {
  const [sizes, options] = parseSizeArgs(args);
  return finish(Tensor.empty(sizes, options.dtype ?? getDefaultDtype()), options);
}

export function zeros(...args: SizeArgs): Tensor {
  const [sizes, options] = parseSizeArgs(args);
  return finish(filled(sizes, 0, options.dtype ?? getDefaultDtype()), options);
}

export function ones(...args: SizeArgs): Tensor {
  const [sizes, options] = parseSizeArgs(args);
  return finish(filled(sizes, 1, options.dtype ?? getDefaultDtype()), options);
}

/** torch.full(size, fillValue): the dtype follows the value (bool, int64, or the default float). */
export function full(size: number | readonly number[], fillValue: Scalar, options: TensorOptions = {}): Tensor {
  const sizes = typeof size === 'number' ? [size] : [...size];
  const dtype = options.dtype ?? (typeof fillValue === 'boolean' ? 'bool' : Number.isInteger(fillValue) ? 'int64' : getDefaultDtype());
  return finish(filled(sizes, fillValue, dtype), options);
}

export interface LikeOptions extends TensorOptions {}

export function emptyLike(t: Tensor, options: LikeOptions = {}): Tensor {
  return finish(Tensor.empty(t.shape, options.dtype ?? t.dtype), options);
}

export function zerosLike(t: Tensor, options: LikeOptions = {}): Tensor {
  return finish(filled(t.shape, 0, options.dtype ?? t.dtype), options);
}

export function onesLike(t: Tensor, options: LikeOptions = {}): Tensor {
  return finish(filled(t.shape, 1, options.dtype ?? t.dtype), options);
}

export function fullLike(t: Tensor, fillValue: Scalar, options: LikeOptions = {}): Tensor {
  return finish(filled(t.shape, fillValue, options.dtype ?? t.dtype), options);
}

/** torch.arange(end) or arange(start, end, step = 1): int64 when all arguments are whole. */
export function arange(end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, step: number, options?: TensorOptions): Tensor;
export function arange(...args: (number | TensorOptions | undefined)[]): Tensor {
  const options = (typeof args[args.length - 1] === 'object' ? args.pop() : {}) as TensorOptions;
  const nums = args.filter((a): a is number => typeof a === 'number');
  const [start, end, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0) throw new Error('step must be nonzero');
  if ((step > 0 && end < start) || (step < 0 && end > start)) throw new Error('upper bound and larger bound inconsistent with step sign');
  const n = Math.ceil((end - start) / step);
  const dtype = options.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int64' : getDefaultDtype());
  const out = Tensor.empty([n], dtype);
  const nd = elements(out);
  for (let i = 0; i < n; i++) writeElement(nd, i, start + i * step);
  return finish(out, options);
}

/** torch.linspace(start, end, steps): `steps` evenly spaced values, both ends included. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error('number of steps must be non-negative');
  const dtype = options.dtype ?? getDefaultDtype();
  const out = Tensor.empty([steps], dtype);
  const nd = elements(out);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the first half from start and the second half from end, symmetric in rounding
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) writeElement(nd, i, i < half ? start + step * i : end - step * (steps - 1 - i));
  return finish(out, options);
}

/** torch.eye(n, m = n). */
export function eye(n: number, m?: number | TensorOptions, options: TensorOptions = {}): Tensor {
  if (typeof m === 'object') {
    options = m;
    m = undefined;
  }
  const cols = m ?? n;
  const out = filled([n, cols], 0, options.dtype ?? getDefaultDtype());
  const nd = elements(out);
  for (let i = 0; i < Math.min(n, cols); i++) writeElement(nd, i * cols + i, 1);
  return finish(out, options);
}

/**
 * PyTorch's legacy typed constructors: `FloatTensor([1, 2])` (what `torch.Tensor([...])` gives)
 * copies data as float32; `FloatTensor(2, 3)` with sizes only gives a tensor of that size
 * (zeroed here, uninitialized in PyTorch).
 */
function typedConstructor(dtype: DType): (...args: unknown[]) => Tensor {
  return (...args: unknown[]): Tensor => {
    if (args.length === 0) return empty([0], { dtype });
    if (args.every((a) => typeof a === 'number')) return zeros(args as number[], { dtype });
    if (args.length !== 1) throw new TypeError(`expected data or sizes, got ${args.length} arguments`);
    return tensor(args[0], { dtype });
  };
}

/** torch.FloatTensor(data) / torch.Tensor(data): a float32 tensor. */
export const FloatTensor = typedConstructor('float32');
/** torch.DoubleTensor(data): a float64 tensor. */
export const DoubleTensor = typedConstructor('float64');
/** torch.LongTensor(data): an int64 tensor. */
export const LongTensor = typedConstructor('int64');
/** torch.HalfTensor(data): a float16 tensor. */
export const HalfTensor = typedConstructor('float16');
