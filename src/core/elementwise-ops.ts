/**
 * Elementwise ops, declared once. Each entry gives the op's expressions over its operands
 * (x, y, z) for the kinds of loop a backend runs; the CPU backend renders them to JS loops and a
 * GPU backend will render the same table. Dtype rules live with the faces that call the ops.
 *
 * Expression domains:
 * - `num`: JS numbers (float loops and integer loops up to 32 bits; stores wrap as C casts do);
 * - `int`: optional override of `num` for integer loops (e.g. Math.imul keeps 32-bit products exact);
 * - `bool`: optional override for bool loops, whose values are 0 and 1 (e.g. `~` is logical not);
 * - `big`: BigInt, for int64/uint64 loops, so 64-bit integers stay exact;
 * - `complex`: complex64/complex128 loops. Each operand arrives as its parts `xr, xi` (`yr, yi`,
 *   `zr, zi`; a real operand has im 0). A pair `[re, im]` gives a complex result: `re` is
 *   evaluated first, so a helper called in `re` may leave both parts in the scratch pair `C` for
 *   `im` to read; a local `t` is free for such tricks too. A single string gives a real result
 *   (abs) or, with `returnsBool`, a boolean. `F(...)` marks a rounding to the loop's precision:
 *   Math.fround in complex64 loops, nothing in complex128 loops, so that float32 arithmetic
 *   rounds where NumPy's does; helpers receive the same rounding as their argument `F`. An op
 *   without `complex` has no complex loop.
 * Helper functions available to expressions are listed in `ELEMENTWISE_HELPERS` (backend side).
 */

export interface ElementwiseOp {
  readonly name: string;
  readonly arity: 1 | 2 | 3;
  readonly num: string;
  readonly int?: string;
  readonly bool?: string;
  readonly big?: string;
  readonly complex?: string | readonly [string, string];
  /** The expression yields a JS boolean (comparisons, predicates). */
  readonly returnsBool?: boolean;
}

const op = (name: string, arity: 1 | 2 | 3, num: string, extra: Partial<ElementwiseOp> = {}): ElementwiseOp => ({
  name, arity, num, ...extra,
});

