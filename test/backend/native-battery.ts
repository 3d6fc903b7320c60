/**
 * A deterministic battery of the ops the native kernels take over (matmul in every layout,
 * elementwise arithmetic with broadcasting, exp/tanh/sigmoid/log/gelu/negative/abs, sums,
 * softmax/logSoftmax), used by native.test.ts:
 * child processes run it under different KILN_ISA / KILN_NATIVE settings and the results are
 * compared with the TypeScript kernels' (KILN_NATIVE=0).
 */
import * as kiln from 'kiln';
import { np } from 'kiln';

type NDArray = np.NDArray;

/** How a case's result may differ from the TypeScript kernels' result. */
export type Tolerance =
  | 'exact'
  | { ulp: number } // exp, tanh, sigmoid, log, gelu
  | { relMax: number }; // |x - y| <= relMax * max|y| (products: float32 accumulates in float32)

export interface Case {
  name: string;
  tol: Tolerance;
  run: () => NDArray;
}

type Float = 'float32' | 'float64';

function normal(seed: number, shape: number[], dtype: Float): NDArray {
  return np.random.defaultRng(seed).standardNormal(shape, { dtype }) as NDArray;
}

/** A (rows, cols) operand, made as the transpose of a (cols, rows) array when `transposed`. */
function operand(seed: number, rows: number, cols: number, dtype: Float, transposed: boolean): NDArray {
  return transposed ? np.transpose(normal(seed, [cols, rows], dtype)) : normal(seed, [rows, cols], dtype);
}

/** Values where the math kernels' range reduction, clamps and special cases matter. */
function mathInputs(dtype: Float): NDArray {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 0.6249, 0.6251, -0.625, 20, -20, 88.7, 89,
    -87.4, -103.9, -110, 709.7, 710, -745, -746, 1000, -1000];
  const ramp = np.linspace(-120, 120, 20011, { dtype }) as NDArray;
  const small = np.linspace(-1, 1, 4099, { dtype }) as NDArray;
  return np.concatenate([np.array(specials, { dtype }), ramp, small]) as NDArray;
}

/** Positive values over the whole range (subnormals too), and the special cases of log. */
function logInputs(dtype: Float): NDArray {
  const specials = [NaN, Infinity, -Infinity, 0, -0, -1, -1e-30, 1, 2, 0.5, Math.SQRT2, Math.SQRT1_2, 1 - 2 ** -20,
    1 + 2 ** -20, 1e-40, 1e-45, 1.17549435e-38, 1e-310, 5e-324, 3.4e38, 1.7e308];
  // powers of ten (np.power has no native kernel, so every run gets the same inputs)
  const [lo, hi] = dtype === 'float32' ? [-45, 38.5] : [-323, 308];
  const spread = np.power(np.array(10, { dtype }), np.linspace(lo, hi, 20011, { dtype })) as NDArray;
  const near1 = np.linspace(0.5, 2, 4099, { dtype }) as NDArray;
  return np.concatenate([np.array(specials, { dtype }), spread, near1]) as NDArray;
}

/** Rows for softmax: random, with rows holding a NaN, an inf, only -inf, and large values. */
function softmaxInput(seed: number, rows: number, cols: number, dtype: Float): NDArray {
  const x = np.multiply(normal(seed, [rows, cols], dtype), np.array(3, { dtype })) as NDArray;
  if (rows >= 4) {
    x.set('0, 1', NaN);
    x.set('1, -1', Infinity);
    x.set('2', -Infinity);
    x.set('3', np.add(x.get('3') as NDArray, np.array(1000, { dtype })) as NDArray);
  }
  return x;
}

