/**
 * Checkpoints in the safetensors format (Hugging Face's, which PyTorch users share weights in):
 *
 *   8 bytes   N, the header length (unsigned little-endian)
 *   N bytes   a JSON object: {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}
 *             padded with spaces to a multiple of 8
 *   the rest  every tensor's bytes, C order, little-endian; offsets count from the end of the header
 *
 * kiln.save(stateDict, path) writes atomically, laid out as the reference (Rust) library lays it
 * out: tensors sorted by descending dtype alignment, then by name, so every tensor's data is
 * aligned. kiln.load(path) checks everything before reading a byte of data: the header's length
 * against the file, a 100 MB header cap (the reference library's), the JSON, every dtype, shape
 * and offset, that the tensors tile the data region exactly with nothing left over; a file that
 * fails is refused with an error naming it and saying what is wrong.
 */
import { endianness } from 'node:os';
import { type DType, dtypeInfo } from '../core/dtype.js';
import { writeFileAtomic } from '../np/io/atomic-write.js';
import { type ByteSource, badFile, memorySource, readBytes, withFile } from '../np/io/files.js';
import { Tensor } from '../tensor/tensor.js';

/** The largest header accepted (the reference library's limit), so a bad length can't exhaust memory. */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * safetensors dtype names, in the reference library's order (increasing alignment), with the kiln
 * dtype each loads as; null for those kiln cannot hold.
 */
const ST_DTYPES: readonly (readonly [string, DType | null, number])[] = [
  ['BOOL', 'bool', 1], ['U8', 'uint8', 1], ['I8', 'int8', 1], ['F8_E5M2', null, 1], ['F8_E4M3', null, 1],
  ['I16', 'int16', 2], ['U16', 'uint16', 2], ['F16', 'float16', 2], ['BF16', 'bfloat16', 2], ['I32', 'int32', 4],
  ['U32', 'uint32', 4], ['F32', 'float32', 4], ['F64', 'float64', 8], ['I64', 'int64', 8], ['U64', 'uint64', 8],
];
const ST_INFO = new Map(ST_DTYPES.map(([name, dtype, size], rank) => [name, { dtype, size, rank }]));
const ST_NAME = new Map(ST_DTYPES.filter(([, d]) => d !== null).map(([name, d]) => [d as DType, name]));

export interface SaveOptions {
  /** Free-form text stored in the header's `__metadata__` (strings to strings). */
  metadata?: Record<string, string>;
}

export interface LoadOptions {
  /**
   * How BF16 tensors load: 'bfloat16' (the default) as bfloat16 tensors, bit for bit; 'float32'
   * widened to float32 (exactly: bfloat16 is float32 with a shorter mantissa); 'error' refuses
   * the file, as kiln did before it had bfloat16.
   */
  bfloat16?: 'bfloat16' | 'float32' | 'error';
}

/** One tensor as the header describes it. */
interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

interface Header {
  /** Where the data region starts in the file (8 + N). */
  dataStart: number;
  entries: Entry[];
  metadata: Record<string, string> | null;
}

// ---- writing -------------------------------------------------------------------------------

