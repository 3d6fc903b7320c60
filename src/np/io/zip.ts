/**
 * The zip container of .npz files. Writing uses fflate's zipSync. Reading walks the central
 * directory here (inflating with fflate) so that every entry is checked before it is trusted:
 * sizes against the file (truncation), declared sizes against limits (zip bombs), names
 * against path tricks, and contents against their CRC-32 (corruption). ZIP64 records, which
 * NumPy writes for large arrays, are read.
 */
import { inflateSync, zipSync } from 'fflate';
import { badFile } from './files.js';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

export interface ZipReadLimits {
  /** Refuse archives whose entries would decompress to more than this many bytes in total. */
  maxUncompressedBytes: number;
}

/**
 * Deflate never expands data by more than about 1032:1, so an entry that declares more than
 * this is lying about its size; refusing it stops a tiny file from making us allocate gigabytes.
 */
const MAX_DEFLATE_RATIO = 1032;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;

/** Rejects entry names that would mean something outside the archive if ever extracted. */
export function checkEntryName(name: string): string | null {
  if (name === '') return 'an empty name';
  if (name.includes('\0')) return 'a NUL character';
  if (name.includes('\\')) return 'a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  if (name.split('/').some((part) => part === '..')) return "a '..' path component";
  return null;
}

/** Reads every entry of a zip archive held in memory. `fn` and `name` go into error messages. */
export function readZip(bytes: Uint8Array, fn: string, name: string, limits: ZipReadLimits): ZipEntry[] {
  const fail = (detail: string): never => {
    throw badFile(fn, name, detail);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const u16 = (at: number): number => (at + 2 <= bytes.length ? view.getUint16(at, true) : fail('file is truncated: a zip record runs past the end'));
  const u32 = (at: number): number => (at + 4 <= bytes.length ? view.getUint32(at, true) : fail('file is truncated: a zip record runs past the end'));
  const u64 = (at: number): number => {
    const v = Number(at + 8 <= bytes.length ? view.getBigUint64(at, true) : fail('file is truncated: a zip record runs past the end'));
    return Number.isSafeInteger(v) ? v : fail('a ZIP64 size or offset is impossibly large');
  };

  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at--) {
    if (view.getUint32(at, true) === SIG_END && at + 22 + view.getUint16(at + 20, true) <= bytes.length) {
      end = at;
      break;
    }
  }
  if (end < 0) fail('file is truncated or not a zip archive: the end-of-central-directory record is missing');
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0) fail('multi-disk zip archives are not supported');
  let count = u16(end + 10);
  let dirSize = u32(end + 12);
  let dirOffset = u32(end + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    // ZIP64: a locator just before the end record points at the ZIP64 end record.
    if (end < 20 || u32(end - 20) !== SIG_END64_LOCATOR) fail('the ZIP64 end-of-central-directory locator is missing');
    const end64 = u64(end - 12);
    if (u32(end64) !== SIG_END64) fail('the ZIP64 end-of-central-directory record is missing');
    count = u64(end64 + 32);
    dirSize = u64(end64 + 40);
    dirOffset = u64(end64 + 48);
  }
  if (dirOffset + dirSize > bytes.length) fail('file is truncated: the central directory runs past the end');

  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== SIG_CENTRAL) fail(`corrupt zip: central directory entry ${i} is damaged`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    let localOffset = u32(at + 42);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    // Bit 11 marks UTF-8 names; others are CP437, which agrees with latin1 on ASCII names.
    const entryName = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    // ZIP64 extra field: the 8-byte values replace, in order, those stored as 0xffffffff.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = u16(extra);
      const len = u16(extra + 2);
      if (id === 0x0001) {
        let p = extra + 4;
        if (size === 0xffffffff) (size = u64(p)), (p += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(p)), (p += 8);
        if (localOffset === 0xffffffff) localOffset = u64(p);
      }
      extra += 4 + len;
    }
    at = extraEnd + commentLength;

    const where = `member ${JSON.stringify(entryName)}`;
    const bad = checkEntryName(entryName);
    if (bad) fail(`${where}: refusing a name with ${bad}`);
    if (seen.has(entryName)) fail(`${where} appears twice`);
    seen.add(entryName);
    if (entryName.endsWith('/')) continue; // a directory entry holds no data
    if (flags & 0x1) fail(`${where} is encrypted`);
    if (method !== 0 && method !== 8) fail(`${where} uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (method === 0 && size !== compressedSize) fail(`corrupt zip: ${where} is stored but its sizes differ`);
    if (method === 8 && size > compressedSize * MAX_DEFLATE_RATIO + 1024) {
      fail(`${where} claims to inflate from ${compressedSize} to ${size} bytes, more than deflate can; refusing a likely zip bomb`);
    }
    total += size;
    if (total > limits.maxUncompressedBytes) {
      fail(`the archive would decompress to more than ${limits.maxUncompressedBytes} bytes (maxUncompressedBytes); refusing it`);
    }
    if (u32(localOffset) !== SIG_LOCAL) fail(`corrupt zip: the local header of ${where} is missing`);
    // The name is not covered by the CRC; both copies must agree, as Python's zipfile checks.
    const localNameLength = u16(localOffset + 26);
    const localName = bytes.subarray(localOffset + 30, localOffset + 30 + localNameLength);
    if (localNameLength !== nameLength || localName.some((b, k) => b !== nameBytes[k])) {
      fail(`corrupt zip: the name of ${where} differs between the directory and the local header`);
    }
    const dataStart = localOffset + 30 + localNameLength + u16(localOffset + 28);
    if (dataStart + compressedSize > bytes.length) fail(`file is truncated: the data of ${where} runs past the end`);
    const raw = bytes.subarray(dataStart, dataStart + compressedSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else {
      try {
        // Inflating into a buffer of the declared size can never grow past it.
        data = inflateSync(raw, { out: new Uint8Array(size) });
      } catch (e) {
        return fail(`corrupt zip: ${where} does not inflate (${(e as Error).message})`);
      }
      if (data.length !== size) fail(`corrupt zip: ${where} inflates to ${data.length} bytes, not the ${size} its header says`);
    }
    if (crc32(data) !== crc) fail(`corrupt zip: ${where} fails its CRC-32 check`);
    entries.push({ name: entryName, data });
  }
  return entries;
}

/** The largest archive fflate writes without ZIP64 records. */
const ZIP32_LIMIT = 0xffffffff;

/** Builds a zip archive of the entries, stored or deflated. */
export function writeZip(entries: ZipEntry[], compress: boolean): Uint8Array {
  let total = 0;
  const files: Record<string, Uint8Array> = Object.create(null);
  for (const e of entries) {
    total += e.data.length + 30 + e.name.length;
    files[e.name] = e.data;
  }
  if (entries.length >= 0xffff || total >= ZIP32_LIMIT) {
    throw new RangeError('this archive needs ZIP64 (over 4 GiB or 65535 arrays), which kiln cannot write yet; save the arrays with np.save instead');
  }
  return zipSync(files, { level: compress ? 6 : 0 });
}

let crcTable: Uint32Array | undefined;

/** The CRC-32 that zip files store for each entry. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
