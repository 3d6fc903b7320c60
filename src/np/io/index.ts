/**
 * File I/O, NumPy-compatible and synchronous as NumPy is: np.save / np.load (.npy and .npz),
 * np.savez / np.savezCompressed, np.loadtxt / np.savetxt / np.genfromtxt. Every write is
 * atomic, and a file that is missing, truncated or corrupt gives an error naming the file.
 */
import { type ArrayLike, NDArray } from '../ndarray.js';
import { asarray } from '../convert.js';
import { writeFileAtomic } from './atomic-write.js';
import { type ByteSource, badFile, memorySource, readBytes, withFile } from './files.js';
import { NPY_MAGIC, npyDataBytes, npyHeaderBytes, readNpy, startsWith } from './npy.js';
import { DEFAULT_MAX_NPZ_BYTES, type NpzFile, type SavezArgument, ZIP_EMPTY, ZIP_PREFIX, readNpz, writeNpz } from './npz.js';

export { loadtxt, savetxt, genfromtxt } from './text.js';
export type { LoadtxtOptions, SavetxtOptions, GenfromtxtOptions, TextSource } from './text.js';
export { OSError, FileNotFoundError } from './files.js';
export type { NpzFile, SavezArgument } from './npz.js';

export interface LoadOptions {
  /**
   * For .npz files: refuse archives whose arrays would take more than this many bytes once
   * decompressed (default 4 GiB), a guard against zip bombs. Raise it for larger archives.
   */
  maxUncompressedBytes?: number;
}

/** np.save: writes `a` as a .npy file (C order), adding '.npy' to the name if missing. */
export function save(file: string, a: ArrayLike): void {
  const path = file.endsWith('.npy') ? file : `${file}.npy`;
  const arr = asarray(a);
  const header = npyHeaderBytes(arr.dtype, arr.shape);
  const data = npyDataBytes(arr);
  writeFileAtomic('kiln.np.save', path, (write) => {
    write(header);
    write(data);
  });
}

/** np.savez: arrays in an uncompressed .npz; positional ones are named arr_0, arr_1, ... */
export function savez(file: string, ...arrays: SavezArgument[]): void {
  writeNpz('kiln.np.savez', file, arrays, false);
}

/** np.savez_compressed: like savez, with each array deflated. */
export function savezCompressed(file: string, ...arrays: SavezArgument[]): void {
  writeNpz('kiln.np.savezCompressed', file, arrays, true);
}

/**
 * np.load: an NDArray from a .npy file, or an object of NDArrays from a .npz file (told apart
 * by their content). Accepts a path or the file's bytes. Pickled data is never loaded.
 * A path ending in .npy or .npz must hold that kind of file, so the return type can say which.
 */
export function load(file: `${string}.npy`, options?: LoadOptions): NDArray;
export function load(file: `${string}.npz`, options?: LoadOptions): NpzFile;
export function load(file: string | Uint8Array, options?: LoadOptions): NDArray | NpzFile;
export function load(file: string | Uint8Array, options: LoadOptions = {}): NDArray | NpzFile {
  const fn = 'kiln.np.load';
  const maxBytes = options.maxUncompressedBytes ?? DEFAULT_MAX_NPZ_BYTES;
  if (typeof file !== 'string') return loadFrom(memorySource(file), fn, '<bytes>', maxBytes, undefined);
  const expect = file.endsWith('.npy') ? 'npy' : file.endsWith('.npz') ? 'npz' : undefined;
  return withFile(fn, file, (src) => loadFrom(src, fn, file, maxBytes, expect));
}

function loadFrom(src: ByteSource, fn: string, name: string, maxBytes: number, expect: 'npy' | 'npz' | undefined): NDArray | NpzFile {
  if (src.size === 0) throw badFile(fn, name, 'file is empty');
  const start = readBytes(src, 0, Math.min(src.size, NPY_MAGIC.length));
  const isNpy = startsWith(NPY_MAGIC, start) || startsWith(start, NPY_MAGIC);
  const isZip = startsWith(start, ZIP_PREFIX) || startsWith(start, ZIP_EMPTY);
  if (isNpy) {
    if (expect === 'npz') throw badFile(fn, name, 'this is a .npy file, though its name ends in .npz');
    return readNpy(src, fn, name);
  }
  if (isZip) {
    if (expect === 'npy') throw badFile(fn, name, 'this is an .npz (zip) archive, though its name ends in .npy');
    if (src.size > maxBytes) {
      throw badFile(fn, name, `the archive is larger than maxUncompressedBytes (${maxBytes}); refusing it`);
    }
    return readNpz(readBytes(src, 0, src.size), fn, name, maxBytes);
  }
  if (start[0] === 0x80) {
    throw badFile(fn, name, 'Cannot load file containing pickled data: kiln never unpickles (it could run arbitrary code)');
  }
  const hex = [...start.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw badFile(fn, name, `not a .npy or .npz file (it starts with the bytes ${hex})`);
}
