/**
 * NumPy's ufuncs: elementwise functions with broadcasting, NumPy 2's type resolution (NEP 50 for
 * JS scalars) and the `out` option. Each public function names its op in the elementwise table
 * and its dtype rule; `applyUfunc` does the rest through the array's backend.
 */
import {
  type DType, type DTypeLike, type WeakScalarKind, dtypeInfo, integerRange, isFloat, isInteger,
  promoteTypes, resultTypeWeak, toDType, weakKind,
} from '../core/dtype.js';
import { KilnTypeError, OverflowError, ValueError, shapeString } from '../core/errors.js';
import { ELEMENTWISE, type ElementwiseOp } from '../core/elementwise-ops.js';
import { broadcastShapes, broadcastStrides, shapesEqual } from '../core/shape.js';
import { backendFor } from '../backend/backend.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { asarray, scalarArray } from './convert.js';

export interface UfuncOptions {
  /** Write the result here (it must have the broadcast shape); returned as the result. */
  out?: NDArray;
  /** Compute in and return this dtype. */
  dtype?: DTypeLike;
}

/**
 * How an op maps the operands' common dtype to its loop and result dtypes (from NumPy's loop
 * tables): 'same' keeps it, 'noBool' refuses bool, 'boolToInt8' computes bools as int8, 'float'
 * moves integers to the smallest float that holds them, 'trueDivide' sends integers to float64,
 * 'compare' and 'predicate' return bool, 'int' refuses floats.
 */
type DTypeRule = 'same' | 'noBool' | 'boolToInt8' | 'float' | 'trueDivide' | 'compare' | 'predicate' | 'int' | 'intBoolToInt8';

interface Resolved {
  loop: DType;
  out: DType;
}

const SNAKE: Record<string, string> = {
  floorDivide: 'floor_divide', mod: 'remainder', abs: 'absolute', divide: 'divide', notEqual: 'not_equal',
  lessEqual: 'less_equal', greaterEqual: 'greater_equal', logicalAnd: 'logical_and', logicalOr: 'logical_or',
  logicalXor: 'logical_xor', logicalNot: 'logical_not', bitwiseAnd: 'bitwise_and', bitwiseOr: 'bitwise_or',
  bitwiseXor: 'bitwise_xor', leftShift: 'left_shift', rightShift: 'right_shift',
};
const numpyName = (op: ElementwiseOp): string => SNAKE[op.name] ?? op.name;

function noLoop(op: ElementwiseOp, dtypes: DType[]): never {
  throw new KilnTypeError(
    `ufunc '${numpyName(op)}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe'' (got ${dtypes.join(', ')})`,
  );
}

function resolveDTypes(op: ElementwiseOp, rule: DTypeRule, common: DType, inputs: DType[]): Resolved {
  const kind = dtypeInfo(common).kind;
  switch (rule) {
    case 'same':
      return { loop: common, out: common };
    case 'noBool':
      if (kind === 'b') {
        if (op.name === 'subtract') {
          throw new KilnTypeError('numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.');
        }
        if (op.name === 'negative') {
          throw new KilnTypeError('The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.');
        }
        throw new KilnTypeError(`ufunc '${numpyName(op)}' did not contain a loop with signature matching types bool -> None`);
      }
      return { loop: common, out: common };
    case 'boolToInt8':
      return kind === 'b' ? { loop: 'int8', out: 'int8' } : { loop: common, out: common };
    case 'float': {
      const f = promoteTypes(common, 'float16');
      return { loop: f, out: f };
    }
    case 'trueDivide':
      return kind === 'f' ? { loop: common, out: common } : { loop: 'float64', out: 'float64' };
    case 'compare':
      return { loop: common, out: 'bool' };
    case 'predicate':
      return { loop: common, out: 'bool' };
    case 'int':
      if (kind === 'f') noLoop(op, inputs);
      return { loop: common, out: common };
    case 'intBoolToInt8':
      if (kind === 'f') noLoop(op, inputs);
      return kind === 'b' ? { loop: 'int8', out: 'int8' } : { loop: common, out: common };
  }
}

type Operand = NDArray | { weak: WeakScalarKind; value: number | boolean | bigint };

function toOperand(x: ArrayLike): Operand {
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return { weak: weakKind(x), value: x };
  return asarray(x);
}

/** NumPy's 'same_kind' casting: safe casts, or casts within a kind or towards a higher kind. */
function canCastSameKind(from: DType, to: DType): boolean {
  const rank = { b: 0, u: 1, i: 2, f: 3 } as const;
  return promoteTypes(from, to) === to || rank[dtypeInfo(from).kind] <= rank[dtypeInfo(to).kind];
}

/** Whether two views may touch the same bytes (a conservative interval test). */
function mayOverlap(a: NDArray, b: NDArray): boolean {
  if (a.storage !== b.storage) return false;
  const extent = (v: NDArray): [number, number] => {
    let lo = v.offset;
    let hi = v.offset;
    v.shape.forEach((d, i) => {
      const s = v.elementStrides[i]! * (d - 1);
      if (s < 0) lo += s;
      else hi += s;
    });
    return [lo, hi];
  };
  const [alo, ahi] = extent(a);
  const [blo, bhi] = extent(b);
  return alo <= bhi && blo <= ahi;
}