/** The header bytes (length prefix included) and the tensors in file order. */
function prepare(stateDict: Record<string, Tensor>, options: SaveOptions, fn: string): { header: Uint8Array; tensors: Tensor[] } {
  if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict) || stateDict instanceof Tensor) {
    throw new TypeError(`${fn}: expected an object of tensors (a state dict), got ${describe(stateDict)}`);
  }
  const items = Object.entries(stateDict).map(([name, t]) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`${fn}: '${name}' is ${describe(t)}, not a Tensor; safetensors files hold tensors only (kiln.saveCheckpoint stores other values too)`);
    }
    if (name === '__metadata__') throw new Error(`${fn}: '__metadata__' is reserved by the safetensors format and can't name a tensor`);
    const stName = ST_NAME.get(t.dtype);
    if (!stName) throw new TypeError(`${fn}: tensor '${name}' has dtype ${t.dtype}, which safetensors cannot store`);
    return { name, t, stName, rank: ST_INFO.get(stName)!.rank, key: Buffer.from(name, 'utf8') };
  });
  // As the reference writer: descending alignment, then name (byte order), so data stays aligned.
  items.sort((a, b) => b.rank - a.rank || Buffer.compare(a.key, b.key));

  const parts: string[] = [];
  const metadata = options.metadata;
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new TypeError(`${fn}: metadata must be an object of strings, got ${describe(metadata)}`);
    }
    const keys = Object.keys(metadata).sort();
    for (const k of keys) {
      if (typeof metadata[k] !== 'string') {
        throw new TypeError(`${fn}: metadata['${k}'] is ${describe(metadata[k])}; safetensors metadata maps strings to strings (JSON.stringify other values)`);
      }
    }
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const { name, t, stName } of items) {
    const size = t.numel() * dtypeInfo(t.dtype).itemsize;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${stName}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + size}]}`);
    offset += size;
  }
  // Built by hand: a JS object would move integer-like names ("0") to the front.
  let json = `{${parts.join(',')}}`;
  json += ' '.repeat((8 - (Buffer.byteLength(json, 'utf8') % 8)) % 8);
  const body = Buffer.from(json, 'utf8');
  const header = new Uint8Array(8 + body.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(body.length), true);
  header.set(body, 8);
  return { header, tensors: items.map((i) => i.t) };
}

/**
 * A tensor's elements in C order, as bytes: a view of its memory when it is contiguous, else a
 * contiguous copy (made one tensor at a time while writing, so copies never pile up).
 */
function tensorBytes(t: Tensor): Uint8Array {
  const c = t.detach().contiguous();
  const itemsize = dtypeInfo(c.dtype).itemsize;
  return new Uint8Array(c.storage.buffer, c.offset * itemsize, c.numel() * itemsize);
}

/**
 * kiln.save: writes a state dict (names to tensors) to `path` as a safetensors file, atomically:
 * the bytes go to a temporary file renamed over `path` at the end, so a failure leaves any
 * earlier file as it was.
 */
export function save(stateDict: Record<string, Tensor>, path: string, options: SaveOptions = {}): void {
  checkLittleEndian('kiln.save');
  const { header, tensors } = prepare(stateDict, options, 'kiln.save');
  writeFileAtomic('kiln.save', path, (write) => {
    write(header);
    for (const t of tensors) write(tensorBytes(t));
  });
}

/** The bytes of a safetensors file holding `stateDict` (what kiln.save would write). */
export function serializeSafetensors(stateDict: Record<string, Tensor>, options: SaveOptions = {}): Uint8Array {
  checkLittleEndian('kiln.serializeSafetensors');
  const { header, tensors } = prepare(stateDict, options, 'kiln.serializeSafetensors');
  const size = tensors.reduce((s, t) => s + t.numel() * dtypeInfo(t.dtype).itemsize, header.length);
  const out = new Uint8Array(size);
  out.set(header, 0);
  let at = header.length;
  for (const t of tensors) {
    const bytes = tensorBytes(t);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

// ---- reading -------------------------------------------------------------------------------

/** Reads and checks the header; throws a ValueError naming the file for anything malformed. */
function readHeader(src: ByteSource, fn: string, file: string): Header {
  const fail = (detail: string): never => {
    throw badFile(fn, file, detail);
  };
  if (src.size < 8) fail(`not a safetensors file: it is ${src.size} bytes long, too short for the 8-byte header length`);
  const n = new DataView(readBytes(src, 0, 8).buffer).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${n} is larger than the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file, or a corrupt one)`);
  }
  const headerLength = Number(n);
  if (8 + headerLength > src.size) {
    fail(`header length ${headerLength} runs past the end of the file (${src.size} bytes): the file is truncated or not a safetensors file`);
  }
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readBytes(src, 8, headerLength));
  } catch {
    fail('the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`the header does not start with '{' (it starts with ${JSON.stringify(text.slice(0, 16))})`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('the header is not a JSON object');

  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = readMetadata(value, fail);
      continue;
    }
    entries.push(readEntry(name, value, fail));
  }

  // The tensors must tile the data region: in offset order, each starts where the last ended.
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: Entry | null = null;
  for (const e of ordered) {
    if (e.begin < at) {
      fail(`tensor '${e.name}' (bytes ${e.begin} to ${e.end}) overlaps tensor '${previous!.name}' (bytes ${previous!.begin} to ${previous!.end})`);
    }
    if (e.begin > at) fail(`there is a gap in the data: no tensor covers bytes ${at} to ${e.begin} (tensor '${e.name}' starts at ${e.begin})`);
    at = e.end;
    previous = e;
  }
  const dataStart = 8 + headerLength;
  const dataSize = src.size - dataStart;
  if (at > dataSize) fail(`the tensors need ${at} bytes of data but the file holds ${dataSize}: the file is truncated`);
  if (at < dataSize) fail(`${dataSize - at} unexpected bytes follow the last tensor's data`);
  return { dataStart, entries: ordered, metadata };
}

function readMetadata(value: unknown, fail: (detail: string) => never): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('__metadata__ must be an object of strings');
  for (const [k, v] of Object.entries(value as object)) {
    if (typeof v !== 'string') fail(`__metadata__['${k}'] must be a string, got ${describe(v)}`);
  }
  return { ...(value as Record<string, string>) };
}

