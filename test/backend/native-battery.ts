/**
 * A deterministic battery of the ops the native kernels take over (matmul in every layout,
 * elementwise arithmetic with broadcasting, exp/tanh/sigmoid, sums), used by native.test.ts:
 * child processes run it under different KILN_ISA / KILN_NATIVE settings and the results are
 * compared with the TypeScript kernels' (KILN_NATIVE=0).
 */
import * as kiln from 'kiln';
import { np } from 'kiln';

type NDArray = np.NDArray;

/** How a case's result may differ from the TypeScript kernels' result. */
export type Tolerance =
  | 'exact'
  | { ulp: number } // exp, tanh, sigmoid
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

    // ---- sums
    const sumTol: Tolerance = { relMax: dtype === 'float32' ? 1e-7 : 1e-14 };
    cases.push(
      { name: `sum ${dtype} all`, tol: sumTol, run: () => np.array(np.sum(normal(50, [100003], dtype)) as number, { dtype }) },
      { name: `sum ${dtype} axis 1`, tol: sumTol, run: () => np.sum(normal(51, [300, 517], dtype), { axis: 1 }) as NDArray },
      { name: `sum ${dtype} axis 0`, tol: sumTol, run: () => np.sum(normal(52, [300, 517], dtype), { axis: 0 }) as NDArray },
      { name: `sum ${dtype} axis 0 of 3`, tol: sumTol, run: () => np.sum(normal(53, [3, 5000], dtype), { axis: 0 }) as NDArray },
      { name: `sum ${dtype} of a column`, tol: sumTol, run: () => np.sum(normal(54, [9000, 3], dtype).get(':, 1') as NDArray, { axis: 0, keepdims: true }) as NDArray },
      { name: `sum ${dtype} inner axes`, tol: sumTol, run: () => np.sum(normal(55, [20, 30, 40], dtype), { axis: [1, 2] }) as NDArray },
      { name: `mean ${dtype} axis -1`, tol: sumTol, run: () => np.mean(normal(56, [64, 1000], dtype), { axis: -1 }) as NDArray },
    );
  }
  return cases;
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
