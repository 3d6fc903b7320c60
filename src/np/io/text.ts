/**
 * Text files: np.loadtxt (NumPy's strict C reader), np.genfromtxt (its forgiving Python reader,
 * where fields that do not parse take a filling value) and np.savetxt (printf-style formats).
 * Parsing rules and error messages follow NumPy 2; paths ending in .gz are gzip-compressed.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type DType, type DTypeLike, dtypeInfo, toNumpyDType } from '../../core/dtype.js';
import { IndexError, KilnTypeError, OverflowError, ValueError } from '../../core/errors.js';
import { fromHalfBits, toHalfBits } from '../../core/float16.js';
import { NDArray, type ArrayLike } from '../ndarray.js';
import { asarray } from '../convert.js';
import { writeFileAtomic } from './atomic-write.js';
import { fsError } from './files.js';
import { type Scalar, applyFormat, compileFormat } from './printf.js';
import { pyStrRepr } from './py-literal.js';

/** A path, or the lines of a text directly (as NumPy accepts a list of str). */
export type TextSource = string | readonly string[];

export interface LoadtxtOptions {
  dtype?: DTypeLike;
  /** Marks the start of a comment; a list gives several; null disables comments. */
  comments?: string | readonly string[] | null;
  /** One character; null (the default) splits on runs of whitespace. */
  delimiter?: string | null;
  /** Lines to skip at the start, counting comment and blank lines. */
  skiprows?: number;
  usecols?: number | readonly number[] | null;
  /** Return the transposed array, so `const [x, y] = ...` unpacks columns. */
  unpack?: boolean;
  ndmin?: 0 | 1 | 2;
  /** Rows of data to read (comment and blank lines do not count). */
  maxRows?: number | null;
}

export interface GenfromtxtOptions {
  dtype?: DTypeLike;
  comments?: string | null;
  /** Any string; null (the default) splits on runs of whitespace. */
  delimiter?: string | null;
  skipHeader?: number;
  skipFooter?: number;
  usecols?: number | readonly number[] | null;
  /**
   * Strings that mark a missing value, as in NumPy: one string (comma-separated list), a list
   * (one per column) or an object by column index. As in NumPy without masks, a field that
   * does not parse takes the filling value whether or not it is listed here.
   */
  missingValues?: string | readonly string[] | Readonly<Record<number, string | readonly string[]>> | null;
  /** The value for fields that are empty or do not parse: one value, a list by column, or an object by column index. */
  fillingValues?: number | boolean | readonly (number | boolean)[] | Readonly<Record<number, number | boolean>> | null;
  maxRows?: number | null;
  /** Throw on rows with the wrong number of columns (true), or drop them with a warning. */
  invalidRaise?: boolean;
  unpack?: boolean;
  ndmin?: 0 | 1 | 2;
}

export interface SavetxtOptions {
  /** One format for every column, one per column, or one for a whole row ('%d,%.2f'). */
  fmt?: string | readonly string[];
  delimiter?: string;
  newline?: string;
  header?: string;
  footer?: string;
  /** Put before the header and footer lines. */
  comments?: string;
}

// ---- reading lines --------------------------------------------------------------------------

function readLines(fn: string, source: TextSource): string[] {
  if (typeof source !== 'string') return source.flatMap((l) => splitLines(l));
  let bytes: Buffer;
  try {
    bytes = readFileSync(source);
    if (source.endsWith('.gz')) bytes = gunzipSync(bytes);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('Z_')) throw new ValueError(`${fn}: ${source}: not a valid gzip file (${(e as Error).message})`);
    throw fsError(fn, source, e);
  }
  return splitLines(bytes.toString('utf8').replace(/^\uFEFF/, ''));
}