function readEntry(name: string, value: unknown, fail: (detail: string) => never): Entry {
  const where = `tensor '${name}'`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${where}: expected {dtype, shape, data_offsets}, got ${describe(value)}`);
  const { dtype, shape, data_offsets: offsets } = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof dtype !== 'string') fail(`${where}: dtype is missing or not a string`);
  const info = ST_INFO.get(dtype as string);
  if (!info) fail(`${where}: unknown dtype '${String(dtype)}' (known: ${ST_DTYPES.map(([d]) => d).join(', ')})`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    fail(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
    fail(`${where}: data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  const nbytes = numel * info!.size;
  if (!Number.isSafeInteger(nbytes)) fail(`${where}: shape [${(shape as number[]).join(', ')}] is too large`);
  if (nbytes !== end - begin) {
    fail(`${where}: shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${nbytes} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, dtype: dtype as string, shape: [...(shape as number[])], begin, end };
}

/** Reads one tensor's data into a tensor of its own (so tensors never share memory). */
function readTensor(src: ByteSource, header: Header, e: Entry, options: LoadOptions, fn: string, file: string): Tensor {
  const info = ST_INFO.get(e.dtype)!;
  const at = header.dataStart + e.begin;
  if (e.dtype === 'BF16') {
    const mode = options.bfloat16 ?? 'bfloat16';
    if (mode === 'float32') return bfloat16AsFloat32(src, e, at);
    if (mode === 'error') {
      throw badFile(fn, file, `tensor '${e.name}' has dtype BF16, which {bfloat16: 'error'} refuses (load it as bfloat16, the default, or with {bfloat16: 'float32'})`);
    }
    if (mode !== 'bfloat16') throw new TypeError(`${fn}: bfloat16 must be 'bfloat16', 'float32' or 'error', got ${describe(mode)}`);
  }
  if (info.dtype === null) {
    throw badFile(fn, file, `tensor '${e.name}' has dtype ${e.dtype}, which kiln does not support (convert it to float16 or float32 before saving)`);
  }
  const t = Tensor.empty(e.shape, info.dtype);
  const bytes = new Uint8Array(t.storage.buffer, 0, e.end - e.begin);
  if (bytes.length > 0) src.read(at, bytes);
  if (info.dtype === 'bool') {
    const bad = bytes.findIndex((b) => b > 1);
    if (bad >= 0) throw badFile(fn, file, `tensor '${e.name}' (BOOL) holds the byte ${bytes[bad]} at element ${bad}; booleans must be 0 or 1`);
  }
  return t;
}

/** bfloat16 is the top half of a float32, so widening is exact. */
function bfloat16AsFloat32(src: ByteSource, e: Entry, at: number): Tensor {
  const t = Tensor.empty(e.shape, 'float32');
  const raw = new Uint16Array(t.numel());
  if (raw.length > 0) src.read(at, new Uint8Array(raw.buffer));
  const bits = new Uint32Array(t.storage.buffer, 0, raw.length);
  for (let i = 0; i < raw.length; i++) bits[i] = raw[i]! << 16;
  return t;
}

/** Opens a path (or reads bytes) and hands the source to `use`. */
function withSource<T>(file: string | Uint8Array, fn: string, use: (src: ByteSource, name: string) => T): T {
  if (typeof file === 'string') return withFile(fn, file, (src) => use(src, file));
  if (!(file instanceof Uint8Array)) throw new TypeError(`${fn}: expected a path or a Uint8Array, got ${describe(file)}`);
  return use(memorySource(file), '<bytes>');
}

/** The tensors and metadata of a safetensors file (or its bytes), checked; tensors in file order. */
export function readSafetensors(
  file: string | Uint8Array, options: LoadOptions = {}, fn = 'kiln.load',
): { tensors: Record<string, Tensor>; metadata: Record<string, string> | null } {
  checkLittleEndian(fn);
  return withSource(file, fn, (src, name) => {
    const header = readHeader(src, fn, name);
    const tensors: Record<string, Tensor> = {};
    for (const e of header.entries) tensors[e.name] = readTensor(src, header, e, options, fn, name);
    return { tensors, metadata: header.metadata };
  });
}

/** kiln.load: the state dict in a safetensors file (a path, or the file's bytes). */
export function load(file: string | Uint8Array, options: LoadOptions = {}): Record<string, Tensor> {
  return readSafetensors(file, options, 'kiln.load').tensors;
}

/** The `__metadata__` of a safetensors file (null when it has none), reading only the header. */
export function loadMetadata(file: string | Uint8Array): Record<string, string> | null {
  return withSource(file, 'kiln.loadMetadata', (src, name) => readHeader(src, 'kiln.loadMetadata', name).metadata);
}

// kiln's typed arrays use the machine's byte order; safetensors is little-endian.
function checkLittleEndian(fn: string): void {
  if (endianness() !== 'LE') throw new Error(`${fn}: safetensors files are little-endian; big-endian machines are not supported`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'object'}`;
  return `a ${typeof x}`;
}
