/**
 * Pointwise tensor ops: forward through the shared elementwise table, dtypes by PyTorch's rules,
 * and each op's gradient beside it, written with tensor ops so higher-order gradients work.
 */
import { type DType, toDType } from '../../core/dtype.js';
import { ELEMENTWISE as E, type ElementwiseOp } from '../../core/elementwise-ops.js';
import type { Device } from '../../core/storage.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Node } from '../autograd/node.js';
import { gradEdge } from '../autograd/engine.js';
import { needsGrad, record } from '../autograd/record.js';
import { category, getDefaultDtype, torchResultType } from '../dtype-rules.js';
import { Tensor } from '../tensor.js';
import type { Scalar, TensorLike } from '../types.js';
import { broadcastShape, launchElementwise } from './launch.js';
import { sumToShape } from './reduce.js';

export interface AlphaOptions {
  /** Multiplier for `other`: add(a, b, {alpha}) is a + alpha * b. */
  alpha?: number;
}

export interface DivOptions {
  /** undefined: true division; 'trunc' or 'floor': rounded quotients, keeping integer dtypes. */
  roundingMode?: 'trunc' | 'floor' | null;
}

const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
const shapeOf = (x: TensorLike): readonly number[] => (isTensor(x) ? x.shape : []);

/** Result dtype of ops whose integer inputs compute in the default float (exp, div, ...). */
function floatResult(operands: readonly TensorLike[]): DType {
  const d = torchResultType(operands);
  return category(d) === 2 ? d : getDefaultDtype();
}

/** Gradient of a broadcast operand: summed back to its own shape. */
function reduceGrad(g: Tensor, x: TensorLike): Tensor | null {
  return isTensor(x) ? sumToShape(g, x.shape) : null;
}

// ---- building blocks ---------------------------------------------------------------------------

function unaryOp(op: ElementwiseOp, x: Tensor, dtype: DType): Tensor {
  return launchElementwise(op, [x], dtype, dtype);
}

function binaryOp(op: ElementwiseOp, a: TensorLike, b: TensorLike, loop: DType, out: DType): Tensor {
  if (!isTensor(a) && !isTensor(b)) throw new TypeError(`${op.name}: expected at least one Tensor`);
  return launchElementwise(op, [a, b], loop, out);
}

// ---- arithmetic ----------------------------------------------------------------------------------

export function add(a: TensorLike, b: TensorLike, options: AlphaOptions = {}): Tensor {
  const alpha = options.alpha ?? 1;
  if (alpha !== 1) return add(a, mul(b, alpha));
  const dtype = torchResultType([a, b]);
  const out = binaryOp(E.add, a, b, dtype, dtype);
  return record(out, 'AddBackward0', [a, b], (g) => [reduceGrad(g, a), reduceGrad(g, b)]);
}

