/**
 * The CPU's elementwise engine: renders an op from the elementwise table into a JS loop
 * specialised for its operand dtypes (how each is read and stored), compiles it once, and runs it
 * over strided, broadcast views. Dimensions that are contiguous for every operand are merged, so
 * the common case is a single flat loop.
 *
 * Complex operands live in Float32Array/Float64Array storage as (re, im) pairs: element p of a
 * complex view is at [2p, 2p + 1]. Loops whose dtype is complex read every operand as two parts
 * and use the table's `complex` expressions (see planComplex); real loops that store into a
 * complex output write im = 0. Real loops never see a complex operand, so their code is unchanged.
 */
import { DTYPES, type DType, complexPart, dtypeInfo, isBig, isComplex } from '../../core/dtype.js';
import type { ElementwiseOp } from '../../core/elementwise-ops.js';
import type { View } from '../../core/view.js';
import { ELEMENTWISE_HELPERS } from './helpers.js';

/** The loop's value domain: JS numbers, or BigInt for exact 64-bit integer loops. */
export type Domain = 'num' | 'big';

const OPERAND_NAMES = ['x', 'y', 'z'];

/**
 * How input `i` is read. In the number domain a 64-bit integer is read from its two 32-bit words
 * (Number(bigint) is slow): high * 2**32 + low rounds once, as C's cast does. `lowWord` reads only
 * the low word, which is the value wrapped to 32 bits, for casts to narrower integers.
 */
function readExpr(dtype: DType, domain: Domain, i: number, lowWord = false): string {
  const ref = `A${i}[p${i}]`;
  if (domain === 'big') return isBig(dtype) ? ref : `BigInt(${ref})`;
  if (dtype === 'float16') return `H.halfToNum(${ref})`;
  if (dtype === 'bfloat16') return `H.bf16ToNum(${ref})`;
  if (isBig(dtype)) {
    const lo = `A${i}[2 * p${i}]`;
    if (lowWord) return lo;
    return `(A${i}[2 * p${i} + 1] * 4294967296 + ${dtype === 'int64' ? `(${lo} >>> 0)` : lo})`;
  }
  return ref;
}

/**
 * The statement that stores `value` at O[o]. A 64-bit output in the number domain is written as
 * two 32-bit words: C's cast truncates, and NaN or out-of-range values give the bit pattern of
 * 2**63 (x86's "integer indefinite", which NumPy shows as INT64_MIN).
 */
function storeStmt(dtype: DType, domain: Domain, value: string, returnsBool: boolean): string {
  if (domain === 'num' && isBig(dtype)) {
    const v = returnsBool ? `((${value}) ? 1 : 0)` : value;
    const max = dtype === 'int64' ? '9223372036854775808' : '18446744073709551616';
    return `{ const t = ${v};
      if (t > -9223372036854775808 && t < ${max}) {
        const q = Math.trunc(t); const hi = Math.floor(q / 4294967296);
        O[2 * o] = q - hi * 4294967296; O[2 * o + 1] = hi;
      } else { O[2 * o] = 0; O[2 * o + 1] = -2147483648; } }`;
  }
  if (returnsBool && isBig(dtype)) return `O[o] = (${value}) ? 1n : 0n;`;
  return `O[o] = ${storeExpr(dtype, domain, value, returnsBool)};`;
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
    if (dtype === 'float32') return `H.bigToF32(${value})`;
    // PyTorch makes a bfloat16 from an int64 through one float32 rounding
    if (dtype === 'bfloat16') return `H.numToBf16(H.bigToF32(${value}))`;
    if (info.kind === 'f') return storeExpr(dtype, 'num', `Number(${value})`, false);
    const bits = info.itemsize * 8;
    return `Number(BigInt.as${info.kind === 'u' ? 'Uint' : 'Int'}N(${bits}, ${value}))`;
  }
  if (dtype === 'bool') return `(${value}) !== 0 ? 1 : 0`;
  if (dtype === 'float16') return `H.numToHalf(${value})`;
  if (dtype === 'bfloat16') return `H.numToBf16(${value})`;
  return value;
}

/** An expression that wraps a loop's value to the loop dtype, as storing it there would. */
function castExpr(dtype: DType, domain: Domain, value: string): string {
  if (domain === 'big') {
    if (isBig(dtype)) return `BigInt.as${dtype === 'uint64' ? 'Uint' : 'Int'}N(64, ${value})`;
    return value; // a big-domain loop is always a 64-bit one
  }
  switch (dtype) {
    case 'bool': return `((${value}) !== 0 ? 1 : 0)`;
    case 'int8': return `((${value}) << 24 >> 24)`;
    case 'uint8': return `((${value}) & 255)`;
    case 'int16': return `((${value}) << 16 >> 16)`;
    case 'uint16': return `((${value}) & 65535)`;
    case 'int32': return `((${value}) | 0)`;
    case 'uint32': return `((${value}) >>> 0)`;
    case 'float16': return `H.roundToHalf(${value})`;
    case 'bfloat16': return `H.roundToBf16(${value})`;
    case 'float32': return `Math.fround(${value})`;
    default: return value;
  }
}

