/**
 * One time step of each recurrence, shared by the cells and the multi-layer modules, with the
 * gates in PyTorch's order. RNN and LSTM take the summed gate pre-activations
 * x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ; GRU needs the input's (`xg`) and the hidden state's (`hg`) apart.
 */
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';

export type Nonlinearity = 'tanh' | 'relu';

/** Elman RNN: h' = act(pre). */
export function rnnStep(pre: Tensor, nonlinearity: Nonlinearity): Tensor {
  return nonlinearity === 'tanh' ? kiln.tanh(pre) : kiln.relu(pre);
}

/**
 * LSTM, gates i, f, g, o: c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'). Returns [h', c'] (h' before
 * any projection).
 */
export function lstmStep(pre: Tensor, c: Tensor): [Tensor, Tensor] {
  const [i, f, g, o] = kiln.chunk(pre, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const cNext = kiln.add(kiln.mul(kiln.sigmoid(f), c), kiln.mul(kiln.sigmoid(i), kiln.tanh(g)));
  return [kiln.mul(kiln.sigmoid(o), kiln.tanh(cNext)), cNext];
}

/**
 * GRU, gates r, z, n: the reset gate scales the hidden state's whole candidate term
 * (Wₕₙ h + bₕₙ), as PyTorch and cuDNN do, so bₕₙ cannot be folded into the input side.
 * h' = (1 - z) ⊙ n + z ⊙ h, computed as n + z ⊙ (h - n).
 */
export function gruStep(xg: Tensor, hg: Tensor, h: Tensor): Tensor {
  const [xr, xz, xn] = kiln.chunk(xg, 3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = kiln.chunk(hg, 3, -1) as [Tensor, Tensor, Tensor];
  const r = kiln.sigmoid(kiln.add(xr, hr));
  const z = kiln.sigmoid(kiln.add(xz, hz));
  const n = kiln.tanh(kiln.add(xn, kiln.mul(r, hn)));
  return kiln.add(n, kiln.mul(z, kiln.sub(h, n)));
}
