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
import { viewBase } from '../autograd/views.js';
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import { category, getDefaultDtype, resultType2, torchResultType } from '../dtype-rules.js';
import { Tensor } from '../tensor.js';
import type { Scalar, TensorLike } from '../types.js';
import { broadcastShape, launchElementwise } from './launch.js';
import { shapesEqual } from '../../core/shape.js';
import { scratchTensor } from '../alloc.js';
import { any as anyTrue, sumToShape } from './reduce.js';
import { elementwiseOut, withOut, type OutOption } from './out.js';

export type { OutOption } from './out.js';

export interface AlphaOptions extends OutOption {
  /** Multiplier for `other`: add(a, b, {alpha}) is a + alpha * b. */
  alpha?: number;
}

export interface DivOptions extends OutOption {
  /** undefined: true division; 'trunc' or 'floor': rounded quotients, keeping integer dtypes. */
  roundingMode?: 'trunc' | 'floor' | null;
}

const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
const shapeOf = (x: TensorLike): readonly number[] => (isTensor(x) ? x.shape : []);

/** Result dtype of ops whose integer inputs compute in the default float (exp, div, ...). */
function floatResult(operands: readonly TensorLike[]): DType {
  const d = operands.length === 1 && isTensor(operands[0]) ? operands[0].dtype
    : operands.length === 2 ? resultType2(operands[0]!, operands[1]!) : torchResultType(operands);
  return category(d) === 2 ? d : getDefaultDtype();
}

/** PyTorch's name for a dtype in messages ('Float', 'Long', 'Bool'). */
export function torchTypeName(d: DType): string {
  const names: Partial<Record<DType, string>> = {
    float32: 'Float', float64: 'Double', float16: 'Half', int64: 'Long', int32: 'Int',
    int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool',
  };
  return names[d] ?? d;
}

/** Refuses dtypes PyTorch has no kernel for (abs on bool, silu on integers), in its wording. */
function refuse(x: Tensor, name: string, refused: (d: DType) => boolean): void {
  if (refused(x.dtype)) throw new Error(`"${name}" not implemented for '${torchTypeName(x.dtype)}'`);
}

const isBool = (d: DType): boolean => d === 'bool';
const notFloat = (d: DType): boolean => category(d) !== 2;

/** Integer division by zero has no value: PyTorch raises ZeroDivisionError. */
function checkIntDivisor(b: TensorLike, dtype: DType): void {
  if (category(dtype) === 2) return;
  const zero = isTensor(b) ? anyTrue(launchElementwise(E.equal, [b, 0], b.dtype, 'bool')).item() : Number(b) === 0;
  if (zero) throw new Error('ZeroDivisionError');
}

/** Whether an operand will need a gradient (so its partner must be saved). */
const wants = (x: TensorLike): boolean => isTensor(x) && x.requiresGrad && isGradEnabled();

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

/** alpha * b, the operand add and sub take with an alpha (a scalar stays a scalar). */
function scaled(b: TensorLike, alpha: number): TensorLike {
  return isTensor(b) ? mul(b, alpha) : Number(b) * alpha;
}

export function add(a: TensorLike, b: TensorLike, options?: AlphaOptions): Tensor {
  const alpha = options?.alpha ?? 1;
  const into = options?.out;
  if (into) {
    if (alpha !== 1) return withOut('add', into, [a, b], () => add(a, b, { alpha }));
    return elementwiseOut('add', E.add, [a, b], resultType2(a, b), resultType2(a, b), into);
  }
  if (alpha !== 1) return add(a, scaled(b, alpha));
  const dtype = resultType2(a, b);
  const out = binaryOp(E.add, a, b, dtype, dtype);
  if (!wantsGrad(a, b)) return out;
  return record(out, 'AddBackward0', [a, b], (g) => [reduceGrad(g, a), reduceGrad(g, b)]);
}

const boolOperand = (x: TensorLike): boolean => (isTensor(x) ? x.dtype === 'bool' : typeof x === 'boolean');