/**
 * Applies an elementwise op: resolves dtypes, broadcasts, allocates or checks `out`, and runs the
 * backend's kernel. Weak scalars become 0-d arrays of the loop dtype (so float32 + 0.1 adds
 * float32(0.1), as NumPy does).
 */
export function applyUfunc(op: ElementwiseOp, rule: DTypeRule, args: ArrayLike[], options: UfuncOptions = {}): NDArray {
  const operands = args.map(toOperand);
  const strong = operands.filter((o): o is NDArray => o instanceof NDArray);
  const weak = operands.filter((o): o is Exclude<Operand, NDArray> => !(o instanceof NDArray));
  const common = options.dtype !== undefined
    ? toDType(options.dtype)
    : resultTypeWeak(strong.map((a) => a.dtype), weak.map((w) => w.weak));
  let { loop, out: outDtype } = resolveDTypes(op, rule, common, strong.map((a) => a.dtype));
  if (options.dtype !== undefined) {
    if (rule !== 'compare' && rule !== 'predicate') outDtype = toDType(options.dtype);
    for (const a of strong) {
      if (!canCastSameKind(a.dtype, loop)) {
        throw new KilnTypeError(`Cannot cast ufunc '${numpyName(op)}' input from dtype('${a.dtype}') to dtype('${loop}') with casting rule 'same_kind'`);
      }
    }
  }
  // NEP 50: a Python int must fit the integer dtype it is cast to (comparisons compare exactly instead).
  for (const w of weak) {
    if (w.weak === 'int' && isInteger(loop)) {
      const v = Number(w.value);
      const [lo, hi] = integerRange(loop);
      if (v < lo || v > hi) {
        if (rule === 'compare') loop = 'float64';
        else throw new OverflowError(`Python integer ${String(w.value)} out of bounds for ${loop}`);
      }
    }
  }
  const shape = broadcastShapes(...operands.map((o) => (o instanceof NDArray ? o.shape : [])));
  let out = options.out;
  if (out) {
    if (!shapesEqual(out.shape, shape)) {
      throw new ValueError(`non-broadcastable output operand with shape ${shapeString(out.shape)} doesn't match the broadcast shape ${shapeString(shape)}`);
    }
    if (!canCastSameKind(outDtype, out.dtype)) {
      throw new KilnTypeError(`Cannot cast ufunc '${numpyName(op)}' output from dtype('${outDtype}') to dtype('${out.dtype}') with casting rule 'same_kind'`);
    }
  } else {
    out = NDArray.empty(shape, outDtype);
  }
  const target = out;
  const inputs = operands.map((o) => {
    if (!(o instanceof NDArray)) return scalarArray(o.value, loop);
    // inputs that overlap the output in a different layout are read from a copy first
    const src = options.out && mayOverlap(o, target) && !(o.offset === target.offset && shapesEqual(o.elementStrides, target.elementStrides)) ? o.copy() : o;
    return src.makeView(shape, broadcastStrides(src.shape, src.elementStrides, shape), src.offset);
  });
  const broadcastInputs = inputs.map((v) => (v.ndim === shape.length ? v : v.broadcastTo(shape)));
  backendFor(target).elementwise(op, broadcastInputs, target, loop);
  if (options.out) target.storage.version++;
  return target;
}

const unary = (op: ElementwiseOp, rule: DTypeRule) =>
  (x: ArrayLike, options?: UfuncOptions): NDArray => applyUfunc(op, rule, [x], options);
const binary = (op: ElementwiseOp, rule: DTypeRule) =>
  (x1: ArrayLike, x2: ArrayLike, options?: UfuncOptions): NDArray => applyUfunc(op, rule, [x1, x2], options);

const E = ELEMENTWISE;

// arithmetic
export const add = binary(E.add, 'same');
export const subtract = binary(E.subtract, 'noBool');
export const multiply = binary(E.multiply, 'same');
export const divide = binary(E.divide, 'trueDivide');
export const trueDivide = divide;
export const floorDivide = binary(E.floorDivide, 'boolToInt8');
export const mod = binary(E.mod, 'boolToInt8');
export const remainder = mod;
export const power = binary(E.power, 'boolToInt8');
export const maximum = binary(E.maximum, 'same');
export const minimum = binary(E.minimum, 'same');
export const fmax = binary(E.fmax, 'same');
export const fmin = binary(E.fmin, 'same');
export const arctan2 = binary(E.arctan2, 'float');
export const hypot = binary(E.hypot, 'float');
export const copysign = binary(E.copysign, 'float');
export const logaddexp = binary(E.logaddexp, 'float');
export const bitwiseAnd = binary(E.bitwiseAnd, 'int');
export const bitwiseOr = binary(E.bitwiseOr, 'int');
export const bitwiseXor = binary(E.bitwiseXor, 'int');
export const leftShift = binary(E.leftShift, 'intBoolToInt8');
export const rightShift = binary(E.rightShift, 'intBoolToInt8');

