/**
 * The convolution itself, x (N, C, H, W) with weight (O, C / groups, kh, kw) -> (N, O, oh, ow), as
 * im2col plus matrix products whose columns hold every image side by side, (C·kh·kw, N·oh·ow): one
 * wide product for the batch rather than a batch of small ones, and a weight gradient with no sum
 * over the batch.
 *
 * With one group it is a single recorded op (PyTorch's ConvolutionBackward0) whose columns and
 * products live in reused scratch memory: a training step otherwise allocates (and the GC frees)
 * tens of megabytes of them, which cost more than the arithmetic. The columns are recomputed in the
 * backward pass instead of kept. When the backward pass itself builds a graph (double backward),
 * or with groups, it is written with recorded ops (im2col, matmul, col2im), which differentiate again.
 */
import type { Window2d } from '../../backend/backend.js';
import { backendFor } from '../../backend/backend.js';
import { ELEMENTWISE as E } from '../../core/elementwise-ops.js';
import { isGradEnabled, noGrad } from '../../tensor/autograd/grad-mode.js';
import { record } from '../../tensor/autograd/record.js';
import { allocTensor, scratchTensor } from '../../tensor/alloc.js';
import { launchElementwise } from '../../tensor/ops/launch.js';
import { matmul } from '../../tensor/ops/linalg.js';
import { add } from '../../tensor/ops/pointwise.js';
import { sum } from '../../tensor/ops/reduce.js';
import { permute, reshape, transpose } from '../../tensor/ops/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { batchedCells, col2imBatched, im2colBatched } from './im2col.js';

interface Conv {
  x: Tensor;
  weight: Tensor;
  bias: Tensor | null | undefined;
  w: Window2d;
  n: number;
  o: number;
  /** Rows of the columns: C / groups * kh * kw. */
  k: number;
  out: readonly [number, number];
}

/** x convolved with weight, plus bias; `out` is the output's spatial size. */
export function convolve(
  x: Tensor, weight: Tensor, bias: Tensor | null | undefined, w: Window2d, out: readonly [number, number], groups: number,
): Tensor {
  const [n, c] = x.shape as [number, number];
  const o = weight.shape[0]!;
  const conv: Conv = { x, weight, bias, w, n, o, k: (c / groups) * w.kernel[0] * w.kernel[1], out };
  if (groups !== 1) return recordedOps(conv, groups);
  const y = noGrad(() => forward(conv));
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, 'ConvolutionBackward0', inputs, (g) => {
    const grads = isGradEnabled() ? backwardRecorded(conv, g) : backward(conv, g);
    return bias ? grads : grads.slice(0, 2);
  }, [x, weight]);
}

/** x's columns (C·kh·kw, N·oh·ow) in a scratch slot. */
function columns(c: Conv, slot: 1 | 2): Tensor {
  const cols = scratchTensor([c.k, c.n * c.out[0] * c.out[1]], c.x.dtype, slot);
  backendFor(c.x).unfold(c.x, batchedCells(cols, c.n, c.k / (c.w.kernel[0] * c.w.kernel[1]), c.w, c.out), c.w);
  return cols;
}

/** The weight as an (O, K) matrix (a view when it is contiguous). */
const weightMatrix = (c: Conv): Tensor => reshape(c.weight, [c.o, c.k]);

function forward(c: Conv): Tensor {
  const [oh, ow] = c.out;
  const cols = columns(c, 1);
  const product = scratchTensor([c.o, c.n * oh * ow], c.x.dtype, 2);
  backendFor(product).matmul(weightMatrix(c), cols, product);
  // (O, N, oh, ow) -> (N, O, oh, ow), with the bias added in the same pass
  const y = product.makeView([c.n, c.o, oh, ow], [oh * ow, c.n * oh * ow, ow, 1], product.offset);
  const dtype = c.x.dtype;
  return c.bias ? launchElementwise(E.add, [y, reshape(c.bias, [c.o, 1, 1])], dtype, dtype) : launchElementwise(E.copy, [y], dtype, dtype);
}

/** Gradients w.r.t. x, weight and bias, with the temporaries in scratch memory. */
function backward(c: Conv, g: Tensor): (Tensor | null)[] {
  const [oh, ow] = c.out;
  const cells = c.n * oh * ow;
  const dtype = c.x.dtype;
  // g (N, O, oh, ow) as the (O, N·oh·ow) matrix the products take
  const [sn, so, sy, sx] = g.elementStrides as [number, number, number, number];
  const g2 = scratchTensor([c.o, cells], dtype, 1);
  launchElementwise(E.copy, [g.makeView([c.o, c.n, oh, ow], [so, sn, sy, sx], g.offset)], dtype, dtype,
    g2.makeView([c.o, c.n, oh, ow], [cells, oh * ow, ow, 1], g2.offset));
  let dWeight: Tensor | null = null;
  if (c.weight.requiresGrad) {
    const cols = columns(c, 2);
    dWeight = allocTensor([c.o, c.k], dtype);
    backendFor(g2).matmul(g2, cols.makeView([cells, c.k], [1, cells], cols.offset), dWeight);
    dWeight = reshape(dWeight, c.weight.shape);
  }
  let dx: Tensor | null = null;
  if (c.x.requiresGrad) {
    const dcols = scratchTensor([c.k, cells], dtype, 3);
    backendFor(g2).matmul(transpose(weightMatrix(c), 0, 1), g2, dcols);
    dx = allocTensor(c.x.shape, dtype);
    backendFor(dx).fold(batchedCells(dcols, c.n, c.x.shape[1]!, c.w, c.out), dx, c.w);
  }
  const dBias = c.bias?.requiresGrad ? sum(g, [0, 2, 3]) : null;
  return [dx, dWeight, dBias];
}

/** The same gradients as recorded ops, for a backward pass that builds a graph. */
function backwardRecorded(c: Conv, g: Tensor): (Tensor | null)[] {
  const [oh, ow] = c.out;
  const g2 = reshape(permute(g, [1, 0, 2, 3]), [c.o, c.n * oh * ow]);
  const dWeight = c.weight.requiresGrad
    ? reshape(matmul(g2, transpose(im2colBatched(c.x, c.w, c.out), 0, 1)), c.weight.shape) : null;
  const dx = c.x.requiresGrad
    ? col2imBatched(matmul(transpose(weightMatrix(c), 0, 1), g2), c.n, c.w, c.x.shape.slice(2) as [number, number], c.out) : null;
  const dBias = c.bias?.requiresGrad ? sum(g, [0, 2, 3]) : null;
  return [dx, dWeight, dBias];
}

/** Grouped convolution, per group (O / groups, K) @ (K, N·oh·ow), as recorded ops. */
function recordedOps(c: Conv, groups: number): Tensor {
  const [oh, ow] = c.out;
  const cols = reshape(im2colBatched(c.x, c.w, c.out), [groups, c.k, c.n * oh * ow]);
  const product = matmul(reshape(c.weight, [groups, c.o / groups, c.k]), cols);
  const y = permute(reshape(product, [c.o, c.n, oh, ow]), [1, 0, 2, 3]);
  return c.bias ? add(y, reshape(c.bias, [c.o, 1, 1])) : y.contiguous();
}
