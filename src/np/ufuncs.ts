/**
 * NumPy's ufuncs: elementwise functions with broadcasting, NumPy 2's type resolution (NEP 50 for
 * JS scalars) and the `out` option. Each public function names its op in the elementwise table
 * and its dtype rule; `applyUfunc` does the rest through the array's backend.
 */
import { type ComplexLike, isComplexLike } from '../core/complex.js';
import {
  type DType, type DTypeLike, type WeakScalarKind, bigIntRange, canCastSafely, checkPyIntFits, complexPart,
  defaultDTypeFor, dtypeInfo, isComplex, isFloat, isInexact, isInteger, promoteTypes, promoteWithWeak, pyIntFits,
  resultType, resultTypeWeak, safeFloatFor, toNumpyDType, weakKind,
} from '../core/dtype.js';
import { KilnTypeError, ValueError, shapeString } from '../core/errors.js';
import { ELEMENTWISE, type ElementwiseOp } from '../core/elementwise-ops.js';
import { broadcastShapes, broadcastStrides, shapesEqual } from '../core/shape.js';
import { backendFor } from '../backend/backend.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { asarray, scalarArray } from './convert.js';
import { nonzero } from './sorting.js';

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
 * 'compare', 'logical' and 'predicate' return bool, 'int' refuses floats and complex numbers,
 * 'abs' is 'same' except that complex numbers give their parts' float type. Complex dtypes pass
 * through every rule but 'int'; an op without a complex expression then has no loop for them.
 */
type DTypeRule =
  | 'same' | 'noBool' | 'boolToInt8' | 'float' | 'trueDivide' | 'compare' | 'logical' | 'predicate' | 'int'
  | 'intBoolToInt8' | 'abs';

interface Resolved {
  loop: DType;
  out: DType;
}

const SNAKE: Record<string, string> = {
  floorDivide: 'floor_divide', mod: 'remainder', abs: 'absolute', divide: 'divide', notEqual: 'not_equal',
  lessEqual: 'less_equal', greaterEqual: 'greater_equal', logicalAnd: 'logical_and', logicalOr: 'logical_or',
  logicalXor: 'logical_xor', logicalNot: 'logical_not', bitwiseAnd: 'bitwise_and', bitwiseOr: 'bitwise_or',
  bitwiseXor: 'bitwise_xor', leftShift: 'left_shift', rightShift: 'right_shift', invert: 'invert',
};
const numpyName = (op: ElementwiseOp): string => SNAKE[op.name] ?? op.name;

const BOOL_OUT = new Set<DTypeRule>(['compare', 'logical', 'predicate']);

/** The loop and output dtypes a rule gives for a common dtype, or null where NumPy has no loop. */
function loopFor(rule: DTypeRule, common: DType): Resolved | null {
  const kind = dtypeInfo(common).kind;
  const same = (d: DType): Resolved => ({ loop: d, out: d });
  switch (rule) {
    case 'same':
      return same(common);
    case 'noBool':
      return kind === 'b' ? null : same(common);
    case 'boolToInt8':
      return same(kind === 'b' ? 'int8' : common);
    case 'float':
      return same(safeFloatFor(common));
    case 'trueDivide':
      return same(kind === 'f' || kind === 'c' ? common : 'float64');
    case 'compare':
    case 'logical':
    case 'predicate':
      return { loop: common, out: 'bool' };
    case 'int':
      return kind === 'f' || kind === 'c' ? null : same(common);
    case 'intBoolToInt8':
      return kind === 'f' || kind === 'c' ? null : same(kind === 'b' ? 'int8' : common);
    case 'abs':
      return kind === 'c' ? { loop: common, out: complexPart(common) } : same(common);
  }
}

/** Ufuncs NumPy has complex loops for that kiln does not implement yet (others have none in NumPy either). */
const NUMPY_COMPLEX_ONLY = new Set([
  'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh', 'arctanh',
  'exp2', 'expm1', 'log2', 'log10', 'log1p',
]);

/** A complex loop exists only where the op has a complex expression. */
function checkComplexLoop(op: ElementwiseOp, rule: DTypeRule, r: Resolved, dtypeGiven: boolean): void {
  if (!isComplex(r.loop) || op.complex !== undefined) return;
  if (NUMPY_COMPLEX_ONLY.has(op.name)) {
    throw new KilnTypeError(`ufunc '${numpyName(op)}' is not implemented for complex input in kiln yet`);
  }
  noLoop(op, rule, r.loop, dtypeGiven);
}

