/**
 * optim.Optimizer: the base of every optimizer. It keeps PyTorch's parameter groups (each group a
 * list of tensors with its own options, defaults filled in), per-parameter state, zeroGrad, and
 * stateDict / loadStateDict in PyTorch's layout: `{state: {0: {...}}, param_groups: [{lr, ...,
 * params: [0, 1]}]}`, parameters numbered in group order, option names camelCased inside groups,
 * state keys as PyTorch's (`momentum_buffer`, `exp_avg`, `step`).
 */
import { ValueError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { enableGrad, noGrad } from '../tensor/autograd/grad-mode.js';

/** A parameter group: its tensors and its options (lr, momentum, betas, ...). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: unknown;
}

/** A group as given to a constructor or addParamGroup: options left out take the defaults. */
export interface ParamGroupInput {
  params: Iterable<Tensor> | Tensor;
  [option: string]: unknown;
}

/** What an optimizer's constructor takes: tensors (`model.parameters()`) or groups of them. */
export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** One parameter's state: tensors (moments, buffers), counts, or null (SGD without momentum). */
export type ParamState = Record<string, Tensor | number | null>;

export interface OptimizerStateDict {
  /** State by parameter index. */
  state: Record<number, ParamState>;
  /** Each group's options, with `params` as parameter indices. */
  param_groups: Record<string, unknown>[];
}

/** A closure that re-evaluates the model and returns the loss (optimizer.step(closure)). */
export type Closure = () => Tensor | number;

/** Marks a default that every group must set (SGD's lr), as PyTorch's `required`. */
export const required: unique symbol = Symbol('required parameter');

export abstract class Optimizer {
  readonly defaults: Record<string, unknown>;
  paramGroups: ParamGroup[] = [];
  /** Per-parameter state, created by step(). */
  state = new Map<Tensor, ParamState>();

  constructor(params: Params, defaults: Record<string, unknown>) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${params.typeName()}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput>)];
    if (list.length === 0) throw new ValueError('optimizer got an empty parameter list');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as ParamGroupInput[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Performs one update of every parameter that has a gradient; returns the closure's loss. */
  abstract step(closure?: Closure): Tensor | number | undefined;

  /** Adds a group (fine-tuning a layer unfrozen later, say); its missing options take the defaults. */
  addParamGroup(group: ParamGroupInput): void {
    if (group === null || typeof group !== 'object') throw new Error('param group must be a dict');
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    const full: Record<string, unknown> = { ...group, params };
    for (const [name, value] of Object.entries(this.defaults)) {
      if (name in full && full[name] !== undefined) continue;
      if (value === required) throw new ValueError(`parameter group didn't specify a value of required optimization parameter ${name}`);
      full[name] = value;
    }
    if (new Set(params).size !== params.length) {
      process.emitWarning('optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information', 'UserWarning');
    }
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => existing.has(p))) throw new ValueError('some parameters appear in more than one parameter group');
    this.paramGroups.push(full as ParamGroup);
  }

  /**
   * Clears gradients: sets them to null (the default, PyTorch 2's), or with setToNone false zeroes
   * them in place, cut from any graph.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) {
          p.grad = null;
          continue;
        }
        const grad = p.grad.gradFn ? p.grad.detach() : p.grad;
        grad.requiresGrad = false;
        noGrad(() => grad.zero_());
        p.grad = grad;
      }
    }
  }

  /** The optimizer's state by parameter index, sharing the state tensors (as PyTorch's). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      start += params.length;
      return { ...options, params: params.map((p) => index.get(p)!) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = s;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a stateDict (copied: later steps don't change it). Parameters are matched by position;
   * floating point state tensors take their parameter's dtype, except `step`.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const saved = stateDict.param_groups;
    if (saved.length !== this.paramGroups.length) throw new ValueError('loaded state dict has a different number of parameter groups');
    if (saved.some((g, i) => (g.params as number[]).length !== this.paramGroups[i]!.params.length)) {
      throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, i) => (g.params as number[]).forEach((id, j) => byIndex.set(id, this.paramGroups[i]!.params[j]!)));
    const state = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(stateDict.state)) {
      const p = byIndex.get(Number(key));
      if (p) state.set(p, copyState(s, p));
    }
    this.state = state;
    this.paramGroups = saved.map((g, i) => {
      const group: Record<string, unknown> = { ...this.defaults };
      for (const [k, v] of Object.entries(g)) group[k] = Array.isArray(v) ? [...v] : v;
      group.params = this.paramGroups[i]!.params;
      return group as ParamGroup;
    });
  }

  /** The state of a parameter, created empty on first use (PyTorch's `optimizer.state[p]`). */
  stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** Runs the closure with gradients enabled (step() itself runs without). */
  protected evaluate(closure?: Closure): Tensor | number | undefined {
    return closure ? enableGrad(closure) : undefined;
  }

  /** PyTorch's `Adam (\nParameter Group 0\n    amsgrad: False\n ...)`. */
  toString(): string {
    const lines = this.paramGroups.map((group, i) => {
      const options = Object.keys(group).filter((k) => k !== 'params').sort();
      return `Parameter Group ${i}\n${options.map((k) => `    ${k}: ${pyRepr(group[k])}\n`).join('')}`;
    });
    return `${this.constructor.name} (${lines.map((l) => `\n${l}`).join('')})`;
  }
}

/** An option as Python prints it: True, None, (0.9, 0.999). */
function pyRepr(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `(${v.map(pyRepr).join(', ')})`;
  return String(v);
}

/** A deep copy of one parameter's state, floating point tensors cast to the parameter's dtype. */
function copyState(s: ParamState, p: Tensor): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(s)) {
    if (!(v instanceof Tensor)) {
      out[k] = v;
      continue;
    }
    const isFloat = v.dtype === 'float16' || v.dtype === 'float32' || v.dtype === 'float64';
    out[k] = noGrad(() => (k !== 'step' && isFloat ? v.to(p.dtype, { copy: true }) : v.clone()));
  }
  return out;
}