function checkSubOperands(a: TensorLike, b: TensorLike): void {
  if (boolOperand(a) && boolOperand(b)) {
    throw new Error('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  }
  if (boolOperand(a) || boolOperand(b)) {
    throw new Error('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  }
}

export function sub(a: TensorLike, b: TensorLike, options?: AlphaOptions): Tensor {
  const alpha = options?.alpha ?? 1;
  const into = options?.out;
  if (into) {
    checkSubOperands(a, b);
    if (alpha !== 1) return withOut('sub', into, [a, b], () => sub(a, b, { alpha }));
    return elementwiseOut('sub', E.subtract, [a, b], resultType2(a, b), resultType2(a, b), into);
  }
  if (alpha !== 1) return sub(a, scaled(b, alpha));
  checkSubOperands(a, b);
  const dtype = resultType2(a, b);
  const out = binaryOp(E.subtract, a, b, dtype, dtype);
  if (!wantsGrad(a, b)) return out;
  return record(out, 'SubBackward0', [a, b], (g) => [reduceGrad(g, a), isTensor(b) ? sumToShape(neg(g), b.shape) : null]);
}

export function mul(a: TensorLike, b: TensorLike, options?: OutOption): Tensor {
  const dtype = resultType2(a, b);
  if (options?.out) return elementwiseOut('mul', E.multiply, [a, b], dtype, dtype, options.out);
  const out = binaryOp(E.multiply, a, b, dtype, dtype);
  if (!wantsGrad(a, b)) return out;
  // each operand is saved only when the other one's gradient needs it, as PyTorch does
  const saved = [wants(b) ? a : null, wants(a) ? b : null].filter(isTensor);
  return record(out, 'MulBackward0', [a, b], (g) => [
    isTensor(a) && a.requiresGrad ? sumToShape(mul(g, b), a.shape) : null,
    isTensor(b) && b.requiresGrad ? sumToShape(mul(g, a), b.shape) : null,
  ], saved);
}

export function div(a: TensorLike, b: TensorLike, options: DivOptions = {}): Tensor {
  const mode = options.roundingMode ?? null;
  if (options.out) {
    const into = options.out;
    if (mode === null) return elementwiseOut('div', E.divide, [a, b], floatResult([a, b]), floatResult([a, b]), into);
    return withOut('div', into, [a, b], () => div(a, b, { roundingMode: mode }));
  }
  if (mode !== null) {
    const dtype = torchResultType([a, b]);
    checkIntDivisor(b, dtype);
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
  if (!wantsGrad(a, b)) return out;
  const saved = [wants(b) ? a : null, wants(a) || wants(b) ? b : null].filter(isTensor);
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
  checkIntDivisor(b, dtype);
  const out = binaryOp(E.mod, a, b, dtype, dtype);
  return record(out, 'RemainderBackward0', [a, b], (g) => [
    reduceGrad(g, a),
    isTensor(b) ? sumToShape(neg(mul(g, floorDivide(a, b))), b.shape) : null,
  ]);
}

export function pow(a: TensorLike, b: TensorLike, options?: OutOption): Tensor {
  const dtype = torchResultType([a, b]);
  if (options?.out) return elementwiseOut('pow', E.power, [a, b], dtype, dtype, options.out);
  const out = binaryOp(E.power, a, b, dtype, dtype);
  const saved = [wants(a) || wants(b) ? a : null, wants(a) ? b : null, wants(b) ? out : null].filter(isTensor);
  return record(out, 'PowBackward1', [a, b], (g) => [
    isTensor(a) && a.requiresGrad ? sumToShape(powBaseGrad(g, a, b), a.shape) : null,
    // d(a^b)/db = a^b log a, taken as 0 where a == 0 and b >= 0 (PyTorch's convention)
    isTensor(b) && b.requiresGrad
      ? sumToShape(mul(g, isTensor(a) ? where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(out, log(a))) : mul(out, a === 0 ? 0 : Math.log(Number(a)))), b.shape)
      : null,
  ], saved);
}

/** g * b * a^(b-1), zero where b == 0 (so 0^0 has gradient 0, not NaN), as PyTorch's pow_backward. */
function powBaseGrad(g: Tensor, a: Tensor, b: TensorLike): Tensor {
  if (!isTensor(b)) return Number(b) === 0 ? mul(g, 0) : mul(mul(g, b), pow(a, Number(b) - 1));
  return where(eq(b, 0), 0, mul(mul(g, b), pow(a, sub(b, 1))));
}

export function neg(x: Tensor, options?: OutOption): Tensor {
  if (options?.out) return withOut('neg', options.out, [x], () => neg(x));
  if (x.dtype === 'bool') {
    throw new Error('Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  }
  const y = unaryOp(E.negative, x, x.dtype);
  if (!wantsGrad(x)) return y;
  return record(y, 'NegBackward0', [x], (g) => [neg(g)]);
}

export const negative = neg;

export function abs(x: Tensor, options?: OutOption): Tensor {
  refuse(x, 'abs', isBool);
  if (options?.out) return elementwiseOut('abs', E.abs, [x], x.dtype, x.dtype, options.out);
  return record(unaryOp(E.abs, x, x.dtype), 'AbsBackward0', [x], (g) => [mul(g, sign(x))], [x]);
}

/** x ** 2, as torch.square (so bool gives int64). */
export function square(x: Tensor, options?: OutOption): Tensor {
  return pow(x, 2, options);
}

/**
 * Unary ops that compute in floating point: integer tensors give the default float dtype. The
 * gradient reads the input or, where PyTorch's formula does, the output y itself (not detached,
 * so a gradient built with createGraph differentiates through y too).
 */
function floatUnary(op: ElementwiseOp, name: string, x: Tensor, grad: (g: Tensor, y: Tensor) => Tensor, saveInput: boolean, out?: Tensor): Tensor {
  const dtype = floatResult([x]);
  if (out) return elementwiseOut(name.slice(0, name.indexOf('Backward')).toLowerCase(), op, [x], dtype, dtype, out);
  const y = launchElementwise(op, [x], dtype, dtype);
  if (!wantsGrad(x)) return y;
  return record(y, name, [x], (g) => [grad(g, y)], saveInput ? [x] : [y]);
}

export const exp = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.exp, 'ExpBackward0', x, (g, y) => mul(g, y), false, options?.out);
export const log = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.log, 'LogBackward0', x, (g) => div(g, x), true, options?.out);
export const log2 = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.log2, 'Log2Backward0', x, (g) => div(g, mul(x, Math.LN2)), true, options?.out);
export const log10 = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.log10, 'Log10Backward0', x, (g) => div(g, mul(x, Math.LN10)), true, options?.out);
export const log1p = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.log1p, 'Log1PBackward0', x, (g) => div(g, add(x, 1)), true, options?.out);
export const expm1 = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.expm1, 'Expm1Backward0', x, (g) => mul(g, exp(x)), true, options?.out);
export const sqrt = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.sqrt, 'SqrtBackward0', x, (g, y) => div(g, mul(y, 2)), false, options?.out);
export const rsqrt = (x: Tensor, options?: OutOption): Tensor => (options?.out ? withOut('rsqrt', options.out, [x], () => rsqrt(x)) : reciprocal(sqrt(x)));
export const sin = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.sin, 'SinBackward0', x, (g) => mul(g, cos(x)), true, options?.out);
export const cos = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.cos, 'CosBackward0', x, (g) => neg(mul(g, sin(x))), true, options?.out);
export const tan = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.tan, 'TanBackward0', x, (g) => mul(g, add(square(tan(x)), 1)), true, options?.out);
export const asin = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.arcsin, 'AsinBackward0', x, (g) => div(g, sqrt(sub(1, square(x)))), true, options?.out);
export const acos = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.arccos, 'AcosBackward0', x, (g) => neg(div(g, sqrt(sub(1, square(x))))), true, options?.out);
export const atan = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.arctan, 'AtanBackward0', x, (g) => div(g, add(square(x), 1)), true, options?.out);
export const sinh = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.sinh, 'SinhBackward0', x, (g) => mul(g, cosh(x)), true, options?.out);
export const cosh = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.cosh, 'CoshBackward0', x, (g) => mul(g, sinh(x)), true, options?.out);
export const tanh = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.tanh, 'TanhBackward0', x, (g, y) => mul(g, sub(1, mul(y, y))), false, options?.out);
export const sigmoid = (x: Tensor, options?: OutOption): Tensor => floatUnary(E.sigmoid, 'SigmoidBackward0', x, (g, y) => mul(g, mul(y, sub(1, y))), false, options?.out);