/** NumPy's TypeError for an op without a loop for the operands' dtypes. */
function noLoop(op: ElementwiseOp, rule: DTypeRule, common: DType, dtypeGiven: boolean): never {
  const name = numpyName(op);
  if (common === 'bool' && op.name === 'subtract') {
    throw new KilnTypeError('numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.');
  }
  if (common === 'bool' && op.name === 'negative') {
    throw new KilnTypeError('The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.');
  }
  if (dtypeGiven) throw new KilnTypeError(`No loop matching the specified signature and casting was found for ufunc ${name}`);
  if (rule === 'noBool') {
    throw new KilnTypeError(`ufunc '${name}' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None`);
  }
  throw new KilnTypeError(
    `ufunc '${name}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''`,
  );
}

type Weak = { weak: WeakScalarKind; value: number | boolean | bigint | ComplexLike };
type Operand = NDArray | Weak;

function toOperand(x: ArrayLike): Operand {
  if (x instanceof NDArray) return x;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return { weak: weakKind(x), value: x };
  if (isComplexLike(x)) return { weak: 'complex', value: x };
  return asarray(x);
}

/** NumPy's 'same_kind' casting: safe casts, or casts within a kind or towards a higher kind. */
export function canCastSameKind(from: DType, to: DType): boolean {
  const rank = { b: 0, u: 1, i: 2, f: 3, c: 4 } as const;
  return promoteTypes(from, to) === to || rank[dtypeInfo(from).kind] <= rank[dtypeInfo(to).kind];
}

/**
 * The loop and output dtypes for the operands, as NumPy's type resolution picks them (NEP 50 for
 * weak scalars; `dtype` names the loop).
 */
function resolve(op: ElementwiseOp, rule: DTypeRule, operands: Operand[], given: DType | undefined): Resolved {
  const strong = operands.filter((o): o is NDArray => o instanceof NDArray).map((a) => a.dtype);
  const weak = operands.filter((o): o is Weak => !(o instanceof NDArray)).map((w) => w.weak);
  if (given !== undefined && !(BOOL_OUT.has(rule) && given === 'bool')) {
    const r = loopFor(rule, given);
    if (!r || r.loop !== given || BOOL_OUT.has(rule)) noLoop(op, rule, given, true);
    checkComplexLoop(op, rule, r, true);
    operands.forEach((o, i) => {
      const from = o instanceof NDArray ? o.dtype : defaultDTypeFor(o.weak);
      // a weak scalar may take any dtype of its kind or a higher one
      const ok = o instanceof NDArray ? canCastSameKind(from, given)
        : o.weak === 'float' ? isInexact(given) : o.weak === 'complex' ? isComplex(given) : true;
      if (!ok) {
        throw new KilnTypeError(`Cannot cast ufunc '${numpyName(op)}' input ${i} from dtype('${from}') to dtype('${given}') with casting rule 'same_kind'`);
      }
    });
    return r;
  }
  // float functions take each input (raised by the weak scalars: bool with a Python int is int64)
  // to its smallest safe float, so arctan2(int8, uint8) is float16, though int8 and uint8 promote
  // to int16
  const common = rule === 'float'
    ? resultTypeWeak(strong.map((d) => safeFloatFor(weak.reduce(promoteWithWeak, d))), weak)
    : resultTypeWeak(strong, weak);
  const r = loopFor(rule, common);
  if (!r) noLoop(op, rule, common, false);
  checkComplexLoop(op, rule, r, false);
  // signed and unsigned integers compare exactly (their promotion, float64, would round)
  const allIntegers = strong.length > 0 && strong.every((d) => !isFloat(d)) && !weak.includes('float');
  if (rule === 'compare' && r.loop === 'float64' && allIntegers) {
    return { loop: 'int64', out: 'bool' };
  }
  return r;
}

/**
 * NEP 50: a Python int must fit the integer loop it is cast to. Comparisons with an int outside
 * the array's integer range are exact instead (NumPy 2), and logical functions only look at truth.
 * Returns the loop to use and the weak values to feed it.
 */
