/**
 * Graph nodes. Each differentiable op that produces a tensor needing grad records a Node: its
 * backward function (written with tensor ops, so gradients of gradients work), the edges to the
 * nodes of its inputs, and the tensors it saved with their storage versions, so a saved tensor
 * modified in place afterwards is caught as PyTorch catches it.
 */
import type { Tensor } from '../tensor.js';

export type BackwardFn = (grad: Tensor) => (Tensor | null | undefined)[];

/** What a gradient flowing to an input must look like (PyTorch's InputMetadata). */
export interface InputMeta {
  readonly dtype: Tensor['dtype'];
  readonly shape: readonly number[];
}

export class Node {
  /** Tensors whose .grad is set when this node's output gradient is known (retainGrad). */
  readonly retained: Tensor[] = [];
  /** The tensor this node made (set by record), for messages about its saved output. */
  output: Tensor | null = null;
  private savedVersions: [Tensor, number][];

  constructor(
    /** PyTorch's name for the node, e.g. 'MulBackward0'. */
    readonly name: string,
    /** The node of each input, or null where that input does not need grad. */
    readonly next: (Node | null)[],
    private backwardFn: BackwardFn | null,
    saved: readonly Tensor[] = [],
    /** dtype and shape of each input (null where not a tensor), to check the gradients against. */
    readonly inputMeta: readonly (InputMeta | null)[] = [],
  ) {
    this.savedVersions = saved.map((t) => [t, t.storage.version]);
  }

  /** The input gradients for the output gradient `grad`. */
  apply(grad: Tensor): (Tensor | null | undefined)[] {
    if (!this.backwardFn) {
      throw new Error(
        'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retainGraph=true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
      );
    }
    for (const [t, version] of this.savedVersions) {
      if (t.storage.version !== version) {
        // PyTorch names the node that made the tensor: this one for a saved output, else its current maker
        const maker = t === this.output ? this : t.gradFn;
        const which = maker ? `, which is output 0 of ${maker.name},` : '';
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: [${t.typeName()} [${t.shape.join(', ')}]]${which} is at version ${t.storage.version}; expected version ${version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
        );
      }
    }
    return this.backwardFn(grad);
  }

  /** Whether this node saved a tensor living in `storage`. */
  saves(storage: Tensor['storage']): boolean {
    return this.savedVersions.some(([t]) => t.storage === storage);
  }

  /**
   * For an in-place op that overwrote a tensor this node saved: run the backward inside `around`,
   * which puts a copy of the original values back meanwhile, so later writes don't matter.
   */
  keepOriginal(storage: Tensor['storage'], around: (run: () => (Tensor | null | undefined)[]) => (Tensor | null | undefined)[]): void {
    this.savedVersions = this.savedVersions.filter(([t]) => t.storage !== storage);
    const fn = this.backwardFn;
    if (fn) this.backwardFn = (g) => around(() => fn(g));
  }

  /**
   * Gradient this node gathered by other means than its input edges (a multi-output node such as
   * UnbindBackward0, whose outputs' nodes hand it their pieces): the engine adds it to the buffered
   * gradient when the node runs. None by default.
   */
  collect(): Tensor | undefined {
    return undefined;
  }

  /** Frees the backward closure (and what it saved) after a backward pass without retainGraph. */
  release(): void {
    this.backwardFn = null;
    this.savedVersions = [];
  }
}

/** The node that accumulates gradients into a leaf tensor's .grad. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', [], () => []);
  }

  override release(): void {
    // a leaf's accumulator is reused by every graph the leaf takes part in
  }
}
