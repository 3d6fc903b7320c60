/**
 * The .npy format (numpy/lib/format.py): a magic string, a version, a header that is a Python
 * dict literal, then the raw bytes of the array. Versions 1.0, 2.0 (4-byte header length) and
 * 3.0 (UTF-8 header) are read; 1.0 is written, 2.0 when the header needs it, as NumPy does.
 */
import { type DType, dtypeInfo } from '../../core/dtype.js';
import { contiguousStrides, sizeOf } from '../../core/shape.js';
import { Storage } from '../../core/storage.js';
import { NDArray } from '../ndarray.js';
import { type ByteSource, badFile, readBytes } from './files.js';
import { type PyValue, parsePyLiteral, pyRepr } from './py-literal.js';

export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // \x93NUMPY

/**
 * .npy type codes (kind letter and byte size, as in '<f8') that kiln reads. A complex number is
 * stored as two floats (re, im), which is kiln's layout too; byte swapping treats it as two floats.
 */
const NPY_DTYPES: Readonly<Record<string, DType>> = {
  b1: 'bool', i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32',
  i8: 'int64', u8: 'uint64', f2: 'float16', f4: 'float32', f8: 'float64', c8: 'complex64', c16: 'complex128',
};

/** NumPy types kiln cannot hold (yet), by type code or kind letter, for the error message. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  c32: 'clongdouble', f12: 'longdouble', f16: 'longdouble',
  U: 'a unicode string dtype', S: 'a bytes dtype', V: 'a void (raw bytes) dtype',
  M: 'a datetime64 dtype', m: 'a timedelta64 dtype',
};

/** NumPy's one-letter type characters ('d' is float64), which hand-written headers may use. */
const CHAR_CODES: Readonly<Record<string, string>> = {
  '?': 'b1', b: 'i1', B: 'u1', h: 'i2', H: 'u2', i: 'i4', I: 'u4', l: 'i8', L: 'u8', q: 'i8', Q: 'u8',
  e: 'f2', f: 'f4', d: 'f8', g: 'f16', F: 'c8', D: 'c16', G: 'c32',
};

export interface NpyHeader {
  dtype: DType;
  /** Whether the data must be byte-swapped into the machine's (little-endian) order. */
  swap: boolean;
  /** Bytes per swapped unit: the item size, or half of it for complex numbers. */
  swapUnit: number;
  fortranOrder: boolean;
  shape: number[];
  /** Where the array's bytes start. */
  dataOffset: number;
  /** Bytes of array data the header promises. */
  dataBytes: number;
}

export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((b, i) => bytes[i] === b);
}

/** Reads and checks the magic string and header; `name` and `fn` go into error messages. */
export function readNpyHeader(src: ByteSource, fn: string, name: string): NpyHeader {
  const fail = (detail: string): never => {
    throw badFile(fn, name, detail);
  };
  if (src.size === 0) fail('file is empty');
  const start = readBytes(src, 0, Math.min(src.size, 12));
  if (!startsWith(start, NPY_MAGIC.subarray(0, Math.min(start.length, 6)))) fail('not a .npy file (the magic string \\x93NUMPY is missing)');
  if (start.length < 10) fail(`file is truncated: it ends after ${start.length} bytes, inside the .npy preamble`);
  const major = start[6]!;
  const minor = start[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    fail(`we only support format version (1,0), (2,0), and (3,0), not (${major}, ${minor})`);
  }
  const lengthBytes = major === 1 ? 2 : 4;
  if (start.length < 8 + lengthBytes) fail(`file is truncated: it ends after ${start.length} bytes, inside the .npy preamble`);
  const view = new DataView(start.buffer, start.byteOffset, start.length);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerStart + headerLength > src.size) {
    fail(`file is truncated: the header says it is ${headerLength} bytes, but only ${src.size - headerStart} follow`);
  }
  const raw = readBytes(src, headerStart, headerLength);
  let text: string;
  try {
    // Versions 1 and 2 store latin1; version 3 stores UTF-8.
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch {
    return fail('the header is not valid UTF-8');
  }
  let header: PyValue;
  try {
    header = parsePyLiteral(text);
  } catch (e) {
    return fail(`cannot parse the header (${(e as Error).message}): ${JSON.stringify(text.trim())}`);
  }
  if (typeof header !== 'object' || header === null || header.kind !== 'dict') {
    return fail(`Header is not a dictionary: ${pyRepr(header)}`);
  }
  const keys = [...header.entries.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    fail(`Header does not contain the correct keys: [${keys.map((k) => `'${k}'`).join(', ')}]`);
  }
  const shapeValue = header.entries.get('shape')!;
  if (typeof shapeValue !== 'object' || shapeValue === null || shapeValue.kind !== 'tuple'
    || !shapeValue.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    fail(`shape is not valid: ${pyRepr(shapeValue)}`);
  }
  const shape = (shapeValue as { items: number[] }).items;
  const fortranOrder = header.entries.get('fortran_order')!;
  if (typeof fortranOrder !== 'boolean') fail(`fortran_order is not a valid bool: ${pyRepr(fortranOrder)}`);
  const { dtype, swap, swapUnit } = parseDescr(header.entries.get('descr')!, fail);
  const dataBytes = sizeOf(shape) * dtypeInfo(dtype).itemsize;
  if (!Number.isSafeInteger(dataBytes)) fail(`shape ${pyRepr(shapeValue)} is too large`);
  return { dtype, swap, swapUnit, fortranOrder: fortranOrder as boolean, shape, dataOffset: headerStart + headerLength, dataBytes };
}