function fitWeakInts(rule: DTypeRule, operands: Operand[], loop: DType): DType {
  for (const o of operands) {
    if (o instanceof NDArray || o.weak !== 'int') continue;
    const v = o.value as number | bigint;
    if (rule === 'logical') {
      if (!pyIntFits(v, 'int64')) checkPyIntFits(v, 'int64');
      if (isInteger(loop) && !pyIntFits(v, loop)) loop = 'float64';
    } else if (isInteger(loop) && !pyIntFits(v, loop)) {
      const strong = operands.filter((x): x is NDArray => x instanceof NDArray).map((x) => x.dtype);
      const intArrays = strong.length > 0 && isInteger(resultType(...strong));
      if (rule !== 'compare' || !intArrays) checkPyIntFits(v, loop);
      // 64-bit loops run on BigInt, so they compare exactly; past 64 bits only the sign matters
      else if (pyIntFits(v, 'int64')) loop = 'int64';
      else if (pyIntFits(v, 'uint64')) loop = 'uint64';
      else {
        loop = 'float64';
        o.value = v > 0 ? Infinity : -Infinity;
      }
    }
  }
  return loop;
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
  // in bytes: a complex array and a float view of its parts count offsets in different units
  const [alo, ahi] = extent(a).map((e, i) => e * a.itemsize + (i === 1 ? a.itemsize - 1 : 0)) as [number, number];
  const [blo, bhi] = extent(b).map((e, i) => e * b.itemsize + (i === 1 ? b.itemsize - 1 : 0)) as [number, number];
  return alo <= bhi && blo <= ahi;
}

/**
 * Applies an elementwise op: resolves dtypes, broadcasts, allocates or checks `out`, and runs the
 * backend's kernel. Weak scalars become 0-d arrays of the loop dtype (so float32 + 0.1 adds
 * float32(0.1), as NumPy does).
 */