export function battery(): Case[] {
  const cases: Case[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    const prod: Tolerance = { relMax: dtype === 'float32' ? 2e-5 : 1e-12 };
    // ---- matmul: odd sizes, every transpose combination
    const shapes = [[1, 1, 1], [3, 5, 7], [16, 32, 64], [17, 33, 65], [64, 64, 64], [100, 70, 300],
      [129, 257, 31], [5, 300, 70], [300, 5, 70], [2, 3, 600], [40, 1, 200]];
    for (const [n, m, k] of shapes) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        cases.push({
          name: `matmul ${dtype} ${n}x${k}${ta ? 'T' : ''} @ ${k}x${m}${tb ? 'T' : ''}`, tol: prod,
          run: () => np.matmul(operand(n + k, n, k!, dtype, ta!), operand(m! + 7, k!, m!, dtype, tb!)) as NDArray,
        });
      }
    }
    cases.push(
      { name: `matmul ${dtype} batched`, tol: prod,
        run: () => np.matmul(normal(1, [4, 30, 40], dtype), normal(2, [4, 40, 50], dtype)) as NDArray },
      { name: `matmul ${dtype} shared weights (folded batch)`, tol: prod,
        run: () => np.matmul(normal(3, [3, 50, 60], dtype), normal(4, [60, 70], dtype)) as NDArray },
      { name: `matmul ${dtype} broadcast batch axes`, tol: prod,
        run: () => np.matmul(normal(5, [2, 1, 20, 30], dtype), normal(6, [1, 3, 30, 25], dtype)) as NDArray },
      { name: `matmul ${dtype} many small products`, tol: prod,
        run: () => np.matmul(normal(7, [64, 8, 9], dtype), normal(8, [64, 9, 10], dtype)) as NDArray },
      // the threaded splits: whole entries of a batch, entries split by rows, a short wide
      // product split by columns, and columns spanning two blocks of B
      { name: `matmul ${dtype} batch split by entries`, tol: prod,
        run: () => np.matmul(normal(13, [32, 40, 50], dtype), normal(14, [32, 50, 60], dtype)) as NDArray },
      { name: `matmul ${dtype} large batch entries`, tol: prod,
        run: () => np.matmul(normal(15, [2, 200, 300], dtype), normal(16, [2, 300, 250], dtype)) as NDArray },
      { name: `matmul ${dtype} short and wide`, tol: prod,
        run: () => np.matmul(normal(17, [20, 300], dtype), normal(18, [300, 700], dtype)) as NDArray },
      { name: `matmul ${dtype} wider than a block of B`, tol: prod,
        run: () => np.matmul(normal(19, [40, 100], dtype), normal(20, [100, 4200], dtype)) as NDArray },
      // deeper than one block of k (float32 blocks 1024): partial sums accumulate in C, with B
      // packed (many rows) and read in place (few rows)
      { name: `matmul ${dtype} deep, B packed`, tol: prod,
        run: () => np.matmul(normal(23, [270, 1100], dtype), normal(24, [1100, 33], dtype)) as NDArray },
      { name: `matmul ${dtype} deep, B in place`, tol: prod,
        run: () => np.matmul(normal(25, [20, 1100], dtype), normal(26, [1100, 40], dtype)) as NDArray },
      // A.B^T too narrow for whole micro-tiles (a convolution's weight gradient): dot products
      { name: `matmul ${dtype} narrow A·Bᵀ`, tol: prod,
        run: () => np.matmul(normal(21, [3, 17, 700], dtype), np.swapaxes(normal(22, [3, 10, 700], dtype), 1, 2)) as NDArray },
      { name: `matmul ${dtype} strided and reversed operands`, tol: prod,
        run: () => {
          const a = normal(9, [90, 130], dtype).get('::-2, 1::2') as NDArray; // (45, 65)
          const b = normal(10, [200, 80], dtype).get('3:133:2, ::-1') as NDArray; // (65, 80)
          return np.matmul(a, b) as NDArray;
        } },
      { name: `matmul ${dtype} into a transposed out`, tol: prod,
        run: () => {
          const out = np.zeros([70, 60], { dtype });
          np.matmul(normal(11, [60, 50], dtype), normal(12, [50, 70], dtype), { out: np.transpose(out) });
          return out;
        } },
    );

    // ---- elementwise arithmetic, with broadcasting
    const ops = { add: np.add, subtract: np.subtract, multiply: np.multiply, divide: np.divide, maximum: np.maximum, minimum: np.minimum };
    for (const [name, f] of Object.entries(ops)) {
      cases.push(
        { name: `${name} ${dtype} same shape`, tol: 'exact', run: () => f(normal(20, [10007], dtype), normal(21, [10007], dtype)) as NDArray },
        { name: `${name} ${dtype} array, scalar`, tol: 'exact', run: () => f(normal(22, [5003], dtype), np.array(1.75, { dtype })) as NDArray },
        { name: `${name} ${dtype} scalar, array`, tol: 'exact', run: () => f(np.array(-0.5, { dtype }), normal(23, [5003], dtype)) as NDArray },
        { name: `${name} ${dtype} row broadcast`, tol: 'exact', run: () => f(normal(24, [300, 129], dtype), normal(25, [129], dtype)) as NDArray },
        { name: `${name} ${dtype} column broadcast`, tol: 'exact', run: () => f(normal(26, [300, 129], dtype), normal(27, [300, 1], dtype)) as NDArray },
        { name: `${name} ${dtype} 3-d broadcast`, tol: 'exact', run: () => f(normal(28, [7, 40, 50], dtype), normal(29, [40, 1], dtype)) as NDArray },
        { name: `${name} ${dtype} transposed operand`, tol: 'exact', run: () => f(np.transpose(normal(30, [90, 80], dtype)), normal(31, [80, 90], dtype)) as NDArray },
        { name: `${name} ${dtype} in place`, tol: 'exact', run: () => {
          const a = normal(32, [6000], dtype);
          f(a, normal(33, [6000], dtype), { out: a });
          return a;
        } },
      );
    }
    cases.push({ name: `divide ${dtype} by zeros`, tol: 'exact',
      run: () => np.divide(np.linspace(-2, 2, 8192, { dtype }), np.zeros([8192], { dtype })) as NDArray });
    for (const f of [np.maximum, np.minimum]) {
      // NaNs on either side, and signed zeros (the first operand wins only when strictly greater)
      const specials = (seed: number): NDArray => {
        const x = normal(seed, [4096], dtype);
        x.set('::7', NaN);
        x.set('1::11', 0);
        x.set('2::13', -0);
        return x;
      };
      cases.push({ name: `${f === np.maximum ? 'maximum' : 'minimum'} ${dtype} with NaNs and signed zeros`, tol: 'exact',
        run: () => f(specials(34), specials(35)) as NDArray });
    }
    cases.push({ name: `relu ${dtype}`, tol: 'exact', run: () => kiln.relu(kiln.fromNumpy(normal(36, [64, 100], dtype))).numpy() });
    cases.push({ name: `relu backward ${dtype} (NaN and 0 results)`, tol: 'exact', run: () => {
      const v = normal(41, [64, 100], dtype);
      v.set('::5', NaN);
      v.set('1::7', 0);
      const x = kiln.fromNumpy(v).requiresGrad_();
      kiln.relu(x).backward(kiln.fromNumpy(normal(42, [64, 100], dtype)));
      return x.grad!.numpy();
    } });
    // outputs of 16 MiB and more are written with streaming stores, after a head that aligns them
    const big = (16 << 20) / (dtype === 'float32' ? 4 : 8) + 3; // just above the threshold
    cases.push(
      { name: `add ${dtype} streamed output`, tol: 'exact', run: () => np.add(normal(37, [big], dtype), normal(38, [big], dtype)) as NDArray },
      { name: `multiply ${dtype} streamed, misaligned out`, tol: 'exact', run: () => {
        const out = np.zeros([big + 1], { dtype });
        np.multiply(normal(39, [big], dtype), np.array(3, { dtype }), { out: out.get('1:') as NDArray });
        return out;
      } },
      { name: `exp ${dtype} streamed, misaligned out`, tol: { ulp: 2 }, run: () => {
        const out = np.zeros([big + 3], { dtype });
        np.exp(normal(40, [big], dtype), { out: out.get('3:') as NDArray });
        return out;
      } },
    );

    // ---- exp, tanh, sigmoid
    const unary: Record<string, (x: NDArray) => NDArray> = {
      exp: (x) => np.exp(x) as NDArray,
      tanh: (x) => np.tanh(x) as NDArray,
      sigmoid: (x) => kiln.sigmoid(kiln.fromNumpy(x)).numpy(),
    };
    for (const [name, f] of Object.entries(unary)) {
      cases.push(
        { name: `${name} ${dtype}`, tol: { ulp: 2 }, run: () => f(mathInputs(dtype)) },
        { name: `${name} ${dtype} rows of a slice`, tol: { ulp: 2 },
          run: () => f((normal(40, [80, 120], dtype).get(':, 3:103') as NDArray)) },
      );
    }

    // ---- sliding windows: im2col, col2im, max pooling (strided images, padding, stride, dilation)
    const F = kiln.nn.functional;
    const image = (seed: number, shape: number[]): kiln.Tensor => kiln.fromNumpy(normal(seed, shape, dtype));
    const windows: [string, kiln.nn.functional.UnfoldOptions][] = [
      ['3x3 pad 1', { padding: 1 }], ['2x3 stride 2 pad (1, 0)', { stride: 2, padding: [1, 0] }],
      ['3x3 dilation 2 pad 2', { dilation: 2, padding: 2 }], ['3x3 stride 3 pad 2', { stride: 3, padding: 2 }],
      // shifts of up to 6 rows and columns, on 13 x 11 and 12 x 10 images
      ['5x5 dilation 3 pad 6', { dilation: 3, padding: 6 }], ['1x1', {}],
    ];
    for (const [label, opt] of windows) {
      const k: [number, number] = label.startsWith('2x3') ? [2, 3] : label.startsWith('5x5') ? [5, 5] : label === '1x1' ? [1, 1] : [3, 3];
      cases.push(
        { name: `unfold ${dtype} ${label}`, tol: 'exact', run: () => F.unfold(image(60, [3, 4, 13, 11]), k, opt).numpy() },
        { name: `unfold ${dtype} ${label}, strided image`, tol: 'exact',
          run: () => F.unfold(kiln.permute(image(61, [13, 3, 11, 4]), [1, 3, 0, 2]), k, opt).numpy() },
        { name: `fold ${dtype} ${label}`, tol: sumTolFor(dtype), run: () => {
          const cols = F.unfold(image(62, [2, 5, 12, 10]), k, opt);
          return F.fold(kiln.mul(cols, 1.5), [12, 10], k, opt).numpy();
        } },
      );
    }
    const indices = (r: [kiln.Tensor, kiln.Tensor]): NDArray => np.concatenate([r[0].numpy(), r[1].numpy().astype(dtype)]) as NDArray;
    cases.push(
      { name: `maxPool2d ${dtype} 2x2`, tol: 'exact', run: () => indices(F.maxPool2d(image(63, [4, 6, 28, 28]), 2, { returnIndices: true })) },
      { name: `maxPool2d ${dtype} 2x2 padding 1, odd sizes, NaNs`, tol: 'exact', run: () => {
        const x = normal(75, [3, 4, 19, 23], dtype);
        x.set('..., ::4, 1::3', NaN);
        x.set('..., 2::5, :', 0.25);
        return indices(F.maxPool2d(kiln.fromNumpy(x), 2, { padding: 1, returnIndices: true }));
      } },
      { name: `maxPool2d ${dtype} 3x3 stride 2 pad 1 dilation, strided, ceil`, tol: 'exact',
        run: () => indices(F.maxPool2d(kiln.transpose(image(64, [3, 5, 17, 19]), 2, 3), 3,
          { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true, returnIndices: true })) },
      { name: `maxPool2d ${dtype} with NaNs, ties and -inf`, tol: 'exact', run: () => {
        const x = normal(65, [2, 3, 20, 20], dtype);
        x.set('..., ::3, ::5', NaN);
        x.set('..., 1::4, :', 0.5);
        x.set('0, 0', -Infinity);
        return indices(F.maxPool2d(kiln.fromNumpy(x), [3, 2], { stride: [2, 1], returnIndices: true }));
      } },
    );

    // ---- gather and scatter: indexing, and the gradients of indexing and overlapping max pools
    const positions = (seed: number, n: number, below: number): kiln.Tensor =>
      kiln.fromNumpy(np.random.defaultRng(seed).integers(0, below, [n]) as NDArray);
    cases.push(
      { name: `take ${dtype}`, tol: 'exact', run: () => kiln.take(image(66, [30, 40]), positions(67, 3000, 1200)).numpy() },
      { name: `take ${dtype}, integer-array indexing (int32)`, tol: 'exact',
        run: () => normal(68, [1000], dtype).get([np.random.defaultRng(69).integers(0, 1000, [700], { dtype: 'int32' }) as NDArray]) as NDArray },
      { name: `put ${dtype}: the gradient of repeated indexing`, tol: sumTolFor(dtype), run: () => {
        const x = image(70, [500]).requiresGrad_();
        kiln.take(x, positions(71, 4000, 500)).backward(image(72, [4000]));
        return x.grad!.numpy();
      } },
      { name: `put ${dtype}: the gradient of overlapping max pools`, tol: sumTolFor(dtype), run: () => {
        const x = image(73, [2, 3, 21, 21]).requiresGrad_();
        F.maxPool2d(x, 3, { stride: 2 }).backward(image(74, [2, 3, 10, 10]));
        return x.grad!.numpy();
      } },
    );

    // ---- log, negative, abs, gelu
    cases.push(
      { name: `log ${dtype}`, tol: { ulp: 2 }, run: () => np.log(logInputs(dtype)) as NDArray },
      { name: `log ${dtype} rows of a slice`, tol: { ulp: 2 },
        run: () => np.log(np.abs(normal(41, [80, 120], dtype)).get(':, 3:103') as NDArray) as NDArray },
      { name: `negative ${dtype}`, tol: 'exact', run: () => np.negative(mathInputs(dtype)) as NDArray },
      { name: `abs ${dtype}`, tol: 'exact', run: () => np.abs(mathInputs(dtype)) as NDArray },
      // float32's erf-form kernel is within a few ulp; float64 runs in TypeScript
      { name: `gelu ${dtype}`, tol: { ulp: 8 }, run: () => kiln.nn.functional.gelu(kiln.fromNumpy(mathInputs(dtype))).numpy() },
      { name: `gelu ${dtype} rows of a slice`, tol: { ulp: 8 },
        run: () => kiln.nn.functional.gelu(kiln.fromNumpy(normal(42, [80, 120], dtype).get(':, 3:103') as NDArray)).numpy() },
      // the tanh form rounds its exponent -2u in the dtype: relative error grows with |u|
      { name: `gelu tanh ${dtype}`, tol: { relMax: dtype === 'float32' ? 1e-6 : 1e-15 },
        run: () => kiln.nn.functional.gelu(kiln.fromNumpy(mathInputs(dtype)), { approximate: 'tanh' }).numpy() },
    );

    // ---- softmax, logSoftmax: small and long rows, threaded, strided rows, another axis
    const softTol: Tolerance = { relMax: dtype === 'float32' ? 1e-6 : 1e-13 }; // sums of 70001 terms
    for (const log of [false, true]) {
      const f = (x: NDArray, dim = -1): NDArray => {
        const t = kiln.fromNumpy(x);
        return (log ? kiln.logSoftmax(t, dim) : kiln.softmax(t, dim)).numpy();
      };
      const name = log ? 'logSoftmax' : 'softmax';
      cases.push(
        { name: `${name} ${dtype} (64, 10)`, tol: softTol, run: () => f(softmaxInput(60, 64, 10, dtype)) },
        { name: `${name} ${dtype} (128, 1000)`, tol: softTol, run: () => f(softmaxInput(61, 128, 1000, dtype)) },
        { name: `${name} ${dtype} (300, 37)`, tol: softTol, run: () => f(softmaxInput(62, 300, 37, dtype)) },
        { name: `${name} ${dtype} long rows`, tol: softTol, run: () => f(softmaxInput(63, 5, 70001, dtype)) },
        { name: `${name} ${dtype} one row`, tol: softTol, run: () => f(normal(64, [3001], dtype)) },
        { name: `${name} ${dtype} rows of a slice`, tol: softTol, run: () => f(normal(65, [90, 130], dtype).get('::2, 5:128') as NDArray) },
        { name: `${name} ${dtype} axis 0`, tol: softTol, run: () => f(normal(66, [40, 50], dtype), 0) },
        { name: `${name} ${dtype} 3-d, middle axis`, tol: softTol, run: () => f(normal(67, [6, 50, 7], dtype), 1) },
      );
    }

    // ---- sums
    // float32 sums add in float32 within blocks (as NumPy and PyTorch do), the TypeScript kernels in float64
    const sumTol: Tolerance = { relMax: dtype === 'float32' ? 1e-6 : 1e-14 };
    cases.push(
      { name: `sum ${dtype} all`, tol: sumTol, run: () => np.array(np.sum(normal(50, [100003], dtype)) as number, { dtype }) },
      { name: `sum ${dtype} axis 1`, tol: sumTol, run: () => np.sum(normal(51, [300, 517], dtype), { axis: 1 }) as NDArray },
      { name: `sum ${dtype} axis 0`, tol: sumTol, run: () => np.sum(normal(52, [300, 517], dtype), { axis: 0 }) as NDArray },
      { name: `sum ${dtype} axis 0 of 3`, tol: sumTol, run: () => np.sum(normal(53, [3, 5000], dtype), { axis: 0 }) as NDArray },
      { name: `sum ${dtype} of a column`, tol: sumTol, run: () => np.sum(normal(54, [9000, 3], dtype).get(':, 1') as NDArray, { axis: 0, keepdims: true }) as NDArray },
      { name: `sum ${dtype} inner axes`, tol: sumTol, run: () => np.sum(normal(55, [20, 30, 40], dtype), { axis: [1, 2] }) as NDArray },
      { name: `mean ${dtype} axis -1`, tol: sumTol, run: () => np.mean(normal(56, [64, 1000], dtype), { axis: -1 }) as NDArray },
      // several lines per output: bias gradients of (N, C, H, W), short and long lines
      { name: `sum ${dtype} axes 0, 2, 3`, tol: sumTol, run: () => np.sum(normal(57, [16, 12, 9, 11], dtype), { axis: [0, 2, 3] }) as NDArray },
      { name: `sum ${dtype} axes 0, 2 of long lines`, tol: sumTol, run: () => np.sum(normal(58, [3, 2, 70000], dtype), { axis: [0, 2] }) as NDArray },
      { name: `sum ${dtype} many blocks`, tol: sumTol, run: () => np.sum(normal(59, [3, 300007], dtype), { axis: 1 }) as NDArray },
      // float32 lanes that overflow (or meet inf / NaN) where a float64 sum does not
      { name: `sum ${dtype} near overflow, inf and NaN`, tol: sumTol, run: () => {
        const x = np.zeros([4, 5000], { dtype });
        for (const j of [0, 128, 256, 4096 + 3, 4096 + 131]) x.set(`0, ${j}`, 3e38);
        x.set('0, 384', -3e38);
        x.set('1, 17', Infinity);
        x.set('2, 4000', NaN);
        x.set('3, 9', -Infinity);
        x.set('3, 4999', Infinity);
        return np.sum(x, { axis: 1 }) as NDArray;
      } },
    );

    // ---- elementwise ops on strided rows (packed tile by tile)
    cases.push(
      { name: `add ${dtype} both operands transposed`, tol: 'exact',
        run: () => np.add(np.transpose(normal(60, [301, 517], dtype)), np.transpose(normal(61, [301, 517], dtype))) as NDArray },
      { name: `multiply ${dtype} column slices`, tol: 'exact',
        run: () => np.multiply(normal(62, [200, 900], dtype).get(':, ::3') as NDArray, normal(63, [200, 600], dtype).get(':, 1::2') as NDArray) as NDArray },
      { name: `subtract ${dtype} transposed, broadcast column`, tol: 'exact',
        run: () => np.subtract(np.transpose(normal(64, [130, 70], dtype)), normal(65, [70, 1], dtype)) as NDArray },
      { name: `divide ${dtype} into a transposed out`, tol: 'exact', run: () => {
        const out = np.zeros([333, 250], { dtype });
        np.divide(normal(66, [250, 333], dtype), normal(67, [250, 333], dtype), { out: np.transpose(out) });
        return out;
      } },
      { name: `maximum ${dtype} reversed, strided out`, tol: 'exact', run: () => {
        const out = np.zeros([90, 400], { dtype });
        np.maximum(normal(68, [90, 200], dtype).get('::-1, ::-1') as NDArray, normal(69, [90, 200], dtype), { out: out.get(':, ::2') as NDArray });
        return out;
      } },
      { name: `add ${dtype} transposed, threaded`, tol: 'exact',
        run: () => np.add(np.transpose(normal(70, [700, 650], dtype)), normal(71, [650, 700], dtype)) as NDArray },
      { name: `exp ${dtype} transposed`, tol: { ulp: 2 }, run: () => np.exp(np.transpose(normal(72, [123, 77], dtype))) as NDArray },
      { name: `tanh ${dtype} broadcast input`, tol: { ulp: 2 },
        run: () => np.tanh(np.broadcastTo(normal(73, [1, 600], dtype), [5, 600]).get(':, ::-1') as NDArray) as NDArray },
    );

    // ---- copies (strided, transposed) and casts
    const other = dtype === 'float32' ? 'float64' : 'float32';
    cases.push(
      { name: `copy ${dtype} transposed`, tol: 'exact', run: () => np.transpose(normal(74, [517, 301], dtype)).copy() },
      { name: `copy ${dtype} transposed, threaded`, tol: 'exact', run: () => np.transpose(normal(75, [784, 512], dtype)).copy() },
      { name: `copy ${dtype} 3-d permutation`, tol: 'exact', run: () => np.transpose(normal(76, [7, 40, 33], dtype), [2, 0, 1]).copy() },
      { name: `copy ${dtype} reversed and strided`, tol: 'exact', run: () => (normal(77, [120, 90], dtype).get('::-1, 1::3') as NDArray).copy() },
      { name: `copy ${dtype} into a transposed out`, tol: 'exact', run: () => {
        const out = np.zeros([60, 70], { dtype });
        np.transpose(out).set('...', normal(78, [70, 60], dtype));
        return out;
      } },
      { name: `cast ${dtype} -> ${other}`, tol: 'exact', run: () => castInputs(dtype).astype(other) },
      { name: `cast ${dtype} -> ${other} transposed`, tol: 'exact', run: () => np.transpose(normal(79, [90, 110], dtype)).astype(other) },
    );
    for (const from of ['int32', 'int64', 'uint8', 'bool'] as const) {
      cases.push(
        { name: `cast ${from} -> ${dtype}`, tol: 'exact', run: () => intInputs(from).astype(dtype) },
        { name: `cast ${from} -> ${dtype} strided`, tol: 'exact', run: () => (intInputs(from).reshape([-1, 8]).get('::-1, 1::2') as NDArray).astype(dtype) },
      );
    }
  }
  // same-dtype copies of integers move bits (4 and 8 bytes through the transposing tiles)
  for (const d of ['int32', 'uint32', 'int64', 'uint8', 'bool'] as const) {
    cases.push({ name: `copy ${d} transposed`, tol: 'exact',
      run: () => np.transpose(intInputs(d).reshape([-1, 40])).copy().astype('float64') });
  }
  return cases;
}

