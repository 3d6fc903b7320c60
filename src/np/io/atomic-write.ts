/**
 * Atomic file writes: the bytes go to a temporary file beside the target, which is flushed to
 * disk and renamed over the target only when everything was written. A failure at any point
 * (a serialisation error, a full disk) removes the temporary file and leaves any old file as it
 * was, so a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync, fchmodSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsError } from './files.js';

/** Appends a chunk to the file being written. */
export type ChunkWriter = (chunk: Uint8Array | string) => void;

/**
 * Writes what `produce` hands to `write` into `path` atomically. `fn` names the public call in
 * error messages (`kiln.np.save`). Errors thrown by `produce` propagate unchanged.
 */
export function writeFileAtomic(fn: string, path: string, produce: (write: ChunkWriter) => void): void {
  // Write through a symlink to the file it points at, as a plain write would.
  let target = path;
  try {
    target = realpathSync(path);
  } catch {
    // not there yet: write the path as given
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (e) {
    throw fsError(fn, path, e);
  }
  let open = true;
  let done = false;
  try {
    try {
      // Keep the permissions of the file being replaced.
      fchmodSync(fd, statSync(target).mode & 0o7777);
    } catch {
      // new file: default permissions
    }
    produce((chunk) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let off = 0;
      while (off < bytes.length) {
        try {
          off += writeSync(fd, bytes, off, Math.min(bytes.length - off, 1 << 30));
        } catch (e) {
          throw fsError(fn, path, e);
        }
      }
    });
    try {
      fsyncSync(fd);
      closeSync(fd);
      open = false;
      renameSync(tmp, target);
    } catch (e) {
      throw fsError(fn, path, e);
    }
    done = true;
  } finally {
    if (!done) {
      if (open) {
        try {
          closeSync(fd);
        } catch {
          // already failing: the first error is the one to report
        }
      }
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to clean up
      }
    }
  }
}
