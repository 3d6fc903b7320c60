/**
 * PyTorch's `out=` option, implemented once for every op that takes it (`kiln.add(a, b, {out})`,
 * `kiln.sum(x, 1, false, {out})`, `kiln.matmul(a, b, {out})`, `kiln.cat(xs, 0, {out})`, ...).
 *
 * Semantics, as PyTorch's:
 * - the result is written into `out`, which is returned (the same object), and out's memory
 *   version is bumped (views of it see the values: out may itself be a view);
 * - with grad mode on, no argument (inputs or out) may require grad: out= functions are not
 *   differentiable ("add(): functions with out=... arguments don't support automatic
 *   differentiation, but one of the arguments requires grad.");
 * - the result is cast to out's dtype when PyTorch allows the cast (no float into an integer or
 *   bool out, no integer into a bool out): "result type Float can't be cast to the desired output
 *   type Long";
 * - shape: kiln's choice differs from PyTorch's silent resize. An out of numel 0 is resized (it
 *   gets fresh contiguous memory of the result's shape, as PyTorch does without a warning); a
 *   non-empty out of another shape is an error ("add(): output with shape [2] doesn't match the
 *   result shape [2, 3]"), where PyTorch would resize it with a deprecation warning.
 */
import type { DType } from '../../core/dtype.js';
import { ELEMENTWISE as E, type ElementwiseOp } from '../../core/elementwise-ops.js';
import { shapesEqual } from '../../core/shape.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { category } from '../dtype-rules.js';
import { Tensor } from '../tensor.js';
import type { TensorLike } from '../types.js';
import { broadcastShape, checkSameDevice, launchElementwise } from './launch.js';

/** The trailing option every out= op accepts. */
export interface OutOption {
  /** Where the result is written (and which is returned). */
  out?: Tensor;
}

const TYPE_NAMES: Partial<Record<DType, string>> = {
  float32: 'Float', float64: 'Double', float16: 'Half', bfloat16: 'BFloat16', int64: 'Long', int32: 'Int',
  int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool',
};
const typeName = (d: DType): string => TYPE_NAMES[d] ?? d;

/** PyTorch's canCast: no float into integers or bool, no integer into bool. */
export function canCast(from: DType, to: DType): boolean {
  return category(from) <= category(to);
}

function checkGrad(name: string, out: Tensor, inputs: readonly unknown[]): void {
  if (!isGradEnabled()) return;
  let needs = out.requiresGrad;
  for (const x of inputs) {
    if (needs) break;
    if (x instanceof Tensor) needs = x.requiresGrad;
    else if (Array.isArray(x)) needs = x.some((t) => t instanceof Tensor && t.requiresGrad);
  }
  if (needs) {
    throw new Error(`${name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
  }
}

function checkDtype(result: DType, out: Tensor): void {
  if (!canCast(result, out.dtype)) {
    throw new Error(`result type ${typeName(result)} can't be cast to the desired output type ${typeName(out.dtype)}`);
  }
}

/** Makes out the result's shape: resizes an empty out, refuses a non-empty one of another shape. */
function fitShape(name: string, out: Tensor, shape: readonly number[]): void {
  if (shapesEqual(out.shape, shape)) return;
  if (out.numel() !== 0) {
    throw new Error(`${name}(): output with shape [${out.shape.join(', ')}] doesn't match the result shape [${shape.join(', ')}]; kiln resizes only an empty out (numel 0)`);
  }
  out.data = Tensor.empty(shape, out.dtype);
}

function checkWritable(out: Tensor): void {
  if (out.shape.some((d, i) => d > 1 && out.elementStrides[i] === 0)) {
    throw new Error('unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.');
  }
}

/** Writes a computed result into out (cast to out's dtype) and returns out. */
export function writeOut(name: string, out: Tensor, result: Tensor): Tensor {
  checkSameDevice([result, out]);
  checkDtype(result.dtype, out);
  fitShape(name, out, result.shape);
  checkWritable(out);
  launchElementwise(E.copy, [result], result.dtype, out.dtype, out);
  out.storage.version++;
  return out;
}

/**
 * The generic out= path: refuses arguments that require grad, computes the op as usual (fresh
 * memory, so out may alias the inputs freely) and writes the result into out.
 */
export function withOut(name: string, out: Tensor, inputs: readonly unknown[], compute: () => Tensor): Tensor {
  checkGrad(name, out, inputs);
  return writeOut(name, out, compute());
}

/**
 * The out= path of elementwise ops: the kernel writes straight into out when it can (out of the
 * result's shape, dtype castable, sharing no memory with an operand other than being it), else
 * through withOut's copy.
 */
export function elementwiseOut(
  name: string, op: ElementwiseOp, operands: readonly TensorLike[], loop: DType, dtype: DType, out: Tensor,
): Tensor {
  checkGrad(name, out, operands);
  const tensors = operands.filter((o): o is Tensor => o instanceof Tensor);
  if (tensors.length > 0) checkSameDevice([...tensors, out]);
  const shape = broadcastShape(tensors.map((t) => t.shape));
  checkDtype(dtype, out);
  let direct = shapesEqual(out.shape, shape) && out.dtype === dtype;
  for (const t of tensors) {
    if (!direct) break;
    if (t.storage === out.storage && !(t.offset === out.offset && shapesEqual(t.shape, out.shape) && shapesEqual(t.elementStrides, out.elementStrides))) {
      direct = false;
    }
  }
  if (direct) {
    checkWritable(out);
    launchElementwise(op, operands, loop, dtype, out);
    out.storage.version++;
    return out;
  }
  return writeOut(name, out, launchElementwise(op, operands, loop, dtype));
}
