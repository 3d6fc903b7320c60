/** Embedding: a lookup table of numEmbeddings vectors of size embeddingDim. */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/activations.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat, pyNumber } from './repr.js';

export interface EmbeddingOptions {
  /** This row gets no gradient and starts at zero (the padding token's vector). */
  paddingIdx?: number | null;
  /** Rows looked up with a larger norm are rescaled to maxNorm, in place. */
  maxNorm?: number | null;
  normType?: number;
  dtype?: DType;
  /** Use this tensor as the weight instead of drawing one (what fromPretrained passes). */
  _weight?: Tensor | null;
  /** With _weight: don't train it. */
  _freeze?: boolean;
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = F.resolvePaddingIdx(options.paddingIdx, numEmbeddings);
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    if (options._weight) {
      const shape = options._weight.shape;
      if (shape.length !== 2 || shape[0] !== numEmbeddings || shape[1] !== embeddingDim) {
        throw new Error('Shape of weight does not match num_embeddings and embedding_dim');
      }
      this.weight = new Parameter(options._weight, !(options._freeze ?? false));
    } else {
      this.weight = new Parameter(kiln.empty([numEmbeddings, embeddingDim], { dtype: options.dtype ?? kiln.getDefaultDtype() }));
      this.resetParameters();
    }
  }

  /** N(0, 1), with the padding row zeroed. */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) kiln.noGrad(() => this.weight.get(this.paddingIdx!).fill_(0));
  }

  /** An Embedding holding `embeddings` (2-D) as its weight, frozen unless freeze is false. */
  static fromPretrained(
    embeddings: Tensor, options: Omit<EmbeddingOptions, 'dtype' | '_weight' | '_freeze'> & { freeze?: boolean } = {},
  ): Embedding {
    if (embeddings.ndim !== 2) throw new Error('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape as [number, number];
    const { freeze = true, ...rest } = options;
    return new Embedding(rows, cols, { ...rest, _weight: embeddings, _freeze: freeze });
  }

  override forward(indices: Tensor): Tensor {
    return F.embedding(indices, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyNumber(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    return s;
  }
}