export function reciprocal(x: Tensor, options?: OutOption): Tensor {
  return div(1, x, options);
}

/** Ops whose gradient is zero almost everywhere: floor, ceil, round, trunc, sign. */
function stepOp(op: ElementwiseOp, name: string, x: Tensor, out?: Tensor): Tensor {
  refuse(x, op.name === 'rint' ? 'round' : op.name, isBool);
  if (out) return elementwiseOut(op.name === 'rint' ? 'round' : op.name, op, [x], x.dtype, x.dtype, out);
  const y = unaryOp(op, x, x.dtype);
  return record(y, name, [x], (g) => [mul(g, 0)]);
}

export const floor = (x: Tensor, options?: OutOption): Tensor => stepOp(E.floor, 'FloorBackward0', x, options?.out);
export const ceil = (x: Tensor, options?: OutOption): Tensor => stepOp(E.ceil, 'CeilBackward0', x, options?.out);
export const trunc = (x: Tensor, options?: OutOption): Tensor => stepOp(E.trunc, 'TruncBackward0', x, options?.out);
/** sign; NaN gives 0, as PyTorch's (0 < x) - (x < 0). */
export function sign(x: Tensor, options?: OutOption): Tensor {
  if (options?.out) return withOut('sign', options.out, [x], () => sign(x));
  if (x.dtype === 'bool') return x.clone();
  const y = stepOp(E.sign, 'SignBackward0', x);
  if (category(x.dtype) !== 2) return y;
  launchElementwise(E.where, [isnan(x), 0, y.detach()], y.dtype, y.dtype, y);
  return y;
}

/** Half to even, as torch.round; with decimals, rounds x * 10^d. */
export function round(x: Tensor, options: { decimals?: number } & OutOption = {}): Tensor {
  if (options.out) return withOut('round', options.out, [x], () => round(x, { decimals: options.decimals ?? 0 }));
  const d = options.decimals ?? 0;
  refuse(x, 'round', isBool);
  if (category(x.dtype) !== 2) return x.clone();
  if (d === 0) return stepOp(E.rint, 'RoundBackward0', x);
  const scale = 10 ** d;
  return div(stepOp(E.rint, 'RoundBackward1', mul(x, scale)), scale);
}

// ---- activations --------------------------------------------------------------------------------

export function relu(x: Tensor, options?: OutOption): Tensor {
  if (options?.out) return withOut('relu', options.out, [x], () => relu(x));
  if (x.dtype === 'bool') throw new Error('Boolean inputs not supported for relu');
  const y = launchElementwise(E.maximum, [x, 0], x.dtype, x.dtype);
  if (!wantsGrad(x)) return y;
  return record(y, 'ReluBackward0', [x], (g) => [reluBackward(g, y)], [y]);
}

/** g where y > 0, else 0, in one pass; linear in g, so its own gradient is itself (PyTorch's threshold_backward). */
function reluBackward(g: Tensor, y: Tensor): Tensor {
  const out = launchElementwise(E.reluBackward, [g, y], g.dtype, g.dtype);
  if (!wantsGrad(g)) return out;
  return record(out, 'ThresholdBackwardBackward0', [g], (gg) => [reluBackward(gg, y)], [y]);
}

/** x * sigmoid(x). */
export function silu(x: Tensor): Tensor {
  refuse(x, 'silu', notFloat);
  return mul(x, sigmoid(x));
}

/** log(1 + exp(beta x)) / beta, linear above `threshold` as PyTorch's. */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  const threshold = options.threshold ?? 20;
  refuse(x, 'softplus', notFloat);
  const bx = mul(x, beta);
  // the unused branch is computed on clamped inputs, so exp cannot overflow into a NaN gradient
  const soft = div(log1p(exp(clamp(bx, null, threshold))), beta);
  return where(gt(bx, threshold), x, soft);
}

// ---- comparison and logic ----------------------------------------------------------------------

/** PyTorch's op names for out= messages. */
const COMPARE_NAMES: Record<string, string> = {
  equal: 'eq', notEqual: 'ne', less: 'lt', lessEqual: 'le', greater: 'gt', greaterEqual: 'ge',
  logicalAnd: 'logical_and', logicalOr: 'logical_or', logicalXor: 'logical_xor',
};

function compare(op: ElementwiseOp, a: TensorLike, b: TensorLike, out?: Tensor): Tensor {
  if (out) return elementwiseOut(COMPARE_NAMES[op.name] ?? op.name, op, [a, b], resultType2(a, b), 'bool', out);
  return binaryOp(op, a, b, resultType2(a, b), 'bool');
}