/** Splits at \n, \r\n and \r (Python's universal newlines); a final newline ends the last line. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function checkCount(value: number | null | undefined, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value)) throw new KilnTypeError(`'${typeof value}' object cannot be interpreted as an integer`);
  if (value < 0) throw new ValueError('argument must be nonnegative');
  return value;
}

function checkUsecols(usecols: number | readonly number[] | null | undefined): number[] | null {
  if (usecols === undefined || usecols === null) return null;
  const list = typeof usecols === 'number' ? [usecols] : [...usecols];
  for (const c of list) {
    if (!Number.isInteger(c)) {
      throw new KilnTypeError(`usecols must be an int or a sequence of ints but it contains at least one element of type '${typeof c === 'number' ? 'float' : typeof c}'`);
    }
  }
  return list;
}

function checkTextDType(dtype: DTypeLike | undefined): DType {
  if (dtype === undefined) return 'float64';
  const d = toNumpyDType(dtype);
  if (dtypeInfo(d).kind === 'c') throw new KilnTypeError(`reading ${d} from text is not supported by kiln yet`);
  return d;
}

// ---- parsing numbers ------------------------------------------------------------------------

/** NumPy's C reader: decimal floats, inf/infinity/nan in any case; no underscores or hex. */
const C_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;
/** Python's float(): the same plus underscores between digits. */
const DIGITS = String.raw`\d(?:_?\d)*`;
const PY_FLOAT = new RegExp(String.raw`^[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)$`, 'i');
const PY_INT = new RegExp(String.raw`^[+-]?${DIGITS}$`);

function floatValue(s: string): number {
  const lower = s.toLowerCase().replace(/_/g, '');
  if (lower.endsWith('nan')) return NaN;
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(lower);
}

const INT_RANGES: Partial<Record<DType, [bigint, bigint]>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n], uint8: [0n, 2n ** 8n - 1n], int16: [-(2n ** 15n), 2n ** 15n - 1n],
  uint16: [0n, 2n ** 16n - 1n], int32: [-(2n ** 31n), 2n ** 31n - 1n], uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], uint64: [0n, 2n ** 64n - 1n],
  bool: [-(2n ** 63n), 2n ** 63n - 1n], // the C reader parses bools as integers
};

/** One field as loadtxt's C reader converts it, or undefined if it does not parse. */
function parseStrict(field: string, dtype: DType): number | bigint | undefined {
  const s = field.trim();
  const kind = dtypeInfo(dtype).kind;
  // float16 goes through Python's float() in NumPy, which also allows underscores
  if (kind === 'f') return (dtype === 'float16' ? PY_FLOAT : C_FLOAT).test(s) ? floatValue(s) : undefined;
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  if (kind === 'u' && s.startsWith('-')) return undefined;
  const v = BigInt(s);
  const [lo, hi] = INT_RANGES[dtype]!;
  if (v < lo || v > hi) return undefined;
  return kind === 'b' ? (v !== 0n ? 1 : 0) : v;
}

/** Stores parsed values (numbers, or BigInt for integers) into a new array of `dtype`. */
function arrayFromValues(values: (number | bigint | boolean)[], shape: number[], dtype: DType): NDArray {
  const out = NDArray.empty(shape, dtype);
  const typed = out.storage.typed(dtype) as unknown as { [i: number]: number | bigint };
  const info = dtypeInfo(dtype);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (dtype === 'bool') typed[i] = v === true || (v !== false && Number(v) !== 0) ? 1 : 0;
    else if (dtype === 'float16') typed[i] = toHalfBits(Number(v));
    else if (info.kind === 'f') typed[i] = Number(v);
    else if (dtype === 'int64' || dtype === 'uint64') typed[i] = typeof v === 'bigint' ? v : BigInt(Number(v));
    else typed[i] = Number(v);
  }
  return out;
}

/** NumPy's _ensure_ndmin_ndarray: squeeze, then pad up to ndmin dimensions. */
function ensureNdmin(a: NDArray, ndmin: number): NDArray {
  if (![0, 1, 2].includes(ndmin)) throw new ValueError(`Illegal value of ndmin keyword: ${ndmin}`);
  let out = a;
  if (out.ndim > ndmin) out = out.reshape(out.shape.filter((d) => d !== 1));
  if (out.ndim < ndmin) out = ndmin === 1 ? out.reshape([out.size]) : out.reshape(out.ndim === 0 ? [1, 1] : [out.size, 1]);
  return out;
}

