/** Which kernels are active, for users and bug reports. */
import './default.js';
import { backendForDevice } from './backend.js';

export function backends(): { device: string; kernels: string }[] {
  return [{ device: 'cpu', kernels: backendForDevice('cpu').name }];
}