export const eq = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.equal, a, b, options?.out);
export const ne = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.notEqual, a, b, options?.out);
export const lt = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.less, a, b, options?.out);
export const le = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.lessEqual, a, b, options?.out);
export const gt = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.greater, a, b, options?.out);
export const ge = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.greaterEqual, a, b, options?.out);
export const logicalAnd = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.logicalAnd, a, b, options?.out);
export const logicalOr = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.logicalOr, a, b, options?.out);
export const logicalXor = (a: TensorLike, b: TensorLike, options?: OutOption): Tensor => compare(E.logicalXor, a, b, options?.out);
export const logicalNot = (x: Tensor): Tensor => launchElementwise(E.logicalNot, [x], x.dtype, 'bool');
export const isnan = (x: Tensor): Tensor => launchElementwise(E.isnan, [x], x.dtype, 'bool');
export const isinf = (x: Tensor): Tensor => launchElementwise(E.isinf, [x], x.dtype, 'bool');
export const isfinite = (x: Tensor): Tensor => launchElementwise(E.isfinite, [x], x.dtype, 'bool');

/** Elementwise maximum; at ties the gradient is split evenly, as PyTorch does. */
export function maximum(a: Tensor, b: Tensor, options?: OutOption): Tensor {
  if (options?.out) return elementwiseOut('maximum', E.maximum, [a, b], torchResultType([a, b]), torchResultType([a, b]), options.out);
  return extremum(E.maximum, 'MaximumBackward0', a, b, gt);
}

export function minimum(a: Tensor, b: Tensor, options?: OutOption): Tensor {
  if (options?.out) return elementwiseOut('minimum', E.minimum, [a, b], torchResultType([a, b]), torchResultType([a, b]), options.out);
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
export function clamp(x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null, options?: OutOption): Tensor {
  if (options?.out) return withOut('clamp', options.out, [x, min, max], () => clamp(x, min, max));
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
    // where min > max the result is max, so max takes the gradient (PyTorch's clamp_backward_min_max)
    const loWins = (l: Tensor): Tensor => (hi === null ? lt(x, l) : logicalAnd(lt(x, l), lt(l, hi)));
    const hiWins = (h: Tensor): Tensor => (lo === null ? gt(x, h) : logicalOr(gt(x, h), lt(h, lo)));
    return [
      sumToShape(where(inside, g, 0), x.shape),
      isTensor(lo) ? sumToShape(where(loWins(lo), g, 0), lo.shape) : null,
      isTensor(hi) ? sumToShape(where(hiWins(hi), g, 0), hi.shape) : null,
    ];
  }, [x]);
}

/** torch.where(condition, input, other). */
export function where(condition: Tensor, x: TensorLike, y: TensorLike, options?: OutOption): Tensor {
  if (options?.out) return withOut('where', options.out, [condition, x, y], () => where(condition, x, y));
  if (condition.dtype !== 'bool') {
    throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${torchTypeName(condition.dtype)}`);
  }
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
  if (mask.dtype !== 'bool') throw new Error(`masked_fill_ only supports boolean masks, but got mask with dtype ${torchTypeName(mask.dtype)}`);
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
  checkInPlace(self);
  if (category(result.dtype) > category(self.dtype)) {
    throw new Error(`result type ${torchTypeName(result.dtype)} can't be cast to the desired output type ${torchTypeName(self.dtype)}`);
  }
  checkOutputShape(self, result);
  const node = isGradEnabled() && result.requiresGrad ? result.gradFn : null;
  // the op's gradient may read self's old values (pow_, mul_ by a tensor that requires grad):
  // keep a copy and put it back while that gradient runs, as PyTorch saves `original_self`
  const original = node?.saves(self.storage) ? launchElementwise(E.copy, [self.detach()], self.dtype, self.dtype) : null;
  launchElementwise(E.copy, [result.detach()], result.dtype, self.dtype, self);
  self.storage.version++;
  if (!node) return self;
  if (original) {
    const region = self.detach();
    node.keepOriginal(self.storage, (run) => {
      const now = launchElementwise(E.copy, [region], self.dtype, self.dtype);
      launchElementwise(E.copy, [original], self.dtype, self.dtype, region);
      try {
        return run();
      } finally {
        launchElementwise(E.copy, [now], self.dtype, self.dtype, region);
      }
    });
  }
  setHistory(self, node);
  return self;
}

/** PyTorch's refusals before writing into self: leaves that require grad, self-overlapping views. */
function checkInPlace(self: Tensor): void {
  if (isGradEnabled()) {
    if (self.requiresGrad && self.isLeaf) throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
    const base = viewBase(self);
    if (base && base.requiresGrad && base.isLeaf) {
      throw new Error('a view of a leaf Variable that requires grad is being used in an in-place operation.');
    }
  }
  if (self.shape.some((d, i) => d > 1 && self.elementStrides[i] === 0)) {
    throw new Error('unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.');
  }
}

