/**
 * .npz archives: a zip of .npy files, one per array, named `<key>.npy` (np.savez,
 * np.savez_compressed). Loading returns a plain object keyed by array name, like NumPy's NpzFile.
 */
import { ValueError } from '../../core/errors.js';
import { NDArray, type ArrayLike } from '../ndarray.js';
import { asarray } from '../convert.js';
import { writeFileAtomic } from './atomic-write.js';
import { badFile, memorySource } from './files.js';
import { NPY_MAGIC, npyBytes, readNpy, startsWith } from './npy.js';
import { checkEntryName, readZip, writeZip } from './zip.js';

/** The arrays of an .npz file by name (NumPy's NpzFile, read eagerly). */
export type NpzFile = Record<string, NDArray>;

/** Arrays to save: positional ones become arr_0, arr_1, ...; an object gives names. */
export type SavezArgument = ArrayLike | Readonly<Record<string, ArrayLike>>;

export const ZIP_PREFIX = Uint8Array.of(0x50, 0x4b, 0x03, 0x04); // PK\x03\x04
export const ZIP_EMPTY = Uint8Array.of(0x50, 0x4b, 0x05, 0x06); // an archive with no entries

/** By default an .npz may decompress to at most 4 GiB; `maxUncompressedBytes` raises this. */
export const DEFAULT_MAX_NPZ_BYTES = 2 ** 32;

export function readNpz(bytes: Uint8Array, fn: string, name: string, maxUncompressedBytes: number): NpzFile {
  const out: NpzFile = Object.create(null);
  for (const entry of readZip(bytes, fn, name, { maxUncompressedBytes })) {
    const where = `${name}: member ${JSON.stringify(entry.name)}`;
    if (!startsWith(entry.data, NPY_MAGIC)) throw badFile(fn, where, 'not a .npy array');
    const key = entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name;
    if (key in out) throw badFile(fn, name, `two members hold the array ${JSON.stringify(key)}`);
    out[key] = readNpy(memorySource(entry.data), fn, where);
  }
  return out;
}

function isNameMap(x: SavezArgument): x is Readonly<Record<string, ArrayLike>> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof NDArray) && !ArrayBuffer.isView(x);
}

/** np.savez / np.savez_compressed: names the arrays, checks the names and writes atomically. */
export function writeNpz(fn: string, file: string, args: SavezArgument[], compress: boolean): void {
  const path = file.endsWith('.npz') ? file : `${file}.npz`;
  const named = new Map<string, ArrayLike>();
  const positional: ArrayLike[] = [];
  for (const arg of args) {
    if (isNameMap(arg)) {
      for (const [key, value] of Object.entries(arg)) {
        if (named.has(key)) throw new ValueError(`${fn}: the name ${JSON.stringify(key)} is given twice`);
        named.set(key, value);
      }
    } else positional.push(arg);
  }
  const arrays = new Map<string, ArrayLike>();
  positional.forEach((a, i) => {
    const key = `arr_${i}`;
    if (named.has(key)) throw new ValueError(`Cannot use un-named variables and keyword ${key}`);
    arrays.set(key, a);
  });
  for (const [key, value] of named) arrays.set(key, value);
  const entries = [...arrays].map(([key, value]) => {
    const bad = checkEntryName(key);
    if (bad) throw new ValueError(`${fn}: refusing the array name ${JSON.stringify(key)}: it has ${bad}`);
    return { name: `${key}.npy`, data: npyBytes(asarray(value)) };
  });
  const zip = writeZip(entries, compress);
  writeFileAtomic(fn, path, (write) => write(zip));
}