function warn(message: string): void {
  process.emitWarning(message, 'UserWarning');
}

// ---- loadtxt --------------------------------------------------------------------------------

/** np.loadtxt: a strict reader; every row must have the same columns and every field parse. */
export function loadtxt(fname: TextSource, options: LoadtxtOptions = {}): NDArray {
  const fn = 'kiln.np.loadtxt';
  const dtype = checkTextDType(options.dtype);
  const delimiter = options.delimiter ?? null;
  const comments = options.comments === undefined ? ['#'] : options.comments === null ? [] : typeof options.comments === 'string' ? [options.comments] : [...options.comments];
  for (const c of comments) {
    if (c === '') throw new ValueError('comments cannot be an empty string. Use comments=None to disable comments.');
  }
  if (delimiter !== null) {
    if ([...delimiter].length !== 1) {
      throw new KilnTypeError(`Text reading control character must be a single unicode character or None; but got: ${pyStrRepr(delimiter)}`);
    }
    if (delimiter === '\n' || delimiter === '\r') throw new KilnTypeError("control character 'delimiter' cannot be a newline (`\\r` or `\\n`).");
    if (comments.some((c) => c === delimiter)) {
      throw new KilnTypeError("The values for control characters 'comment' and 'delimiter' are incompatible");
    }
  }
  const skiprows = checkCount(options.skiprows, 0);
  const maxRows = options.maxRows === undefined || options.maxRows === null ? Infinity : checkCount(options.maxRows, 0);
  const usecols = checkUsecols(options.usecols);
  const ndmin = options.ndmin ?? 0;
  if (![0, 1, 2].includes(ndmin)) throw new ValueError(`Illegal value of ndmin keyword: ${ndmin}`);

  const lines = readLines(fn, fname);
  const values: (number | bigint)[] = [];
  let ncols: number | null = usecols ? usecols.length : null;
  let rows = 0;
  for (let li = skiprows; li < lines.length && rows < maxRows; li++) {
    let line = lines[li]!;
    for (const c of comments) {
      const at = line.indexOf(c);
      if (at >= 0) line = line.slice(0, at);
    }
    let fields: string[];
    if (delimiter === null) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      fields = trimmed.split(/\s+/);
    } else {
      if (line === '') continue;
      fields = line.split(delimiter);
    }
    let columns: number[];
    if (usecols) {
      columns = usecols.map((c) => {
        const i = c < 0 ? c + fields.length : c;
        if (i < 0 || i >= fields.length) throw new ValueError(`invalid column index ${c} at row ${rows + 1} with ${fields.length} columns`);
        return i;
      });
    } else {
      if (ncols === null) ncols = fields.length;
      else if (fields.length !== ncols) {
        throw new ValueError(`the number of columns changed from ${ncols} to ${fields.length} at row ${rows + 1}; use \`usecols\` to select a subset and avoid this error`);
      }
      columns = fields.map((_, i) => i);
    }
    for (const i of columns) {
      const v = parseStrict(fields[i]!, dtype);
      if (v === undefined) {
        // NumPy quotes the field with repr, cut to 100 characters
        throw new ValueError(`could not convert string ${pyStrRepr(fields[i]!).slice(0, 100)} to ${dtype} at row ${rows}, column ${i + 1}.`);
      }
      values.push(v);
    }
    rows++;
  }
  if (rows === 0) warn(`loadtxt: input contained no data: "${typeof fname === 'string' ? fname : '<lines>'}"`);
  const arr = ensureNdmin(arrayFromValues(values, [rows, ncols ?? 1], dtype), ndmin);
  return options.unpack ? arr.T : arr;
}

// ---- genfromtxt -----------------------------------------------------------------------------

/** NumPy's default filling values: NaN for floats, -1 for integers, False for bools. */
function defaultFilling(dtype: DType): number | boolean {
  const kind = dtypeInfo(dtype).kind;
  return kind === 'f' ? NaN : kind === 'b' ? false : -1;
}

