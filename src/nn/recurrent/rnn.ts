/**
 * The multi-layer recurrent modules RNN, LSTM and GRU. Shapes as PyTorch: input (L, N, Hᵢₙ), or
 * (N, L, Hᵢₙ) with batchFirst, or unbatched (L, Hᵢₙ); states (layers · directions, N, H), or
 * (layers · directions, H) for unbatched input. Tuples come back as arrays:
 * `const [out, [h, c]] = lstm.forward(x)`.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { RNNBase, type RNNBaseOptions } from './rnn-base.js';
import type { Nonlinearity } from './steps.js';

export interface RNNOptions extends RNNBaseOptions {
  /** The activation of the Elman recurrence (default 'tanh'). */
  nonlinearity?: Nonlinearity;
}

export interface LSTMOptions extends RNNBaseOptions {
  /** When > 0, h is projected to this size by weight_hr after every step (Sak et al., 2014). */
  projSize?: number;
}

export type GRUOptions = RNNBaseOptions;

/** Elman RNN: hₜ = act(xₜ Wᵢₕᵀ + bᵢₕ + hₜ₋₁ Wₕₕᵀ + bₕₕ). */
export class RNN extends RNNBase {
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new Error(`Unknown nonlinearity '${String(nonlinearity)}'`);
    if ('projSize' in options) throw new Error('proj_size argument is only supported for LSTM, not RNN or GRU');
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  /** Returns [output, hN]. */
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, [h]] = this.runModule(input, hx ? [hx] : null, 'RNN');
    return [out, h!];
  }
}

/** Long short-term memory (Hochreiter & Schmidhuber, 1997), gates i, f, g, o as PyTorch. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }

  /** Returns [output, [hN, cN]]; hx is [h0, c0]. */
  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [out, [h, c]] = this.runModule(input, hx ? [hx[0], hx[1]] : null, 'LSTM');
    return [out, [h!, c!]];
  }
}

/** Gated recurrent unit (Cho et al., 2014), gates r, z, n as PyTorch. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: GRUOptions = {}) {
    if ('projSize' in options) throw new Error('proj_size argument is only supported for LSTM, not RNN or GRU');
    super('GRU', inputSize, hiddenSize, options);
  }

  /** Returns [output, hN]. */
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, [h]] = this.runModule(input, hx ? [hx] : null, 'GRU');
    return [out, h!];
  }
}
