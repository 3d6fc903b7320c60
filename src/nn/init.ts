/**
 * nn.init: PyTorch's weight initialisers. Each fills its tensor in place under noGrad and returns
 * it. The bounds and standard deviations are computed with the same double arithmetic as
 * torch.nn.init, and the draws come from kiln's uniform_/normal_, which follow PyTorch's streams,
 * so a seeded kiln init gives PyTorch's numbers.
 */
import * as kiln from '../tensor/index.js';
import type { Generator } from '../tensor/index.js';
import { Tensor } from '../tensor/tensor.js';

export interface GeneratorOption {
  /** The generator to draw from (default: the global one that manualSeed seeds). */
  generator?: Generator;
}

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

export interface KaimingOptions extends GeneratorOption {
  /** The negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

const LINEAR_LIKE = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_LIKE.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let slope = 0.01;
    if (param !== undefined && param !== null) {
      if (typeof param !== 'number' || Number.isNaN(param)) throw new Error(`negative_slope ${String(param)} not a valid number`);
      slope = param;
    }
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4; // PyTorch's value, chosen for self-normalising nets
  throw new Error(`Unsupported nonlinearity ${String(nonlinearity)}`);
}

/**
 * [fanIn, fanOut] of a weight: dim 1 and dim 0 times the receptive field (the product of the
 * dims after the first two), as PyTorch's _calculate_fan_in_and_fan_out.
 */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  if (tensor.ndim < 2) throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor.shape[1]! * receptive, tensor.shape[0]! * receptive];
}

function correctFan(tensor: Tensor, mode: string): number {
  const m = mode.toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new Error(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

/** PyTorch skips (with a warning) initialising tensors that have no elements. */
const isEmpty = (t: Tensor): boolean => t.numel() === 0;

/** Fills with U(a, b). */
export function uniform_(tensor: Tensor, a = 0, b = 1, options: GeneratorOption = {}): Tensor {
  return kiln.noGrad(() => kiln.uniform_(tensor, a, b, options));
}

/** Fills with N(mean, std²). */
export function normal_(tensor: Tensor, mean = 0, std = 1, options: GeneratorOption = {}): Tensor {
  return kiln.noGrad(() => kiln.normal_(tensor, mean, std, options));
}

/** Fills with `val`. */
export function constant_(tensor: Tensor, val: number): Tensor {
  return kiln.noGrad(() => tensor.fill_(val));
}

export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

export function zeros_(tensor: Tensor): Tensor {
  return constant_(tensor, 0);
}

/** Fills a 2-D tensor with the identity (ones on the diagonal). */
export function eye_(tensor: Tensor): Tensor {
  if (tensor.ndim !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  return kiln.noGrad(() => tensor.copy_(kiln.eye(tensor.shape[0]!, tensor.shape[1]!, { dtype: tensor.dtype })));
}

/** U(-a, a) with a = gain · √(6 / (fanIn + fanOut)) (Glorot & Bengio, 2010). */
export function xavierUniform_(tensor: Tensor, gain = 1, options: GeneratorOption = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a, options);
}

/** N(0, std²) with std = gain · √(2 / (fanIn + fanOut)). */
export function xavierNormal_(tensor: Tensor, gain = 1, options: GeneratorOption = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, 0, std, options);
}

/** U(-bound, bound) with bound = gain · √(3 / fan) (He et al., 2015). */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (isEmpty(tensor)) return tensor;
  const fan = correctFan(tensor, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound, options);
}

/** N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (isEmpty(tensor)) return tensor;
  const fan = correctFan(tensor, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  return normal_(tensor, 0, std, options);
}

export interface TruncNormalOptions extends GeneratorOption {
  mean?: number;
  std?: number;
  /** Lower cut-off (default -2). */
  a?: number;
  /** Upper cut-off (default 2). */
  b?: number;
}

/**
 * N(mean, std²) truncated to [a, b], by inverse-CDF sampling as PyTorch: draw U(2·Φ(a')-1,
 * 2·Φ(b')-1), apply erfinv, scale and shift, clamp.
 */