/**
 * genfromtxt's converter for a dtype (NumPy's StringConverter): Python's float(), np.int64()
 * or np.uint64() for the 64-bit integers, int(float(x)) for the smaller ones, and str2bool.
 * Returns undefined where NumPy's converter raises ValueError (the field takes the filling
 * value); NumPy's OverflowErrors are thrown.
 */
function genConverter(dtype: DType): (field: string) => number | bigint | boolean | undefined {
  const kind = dtypeInfo(dtype).kind;
  if (kind === 'b') {
    return (field) => {
      const upper = field.toUpperCase();
      return upper === 'TRUE' ? true : upper === 'FALSE' ? false : undefined;
    };
  }
  const pyFloat = (field: string): number | undefined => {
    const s = field.trim();
    return PY_FLOAT.test(s) ? floatValue(s) : undefined;
  };
  if (kind === 'f') return pyFloat;
  if (dtype === 'int64' || dtype === 'uint64') {
    return (field) => {
      const s = field.trim();
      if (!PY_INT.test(s)) return undefined;
      return checkBig(BigInt(s.replace(/_/g, '')), dtype);
    };
  }
  return (field) => {
    const f = pyFloat(field);
    if (f === undefined || Number.isNaN(f)) return undefined;
    if (!Number.isFinite(f)) throw new OverflowError('cannot convert float infinity to integer');
    return BigInt(Math.trunc(f));
  };
}

/** NumPy's errors for a Python int that does not fit an integer dtype. */
function checkBig(v: bigint, dtype: DType): bigint {
  const [lo, hi] = INT_RANGES[dtype]!;
  // NumPy converts through a C long, or an unsigned long long for uint32 and uint64
  if (v < -(2n ** 63n) || v > (dtype === 'uint64' || dtype === 'uint32' ? 2n ** 64n - 1n : 2n ** 63n - 1n)) {
    throw new OverflowError('Python int too large to convert to C long');
  }
  if (v < lo || v > hi) throw new OverflowError(`Python integer ${v} out of bounds for ${dtype}`);
  return v;
}

/** The final cast NumPy makes with np.array(rows, dtype): integers out of range are an error. */
function castForGenfromtxt(v: number | bigint | boolean, dtype: DType): number | bigint | boolean {
  const kind = dtypeInfo(dtype).kind;
  if (kind !== 'i' && kind !== 'u') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new ValueError('cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw new OverflowError('cannot convert float infinity to integer');
    v = BigInt(Math.trunc(v));
  }
  return checkBig(v, dtype);
}

/** Splits a line as genfromtxt's LineSplitter does (without autostrip). */
function genSplit(line: string, comments: string | null, delimiter: string | null): string[] {
  let s = comments !== null && comments !== '' ? line.split(comments)[0]! : line;
  s = s.replace(/^[ \r\n]+|[ \r\n]+$/g, '');
  if (s === '') return [];
  return delimiter === null ? s.trim().split(/\s+/).filter((x) => x !== '') : s.split(delimiter);
}

/**
 * np.genfromtxt for numeric dtypes: empty or unparseable fields take a filling value (NaN for
 * floats by default), rows with the wrong number of columns are reported together.
 */