export function applyUfunc(op: ElementwiseOp, rule: DTypeRule, args: ArrayLike[], options: UfuncOptions = {}): NDArray {
  const operands = args.map(toOperand);
  const given = options.dtype === undefined ? undefined : toNumpyDType(options.dtype);
  const resolved = resolve(op, rule, operands, given);
  const outDtype = resolved.out;
  const loop = fitWeakInts(rule, operands, resolved.loop);
  const shapes = operands.map((o) => (o instanceof NDArray ? o.shape : []));
  let out = options.out;
  let shape: readonly number[];
  if (out) {
    // the output takes part in broadcasting, but may not be stretched by it
    const full = broadcastShapes(...shapes, out.shape);
    if (!shapesEqual(full, out.shape)) {
      throw new ValueError(`non-broadcastable output operand with shape ${shapeString(out.shape)} doesn't match the broadcast shape ${shapeString(full)}`);
    }
    if (!canCastSameKind(outDtype, out.dtype)) {
      throw new KilnTypeError(`Cannot cast ufunc '${numpyName(op)}' output from dtype('${outDtype}') to dtype('${out.dtype}') with casting rule 'same_kind'`);
    }
    shape = out.shape;
  } else {
    shape = broadcastShapes(...shapes);
    out = NDArray.empty(shape, outDtype);
  }
  const target = out;
  const inputs = operands.map((o) => {
    if (!(o instanceof NDArray)) return scalarArray(o.value, loop).broadcastTo(shape);
    // `dtype` may narrow an input (same_kind): cast it first, as NumPy does, so the loop sees
    // int8(300) and float32(x), not the wider values. Inputs that overlap the output in a
    // different layout are read from a copy first.
    const narrowed = given === loop && !canCastSafely(o.dtype, loop);
    const sameLayout = o.offset === target.offset && o.itemsize === target.itemsize && shapesEqual(o.shape, target.shape)
      && shapesEqual(o.elementStrides, target.elementStrides);
    const overlaps = options.out !== undefined && !sameLayout && mayOverlap(o, target);
    const src = narrowed ? o.astype(loop) : overlaps ? o.copy() : o;
    return src.makeView(shape, broadcastStrides(src.shape, src.elementStrides, shape), src.offset);
  });
  backendFor(target).elementwise(op, inputs, target, loop);
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
export const logicalAnd = binary(E.logicalAnd, 'logical');
export const logicalOr = binary(E.logicalOr, 'logical');
export const logicalXor = binary(E.logicalXor, 'logical');
export const logicalNot = unary(E.logicalNot, 'predicate');
export const isnan = unary(E.isnan, 'predicate');
export const isinf = unary(E.isinf, 'predicate');
export const isfinite = unary(E.isfinite, 'predicate');
export const signbit = unary(E.signbit, 'predicate');

// unary math
export const negative = unary(E.negative, 'noBool');
export const positive = unary(E.positive, 'noBool');
/** The complex conjugate (the identity for real numbers; bools become int8, as in NumPy). */
export const conjugate = unary(E.conjugate, 'boolToInt8');
export const conj = conjugate;
export const abs = unary(E.abs, 'abs');
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

/**
 * np.round / np.around: half to even, at `decimals` places (negative rounds to tens, hundreds...).
 * As NumPy: multiply (or divide) by 10**|decimals| into the output, rint it in place, divide (or
 * multiply) back; integers compute in float64 and are cast back; round(2.675, 2) is 2.68 because
 * 2.675 * 100 is 267.5 in float64.
 */
export function round(a: ArrayLike, decimals = 0, options: UfuncOptions = {}): NDArray {
  const x = asarray(a);
  if (!Number.isInteger(decimals)) throw new KilnTypeError("'float' object cannot be interpreted as an integer");
  const out = options.out;
  if (isComplex(x.dtype)) {
    // NumPy rounds the real and imaginary parts separately, each as a float array
    const target = out ?? x.copy();
    if (out) applyUfunc(E.positive, 'same', [x], { out });
    round(target.real, decimals, { out: target.real });
    round(target.imag, decimals, { out: target.imag });
    return target;
  }
  if (isInteger(x.dtype) && decimals >= 0) return out ? applyUfunc(E.positive, 'same', [x], { out }) : x.copy();
  if (decimals === 0) return applyUfunc(E.rint, 'float', [x], { out });
  const scale = 10 ** Math.abs(decimals);
  const [there, back] = decimals > 0 ? [multiply, divide] : [divide, multiply];
  const target = out ?? NDArray.empty(x.shape, isInteger(x.dtype) ? 'float64' : x.dtype);
  there(x, scale, { out: target });
  rint(target, { out: target });
  back(target, scale, { out: target });
  return isInteger(x.dtype) && !out ? target.astype(x.dtype) : target;
}
export const around = round;

// ---- complex numbers ---------------------------------------------------------------------------

/**
 * np.real: the real part. For a complex array it is a float view of the same memory (writes go
 * through, as NumPy's `.real`); a real array comes back as a view of itself.
 */
export function real(x: ArrayLike): NDArray {
  return asarray(x).real;
}

/** np.imag: the imaginary part, a float view for complex arrays; read-only zeros for real ones. */
export function imag(x: ArrayLike): NDArray {
  return asarray(x).imag;
}

export interface AngleOptions {
  /** Degrees instead of radians. */
  deg?: boolean;
}

/**
 * np.angle: the counterclockwise angle from the positive real axis, arctan2(imag, real) in the
 * float type of the parts (real input: arctan2(0, x), so integers give floats as arctan2 does).
 */
export function angle(z: ArrayLike, options: AngleOptions = {}): NDArray {
  const x = asarray(z);
  const a = isComplex(x.dtype) ? arctan2(x.imag, x.real) : arctan2(0, x);
  if (options.deg) multiply(a, 180 / Math.PI, { out: a });
  return a;
}

/**
 * np.clip(a, min, max): either bound may be null; NaN propagates; max wins where min > max.
 * As NumPy 2, a Python int bound beyond an integer array's range is dropped when it cannot bind
 * (min below the range, max above it) and is an OverflowError otherwise.
 */
export function clip(a: ArrayLike, min: ArrayLike | null, max: ArrayLike | null, options: UfuncOptions = {}): NDArray {
  const x = asarray(a);
  if (isInteger(x.dtype)) {
    const [lo, hi] = bigIntRange(x.dtype);
    const isPyIntBound = (v: ArrayLike | null): v is number | bigint => (typeof v === 'number' || typeof v === 'bigint') && weakKind(v) === 'int';
    if (isPyIntBound(min) && BigInt(min) <= lo) min = null;
    if (isPyIntBound(max) && BigInt(max) >= hi) max = null;
  }
  if (min === null && max === null) return applyUfunc(E.positive, 'noBool', [x], options);
  if (min === null) return minimum(x, max!, options);
  if (max === null) return maximum(x, min, options);
  return applyUfunc(E.clip, 'same', [x, min, max], options);
}

/**
 * np.where(condition, x, y): elements of x where condition is true, else of y.
 * np.where(condition): the indices of the true elements, as np.nonzero.
 */
export function where(condition: ArrayLike): NDArray[];
export function where(condition: ArrayLike, x: ArrayLike, y: ArrayLike): NDArray;
export function where(condition: ArrayLike, x?: ArrayLike, y?: ArrayLike): NDArray | NDArray[] {
  if (x === undefined && y === undefined) return nonzero(condition);
  if (x === undefined || y === undefined) throw new ValueError('either both or neither of x and y should be given');
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