// comparison and logic
export const equal = binary(E.equal, 'compare');
export const notEqual = binary(E.notEqual, 'compare');
export const less = binary(E.less, 'compare');
export const lessEqual = binary(E.lessEqual, 'compare');
export const greater = binary(E.greater, 'compare');
export const greaterEqual = binary(E.greaterEqual, 'compare');
export const logicalAnd = binary(E.logicalAnd, 'compare');
export const logicalOr = binary(E.logicalOr, 'compare');
export const logicalXor = binary(E.logicalXor, 'compare');
export const logicalNot = unary(E.logicalNot, 'predicate');
export const isnan = unary(E.isnan, 'predicate');
export const isinf = unary(E.isinf, 'predicate');
export const isfinite = unary(E.isfinite, 'predicate');
export const signbit = unary(E.signbit, 'predicate');

// unary math
export const negative = unary(E.negative, 'noBool');
export const positive = unary(E.positive, 'noBool');
export const abs = unary(E.abs, 'same');
export const absolute = abs;
export const sign = unary(E.sign, 'noBool');
export const square = unary(E.square, 'boolToInt8');
export const reciprocal = unary(E.reciprocal, 'boolToInt8');
export const sqrt = unary(E.sqrt, 'float');
export const cbrt = unary(E.cbrt, 'float');
export const exp = unary(E.exp, 'float');
export const exp2 = unary(E.exp2, 'float');
export const expm1 = unary(E.expm1, 'float');
export const log = unary(E.log, 'float');
export const log2 = unary(E.log2, 'float');
export const log10 = unary(E.log10, 'float');
export const log1p = unary(E.log1p, 'float');
export const sin = unary(E.sin, 'float');
export const cos = unary(E.cos, 'float');
export const tan = unary(E.tan, 'float');
export const arcsin = unary(E.arcsin, 'float');
export const arccos = unary(E.arccos, 'float');
export const arctan = unary(E.arctan, 'float');
export const sinh = unary(E.sinh, 'float');
export const cosh = unary(E.cosh, 'float');
export const tanh = unary(E.tanh, 'float');
export const arcsinh = unary(E.arcsinh, 'float');
export const arccosh = unary(E.arccosh, 'float');
export const arctanh = unary(E.arctanh, 'float');
export const deg2rad = unary(E.deg2rad, 'float');
export const rad2deg = unary(E.rad2deg, 'float');
export const ceil = unary(E.ceil, 'same');
export const floor = unary(E.floor, 'same');
export const trunc = unary(E.trunc, 'same');
export const rint = unary(E.rint, 'float');
export const invert = unary(E.invert, 'int');
export const bitwiseNot = invert;

/** np.round / np.around: half to even, at `decimals` places (negative rounds to tens, hundreds...). */
export function round(a: ArrayLike, decimals = 0, options: UfuncOptions = {}): NDArray {
  const x = asarray(a);
  if (!Number.isInteger(decimals)) throw new KilnTypeError(`'${decimals}' cannot be interpreted as an integer`);
  if (!isFloat(x.dtype)) {
    if (decimals >= 0) return options.out ? applyUfunc(E.positive, 'same', [x], options) : x.copy();
    const scale = 10 ** -decimals;
    const r = multiply(rint(divide(x, scale)), scale);
    return r.astype(x.dtype);
  }
  if (decimals === 0) return applyUfunc(E.rint, 'float', [x], options);
  const scale = 10 ** Math.abs(decimals);
  if (decimals > 0) return divide(rint(multiply(x, scale)), scale, options);
  return multiply(rint(divide(x, scale)), scale, options);
}
export const around = round;

/** np.clip(a, min, max): either bound may be null; NaN propagates. */
export function clip(a: ArrayLike, min: ArrayLike | null, max: ArrayLike | null, options: UfuncOptions = {}): NDArray {
  if (min === null && max === null) throw new ValueError('One of max or min must be given');
  if (min === null) return minimum(a, max!, options);
  if (max === null) return maximum(a, min, options);
  return applyUfunc(E.clip, 'same', [a, min, max], options);
}

/** np.where(condition, x, y): elements of x where condition is true, else of y. */
export function where(condition: ArrayLike, x: ArrayLike, y: ArrayLike): NDArray {
  const cond = asarray(condition);
  const c = cond.dtype === 'bool' ? cond : cond.astype('bool');
  const ox = toOperand(x);
  const oy = toOperand(y);
  const strong = [ox, oy].filter((o): o is NDArray => o instanceof NDArray).map((a) => a.dtype);
  const weak = [ox, oy].filter((o): o is Exclude<Operand, NDArray> => !(o instanceof NDArray)).map((w) => w.weak);
  const dtype = resultTypeWeak(strong, weak);
  const xs = ox instanceof NDArray ? ox : scalarArray(ox.value, dtype);
  const ys = oy instanceof NDArray ? oy : scalarArray(oy.value, dtype);
  return applyUfunc(E.where, 'same', [c, xs, ys], { dtype });
}
