/**
 * Registers the backends kiln runs on by default: the CPU backend's TypeScript kernels, wrapped
 * with the native addon's SIMD kernels when the addon was built (and KILN_NATIVE is not 0).
 */
import { Storage } from '../core/storage.js';
import { registerBackend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { withNativeKernels } from './native/index.js';
import { loadNative } from './native/loader.js';

const addon = loadNative();
if (addon) {
  registerBackend(withNativeKernels(cpuBackend, addon));
  // Large buffers: V8 still allocates them (and frees them at GC), the addon advises their pages
  // as huge pages before first touch. Below 2 MiB a buffer holds no whole huge page.
  Storage.setLargeAllocator((bytes) => {
    const buffer = new ArrayBuffer(bytes);
    addon.adviseHugePages(buffer);
    return buffer;
  }, 2 << 20);
}
