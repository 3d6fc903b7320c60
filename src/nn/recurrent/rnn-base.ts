/**
 * RNNBase: what RNN, LSTM and GRU share. The parameters are named and ordered as PyTorch's
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `weight_hr_l0` with projections,
 * `..._reverse` for the backward direction), so state dicts move between the two unchanged.
 *
 * Each layer and direction computes its input's gate pre-activations for all time steps with one
 * matrix product; only the hidden state's product and the gate arithmetic run per step.
 */
import type { DType } from '../../core/dtype.js';
import * as kiln from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { dropout as dropoutFn } from '../functional/activations.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat } from '../layers/repr.js';
import { gruStep, lstmStep, rnnStep } from './steps.js';
import { unbind } from './unbind.js';

export type RNNMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

export interface RNNBaseOptions {
  /** Recurrent layers stacked, each reading the previous one's output (default 1). */
  numLayers?: number;
  /** Learn the biases bᵢₕ and bₕₕ (default true). */
  bias?: boolean;
  /** Input and output are (batch, seq, feature) instead of (seq, batch, feature); states are not. */
  batchFirst?: boolean;
  /** Dropout probability on every layer's output but the last, in training (default 0). */
  dropout?: number;
  /** Run a second recurrence backwards in time and concatenate both outputs (default false). */
  bidirectional?: boolean;
  dtype?: DType;
}

/** One layer and direction's weights; bias and projection are null when absent. */
interface LayerWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}

const GATES: Record<RNNMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** A tuple as Python prints it: (2, 3, 7). */
const pyShape = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

export abstract class RNNBase extends Module {
  readonly mode: RNNMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** Parameter names in PyTorch's order: per layer, per direction, w_ih, w_hh, b_ih, b_hh, w_hr. */
  readonly flatWeightsNames: string[] = [];