export function truncNormal_(tensor: Tensor, options: TruncNormalOptions = {}): Tensor {
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  const normCdf = (x: number): number => (1 + erfScalar(x / Math.SQRT2)) / 2;
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  return kiln.noGrad(() => {
    kiln.uniform_(tensor, 2 * l - 1, 2 * u - 1, options);
    const x = erfinv(tensor.to('float64'));
    return tensor.copy_(x.mul(std * Math.SQRT2).add(mean).clamp(a, b));
  });
}

/**
 * A (semi-)orthogonal matrix from the QR decomposition of a normal draw, signs fixed so that R's
 * diagonal is positive (Saxe et al., 2013). Tensors of more than 2 dims are flattened after dim 0.
 */
export function orthogonal_(tensor: Tensor, gain = 1, options: GeneratorOption = {}): Tensor {
  if (tensor.ndim < 2) throw new Error('Only tensors with 2 or more dimensions are supported');
  if (isEmpty(tensor)) return tensor;
  const rows = tensor.shape[0]!;
  const cols = tensor.numel() / rows;
  return kiln.noGrad(() => {
    const flat = kiln.normal_(kiln.empty([rows, cols], { dtype: tensor.dtype }), 0, 1, options);
    // QR of the tall orientation; Gram-Schmidt gives the Q whose R has a positive diagonal,
    // which is what PyTorch's `q *= sign(diag(r))` makes of LAPACK's Householder Q
    const tall = rows < cols ? flat.t() : flat;
    const q = gramSchmidt(tall.to('float64'));
    const out = rows < cols ? q.t() : q;
    return tensor.copy_(out.mul(gain).reshape(tensor.shape));
  });
}

/** Orthonormal columns spanning an m×n (m ≥ n) matrix's columns, by modified Gram-Schmidt. */
function gramSchmidt(a: Tensor): Tensor {
  const [m, n] = a.shape as [number, number];
  const values = Float64Array.from(a.contiguous().numpy().toArray() as number[]);
  const col = (j: number): Float64Array => Float64Array.from({ length: m }, (_, i) => values[i * n + j]!);
  const qs: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = col(j);
    for (const q of qs) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i]! * v[i]!;
      for (let i = 0; i < m; i++) v[i] -= dot * q[i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) v[i] = norm > 0 ? v[i]! / norm : 0;
    qs.push(v);
  }
  const out = new Float64Array(m * n);
  qs.forEach((q, j) => q.forEach((x, i) => (out[i * n + j] = x)));
  return kiln.tensor(out).reshape(m, n);
}

/** erf of one number, through the tensor kernel (JavaScript's Math has no erf). */
function erfScalar(x: number): number {
  return Number(kiln.erf(kiln.tensor([x], { dtype: 'float64' })).item());
}

/**
 * The inverse error function in float64: Giles' single-precision approximation, polished with two
 * Newton steps on erf.
 */
function erfinv(y: Tensor): Tensor {
  const w = kiln.log(kiln.mul(kiln.sub(1, y), kiln.add(1, y))).neg();
  const central = kiln.sub(w, 2.5);
  const tail = kiln.sub(kiln.sqrt(kiln.clamp(w, 5)), 3);
  const horner = (t: Tensor, coeffs: number[]): Tensor => coeffs.slice(1).reduce((p, c) => kiln.add(kiln.mul(p, t), c), kiln.fullLike(t, coeffs[0]!));
  const pCentral = horner(central, [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]);
  const pTail = horner(tail, [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]);
  let x = kiln.mul(kiln.where(kiln.lt(w, 5), pCentral, pTail), y);
  for (let i = 0; i < 2; i++) {
    const slope = kiln.mul(kiln.exp(kiln.neg(kiln.square(x))), 2 / Math.sqrt(Math.PI));
    x = kiln.sub(x, kiln.div(kiln.sub(kiln.erf(x), y), slope));
  }
  // erfinv(±1) = ±inf, which the caller's clamp turns into the cut-offs
  return kiln.where(kiln.eq(y, 1), Infinity, kiln.where(kiln.eq(y, -1), -Infinity, x));
}

export { truncNormal_ as trunc_normal_ };
