/**
 * The single-step cells RNNCell, LSTMCell and GRUCell: input (N, Hᵢₙ) or unbatched (Hᵢₙ), state
 * (N, H) or (H); parameters weight_ih, weight_hh, bias_ih, bias_hh as PyTorch.
 */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { gruStep, lstmStep, rnnStep, type Nonlinearity } from './steps.js';

export interface RNNCellBaseOptions {
  /** Learn the biases bᵢₕ and bₕₕ (default true). */
  bias?: boolean;
  dtype?: DType;
}

export interface RNNCellOptions extends RNNCellBaseOptions {
  nonlinearity?: Nonlinearity;
}

export abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(inputSize: number, hiddenSize: number, numChunks: number, options: RNNCellBaseOptions = {}) {
    super();
    const dtype = options.dtype ?? kiln.getDefaultDtype();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = options.bias ?? true;
    this.weight_ih = new Parameter(kiln.empty([numChunks * hiddenSize, inputSize], { dtype }));
    this.weight_hh = new Parameter(kiln.empty([numChunks * hiddenSize, hiddenSize], { dtype }));
    this.bias_ih = this.bias ? new Parameter(kiln.empty([numChunks * hiddenSize], { dtype })) : null;
    this.bias_hh = this.bias ? new Parameter(kiln.empty([numChunks * hiddenSize], { dtype })) : null;
    this.resetParameters();
  }

  /** U(-1/√hidden, 1/√hidden) for every weight and bias, in parameter order as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  /**
   * Batches unbatched input and state(s) (zeros when none are given) after PyTorch's checks;
   * returns the batched input, states, and whether the input was batched.
   */
  protected prepare(name: string, input: Tensor, states: Tensor[] | null, count: number): [Tensor, Tensor[], boolean] {
    if (input.ndim !== 1 && input.ndim !== 2) throw new Error(`${name}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`);
    const batched = input.ndim === 2;
    const x = batched ? input : kiln.unsqueeze(input, 0);
    if (x.shape[1] !== this.inputSize) throw new Error(`input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`);
    const hs = states
      ? states.map((s) => (batched ? s : kiln.unsqueeze(s, 0)))
      : Array.from({ length: count }, () => kiln.zeros([x.shape[0]!, this.hiddenSize], { dtype: input.dtype }));
    hs.forEach((h, i) => {
      const label = count === 1 ? '' : String(i);
      if (h.ndim !== 2) throw new Error(`${name}: Expected hidden to be ${batched ? 2 : 1}-D to match the input, got ${states![i]!.ndim}-D`);
      if (h.shape[0] !== x.shape[0]) throw new Error(`Input batch size ${x.shape[0]} doesn't match hidden${label} batch size ${h.shape[0]}`);
      if (h.shape[1] !== this.hiddenSize) throw new Error(`hidden${label} has inconsistent hidden_size: got ${h.shape[1]}, expected ${this.hiddenSize}`);
    });
    return [x, hs, batched];
  }

  /** The gate pre-activations of input and state. */
  protected gates(x: Tensor, h: Tensor): [Tensor, Tensor] {
    return [kiln.linear(x, this.weight_ih, this.bias_ih), kiln.linear(h, this.weight_hh, this.bias_hh)];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/** h' = act(x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ). */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 1, options);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') throw new Error(`Unknown nonlinearity: ${String(this.nonlinearity)}`);
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, [h], batched] = this.prepare('RNNCell', input, hx ? [hx] : null, 1);
    const out = rnnStep(kiln.add(...this.gates(x, h!)), this.nonlinearity);
    return batched ? out : kiln.squeeze(out, 0);
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity=${this.nonlinearity}` : '');
  }
}

/** One LSTM step; forward(input, [h, c]) returns [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellBaseOptions = {}) {
    super(inputSize, hiddenSize, 4, options);
  }

  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [x, [h, c], batched] = this.prepare('LSTMCell', input, hx ? [hx[0], hx[1]] : null, 2);
    const out = lstmStep(kiln.add(...this.gates(x, h!)), c!);
    return batched ? out : [kiln.squeeze(out[0], 0), kiln.squeeze(out[1], 0)];
  }
}

/** One GRU step. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellBaseOptions = {}) {
    super(inputSize, hiddenSize, 3, options);
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, [h], batched] = this.prepare('GRUCell', input, hx ? [hx] : null, 1);
    const out = gruStep(...this.gates(x, h!), h!);
    return batched ? out : kiln.squeeze(out, 0);
  }
}