  constructor(mode: RNNMode, inputSize: number, hiddenSize: number, options: RNNBaseOptions & { projSize?: number } = {}) {
    super();
    const { numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false, projSize = 0 } = options;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new Error('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    }
    if (dropout > 0 && numLayers === 1) {
      process.emitWarning(`dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${dropout} and num_layers=${numLayers}`);
    }
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new Error('hidden_size must be greater than zero');
    if (!Number.isInteger(numLayers) || numLayers <= 0) throw new Error('num_layers must be greater than zero');
    if (projSize < 0) throw new Error('proj_size should be a positive integer or zero to disable projections');
    if (projSize >= hiddenSize) throw new Error('proj_size has to be smaller than hidden_size');
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    this.projSize = projSize;

    const dtype = options.dtype ?? kiln.getDefaultDtype();
    const gateSize = GATES[mode] * hiddenSize;
    const outSize = projSize > 0 ? projSize : hiddenSize;
    const params = this as unknown as Record<string, Parameter>;
    const add = (name: string, shape: number[]): void => {
      params[name] = new Parameter(kiln.empty(shape, { dtype }));
      this.flatWeightsNames.push(name);
    };
    for (let layer = 0; layer < numLayers; layer++) {
      for (let dir = 0; dir < this.numDirections; dir++) {
        const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        add(`weight_ih${sfx}`, [gateSize, layer === 0 ? inputSize : outSize * this.numDirections]);
        add(`weight_hh${sfx}`, [gateSize, outSize]);
        if (bias) {
          add(`bias_ih${sfx}`, [gateSize]);
          add(`bias_hh${sfx}`, [gateSize]);
        }
        if (projSize > 0) add(`weight_hr${sfx}`, [projSize, hiddenSize]);
      }
    }
    this.resetParameters();
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The size of h: projSize when projecting, else hiddenSize. */
  get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  /** U(-1/√hidden, 1/√hidden) for every weight and bias, drawn in parameter order as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  /** The parameters per layer and direction (PyTorch's all_weights). */
  get allWeights(): Parameter[][] {
    const per = this.flatWeightsNames.length / (this.numLayers * this.numDirections);
    const params = this.flatWeightsNames.map((n) => this.param(n)!);
    return Array.from({ length: params.length / per }, (_, i) => params.slice(i * per, (i + 1) * per));
  }

  private param(name: string): Parameter | null {
    return ((this as unknown as Record<string, Parameter | undefined>)[name]) ?? null;
  }

  private layerWeights(layer: number, dir: number): LayerWeights {
    const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    return {
      wIh: this.param(`weight_ih${sfx}`)!,
      wHh: this.param(`weight_hh${sfx}`)!,
      bIh: this.param(`bias_ih${sfx}`),
      bHh: this.param(`bias_hh${sfx}`),
      wHr: this.param(`weight_hr${sfx}`),
    };
  }

  /**
   * The shared forward: validates input and states (given as [h] or [h, c]; null for zeros),
   * batches unbatched input, runs every layer, and returns [output, final states].
   */
  protected runModule(input: Tensor, states: Tensor[] | null, name: string): [Tensor, Tensor[]] {
    if (input.ndim !== 2 && input.ndim !== 3) throw new Error(`${name}: Expected input to be 2D or 3D, got ${input.ndim}D instead`);
    const isLstm = this.mode === 'LSTM';
    const batched = input.ndim === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    if (states) {
      const want = batched ? 3 : 2;
      if (states.some((s) => s.ndim !== want)) {
        const kind = batched ? 'batched 3-D' : 'unbatched 2-D';
        throw new Error(isLstm
          ? `For ${kind} input, hx and cx should also be ${want}-D but got (${states[0]!.ndim}-D, ${states[1]!.ndim}-D) tensors`
          : `For ${kind} input, hx should also be ${want}-D but got ${states[0]!.ndim}-D tensor`);
      }
    }
    const x3 = batched ? input : kiln.unsqueeze(input, batchDim);
    const s3 = states && !batched ? states.map((s) => kiln.unsqueeze(s, 1)) : states;
    if (x3.shape[2] !== this.inputSize) {
      throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x3.shape[2]}`);
    }
    if (x3.shape[this.batchFirst ? 1 : 0] === 0) throw new Error('Expected sequence length to be larger than 0 in RNN');
    if (x3.dtype !== this.param('weight_ih_l0')!.dtype) throw new Error('mat1 and mat2 must have the same dtype');
    const batch = x3.shape[batchDim]!;
    const stateShapes = [[this.numLayers * this.numDirections, batch, this.outputSize]];
    if (isLstm) stateShapes.push([this.numLayers * this.numDirections, batch, this.hiddenSize]);
    const initial = s3 ?? stateShapes.map((shape) => kiln.zeros(shape, { dtype: input.dtype }));
    initial.forEach((s, i) => {
      const want = stateShapes[i]!;
      if (s.shape.length !== 3 || s.shape.some((d, k) => d !== want[k])) {
        const what = isLstm ? `hidden[${i}] size` : 'hidden size';
        throw new Error(`Expected ${what} ${pyShape(want)}, got [${s.shape.join(', ')}]`);
      }
    });

    const timeMajor = this.batchFirst ? kiln.transpose(x3, 0, 1).contiguous() : x3;
    const [out, finals] = this.runLayers(timeMajor, initial);
    const output = this.batchFirst ? kiln.transpose(out, 0, 1) : out;
    if (batched) return [output, finals];
    return [kiln.squeeze(output, batchDim), finals.map((s) => kiln.squeeze(s, 1))];
  }

  /** x (seq, batch, feature); states (layers · directions, batch, size). */
  private runLayers(x: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const finals: Tensor[][] = states.map(() => []);
    let layerInput = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < this.numDirections; dir++) {
        const k = layer * this.numDirections + dir;
        const [out, last] = this.runDirection(layerInput, this.layerWeights(layer, dir), dir === 1, states.map((s) => s.get(k)));
        outs.push(out);
        last.forEach((s, i) => finals[i]!.push(s));
      }
      layerInput = outs.length === 1 ? outs[0]! : kiln.cat(outs, 2);
      if (this.training && this.dropout > 0 && layer < this.numLayers - 1) layerInput = dropoutFn(layerInput, this.dropout, true);
    }
    return [layerInput, finals.map((f) => kiln.stack(f, 0))];
  }

  /**
   * One layer in one direction: returns its outputs (seq, batch, size) and final states. RNN and
   * LSTM fold both biases into the input projection, so a step is one addmm into the gates.
   */
  private runDirection(x: Tensor, w: LayerWeights, reverse: boolean, initial: Tensor[]): [Tensor, Tensor[]] {
    const gru = this.mode === 'GRU';
    const bias = gru || !w.bIh || !w.bHh ? w.bIh : kiln.add(w.bIh, w.bHh);
    const steps = unbind(kiln.linear(x, w.wIh, bias));
    const wHhT = kiln.t(w.wHh);
    const outs: Tensor[] = new Array<Tensor>(steps.length);
    let [h, c] = initial as [Tensor, Tensor | undefined];
    for (let k = 0; k < steps.length; k++) {
      const t = reverse ? steps.length - 1 - k : k;
      const xg = steps[t]!;
      if (gru) {
        h = gruStep(xg, w.bHh ? kiln.addmm(w.bHh, h, wHhT) : kiln.mm(h, wHhT), h);
      } else if (this.mode === 'LSTM') {
        [h, c] = lstmStep(kiln.addmm(xg, h, wHhT), c!);
        if (w.wHr) h = kiln.linear(h, w.wHr);
      } else {
        h = rnnStep(kiln.addmm(xg, h, wHhT), this.mode === 'RNN_TANH' ? 'tanh' : 'relu');
      }
      outs[t] = h;
    }
    return [kiln.stack(outs, 0), c ? [h, c] : [h]];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}
