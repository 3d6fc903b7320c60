/**
 * Registers the backends kiln runs on by default: the CPU backend's TypeScript kernels, wrapped
 * with the native addon's SIMD kernels when the addon was built (and KILN_NATIVE is not 0).
 */
import { Storage, newBuffer } from '../core/storage.js';
import { registerBackend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { withNativeKernels } from './native/index.js';
import { loadNative } from './native/loader.js';

const addon = loadNative();
if (addon) {
  registerBackend(withNativeKernels(cpuBackend, addon));
  // Large buffers: V8 still allocates them (and frees them at GC, without waiting for the event
  // loop as external buffers would), the addon advises their pages as huge pages before first
  // touch. From 4 MiB, as NumPy does: a smaller buffer holds at most one whole 2 MiB page.
  Storage.setLargeAllocator((bytes, zeroed) => {
    const buffer = newBuffer(bytes, zeroed);
    addon.adviseHugePages(buffer);
    return buffer;
  }, 4 << 20);
}
