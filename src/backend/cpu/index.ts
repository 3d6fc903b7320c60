/** The CPU backend: TypeScript kernels over ArrayBuffer storage. */
import type { DType } from '../../core/dtype.js';
import { Storage } from '../../core/storage.js';
import { type Backend, registerBackend } from '../backend.js';
import { runElementwise } from './elementwise.js';
import { foldCpu, unfoldCpu } from './conv.js';
import { putCpu, takeCpu } from './gather.js';
import { matmulCpu } from './matmul.js';
import { maxPoolCpu } from './pool.js';
import { reduceCpu } from './reduce.js';
import { scanCpu } from './scan.js';
import { softmaxCpu } from './softmax.js';
import { sortCpu } from './sort.js';

export const cpuBackend: Backend = {
  device: 'cpu',
  name: 'cpu-js',
  allocate: (dtype: DType, size: number) => Storage.allocate(dtype, size),
  elementwise: runElementwise,
  reduce: reduceCpu,
  softmax: softmaxCpu,
  scan: scanCpu,
  matmul: matmulCpu,
  sort: sortCpu,
  take: takeCpu,
  put: putCpu,
  unfold: unfoldCpu,
  fold: foldCpu,
  maxPool: maxPoolCpu,
};

registerBackend(cpuBackend);