export function genfromtxt(fname: TextSource, options: GenfromtxtOptions = {}): NDArray {
  const fn = 'kiln.np.genfromtxt';
  const dtype = checkTextDType(options.dtype);
  const comments = options.comments === undefined ? '#' : options.comments;
  const delimiter = options.delimiter ?? null;
  const skipHeader = checkCount(options.skipHeader, 0);
  let skipFooter = checkCount(options.skipFooter, 0);
  const ndmin = options.ndmin ?? 0;
  if (![0, 1, 2].includes(ndmin)) throw new ValueError(`Illegal value of ndmin keyword: ${ndmin}`);
  let maxRows = Infinity;
  if (options.maxRows !== undefined && options.maxRows !== null) {
    if (skipFooter) throw new ValueError("The keywords 'skip_footer' and 'max_rows' can not be specified at the same time.");
    if (options.maxRows < 1) throw new ValueError("'max_rows' must be at least 1.");
    maxRows = options.maxRows;
  }
  // An empty usecols is falsy in Python, so NumPy's genfromtxt reads every column then.
  const requested = checkUsecols(options.usecols);
  const usecols = requested && requested.length > 0 ? requested : null;

  const lines = readLines(fn, fname);
  let first = skipHeader;
  while (first < lines.length && genSplit(lines[first]!, comments, delimiter).length === 0) first++;
  const firstCount = first < lines.length ? genSplit(lines[first]!, comments, delimiter).length : 0;
  // Negative columns count from the end of the first row (and, if still negative, of each row).
  const cols = usecols?.map((c) => (c < 0 ? c + firstCount : c)) ?? null;
  const nbcols = cols ? cols.length : firstCount;
  const filling = columnFilling(options.fillingValues, nbcols, cols, dtype);
  if (first >= lines.length) {
    warn(`genfromtxt: Empty input file: "${typeof fname === 'string' ? fname : '<lines>'}"`);
    const empty = ensureNdmin(NDArray.empty([0], dtype), ndmin);
    return options.unpack ? empty.T : empty;
  }

  const rows: string[][] = [];
  const invalid: [number, number][] = [];
  for (let li = first; li < lines.length; li++) {
    const values = genSplit(lines[li]!, comments, delimiter);
    if (values.length === 0) continue;
    const lineNumber = li - first + skipHeader + 1; // NumPy counts from the first data line
    if (cols) {
      const picked = cols.map((c) => (c < 0 ? c + values.length : c));
      if (picked.some((c) => c < 0 || c >= values.length)) {
        invalid.push([lineNumber, values.length]);
        continue;
      }
      rows.push(picked.map((c) => values[c]!));
    } else if (values.length !== nbcols) {
      invalid.push([lineNumber, values.length]);
      continue;
    } else rows.push(values);
    if (rows.length === maxRows) break;
  }
  if (invalid.length > 0) {
    // NumPy does not report bad lines that skip_footer drops anyway.
    const nbrows = rows.length + invalid.length - skipFooter;
    let reported = invalid;
    if (skipFooter > 0) {
      const skipped = invalid.filter(([line]) => line > nbrows + skipHeader).length;
      reported = invalid.slice(0, invalid.length - skipped);
      skipFooter -= skipped;
    }
    if (reported.length > 0) {
      const message = ['Some errors were detected !', ...reported.map(([line, n]) => `    Line #${line} (got ${n} columns instead of ${nbcols})`)].join('\n');
      if (options.invalidRaise ?? true) throw new ValueError(message);
      warn(message);
    }
  }
  const kept = skipFooter > 0 ? rows.slice(0, Math.max(rows.length - skipFooter, 0)) : rows;
  // NumPy converts column by column, then casts row by row; the order decides which error shows.
  const convert = genConverter(dtype);
  const converted = kept.map(() => new Array<number | bigint | boolean>(nbcols));
  for (let c = 0; c < nbcols; c++) {
    kept.forEach((row, r) => (converted[r]![c] = convert(row[c]!) ?? filling[c]!));
  }
  const values = converted.flatMap((row) => row.map((v) => castForGenfromtxt(v, dtype)));
  const arr = kept.length === 0 ? NDArray.empty([0], dtype) : arrayFromValues(values, [kept.length, nbcols], dtype);
  const out = ensureNdmin(arr, ndmin);
  return options.unpack ? out.T : out;
}