function checkOutputShape(self: Tensor, values: Tensor): void {
  const shape = broadcastShape([self.shape, values.shape]);
  if (shape.length !== self.shape.length || shape.some((d, i) => d !== self.shape[i])) {
    throw new Error(`output with shape [${self.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
  }
}

/**
 * Makes `node` (whose output has self's shape) the maker of self's new values. When self is a
 * view, its base changes too: the base's node becomes CopySlices (the old base outside the view,
 * node's values inside), and self becomes a view of that, as in PyTorch.
 */
function setHistory(self: Tensor, node: Node): void {
  const base = viewBase(self);
  self.requiresGrad = true;
  if (!base) {
    self.gradFn = node;
    return;
  }
  if (!base.isContiguous()) {
    throw new Error('kiln: in-place operations on a view of a non-contiguous tensor are not differentiable yet; clone() the base first');
  }
  // the view's elements inside a contiguous base-shaped tensor (offset measured from the base)
  const geometry = { shape: self.shape, strides: self.elementStrides, offset: self.offset - base.offset };
  const inside = Tensor.empty(base.shape, 'bool');
  launchElementwise(E.copy, [true], 'bool', 'bool', regionOf(inside, geometry));
  const baseMeta = { dtype: base.dtype, shape: [...base.shape] };
  const prev = base.requiresGrad ? gradEdge(base) : null;
  const slices = new Node('CopySlices', [prev, node], (g) => [
    prev ? where(inside, 0, g) : null, takeRegion(g, geometry, base.shape),
  ], [], [baseMeta, { dtype: self.dtype, shape: [...self.shape] }]);
  base.requiresGrad = true;
  base.gradFn = slices;
  self.gradFn = new Node('AsStridedBackward0', [slices], (g) => [putRegion(g, geometry, base.shape)], [], [baseMeta]);
}

interface Geometry {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** The view `geometry` describes, of a contiguous tensor with the base's shape. */
function regionOf(t: Tensor, geometry: Geometry): Tensor {
  return t.makeView(geometry.shape, geometry.strides, t.offset + geometry.offset);
}

/** The view's elements out of a base-shaped gradient (differentiable: its adjoint is putRegion). */
function takeRegion(g: Tensor, geometry: Geometry, baseShape: readonly number[]): Tensor {
  const c = g.contiguous();
  return record(regionOf(c, geometry), 'AsStridedBackward0', [c], (gg) => [putRegion(gg, geometry, baseShape)]);
}

/** A zero base-shaped tensor holding v at the view's elements (the adjoint of takeRegion). */
function putRegion(v: Tensor, geometry: Geometry, baseShape: readonly number[]): Tensor {
  const out = Tensor.empty(baseShape, v.dtype); // zeroed memory
  launchElementwise(E.copy, [v.detach()], v.dtype, v.dtype, regionOf(out, geometry));
  return record(out, 'AsStridedScatterBackward0', [v], (gg) => [takeRegion(gg, geometry, baseShape)]);
}

/** self.copy_(src): copies (broadcasting, casting) src into self; differentiable w.r.t. src. */
export function copy_<T extends Tensor>(self: T, src: TensorLike): T {
  const source = isTensor(src) ? src : launchElementwise(E.copy, [src], self.dtype, self.dtype);
  checkInPlace(self);
  checkOutputShape(self, source);
  // a source overlapping self is read in full before anything is written
  const values = source.storage === self.storage ? launchElementwise(E.copy, [source.detach()], source.dtype, source.dtype) : source.detach();
  launchElementwise(E.copy, [values], source.dtype, self.dtype, self);
  self.storage.version++;
  if (needsGrad([self, source])) {
    const prev = self.requiresGrad ? gradEdge(self) : null;
    const from = source.requiresGrad ? gradEdge(source) : null;
    const meta = [{ dtype: self.dtype, shape: [...self.shape] }, { dtype: source.dtype, shape: [...source.shape] }];
    setHistory(self, new Node('CopyBackwards', [prev, from], (g) => [prev ? mul(g, 0) : null, g], [], meta));
  }
  return self;
}

/** self.fill_(value): every element becomes value. */
export function fill_<T extends Tensor>(self: T, value: Scalar | Tensor): T {
  if (isTensor(value) && value.ndim !== 0) {
    throw new Error(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
  }
  if (!isTensor(value) && !wantsGrad(self)) {
    // no graph: the scalar goes straight into self
    checkInPlace(self);
    launchElementwise(E.copy, [value], self.dtype, self.dtype, self);
    self.storage.version++;
    return self;
  }
  return copy_(self, value);
}

// ---- in place, straight into self -------------------------------------------------------------------

/** Whether `shape` broadcasts to exactly `target` (an operand of an in-place op on `target`). */
function broadcastsInto(shape: readonly number[], target: readonly number[]): boolean {
  const lead = target.length - shape.length;
  if (lead < 0) return false;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d !== 1 && d !== target[lead + i]) return false;
  }
  return true;
}

/** Whether two views of one storage are the same elements in the same order. */
function sameElements(a: Tensor, b: Tensor): boolean {
  if (a.offset !== b.offset || !shapesEqual(a.shape, b.shape)) return false;
  for (let i = 0; i < a.shape.length; i++) {
    if (a.shape[i]! > 1 && a.elementStrides[i] !== b.elementStrides[i]) return false;
  }
  return true;
}

/**
 * How an operand's memory relates to self's, as PyTorch's get_overlap_status sees it: none, the
 * same elements, partly the same (both dense, their ranges overlapping), or too hard to tell.
 */
function overlapOf(self: Tensor, o: Tensor): 'none' | 'full' | 'partial' | 'unknown' {
  if (o.storage !== self.storage) return 'none';
  if (sameElements(o, self)) return 'full';
  if (o.dtype !== self.dtype || !self.isContiguous() || !o.isContiguous()) return 'unknown';
  const n = self.numel();
  const m = o.numel();
  if (n === 0 || m === 0) return 'none';
  return o.offset < self.offset + n && self.offset < o.offset + m ? 'partial' : 'none';
}

/** PyTorch's refusal of an in-place op reading memory it partly writes (`x[1:].add_(x[:-1])`). */
function checkNoPartialOverlap(self: Tensor, operands: readonly TensorLike[]): void {
  for (let i = 0; i < operands.length; i++) {
    const o = operands[i];
    if (isTensor(o) && o.storage === self.storage && overlapOf(self, o) === 'partial') {
      throw new Error('unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.');
    }
  }
}

/**
 * Whether an in-place op whose result has dtype `dtype` can write straight into self: no graph
 * to record (grad mode off, or nothing involved requires grad), a result dtype self can hold,
 * operands that broadcast to self's shape, self without repeated elements, and no operand
 * reading self's memory in another layout (it would be read after being written: PyTorch
 * refuses the dense cases, checkNoPartialOverlap; strided ones are computed aside here).
 * Otherwise the op runs out of place and inPlace copies, which also raises PyTorch's errors for
 * the cases refused here.
 */
function writesInPlace(self: Tensor, operands: readonly TensorLike[], dtype: DType): boolean {
  if (isGradEnabled()) {
    if (self.requiresGrad) return false;
    for (let i = 0; i < operands.length; i++) {
      const o = operands[i];
      if (isTensor(o) && o.requiresGrad) return false;
    }
    const base = viewBase(self);
    if (base !== undefined && base.requiresGrad) return false;
  }
  if (dtype !== self.dtype && category(dtype) > category(self.dtype)) return false;
  const shape = self.shape;
  for (let i = 0; i < shape.length; i++) if (shape[i]! > 1 && self.elementStrides[i] === 0) return false;
  for (let i = 0; i < operands.length; i++) {
    const o = operands[i];
    if (!isTensor(o) || o === self) continue;
    if (!broadcastsInto(o.shape, shape)) return false;
    if (o.storage === self.storage && overlapOf(self, o) !== 'none') return false;
  }
  return true;
}

/** Runs op(...operands) in `loop` with self as the output, and marks self's memory as changed. */
function intoSelf<T extends Tensor>(self: T, op: ElementwiseOp, operands: readonly TensorLike[], loop: DType): T {
  launchElementwise(op, operands, loop, self.dtype, self);
  self.storage.version++;
  return self;
}

/**
 * alpha * b for an in-place op's own use (as `scaled`, the dtype mul gives): a tensor's product
 * lands in scratch memory, which the caller consumes before returning.
 */
function scaledTemp(b: TensorLike, alpha: number): TensorLike {
  if (alpha === 1) return b;
  if (!isTensor(b)) return Number(b) * alpha;
  const dtype = resultType2(b, alpha);
  return launchElementwise(E.multiply, [b, alpha], dtype, dtype, scratchTensor(b.shape, dtype));
}

/** self += alpha * other. */
export function add_<T extends Tensor>(self: T, other: TensorLike, options?: AlphaOptions): T {
  checkNoPartialOverlap(self, [other]);
  const alpha = options?.alpha ?? 1;
  const dtype = resultType2(self, other);
  if (writesInPlace(self, [other], dtype)) return intoSelf(self, E.add, [self, scaledTemp(other, alpha)], dtype);
  return inPlace(self, add(self, other, options));
}

/** self -= alpha * other. */
export function sub_<T extends Tensor>(self: T, other: TensorLike, options?: AlphaOptions): T {
  checkNoPartialOverlap(self, [other]);
  const alpha = options?.alpha ?? 1;
  const dtype = resultType2(self, other);
  if (!boolOperand(self) && !boolOperand(other) && writesInPlace(self, [other], dtype)) {
    return intoSelf(self, E.subtract, [self, scaledTemp(other, alpha)], dtype);
  }
  return inPlace(self, sub(self, other, options));
}

export function mul_<T extends Tensor>(self: T, other: TensorLike): T {
  checkNoPartialOverlap(self, [other]);
  const dtype = resultType2(self, other);
  if (writesInPlace(self, [other], dtype)) return intoSelf(self, E.multiply, [self, other], dtype);
  return inPlace(self, mul(self, other));
}

export function div_<T extends Tensor>(self: T, other: TensorLike, options?: DivOptions): T {
  checkNoPartialOverlap(self, [other]);
  if ((options?.roundingMode ?? null) === null) {
    const dtype = floatResult([self, other]);
    if (writesInPlace(self, [other], dtype)) return intoSelf(self, E.divide, [self, other], dtype);
  }
  return inPlace(self, div(self, other, options));
}

/** An in-place unary op computing in floating point (sqrt_, exp_, ...). */
function floatUnary_<T extends Tensor>(self: T, op: ElementwiseOp, outOfPlace: (x: Tensor) => Tensor): T {
  const dtype = floatResult([self]);
  if (writesInPlace(self, [], dtype)) return intoSelf(self, op, [self], dtype);
  return inPlace(self, outOfPlace(self));
}

export const sqrt_ = <T extends Tensor>(self: T): T => floatUnary_(self, E.sqrt, sqrt);
export const exp_ = <T extends Tensor>(self: T): T => floatUnary_(self, E.exp, exp);

export function neg_<T extends Tensor>(self: T): T {
  if (self.dtype !== 'bool' && writesInPlace(self, [], self.dtype)) return intoSelf(self, E.negative, [self], self.dtype);
  return inPlace(self, neg(self));
}

export function relu_<T extends Tensor>(self: T): T {
  if (self.dtype !== 'bool' && writesInPlace(self, [], self.dtype)) return intoSelf(self, E.maximum, [self, 0], self.dtype);
  return inPlace(self, relu(self));
}

/** clamp_(min, max): either bound may be omitted. */
export function clamp_<T extends Tensor>(self: T, min?: number | Tensor | null, max?: number | Tensor | null): T {
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo !== null || hi !== null) {
    const operands: TensorLike[] = [self];
    if (lo !== null) operands.push(lo);
    if (hi !== null) operands.push(hi);
    checkNoPartialOverlap(self, operands);
    const dtype = operands.length === 2 ? resultType2(self, operands[1]!) : torchResultType(operands);
    if (writesInPlace(self, operands, dtype)) {
      return intoSelf(self, lo !== null && hi !== null ? E.clip : lo !== null ? E.maximum : E.minimum, operands, dtype);
    }
  }
  return inPlace(self, clamp(self, min, max));
}

/** max(x, min), as torch.clamp_min. */
export const clampMin = (x: Tensor, min: number | Tensor): Tensor => clamp(x, min, null);
/** min(x, max), as torch.clamp_max. */
export const clampMax = (x: Tensor, max: number | Tensor): Tensor => clamp(x, null, max);
export const clampMin_ = <T extends Tensor>(self: T, min: number | Tensor): T => clamp_(self, min, null);
export const clampMax_ = <T extends Tensor>(self: T, max: number | Tensor): T => clamp_(self, null, max);

// ---- addcmul, addcdiv, lerp ------------------------------------------------------------------------

export interface ValueOptions {
  /** Multiplier of the product or quotient (default 1). */
  value?: number;
}

/** PyTorch's refusals for addcmul/addcdiv operands. */
function checkAddc(name: 'addcmul' | 'addcdiv', t1: Tensor, t2: Tensor): void {
  if (name === 'addcdiv' && category(t1.dtype) !== 2 && category(t2.dtype) !== 2) {
    throw new Error('Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.');
  }
}

/**
 * (value * t1) op t2 in `dtype`, into fresh memory the caller owns (or, with `scratch`, memory
 * reused between calls that the caller consumes before returning): PyTorch's kernels compute
 * `self + value * t1 * t2` (and `/ t2`) left to right, rounding each step to the dtype, and so
 * does this (value 1 skips an exact multiplication). PyTorch's vectorized loops fuse the last
 * multiply and add (an FMA), so results can differ from it in the last bit.
 */
function scaledProduct(op: ElementwiseOp, t1: Tensor, t2: Tensor, value: number, dtype: DType, scratch = false): Tensor {
  if (value === 1) {
    return launchElementwise(op, [t1, t2], dtype, dtype, scratch ? scratchTensor(broadcastShape([t1.shape, t2.shape]), dtype) : undefined);
  }
  const tmp = launchElementwise(E.multiply, [t1, value], dtype, dtype, scratch ? scratchTensor(t1.shape, dtype) : undefined);
  if (broadcastsInto(t2.shape, tmp.shape)) return launchElementwise(op, [tmp, t2], dtype, dtype, tmp);
  return launchElementwise(op, [tmp, t2], dtype, dtype);
}

/** self + (value * t1) op t2 out of place: the sum lands in the product's memory when it fits. */
function addc(op: ElementwiseOp, self: Tensor, t1: Tensor, t2: Tensor, value: number, dtype: DType): Tensor {
  const prod = scaledProduct(op, t1, t2, value, dtype);
  return launchElementwise(E.add, [self, prod], dtype, dtype, broadcastsInto(self.shape, prod.shape) ? prod : undefined);
}

/** self + value * t1 * t2, as torch.addcmul. */
export function addcmul(self: Tensor, t1: Tensor, t2: Tensor, options?: ValueOptions): Tensor {
  const value = options?.value ?? 1;
  const dtype = torchResultType([self, t1, t2]);
  checkAddc('addcmul', t1, t2);
  const out = addc(E.multiply, self, t1, t2, value, dtype);
  if (!wantsGrad(self, t1, t2)) return out;
  const saved = [wants(t2) ? t1 : null, wants(t1) ? t2 : null].filter(isTensor);
  return record(out, 'AddcmulBackward0', [self, t1, t2], (g) => [
    reduceGrad(g, self),
    t1.requiresGrad ? sumToShape(mul(g, mul(t2, value)), t1.shape) : null,
    t2.requiresGrad ? sumToShape(mul(g, mul(t1, value)), t2.shape) : null,
  ], saved);
}

/** self + value * t1 / t2, as torch.addcdiv. */
export function addcdiv(self: Tensor, t1: Tensor, t2: Tensor, options?: ValueOptions): Tensor {
  const value = options?.value ?? 1;
  const dtype = torchResultType([self, t1, t2]);
  checkAddc('addcdiv', t1, t2);
  const out = addc(E.divide, self, t1, t2, value, dtype);
  if (!wantsGrad(self, t1, t2)) return out;
  const saved = [wants(t2) ? t1 : null, wants(t1) || wants(t2) ? t2 : null].filter(isTensor);
  return record(out, 'AddcdivBackward0', [self, t1, t2], (g) => [
    reduceGrad(g, self),
    t1.requiresGrad ? sumToShape(mul(g, div(value, t2)), t1.shape) : null,
    t2.requiresGrad ? sumToShape(neg(mul(g, div(mul(t1, value), mul(t2, t2)))), t2.shape) : null,
  ], saved);
}

function addc_<T extends Tensor>(name: 'addcmul' | 'addcdiv', self: T, t1: Tensor, t2: Tensor, options?: ValueOptions): T {
  const value = options?.value ?? 1;
  const dtype = torchResultType([self, t1, t2]);
  checkAddc(name, t1, t2);
  checkNoPartialOverlap(self, [t1, t2]);
  if (writesInPlace(self, [t1, t2], dtype)) {
    // the product goes to scratch memory only when it has self's shape (it then can't overlap self)
    const fits = broadcastsInto(broadcastShape([t1.shape, t2.shape]), self.shape);
    const prod = scaledProduct(name === 'addcmul' ? E.multiply : E.divide, t1, t2, value, dtype, fits);
    if (broadcastsInto(prod.shape, self.shape)) return intoSelf(self, E.add, [self, prod], dtype);
  }
  return inPlace(self, name === 'addcmul' ? addcmul(self, t1, t2, options) : addcdiv(self, t1, t2, options));
}

/** self += value * t1 * t2, in place (what Adam's second moment does). */
export const addcmul_ = <T extends Tensor>(self: T, t1: Tensor, t2: Tensor, options?: ValueOptions): T => addc_('addcmul', self, t1, t2, options);
/** self += value * t1 / t2, in place (what Adam's parameter update does). */
export const addcdiv_ = <T extends Tensor>(self: T, t1: Tensor, t2: Tensor, options?: ValueOptions): T => addc_('addcdiv', self, t1, t2, options);

/** PyTorch's dtype names as its lerp messages print them ('float', 'double'). */
const C10_NAMES: Partial<Record<DType, string>> = {
  float32: 'float', float64: 'double', float16: 'c10::Half', bfloat16: 'c10::BFloat16', int64: 'long int', int32: 'int',
};

function checkLerp(self: Tensor, end: Tensor, weight: number | Tensor): void {
  const name = (d: DType): string => C10_NAMES[d] ?? d;
  if (end.dtype !== self.dtype) throw new Error(`expected dtype ${name(self.dtype)} for \`end\` but got dtype ${name(end.dtype)}`);
  if (isTensor(weight) && weight.dtype !== self.dtype) {
    throw new Error(`expected dtype ${name(self.dtype)} for \`weight\` but got dtype ${name(weight.dtype)}`);
  }
  if (category(self.dtype) !== 2) {
    throw new Error(`"lerp_kernel_${isTensor(weight) ? 'tensor' : 'scalar'}" not implemented for '${torchTypeName(self.dtype)}'`);
  }
}

/**
 * self + weight * (end - self) for |weight| < 0.5, else end - (end - self) * (1 - weight): PyTorch's
 * lerp, exact at both ends, with its rounding (the weight and 1 - weight rounded to the dtype's
 * precision, float for half types). Writes into `into` when given (its shape must be the result's).
 */
function lerpScalar(self: Tensor, end: Tensor, weight: number, into?: Tensor): Tensor {
  const dtype = self.dtype;
  const round = dtype === 'float64' ? (v: number): number => v : Math.fround;
  const w = round(weight);
  // in place, end - self has self's shape, and is consumed here: scratch memory
  const diff = launchElementwise(E.subtract, [end, self], dtype, dtype, into ? scratchTensor(self.shape, dtype) : undefined);
  if (Math.abs(w) < 0.5) {
    launchElementwise(E.multiply, [diff, w], dtype, dtype, diff);
    return launchElementwise(E.add, [self, diff], dtype, dtype, into ?? diff);
  }
  launchElementwise(E.multiply, [diff, round(1 - w)], dtype, dtype, diff);
  return launchElementwise(E.subtract, [end, diff], dtype, dtype, into ?? diff);
}

/** The same with a weight tensor: each element takes its own branch. */
function lerpTensor(self: Tensor, end: Tensor, weight: Tensor): Tensor {
  const dtype = self.dtype;
  const diff = launchElementwise(E.subtract, [end, self], dtype, dtype);
  const near = launchElementwise(E.add, [self, launchElementwise(E.multiply, [weight, diff], dtype, dtype)], dtype, dtype);
  const oneMinus = launchElementwise(E.subtract, [1, weight], dtype, dtype);
  const far = launchElementwise(E.subtract, [end, launchElementwise(E.multiply, [diff, oneMinus], dtype, dtype)], dtype, dtype);
  const small = launchElementwise(E.less, [launchElementwise(E.abs, [weight], dtype, dtype), 0.5], dtype, 'bool');
  return launchElementwise(E.where, [small, near, far], dtype, dtype);
}

/** self + weight * (end - self), as torch.lerp (weight a number or a tensor). */
export function lerp(self: Tensor, end: Tensor, weight: number | Tensor): Tensor {
  checkLerp(self, end, weight);
  const out = isTensor(weight) ? lerpTensor(self, end, weight) : lerpScalar(self, end, weight);
  if (!wantsGrad(self, end, weight)) return out;
  if (!isTensor(weight)) {
    return record(out, 'LerpBackward0', [self, end], (g) => [
      self.requiresGrad ? sumToShape(mul(g, 1 - weight), self.shape) : null,
      end.requiresGrad ? sumToShape(mul(g, weight), end.shape) : null,
    ]);
  }
  return record(out, 'LerpBackward1', [self, end, weight], (g) => [
    self.requiresGrad ? sumToShape(mul(g, sub(1, weight)), self.shape) : null,
    end.requiresGrad ? sumToShape(mul(g, weight), end.shape) : null,
    weight.requiresGrad ? sumToShape(mul(g, sub(end, self)), weight.shape) : null,
  ], [self, end, weight]);
}

/** self.lerp_(end, weight): self moves toward end by weight, in place (PyTorch 2's Adam moments). */
export function lerp_<T extends Tensor>(self: T, end: Tensor, weight: number | Tensor): T {
  checkLerp(self, end, weight);
  checkNoPartialOverlap(self, [end, weight]);
  if (!isTensor(weight) && writesInPlace(self, [end], self.dtype)) {
    lerpScalar(self, end, weight, self);
    self.storage.version++;
    return self;
  }
  return inPlace(self, lerp(self, end, weight));
}

/** Shapes that broadcast together, exported for ops composed elsewhere. */
export function resultShape(...xs: TensorLike[]): number[] {
  return broadcastShape(xs.map(shapeOf));
}