export const ELEMENTWISE = {
  // casting copy: the identity, stored in the destination's dtype
  copy: op('copy', 1, 'x', { big: 'x', complex: ['xr', 'xi'] }),

  add: op('add', 2, 'x + y', { big: 'x + y', complex: ['xr + yr', 'xi + yi'] }),
  subtract: op('subtract', 2, 'x - y', { big: 'x - y', complex: ['xr - yr', 'xi - yi'] }),
  multiply: op('multiply', 2, 'x * y', {
    int: 'Math.imul(x, y)', big: 'x * y', complex: ['(cmulFused(xr, xi, yr, yi, F), C[0])', 'C[1]'],
  }),
  divide: op('divide', 2, 'x / y', { complex: ['(cdiv(xr, xi, yr, yi, F), C[0])', 'C[1]'] }),
  floorDivide: op('floorDivide', 2, 'floorDivF(x, y)', { int: 'floorDivI(x, y)', big: 'floorDivB(x, y)' }),
  mod: op('mod', 2, 'modF(x, y)', { int: 'modI(x, y)', big: 'modB(x, y)' }),
  power: op('power', 2, 'powF(x, y)', {
    int: 'powI(x, y)', big: 'powB(x, y)', complex: ['(cpow(xr, xi, yr, yi, F), C[0])', 'C[1]'],
  }),
  maximum: op('maximum', 2, 'maxF(x, y)', {
    int: '(x > y ? x : y)', big: '(x > y ? x : y)', complex: ['((t = cmaxFirst(xr, xi, yr, yi)) ? xr : yr)', '(t ? xi : yi)'],
  }),
  minimum: op('minimum', 2, 'minF(x, y)', {
    int: '(x < y ? x : y)', big: '(x < y ? x : y)', complex: ['((t = cminFirst(xr, xi, yr, yi)) ? xr : yr)', '(t ? xi : yi)'],
  }),
  fmax: op('fmax', 2, 'fmaxF(x, y)', {
    int: '(x > y ? x : y)', big: '(x > y ? x : y)', complex: ['((t = cfmaxFirst(xr, xi, yr, yi)) ? xr : yr)', '(t ? xi : yi)'],
  }),
  fmin: op('fmin', 2, 'fminF(x, y)', {
    int: '(x < y ? x : y)', big: '(x < y ? x : y)', complex: ['((t = cfminFirst(xr, xi, yr, yi)) ? xr : yr)', '(t ? xi : yi)'],
  }),
  // PyTorch's threshold_backward for relu: the gradient x where the result y is above 0 (or NaN)
  reluBackward: op('reluBackward', 2, '(y <= 0 ? 0 : x)', { big: '(y <= 0n ? 0n : x)' }),
  arctan2: op('arctan2', 2, 'Math.atan2(x, y)'),
  hypot: op('hypot', 2, 'Math.hypot(x, y)'),
  copysign: op('copysign', 2, 'copysignF(x, y)'),
  logaddexp: op('logaddexp', 2, 'logaddexpF(x, y)'),
  bitwiseAnd: op('bitwiseAnd', 2, '(x & y)', { big: '(x & y)' }),
  bitwiseOr: op('bitwiseOr', 2, '(x | y)', { big: '(x | y)' }),
  bitwiseXor: op('bitwiseXor', 2, '(x ^ y)', { big: '(x ^ y)' }),
  leftShift: op('leftShift', 2, 'shlI(x, y)', { big: 'shlB(x, y)' }),
  rightShift: op('rightShift', 2, 'shrI(x, y)', { big: 'shrB(x, y)' }),

  equal: op('equal', 2, 'x === y', { big: 'x === y', complex: '(xr === yr && xi === yi)', returnsBool: true }),
  notEqual: op('notEqual', 2, 'x !== y', { big: 'x !== y', complex: '(xr !== yr || xi !== yi)', returnsBool: true }),
  // complex comparisons are lexicographic, as NumPy's CLT/CLE/CGT/CGE (whose first clause is
  // strict in all four); multiply and square fuse multiply-adds as NumPy's SIMD loops do
  less: op('less', 2, 'x < y', {
    big: 'x < y', complex: '((xr < yr && xi === xi && yi === yi) || (xr === yr && xi < yi))', returnsBool: true,
  }),
  lessEqual: op('lessEqual', 2, 'x <= y', {
    big: 'x <= y', complex: '((xr < yr && xi === xi && yi === yi) || (xr === yr && xi <= yi))', returnsBool: true,
  }),
  greater: op('greater', 2, 'x > y', {
    big: 'x > y', complex: '((xr > yr && xi === xi && yi === yi) || (xr === yr && xi > yi))', returnsBool: true,
  }),
  greaterEqual: op('greaterEqual', 2, 'x >= y', {
    big: 'x >= y', complex: '((xr > yr && xi === xi && yi === yi) || (xr === yr && xi >= yi))', returnsBool: true,
  }),
  logicalAnd: op('logicalAnd', 2, '(x !== 0 && y !== 0)', {
    big: '(x !== 0n && y !== 0n)', complex: '((xr !== 0 || xi !== 0) && (yr !== 0 || yi !== 0))', returnsBool: true,
  }),
  logicalOr: op('logicalOr', 2, '(x !== 0 || y !== 0)', {
    big: '(x !== 0n || y !== 0n)', complex: '(xr !== 0 || xi !== 0 || yr !== 0 || yi !== 0)', returnsBool: true,
  }),
  logicalXor: op('logicalXor', 2, '((x !== 0) !== (y !== 0))', {
    big: '((x !== 0n) !== (y !== 0n))', complex: '((xr !== 0 || xi !== 0) !== (yr !== 0 || yi !== 0))', returnsBool: true,
  }),
  logicalNot: op('logicalNot', 1, 'x === 0', { big: 'x === 0n', complex: '(xr === 0 && xi === 0)', returnsBool: true }),
  isnan: op('isnan', 1, 'x !== x', { big: 'false', complex: '(xr !== xr || xi !== xi)', returnsBool: true }),
  isinf: op('isinf', 1, '(x === Infinity || x === -Infinity)', {
    big: 'false', complex: '(xr === Infinity || xr === -Infinity || xi === Infinity || xi === -Infinity)', returnsBool: true,
  }),
  isfinite: op('isfinite', 1, 'Number.isFinite(x)', {
    big: 'true', complex: '(Number.isFinite(xr) && Number.isFinite(xi))', returnsBool: true,
  }),
  signbit: op('signbit', 1, '(x < 0 || Object.is(x, -0))', { big: 'x < 0n', returnsBool: true }),

  negative: op('negative', 1, '-x', { big: '-x', complex: ['-xr', '-xi'] }),
  positive: op('positive', 1, 'x', { big: 'x', complex: ['xr', 'xi'] }),
  conjugate: op('conjugate', 1, 'x', { big: 'x', complex: ['xr', '-xi'] }),
  abs: op('abs', 1, 'Math.abs(x)', { big: '(x < 0n ? -x : x)', complex: 'cabs(xr, xi, F)' }),
  sign: op('sign', 1, 'signF(x)', {
    big: '(x > 0n ? 1n : x < 0n ? -1n : 0n)', complex: ['(csign(xr, xi, F), C[0])', 'C[1]'],
  }),
  square: op('square', 1, 'x * x', {
    int: 'Math.imul(x, x)', big: 'x * x', complex: ['(cmulFused(xr, xi, xr, xi, F), C[0])', 'C[1]'],
  }),
  sqrt: op('sqrt', 1, 'Math.sqrt(x)', { complex: ['(csqrt(xr, xi, F), C[0])', 'C[1]'] }),
  cbrt: op('cbrt', 1, 'Math.cbrt(x)'),
  reciprocal: op('reciprocal', 1, '1 / x', {
    int: 'recipI(x)', big: 'recipB(x)', complex: ['(crecip(xr, xi, F), C[0])', 'C[1]'],
  }),
  exp: op('exp', 1, 'Math.exp(x)', { complex: ['(cexp(xr, xi, F), C[0])', 'C[1]'] }),
  exp2: op('exp2', 1, 'Math.pow(2, x)'),
  expm1: op('expm1', 1, 'Math.expm1(x)'),
  log: op('log', 1, 'Math.log(x)', { complex: ['(clog(xr, xi, F), C[0])', 'C[1]'] }),
  log2: op('log2', 1, 'Math.log2(x)'),
  log10: op('log10', 1, 'Math.log10(x)'),
  log1p: op('log1p', 1, 'Math.log1p(x)'),
  sin: op('sin', 1, 'Math.sin(x)'),
  cos: op('cos', 1, 'Math.cos(x)'),
  tan: op('tan', 1, 'Math.tan(x)'),
  arcsin: op('arcsin', 1, 'Math.asin(x)'),
  arccos: op('arccos', 1, 'Math.acos(x)'),
  arctan: op('arctan', 1, 'Math.atan(x)'),
  sinh: op('sinh', 1, 'Math.sinh(x)'),
  cosh: op('cosh', 1, 'Math.cosh(x)'),
  tanh: op('tanh', 1, 'Math.tanh(x)'),
  arcsinh: op('arcsinh', 1, 'Math.asinh(x)'),
  arccosh: op('arccosh', 1, 'Math.acosh(x)'),
  arctanh: op('arctanh', 1, 'Math.atanh(x)'),
  deg2rad: op('deg2rad', 1, 'x * (Math.PI / 180)'),
  rad2deg: op('rad2deg', 1, 'x * (180 / Math.PI)'),
  ceil: op('ceil', 1, 'Math.ceil(x)', { big: 'x' }),
  floor: op('floor', 1, 'Math.floor(x)', { big: 'x' }),
  trunc: op('trunc', 1, 'Math.trunc(x)', { big: 'x' }),
  rint: op('rint', 1, 'rintF(x)', { big: 'x', complex: ['rintF(xr)', 'rintF(xi)'] }),
  invert: op('invert', 1, '~x', { bool: '(x ^ 1)', big: '~x' }),
  sigmoid: op('sigmoid', 1, 'sigmoidF(x)'),
  erf: op('erf', 1, 'erfF(x)'),
  /** GELU, x * Phi(x), in its erf form and its tanh approximation (see special-functions.ts) */
  gelu: op('gelu', 1, 'geluF(x)'),
  geluTanh: op('geluTanh', 1, 'geluTanhF(x)'),

  /** where(cond, x, y): z ? x : y with the condition first. */
  where: op('where', 3, '(x !== 0 ? y : z)', {
    big: '(x ? y : z)', complex: ['(xr !== 0 || xi !== 0 ? yr : zr)', '(xr !== 0 || xi !== 0 ? yi : zi)'],
  }),
  /** clip(x, lo, hi) with NumPy's NaN propagation. */
  clip: op('clip', 3, 'clipF(x, y, z)', {
    int: 'clipI(x, y, z)', big: 'clipI(x, y, z)', complex: ['(cclip(xr, xi, yr, yi, zr, zi), C[0])', 'C[1]'],
  }),
} as const satisfies Record<string, ElementwiseOp>;

export type ElementwiseName = keyof typeof ELEMENTWISE;