/** Turns a header's 'descr' into a kiln dtype and the byte swapping it needs, or refuses it. */
function parseDescr(descr: PyValue, fail: (detail: string) => never): { dtype: DType; swap: boolean; swapUnit: number } {
  if (typeof descr === 'object' && descr !== null && descr.kind === 'list') {
    fail(`structured dtypes are not supported by kiln (descr ${pyRepr(descr)})`);
  }
  if (typeof descr !== 'string') return fail(`descr is not a valid dtype descriptor: ${pyRepr(descr)}`);
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)(\[\w+\])?$/.exec(descr);
  if (!m) return fail(`descr is not a valid dtype descriptor: ${pyRepr(descr)}`);
  const [, order, kindChar, size] = m as unknown as [string, string, string, string];
  if (kindChar === 'O') {
    fail(`Object arrays cannot be loaded: the file holds Python objects (dtype ${pyRepr(descr)}), which only unpickling could read, and kiln never unpickles`);
  }
  const code = size === '' && kindChar in CHAR_CODES ? CHAR_CODES[kindChar]! : kindChar + size;
  const dtype = NPY_DTYPES[code];
  if (!dtype) {
    const what = UNSUPPORTED[code] ?? UNSUPPORTED[kindChar];
    return fail(what
      ? `dtype ${pyRepr(descr)} (${what}) is not supported by kiln yet`
      : `descr is not a valid dtype descriptor: ${pyRepr(descr)}`);
  }
  const itemsize = dtypeInfo(dtype).itemsize;
  const swapUnit = code[0] === 'c' ? itemsize / 2 : itemsize;
  return { dtype, swap: order === '>' && swapUnit > 1, swapUnit };
}

/** Reads the array a header describes from `src`; Fortran-order data comes back in C order. */
export function readNpyData(src: ByteSource, header: NpyHeader, fn: string, name: string): NDArray {
  const found = src.size - header.dataOffset;
  if (found < header.dataBytes) {
    throw badFile(fn, name, `file is truncated: header says ${header.dataBytes} bytes of data, found ${found}`);
  }
  let buffer: ArrayBuffer;
  try {
    buffer = new ArrayBuffer(header.dataBytes);
  } catch {
    throw badFile(fn, name, `the array needs ${header.dataBytes} bytes, more than can be allocated`);
  }
  const bytes = new Uint8Array(buffer);
  src.read(header.dataOffset, bytes);
  if (header.swap) byteSwap(bytes, header.swapUnit);
  const { dtype, shape } = header;
  if (!header.fortranOrder || shape.length < 2) {
    return new NDArray(new Storage(buffer), dtype, shape, contiguousStrides(shape), 0, null);
  }
  // Fortran order is C order of the reversed shape; transposing and copying gives C order.
  const reversed = [...shape].reverse();
  return new NDArray(new Storage(buffer), dtype, reversed, contiguousStrides(reversed), 0, null).transpose().copy();
}

/** Reverses the bytes of every `unit`-byte number in place (big-endian to little-endian). */
function byteSwap(bytes: Uint8Array, unit: number): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (unit === 2) buf.swap16();
  else if (unit === 4) buf.swap32();
  else if (unit === 8) buf.swap64();
  else throw new Error(`cannot byte-swap ${unit}-byte numbers`);
}

/** Reads a whole .npy from a source. */
export function readNpy(src: ByteSource, fn: string, name: string): NDArray {
  return readNpyData(src, readNpyHeader(src, fn, name), fn, name);
}

// ---- writing ----------------------------------------------------------------------------------

/** NumPy leaves room in the header for the growth axis to reach this many digits. */
const GROWTH_AXIS_MAX_DIGITS = 21;
const ARRAY_ALIGN = 64;

/** The magic string, version, length and padded header NumPy writes for a C-order array. */
export function npyHeaderBytes(dtype: DType, shape: readonly number[]): Uint8Array {
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${dtypeInfo(dtype).typestr}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  // Try version 1 (2-byte length) first, as NumPy does; the header is ASCII, so never 3.
  for (const [major, lengthBytes] of [[1, 2], [2, 4]] as const) {
    const hlen = dict.length + 1; // the final '\n'
    const padlen = ARRAY_ALIGN - ((NPY_MAGIC.length + 2 + lengthBytes + hlen) % ARRAY_ALIGN);
    const total = hlen + padlen;
    if (lengthBytes === 2 && total > 0xffff) continue;
    const out = new Uint8Array(NPY_MAGIC.length + 2 + lengthBytes + total);
    out.set(NPY_MAGIC);
    out[6] = major;
    out[7] = 0;
    const view = new DataView(out.buffer);
    if (lengthBytes === 2) view.setUint16(8, total, true);
    else view.setUint32(8, total, true);
    const start = 8 + lengthBytes;
    for (let i = 0; i < dict.length; i++) out[start + i] = dict.charCodeAt(i);
    out.fill(0x20, start + dict.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  }
  throw new Error('unreachable: a .npy header always fits version 2');
}

/** The array's elements in C order as bytes: the memory itself when already contiguous. */
export function npyDataBytes(a: NDArray): Uint8Array {
  const c = a.isContiguous ? a : a.copy();
  const itemsize = dtypeInfo(c.dtype).itemsize;
  return new Uint8Array(c.storage.buffer as ArrayBuffer, c.offset * itemsize, c.size * itemsize);
}

/** A whole .npy file in one buffer (for .npz members). */
export function npyBytes(a: NDArray): Uint8Array {
  const header = npyHeaderBytes(a.dtype, a.shape);
  const data = npyDataBytes(a);
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}