/** The filling value of each output column, resolving lists and objects keyed by column as NumPy does. */
function columnFilling(user: GenfromtxtOptions['fillingValues'], nbcols: number, cols: number[] | null, dtype: DType): (number | boolean)[] {
  const out: (number | boolean)[] = new Array(nbcols).fill(defaultFilling(dtype));
  if (user === undefined || user === null) return out;
  if (typeof user === 'number' || typeof user === 'boolean') return out.fill(user);
  if (Array.isArray(user)) {
    (user as (number | boolean)[]).slice(0, nbcols).forEach((v, i) => (out[i] = v));
    return out;
  }
  for (const [k, v] of Object.entries(user as Record<number, number | boolean>)) {
    let key = Number(k);
    // A key that is one of usecols means that column; any other is an output column index.
    if (cols && cols.includes(key)) key = cols.indexOf(key);
    if (key < 0) key += nbcols;
    if (!(key >= 0 && key < nbcols)) throw new IndexError('list assignment index out of range');
    out[key] = v;
  }
  return out;
}

// ---- savetxt --------------------------------------------------------------------------------

/** Python's AttributeError, which np.savetxt raises for a list of formats of the wrong length. */
class AttributeError extends Error {
  override name = 'AttributeError';
}

/** np.savetxt: one line per row (a 1-D array is one column), written atomically. */
export function savetxt(fname: string, X: ArrayLike, options: SavetxtOptions = {}): void {
  const fn = 'kiln.np.savetxt';
  const { fmt = '%.18e', delimiter = ' ', newline = '\n', header = '', footer = '', comments = '# ' } = options;
  const a = asarray(X);
  if (dtypeInfo(a.dtype).kind === 'c') throw new KilnTypeError(`savetxt of ${a.dtype} arrays is not supported by kiln yet`);
  if (a.ndim === 0 || a.ndim > 2) throw new ValueError(`Expected 1D or 2D array, got ${a.ndim}D array instead`);
  const rows = a.shape[0]!;
  const ncol = a.ndim === 1 ? 1 : a.shape[1]!;
  let format: string;
  if (typeof fmt !== 'string') {
    if (fmt.length !== ncol) throw new AttributeError(`fmt has wrong shape.  [${fmt.map(pyStrRepr).join(', ')}]`);
    format = fmt.join(delimiter);
  } else {
    const percents = fmt.split('%').length - 1; // NumPy counts every '%', even in '%%'
    if (percents === 1) format = new Array(ncol).fill(fmt).join(delimiter);
    else if (percents !== ncol) throw new ValueError(`fmt has wrong number of % formats:  ${fmt}`);
    else format = fmt;
  }
  const compiled = compileFormat(format);
  const c = a.isContiguous ? a : a.copy();
  const typed = c.storage.typed(c.dtype);
  const read = (i: number): Scalar['value'] => {
    const raw = typed[c.offset + i]!;
    if (c.dtype === 'bool') return raw !== 0;
    if (c.dtype === 'float16') return fromHalfBits(raw as number);
    return raw;
  };

  const produce = (write: (chunk: string) => void): void => {
    if (header.length > 0) write(comments + header.replace(/\n/g, `\n${comments}`) + newline);
    let buffered = '';
    for (let r = 0; r < rows; r++) {
      const args: Scalar[] = [];
      for (let j = 0; j < ncol; j++) args.push({ value: read(r * ncol + j), dtype: c.dtype });
      try {
        buffered += applyFormat(compiled, args) + newline;
      } catch (e) {
        if (e instanceof TypeError) {
          throw new KilnTypeError(`Mismatch between array dtype ('${c.dtype}') and format specifier ('${format}')`, { cause: e });
        }
        throw e;
      }
      if (buffered.length > 1 << 16) {
        write(buffered);
        buffered = '';
      }
    }
    write(buffered);
    if (footer.length > 0) write(comments + footer.replace(/\n/g, `\n${comments}`) + newline);
  };

  if (fname.endsWith('.gz')) {
    // gzip needs the whole text; it is still written atomically
    const parts: string[] = [];
    produce((s) => parts.push(s));
    const zipped = gzipSync(Buffer.from(parts.join(''), 'utf8'));
    writeFileAtomic(fn, fname, (write) => write(zipped));
  } else writeFileAtomic(fn, fname, (write) => produce(write));
}
