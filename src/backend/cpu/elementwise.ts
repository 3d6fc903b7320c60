/**
 * The CPU's elementwise engine: renders an op from the elementwise table into a JS loop
 * specialised for its operand dtypes (how each is read and stored), compiles it once, and runs it
 * over strided, broadcast views. Dimensions that are contiguous for every operand are merged, so
 * the common case is a single flat loop.
 */
import { type DType, dtypeInfo, isBig } from '../../core/dtype.js';
import type { ElementwiseOp } from '../../core/elementwise-ops.js';
import type { View } from '../../core/view.js';
import { ELEMENTWISE_HELPERS } from './helpers.js';

/** The loop's value domain: JS numbers, or BigInt for exact 64-bit integer loops. */
export type Domain = 'num' | 'big';

const OPERAND_NAMES = ['x', 'y', 'z'];

function readExpr(dtype: DType, domain: Domain, ref: string): string {
  if (domain === 'big') return isBig(dtype) ? ref : `BigInt(${ref})`;
  if (dtype === 'float16') return `H.halfToNum(${ref})`;
  if (isBig(dtype)) return `Number(${ref})`;
  return ref;
}

function storeExpr(dtype: DType, domain: Domain, value: string, returnsBool: boolean): string {
  if (returnsBool) {
    if (dtype === 'bool') return `(${value}) ? 1 : 0`;
    return storeExpr(dtype, 'num', `((${value}) ? 1 : 0)`, false);
  }
  if (domain === 'big') {
    if (isBig(dtype)) return value;
    if (dtype === 'bool') return `(${value}) !== 0n ? 1 : 0`;
    const info = dtypeInfo(dtype);
    if (info.kind === 'f') return storeExpr(dtype, 'num', `Number(${value})`, false);
    const bits = info.itemsize * 8;
    return `Number(BigInt.as${info.kind === 'u' ? 'Uint' : 'Int'}N(${bits}, ${value}))`;
  }
  if (dtype === 'bool') return `(${value}) !== 0 ? 1 : 0`;
  if (dtype === 'float16') return `H.numToHalf(${value})`;
  if (isBig(dtype)) return `H.numToBig(${value})`;
  return value;
}

type Kernel = (
  out: ArrayLike<number | bigint>, arrays: ArrayLike<number | bigint>[], shape: number[],
  outStrides: number[], inStrides: number[][], outOffset: number, inOffsets: number[], H: unknown,
) => void;

const cache = new Map<string, Kernel>();

function compile(expr: string, domain: Domain, inDtypes: DType[], outDtype: DType, returnsBool: boolean): Kernel {
  const key = `${expr}|${domain}|${inDtypes.join(',')}|${outDtype}|${returnsBool}`;
  let k = cache.get(key);
  if (k) return k;
  const n = inDtypes.length;
  const idx = [...Array(n).keys()];
  const reads = idx.map((i) => `const ${OPERAND_NAMES[i]} = ${readExpr(inDtypes[i]!, domain, `A${i}[p${i}]`)};`).join(' ');
  const store = `O[o] = ${storeExpr(outDtype, domain, expr, returnsBool)};`;
  const src = `
    const { ${Object.keys(ELEMENTWISE_HELPERS).join(', ')} } = H;
    ${idx.map((i) => `const A${i} = arrays[${i}];`).join('\n')}
    const O = out;
    const nd = shape.length;
    const inner = nd === 0 ? 1 : shape[nd - 1];
    let total = 1;
    for (let d = 0; d < nd; d++) total *= shape[d];
    if (total === 0) return;
    const so = nd === 0 ? 0 : outStrides[nd - 1];
    ${idx.map((i) => `const s${i} = nd === 0 ? 0 : inStrides[${i}][nd - 1];`).join('\n')}
    let o = outOffset;
    ${idx.map((i) => `let p${i} = inOffsets[${i}];`).join('\n')}
    const counter = new Array(Math.max(nd - 1, 0)).fill(0);
    for (let done = 0; done < total; done += inner) {
      for (let i = 0; i < inner; i++) {
        ${reads}
        ${store}
        o += so; ${idx.map((i) => `p${i} += s${i};`).join(' ')}
      }
      o -= so * inner; ${idx.map((i) => `p${i} -= s${i} * inner;`).join(' ')}
      for (let d = nd - 2; d >= 0; d--) {
        o += outStrides[d]; ${idx.map((i) => `p${i} += inStrides[${i}][d];`).join(' ')}
        if (++counter[d] < shape[d]) break;
        counter[d] = 0;
        o -= outStrides[d] * shape[d]; ${idx.map((i) => `p${i} -= inStrides[${i}][d] * shape[d];`).join(' ')}
      }
    }`;
  k = new Function('out', 'arrays', 'shape', 'outStrides', 'inStrides', 'outOffset', 'inOffsets', 'H', src) as Kernel;
  cache.set(key, k);
  return k;
}

/**
 * Merges adjacent axes that are contiguous with each other in every operand and drops axes of
 * length 1, so a contiguous problem of any shape becomes one flat loop.
 */
export function collapseAxes(shape: readonly number[], strides: (readonly number[])[]): [number[], number[][]] {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => outStrides[i]![last] === s[d]! * n)) {
      outShape[last] = outShape[last]! * n;
      strides.forEach((s, i) => (outStrides[i]![last] = s[d]!));
    } else {
      outShape.push(n);
      strides.forEach((s, i) => outStrides[i]!.push(s[d]!));
    }
  }
  if (shape.some((n) => n === 0)) return [[0], strides.map(() => [1])];
  return [outShape, outStrides];
}

/**
 * Runs `op` over `inputs` (already broadcast to `out.shape`: 0 strides on broadcast axes) and
 * stores into `out`. `loop` is the dtype the computation happens in (its kind picks the domain
 * and the integer expression).
 */
export function runElementwise(op: ElementwiseOp, inputs: readonly View[], out: View, loop: DType): void {
  const info = dtypeInfo(loop);
  const isInt = info.kind === 'i' || info.kind === 'u' || info.kind === 'b';
  const domain: Domain = isBig(loop) && op.big !== undefined ? 'big' : 'num';
  const expr = domain === 'big' ? op.big! : isInt && op.int !== undefined ? op.int : op.num;
  const kernel = compile(expr, domain, inputs.map((v) => v.dtype), out.dtype, op.returnsBool === true);
  const [shape, strides] = collapseAxes(out.shape, [out.elementStrides, ...inputs.map((v) => v.elementStrides)]);
  kernel(
    out.storage.typed(out.dtype), inputs.map((v) => v.storage.typed(v.dtype)), shape,
    strides[0]!, strides.slice(1), out.offset, inputs.map((v) => v.offset), ELEMENTWISE_HELPERS,
  );
}
