/**
 * Reading files for the loaders, with errors that name the file and say what is wrong with it.
 * Python's OSError family gives the names (FileNotFoundError for a missing file).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ValueError } from '../../core/errors.js';

/** A file-system failure (Python's OSError); `code` is Node's (ENOENT, EACCES, ...). */
export class OSError extends Error {
  override name = 'OSError';
  constructor(message: string, readonly code?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A file that does not exist (Python's FileNotFoundError). */
export class FileNotFoundError extends OSError {
  override name = 'FileNotFoundError';
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
};

/** Turns a Node fs error into an OSError that says which call, which file and why. */
export function fsError(fn: string, path: string, e: unknown): Error {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return e instanceof Error ? e : new Error(String(e));
  const reason = FS_REASONS[code] ?? (e as Error).message;
  const Ctor = code === 'ENOENT' ? FileNotFoundError : OSError;
  return new Ctor(`${fn}: ${path}: ${reason}`, code, { cause: e });
}

/** A ValueError for a file whose content is wrong: `kiln.np.load: a.npy: file is truncated: ...`. */
export function badFile(fn: string, name: string, detail: string): ValueError {
  return new ValueError(`${fn}: ${name}: ${detail}`);
}

/** Random access to the bytes of a file or of a buffer, so loaders can read only what they need. */
export interface ByteSource {
  readonly size: number;
  /** Fills `target` from `position`; throws if the bytes are not there. */
  read(position: number, target: Uint8Array): void;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(position, target) {
      if (position + target.length > bytes.length) throw new RangeError('read past the end');
      target.set(bytes.subarray(position, position + target.length));
    },
  };
}

/** Reads `length` bytes at `position` into a new array. */
export function readBytes(src: ByteSource, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  src.read(position, out);
  return out;
}

/**
 * Opens `path` and hands `use` a ByteSource over it, closing it afterwards. Large files are
 * read in place with readSync, so a multi-gigabyte .npy is never held twice.
 */
export function withFile<T>(fn: string, path: string, use: (src: ByteSource) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fsError(fn, path, e);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new OSError(`${fn}: ${path}: is a directory`, 'EISDIR');
    const size = stat.size;
    return use({
      size,
      read(position, target) {
        let done = 0;
        while (done < target.length) {
          // readSync takes at most 2 GiB at a time
          const want = Math.min(target.length - done, 1 << 30);
          let n: number;
          try {
            n = readSync(fd, target, done, want, position + done);
          } catch (e) {
            throw fsError(fn, path, e);
          }
          if (n === 0) throw badFile(fn, path, `file is truncated: it ended while reading (it changed while being read?)`);
          done += n;
        }
      },
    });
  } finally {
    closeSync(fd);
  }
}
