/** PyTorch's tensor display. (Stub: being written.) */
import type { Tensor } from './tensor.js';

export function formatTensor(t: Tensor): string {
  const body = JSON.stringify(t.tolist());
  return `tensor(${body}${t.requiresGrad ? ', requiresGrad=true' : ''})`;
}