type Kernel = (
  out: ArrayLike<number | bigint>, arrays: ArrayLike<number | bigint>[], shape: number[],
  outStrides: number[], inStrides: number[][], outOffset: number, inOffsets: number[], H: unknown,
) => void;

/** A kernel and whether it reads each input, and writes its output, as 32-bit words. */
interface CompiledKernel {
  run: Kernel;
  inWords: boolean[];
  outWords: boolean;
}

/**
 * Compiles a loop. `reads` is the code that reads the operands of one element (as x, y, z, or
 * their parts xr, xi, ... in complex loops), `store` the code that computes and stores the result
 * at O[o] and `prelude` code run once per call. `tag` names the typed arrays involved and goes
 * into the source as a comment: V8 shares compiled code (and its type feedback) between identical
 * sources, so float32 and float64 loops with the same text would otherwise share one function and
 * turn megamorphic. Only the helpers the loop mentions are unpacked from H (per call).
 */
function compile(count: number, reads: string, store: string, tag: string, prelude = ''): Kernel {
  const idx = [...Array(count).keys()];
  const body = `${prelude}
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
  const used = Object.keys(ELEMENTWISE_HELPERS).filter((name) => new RegExp(`\\b${name}\\b`).test(body));
  const src = `// ${tag}
    ${used.length > 0 ? `const { ${used.join(', ')} } = H;` : ''}
    ${body}`;
  return new Function('out', 'arrays', 'shape', 'outStrides', 'inStrides', 'outOffset', 'inOffsets', 'H', src) as Kernel;
}

/** Reads of real-valued operands into x, y, z. */
const realReads = (reads: string[]): string => reads.map((r, i) => `const ${OPERAND_NAMES[i]} = ${r};`).join(' ');

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
  const { run, inWords, outWords } = kernelFor(op, loop, inputs, out.dtype);
  const [shape, strides] = collapseAxes(out.shape, [out.elementStrides, ...inputs.map((v) => v.elementStrides)]);
  run(
    out.storage.typed(outWords ? wordDType(out.dtype) : out.dtype),
    inputs.map((v, i) => v.storage.typed(inWords[i] ? wordDType(v.dtype) : v.dtype)), shape,
    strides[0]!, strides.slice(1), out.offset, inputs.map((v) => v.offset), ELEMENTWISE_HELPERS,
  );
}

/** The 32-bit view a 64-bit integer array is read or written through (offsets double). */
const wordDType = (d: DType): DType => (d === 'int64' ? 'int32' : 'uint32');

// Kernels by op, then by a number packing the loop, output and input dtypes: a string key built
// on every call cost more than running a small kernel.
const kernels = new Map<ElementwiseOp, Map<number, CompiledKernel>>();
const DTYPE_CODE = new Map<DType, number>(DTYPES.map((d, i) => [d, i]));

function kernelFor(op: ElementwiseOp, loop: DType, inputs: readonly View[], outDtype: DType): CompiledKernel {
  let byTypes = kernels.get(op);
  if (!byTypes) kernels.set(op, (byTypes = new Map()));
  let key = DTYPE_CODE.get(loop)! * 16 + DTYPE_CODE.get(outDtype)!;
  for (const v of inputs) key = key * 16 + DTYPE_CODE.get(v.dtype)!;
  let kernel = byTypes.get(key);
  if (!kernel) {
    kernel = plan(op, loop, inputs.map((v) => v.dtype), outDtype);
    byTypes.set(key, kernel);
  }
  return kernel;
}

/** Picks the domain and expressions for an op on these dtypes and compiles the loop. */
function plan(op: ElementwiseOp, loop: DType, inDtypes: DType[], outDtype: DType): CompiledKernel {
  const tag = `${op.name} ${loop} [${inDtypes.join(', ')}] -> ${outDtype}`;
  if (isComplex(loop)) return planComplex(op, loop, inDtypes, outDtype, tag);
  const info = dtypeInfo(loop);
  const isInt = info.kind === 'i' || info.kind === 'u' || info.kind === 'b';
  let domain: Domain = isBig(loop) && op.big !== undefined ? 'big' : 'num';
  const outInfo = dtypeInfo(outDtype);
  if (op.name === 'copy' && isBig(inDtypes[0]!)) {
    // casts out of 64-bit integers go word by word, without BigInt: to another 64-bit type the
    // words move as they are; to narrower integers the low word is the wrapped value; to floats
    // high * 2**32 + low rounds once (float32 stays on BigInt: through a float64 it would round twice)
    if (isBig(outDtype)) {
      return { run: compile(1, 'const x = A0[2 * p0];', 'O[2 * o] = x; O[2 * o + 1] = A0[2 * p0 + 1];', tag), inWords: [true], outWords: true };
    }
    if (complexPart(outDtype) !== 'float32' && outDtype !== 'bfloat16') {
      const narrow = (outInfo.kind === 'i' || outInfo.kind === 'u') && outInfo.itemsize <= 4;
      const read = readExpr(inDtypes[0]!, 'num', 0, narrow);
      return { run: compile(1, realReads([read]), storeAny(outDtype, 'num', 'x', false), tag), inWords: [true], outWords: false };
    }
    domain = 'big';
  }
  const expr = domain === 'big' ? op.big!
    : loop === 'bool' && op.bool !== undefined ? op.bool
      : isInt && op.int !== undefined ? op.int : op.num;
  // an output of another dtype receives the loop's result cast (int8 + int8 wraps, then is stored
  // into float32), as NumPy casts after the loop
  const returnsBool = op.returnsBool === true;
  let wrapped = !returnsBool && outDtype !== loop && expr !== 'x' ? castExpr(loop, domain, expr) : expr;
  // C's float-to-int32 conversion on x86 gives INT32_MIN for NaN and out-of-range values
  if (op.name === 'copy' && outDtype === 'int32' && dtypeInfo(inDtypes[0]!).kind === 'f') {
    wrapped = '(x > -2147483649 && x < 2147483648 ? x : -2147483648)';
  }
  const reads = inDtypes.map((d, i) => readExpr(d, domain, i));
  const inWords = inDtypes.map((d) => domain === 'num' && isBig(d));
  const outWords = domain === 'num' && isBig(outDtype);
  return { run: compile(reads.length, realReads(reads), storeAny(outDtype, domain, wrapped, returnsBool), tag), inWords, outWords };
}

/** storeStmt, plus a real value stored into a complex output (im = 0). */
function storeAny(dtype: DType, domain: Domain, value: string, returnsBool: boolean): string {
  if (!isComplex(dtype)) return storeStmt(dtype, domain, value, returnsBool);
  return `{ const v = ${storeExpr(complexPart(dtype), domain, value, returnsBool)}; O[2 * o] = v; O[2 * o + 1] = 0; }`;
}

const COMPLEX_PARTS = [['xr', 'xi'], ['yr', 'yi'], ['zr', 'zi']] as const;

/**
 * A complex loop: every operand is read as two parts (a real operand with im 0), the table's
 * `complex` expressions compute in float64 with F() rounding to float32 where a complex64 loop
 * rounds, and the result is stored as a pair, as a real part (casts to real dtypes drop the
 * imaginary part, as NumPy's do), or as a real or boolean value.
 */
function planComplex(op: ElementwiseOp, loop: DType, inDtypes: DType[], outDtype: DType, tag: string): CompiledKernel {
  const expr = op.complex;
  if (expr === undefined) throw new Error(`internal: '${op.name}' has no complex loop`);
  const single = loop === 'complex64';
  // complex128 loops round nowhere: drop the F( ) marks rather than call the identity
  const render = (e: string): string => (single ? e : e.replace(/\bF\(/g, '('));
  const reads = inDtypes.map((d, i) => {
    const [re, im] = COMPLEX_PARTS[i]!;
    if (isComplex(d)) return `const ${re} = A${i}[2 * p${i}], ${im} = A${i}[2 * p${i} + 1];`;
    return `const ${re} = ${readExpr(d, 'num', i)}, ${im} = 0;`;
  }).join(' ');
  const inWords = inDtypes.map((d) => isBig(d));
  const outWords = isBig(outDtype);
  // a complex64 result stored anywhere but complex64 is rounded first, as NumPy casts after the loop
  const round = (e: string): string => (single && outDtype !== 'complex64' ? `Math.fround(${e})` : e);
  let store: string;
  if (typeof expr === 'string') {
    const returnsBool = op.returnsBool === true;
    store = storeAny(outDtype, 'num', returnsBool ? render(expr) : round(render(expr)), returnsBool);
  } else {
    const re = round(render(expr[0]));
    const im = round(render(expr[1]));
    if (isComplex(outDtype)) store = `O[2 * o] = ${re}; O[2 * o + 1] = ${im};`;
    else if (outDtype === 'bool') store = `{ const vr = ${re}; const vi = ${im}; O[o] = vr !== 0 || vi !== 0 ? 1 : 0; }`;
    else if (outDtype === 'int32') store = `{ const x = ${re}; O[o] = x > -2147483649 && x < 2147483648 ? x : -2147483648; }`;
    else store = storeStmt(outDtype, 'num', re, false);
  }
  const prelude = `const F = ${single ? 'Math.fround' : 'id'}; let t = false;`;
  return { run: compile(inDtypes.length, reads, store, tag, prelude), inWords, outWords };
}
