/** Which kernels are active, and how many threads they use: for users and bug reports. */
import { ValueError } from '../core/errors.js';
import { backendForDevice } from './backend.js';
import './default.js';
import { loadNative } from './native/loader.js';

export function backends(): { device: string; kernels: string }[] {
  return [{ device: 'cpu', kernels: backendForDevice('cpu').name }];
}

/**
 * Sets how many threads the native kernels use (PyTorch's torch.set_num_threads); the default
 * is the number of CPUs this process may run on. The TypeScript kernels always use one.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`setNumThreads expects a positive integer, got ${n}`);
  loadNative()?.setNumThreads(n);
}

/** The number of threads the CPU kernels use (1 without the native addon). */
export function getNumThreads(): number {
  return loadNative()?.getNumThreads() ?? 1;
}