/** Sums in float32 round differently by order; float64 barely. */
function sumTolFor(dtype: Float): Tolerance {
  return { relMax: dtype === 'float32' ? 1e-6 : 1e-14 };
}

/** Floats where casts round: specials, float32 boundaries, subnormals, ties. */
function castInputs(dtype: Float): NDArray {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 3.4028234663852886e38, 3.4028235677973366e38, -3.5e38, 1e300,
    1.401298464324817e-45, 7e-46, 1e-300, 1 + 2 ** -24, 1 + 3 * 2 ** -24, 0.1, 16777217, -16777219];
  return np.concatenate([np.array(specials, { dtype }), np.linspace(-1e6, 1e6, 3001, { dtype }), normal(80, [2003], dtype)]) as NDArray;
}

/** Integers of each dtype, with the edges where conversions to float32 / float64 round. */
function intInputs(dtype: 'int32' | 'uint32' | 'int64' | 'uint8' | 'bool'): NDArray {
  const n = 4000;
  if (dtype === 'bool') return np.greater(normal(81, [n], 'float64'), 0) as NDArray;
  if (dtype === 'uint8') return np.arange(n, { dtype: 'int32' }).astype('uint8');
  if (dtype === 'int64') {
    const edges = [0n, 1n, -1n, 2n ** 24n + 1n, 2n ** 53n + 1n, -(2n ** 53n) - 3n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 40n + 2n ** 16n,
      2n ** 62n + 2n ** 38n, 2n ** 62n + 2n ** 38n + 1n, 123456789012345678n];
    const x = np.multiply(np.arange(n - edges.length, { dtype: 'int64' }), np.array(1234567891234n, { dtype: 'int64' })) as NDArray;
    return np.concatenate([np.array(edges, { dtype: 'int64' }), x]) as NDArray;
  }
  const edges = [0, 1, -1, 2 ** 24 + 1, 2 ** 24 + 3, -(2 ** 31), 2 ** 31 - 1, 123456789];
  const x = np.multiply(np.arange(n - edges.length, { dtype: 'int32' }), np.array(1000003, { dtype: 'int32' })) as NDArray;
  return np.concatenate([np.array(edges, { dtype: 'int32' }), x]).astype(dtype);
}

/** A result as bytes (contiguous copy) with its dtype and shape, for passing between processes. */
export function encode(x: NDArray): { dtype: string; shape: number[]; b64: string } {
  const c = x.flatten(); // a C-ordered copy
  const bytes = new Uint8Array(c.storage.buffer, c.offset * c.itemsize, c.size * c.itemsize);
  return { dtype: c.dtype, shape: [...c.shape], b64: Buffer.from(bytes).toString('base64') };
}

export function decode(e: { dtype: string; b64: string }): Float32Array | Float64Array {
  const buf = Buffer.from(e.b64, 'base64');
  const copy = new Uint8Array(buf).buffer;
  return e.dtype === 'float32' ? new Float32Array(copy) : new Float64Array(copy);
}