export function sub(a: TensorLike, b: TensorLike, options: AlphaOptions = {}): Tensor {
  const alpha = options.alpha ?? 1;
  if (alpha !== 1) return sub(a, mul(b, alpha));
  const dtype = torchResultType([a, b]);
  if (dtype === 'bool') {
    throw new Error('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  }
  const out = binaryOp(E.subtract, a, b, dtype, dtype);
  return record(out, 'SubBackward0', [a, b], (g) => [reduceGrad(g, a), isTensor(b) ? sumToShape(neg(g), b.shape) : null]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  const dtype = torchResultType([a, b]);
  const out = binaryOp(E.multiply, a, b, dtype, dtype);
  const saved = [a, b].filter(isTensor);
  return record(out, 'MulBackward0', [a, b], (g) => [
    isTensor(a) && a.requiresGrad ? sumToShape(mul(g, b), a.shape) : null,
    isTensor(b) && b.requiresGrad ? sumToShape(mul(g, a), b.shape) : null,
  ], saved);
}

export function div(a: TensorLike, b: TensorLike, options: DivOptions = {}): Tensor {
  const mode = options.roundingMode ?? null;
  if (mode !== null) {
    const dtype = torchResultType([a, b]);
    let rounded: Tensor;
    if (mode === 'floor') rounded = launchElementwise(E.floorDivide, [a, b], dtype, dtype);
    else {
      const loop = category(dtype) === 2 ? dtype : 'float64';
      rounded = launchElementwise(E.trunc, [launchElementwise(E.divide, [a, b], loop, loop)], loop, dtype);
    }
    // rounded quotients are piecewise constant: their gradient is zero
    return record(rounded, 'DivBackward1', [a, b], (g) => [
      isTensor(a) ? sumToShape(mul(g, 0), a.shape) : null, isTensor(b) ? sumToShape(mul(g, 0), b.shape) : null,
    ]);
  }
  const dtype = floatResult([a, b]);
  const out = binaryOp(E.divide, a, b, dtype, dtype);
  const saved = [a, b].filter(isTensor);
  return record(out, 'DivBackward0', [a, b], (g) => [
    isTensor(a) && a.requiresGrad ? sumToShape(div(g, b), a.shape) : null,
    isTensor(b) && b.requiresGrad ? sumToShape(neg(div(mul(g, a), mul(b, b))), b.shape) : null,
  ], saved);
}

export function trueDivide(a: TensorLike, b: TensorLike): Tensor {
  return div(a, b);
}

export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return div(a, b, { roundingMode: 'floor' });
}

/** Python-style remainder (sign of the divisor), as torch.remainder. */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  const dtype = torchResultType([a, b]);
  const out = binaryOp(E.mod, a, b, dtype, dtype);
  return record(out, 'RemainderBackward0', [a, b], (g) => [
    reduceGrad(g, a),
    isTensor(b) ? sumToShape(neg(mul(g, floorDivide(a, b))), b.shape) : null,
  ]);
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  const dtype = torchResultType([a, b]);
  const out = binaryOp(E.power, a, b, dtype, dtype);
  const saved = [a, b].filter(isTensor);
  return record(out, 'PowBackward1', [a, b], (g) => [
    isTensor(a) && a.requiresGrad ? sumToShape(mul(mul(g, b), pow(a, isTensor(b) ? sub(b, 1) : Number(b) - 1)), a.shape) : null,
    // d(a^b)/db = a^b log a, taken as 0 where a == 0 and b >= 0 (PyTorch's convention)
    isTensor(b) && b.requiresGrad
      ? sumToShape(mul(g, isTensor(a) ? where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(out.detach(), log(a))) : mul(out.detach(), a === 0 ? 0 : Math.log(Number(a)))), b.shape)
      : null,
  ], saved);
}

