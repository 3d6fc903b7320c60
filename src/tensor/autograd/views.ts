/**
 * Which tensors are views of which, for autograd: an in-place op on a view changes its base too,
 * so the base's place in the graph must change with it (PyTorch's CopySlices). Ops that return
 * views call markView(out, input); the base is always the tensor that is not itself a view.
 */
import type { Tensor } from '../tensor.js';

const bases = new WeakMap<Tensor, Tensor>();

/** Records `view` as a view of `of` (or of `of`'s base). */
export function markView(view: Tensor, of: Tensor): Tensor {
  if (view !== of) bases.set(view, bases.get(of) ?? of);
  return view;
}

/** The tensor `t` is a view of, or undefined when t is not a view. */
export function viewBase(t: Tensor): Tensor | undefined {
  return bases.get(t);
}