export function neg(x: Tensor): Tensor {
  if (x.dtype === 'bool') {
    throw new Error('Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  }
  return record(unaryOp(E.negative, x, x.dtype), 'NegBackward0', [x], (g) => [neg(g)]);
}

export const negative = neg;

export function abs(x: Tensor): Tensor {
  return record(unaryOp(E.abs, x, x.dtype), 'AbsBackward0', [x], (g) => [mul(g, sign(x))], [x]);
}

export function square(x: Tensor): Tensor {
  return mul(x, x);
}

/** Unary ops that compute in floating point: integer tensors give the default float dtype. */
function floatUnary(op: ElementwiseOp, name: string, x: Tensor, grad: (g: Tensor, y: Tensor) => Tensor, saveInput: boolean): Tensor {
  const dtype = floatResult([x]);
  const y = launchElementwise(op, [x], dtype, dtype);
  return record(y, name, [x], (g) => [grad(g, y.detach())], saveInput ? [x] : [y]);
}

export const exp = (x: Tensor): Tensor => floatUnary(E.exp, 'ExpBackward0', x, (g, y) => mul(g, expGradOut(x, y)), false);
export const log = (x: Tensor): Tensor => floatUnary(E.log, 'LogBackward0', x, (g) => div(g, x), true);
export const log2 = (x: Tensor): Tensor => floatUnary(E.log2, 'Log2Backward0', x, (g) => div(g, mul(x, Math.LN2)), true);
export const log10 = (x: Tensor): Tensor => floatUnary(E.log10, 'Log10Backward0', x, (g) => div(g, mul(x, Math.LN10)), true);
export const log1p = (x: Tensor): Tensor => floatUnary(E.log1p, 'Log1PBackward0', x, (g) => div(g, add(x, 1)), true);
export const expm1 = (x: Tensor): Tensor => floatUnary(E.expm1, 'Expm1Backward0', x, (g) => mul(g, exp(x)), true);
export const sqrt = (x: Tensor): Tensor => floatUnary(E.sqrt, 'SqrtBackward0', x, (g) => div(g, mul(sqrt(x), 2)), true);
export const rsqrt = (x: Tensor): Tensor => reciprocal(sqrt(x));
export const sin = (x: Tensor): Tensor => floatUnary(E.sin, 'SinBackward0', x, (g) => mul(g, cos(x)), true);
export const cos = (x: Tensor): Tensor => floatUnary(E.cos, 'CosBackward0', x, (g) => neg(mul(g, sin(x))), true);
export const tan = (x: Tensor): Tensor => floatUnary(E.tan, 'TanBackward0', x, (g) => mul(g, add(square(tan(x)), 1)), true);
export const asin = (x: Tensor): Tensor => floatUnary(E.arcsin, 'AsinBackward0', x, (g) => div(g, sqrt(sub(1, square(x)))), true);
export const acos = (x: Tensor): Tensor => floatUnary(E.arccos, 'AcosBackward0', x, (g) => neg(div(g, sqrt(sub(1, square(x))))), true);
export const atan = (x: Tensor): Tensor => floatUnary(E.arctan, 'AtanBackward0', x, (g) => div(g, add(square(x), 1)), true);
export const sinh = (x: Tensor): Tensor => floatUnary(E.sinh, 'SinhBackward0', x, (g) => mul(g, cosh(x)), true);
export const cosh = (x: Tensor): Tensor => floatUnary(E.cosh, 'CoshBackward0', x, (g) => mul(g, sinh(x)), true);
export const tanh = (x: Tensor): Tensor => floatUnary(E.tanh, 'TanhBackward0', x, (g) => mul(g, sub(1, square(tanh(x)))), true);
export const sigmoid = (x: Tensor): Tensor =>
  floatUnary(E.sigmoid, 'SigmoidBackward0', x, (g) => {
    const s = sigmoid(x);
    return mul(g, mul(s, sub(1, s)));
  }, true);

/** exp's output, re-derived from x when building a graph of the gradient itself. */
function expGradOut(x: Tensor, y: Tensor): Tensor {
  return isGradEnabled() && x.requiresGrad ? exp(x) : y;
}

export function reciprocal(x: Tensor): Tensor {
  return div(1, x);
}

/** Ops whose gradient is zero almost everywhere: floor, ceil, round, trunc, sign. */
function stepOp(op: ElementwiseOp, name: string, x: Tensor): Tensor {
  const y = unaryOp(op, x, x.dtype);
  return record(y, name, [x], (g) => [mul(g, 0)]);
}

export const floor = (x: Tensor): Tensor => stepOp(E.floor, 'FloorBackward0', x);
export const ceil = (x: Tensor): Tensor => stepOp(E.ceil, 'CeilBackward0', x);
export const trunc = (x: Tensor): Tensor => stepOp(E.trunc, 'TruncBackward0', x);
export const sign = (x: Tensor): Tensor => (x.dtype === 'bool' ? x.clone() : stepOp(E.sign, 'SignBackward0', x));

/** Half to even, as torch.round; with decimals, rounds x * 10^d. */
export function round(x: Tensor, options: { decimals?: number } = {}): Tensor {
  const d = options.decimals ?? 0;
  if (category(x.dtype) !== 2) return x.clone();
  if (d === 0) return stepOp(E.rint, 'RoundBackward0', x);
  const scale = 10 ** d;
  return div(stepOp(E.rint, 'RoundBackward1', mul(x, scale)), scale);
}

// ---- activations --------------------------------------------------------------------------------

export function relu(x: Tensor): Tensor {
  const y = launchElementwise(E.maximum, [x, 0], x.dtype, x.dtype);
  return record(y, 'ReluBackward0', [x], (g) => [mul(g, gt(y, 0))], [y]);
}

/** x * sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

/** log(1 + exp(beta x)) / beta, linear above `threshold` as PyTorch's. */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  const threshold = options.threshold ?? 20;
  const bx = mul(x, beta);
  return where(gt(bx, threshold), x, div(log1p(exp(bx)), beta));
}

// ---- comparison and logic ----------------------------------------------------------------------

function compare(op: ElementwiseOp, a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(op, a, b, torchResultType([a, b]), 'bool');
}

export const eq = (a: TensorLike, b: TensorLike): Tensor => compare(E.equal, a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare(E.notEqual, a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare(E.less, a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare(E.lessEqual, a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare(E.greater, a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare(E.greaterEqual, a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => compare(E.logicalAnd, a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare(E.logicalOr, a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => compare(E.logicalXor, a, b);
export const logicalNot = (x: Tensor): Tensor => launchElementwise(E.logicalNot, [x], x.dtype, 'bool');
export const isnan = (x: Tensor): Tensor => launchElementwise(E.isnan, [x], x.dtype, 'bool');
export const isinf = (x: Tensor): Tensor => launchElementwise(E.isinf, [x], x.dtype, 'bool');
export const isfinite = (x: Tensor): Tensor => launchElementwise(E.isfinite, [x], x.dtype, 'bool');

/** Elementwise maximum; at ties the gradient is split evenly, as PyTorch does. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return extremum(E.maximum, 'MaximumBackward0', a, b, gt);
}

export function minimum(a: Tensor, b: Tensor): Tensor {
  return extremum(E.minimum, 'MinimumBackward0', a, b, lt);
}

function extremum(op: ElementwiseOp, name: string, a: Tensor, b: Tensor, wins: (x: Tensor, y: Tensor) => Tensor): Tensor {
  const dtype = torchResultType([a, b]);
  const out = binaryOp(op, a, b, dtype, dtype);
  return record(out, name, [a, b], (g) => {
    const half = div(g, 2);
    const tie = eq(a, b);
    const ga = where(tie, half, where(wins(a, b), g, 0));
    const gb = where(tie, half, where(wins(b, a), g, 0));
    return [sumToShape(ga, a.shape), sumToShape(gb, b.shape)];
  }, [a, b]);
}

/** clamp(min, max): either bound may be omitted; the gradient flows where x is inside. */
export function clamp(x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  const lo = min ?? null;
  const hi = max ?? null;
  const dtype = torchResultType([x, ...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi])]);
  let y: Tensor;
  if (lo !== null && hi !== null) y = launchElementwise(E.clip, [x, lo, hi], dtype, dtype);
  else if (lo !== null) y = launchElementwise(E.maximum, [x, lo], dtype, dtype);
  else y = launchElementwise(E.minimum, [x, hi!], dtype, dtype);
  return record(y, 'ClampBackward1', [x, lo, hi], (g) => {
    let inside = launchElementwise(E.copy, [true], 'bool', 'bool');
    if (lo !== null) inside = logicalAnd(inside, ge(x, lo));
    if (hi !== null) inside = logicalAnd(inside, le(x, hi));
    return [
      sumToShape(where(inside, g, 0), x.shape),
      isTensor(lo) ? sumToShape(where(lt(x, lo), g, 0), lo.shape) : null,
      isTensor(hi) ? sumToShape(where(gt(x, hi), g, 0), hi.shape) : null,
    ];
  }, [x]);
}

/** torch.where(condition, input, other). */
export function where(condition: Tensor, x: TensorLike, y: TensorLike): Tensor {
  if (condition.dtype !== 'bool') throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${condition.dtype}`);
  const dtype = torchResultType([x, y]);
  const out = launchElementwise(E.where, [condition, x, y], dtype, dtype);
  return record(out, 'WhereBackward0', [condition, x, y], (g) => [
    null,
    isTensor(x) ? sumToShape(where(condition, g, 0), x.shape) : null,
    isTensor(y) ? sumToShape(where(condition, 0, g), y.shape) : null,
  ], [condition]);
}

/** Fills `value` where mask is true (out of place). */
export function maskedFill(x: Tensor, mask: Tensor, value: Scalar | Tensor): Tensor {
  if (mask.dtype !== 'bool') throw new Error(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  if (isTensor(value) && value.ndim !== 0) {
    throw new Error(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  }
  broadcastShape([x.shape, mask.shape]);
  const out = launchElementwise(E.where, [mask, value, x], x.dtype, x.dtype);
  return record(out, 'MaskedFillBackward0', [x, null, value], (g) => [
    sumToShape(where(mask, 0, g), x.shape), null, isTensor(value) ? sumToShape(where(mask, g, 0), []) : null,
  ], [mask]);
}

// ---- conversion and copies -------------------------------------------------------------------

/** A copy with its own contiguous memory, differentiable. */
export function clone(x: Tensor): Tensor {
  const y = launchElementwise(E.copy, [x], x.dtype, x.dtype);
  return record(y, 'CloneBackward0', [x], (g) => [g]);
}

/** Tensor.to(dtype | device): a cast (differentiable between float types) or the tensor itself. */
export function to(x: Tensor, target: DType | Device | { dtype?: DType; device?: Device }, options: { copy?: boolean } = {}): Tensor {
  let dtype: DType | undefined;
  let device: Device | undefined;
  if (typeof target === 'string') {
    if (target === 'cpu') device = target;
    else dtype = toDType(target);
  } else {
    dtype = target.dtype === undefined ? undefined : toDType(target.dtype);
    device = target.device;
  }
  if (device !== undefined && device !== 'cpu') throw new Error(`unknown device '${String(device)}': only 'cpu' is available`);
  const want = dtype ?? x.dtype;
  if (want === x.dtype && !options.copy) return x;
  const y = launchElementwise(E.copy, [x], x.dtype, want);
  if (category(want) !== 2) return y;
  return record(y, 'ToCopyBackward0', [x], (g) => [to(g, x.dtype)]);
}

/**
 * Writes an out-of-place result into `self` (what every `op_` does), and moves self's place in
 * the graph to the result's node, as PyTorch's in-place ops do.
 */
export function inPlace<T extends Tensor>(self: T, result: Tensor): T {
  checkInPlace(self, result);
  launchElementwise(E.copy, [result.detach()], result.dtype, self.dtype, self);
  self.storage.version++;
  if (result.requiresGrad) {
    self.requiresGrad = true;
    self.gradFn = result.gradFn;
  }
  return self;
}

function checkInPlace(self: Tensor, result: Tensor): void {
  if (isGradEnabled() && self.requiresGrad && self.isLeaf) {
    throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  if (category(result.dtype) > category(self.dtype)) {
    throw new Error(`result type ${torchTypeName(result.dtype)} can't be cast to the desired output type ${torchTypeName(self.dtype)}`);
  }
  const shape = broadcastShape([self.shape, result.shape]);
  if (shape.length !== self.shape.length || shape.some((d, i) => d !== self.shape[i])) {
    throw new Error(`output with shape [${self.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
  }
}

function torchTypeName(d: DType): string {
  const names: Partial<Record<DType, string>> = {
    float32: 'Float', float64: 'Double', float16: 'Half', int64: 'Long', int32: 'Int', int16: 'Short',
    int8: 'Char', uint8: 'Byte', bool: 'Bool',
  };
  return names[d] ?? d;
}

/** self.copy_(src): copies (broadcasting, casting) src into self; differentiable w.r.t. src. */
export function copy_<T extends Tensor>(self: T, src: TensorLike): T {
  const source = isTensor(src) ? src : launchElementwise(E.copy, [src], self.dtype, self.dtype);
  if (isGradEnabled() && self.requiresGrad && self.isLeaf) {
    throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  broadcastShape([self.shape, source.shape]);
  launchElementwise(E.copy, [source.detach()], source.dtype, self.dtype, self);
  self.storage.version++;
  if (needsGrad([self, source])) {
    const prev = self.requiresGrad ? gradEdge(self) : null;
    self.requiresGrad = true;
    self.gradFn = new Node('CopyBackwards', [prev, source.requiresGrad ? gradEdge(source) : null], (g) => [
      prev ? mul(g, 0) : null, sumToShape(to(g, source.dtype), source.shape),
    ]);
  }
  return self;
}

/** self.fill_(value): every element becomes value. */
export function fill_<T extends Tensor>(self: T, value: Scalar | Tensor): T {
  if (isTensor(value) && value.ndim !== 0) {
    throw new Error(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
  }
  return copy_(self, value);
}

/** Shapes that broadcast together, exported for ops composed elsewhere. */
export function resultShape(...xs: TensorLike[]): number[] {
  return broadcastShape(xs.map(shapeOf));
}
