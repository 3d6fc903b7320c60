/**
 * nn.Module: the base of every layer. Parameters and submodules assigned as properties in a
 * subclass's constructor (`this.fc1 = new nn.Linear(4, 8)`) are found by walking the object's own
 * properties in assignment order, which is the order PyTorch registers them in, so stateDict keys
 * (`fc1.weight`, `0.bias`, `bn.running_mean`) are PyTorch's.
 */
import type { DType } from '../core/dtype.js';
import type { Device } from '../core/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/autograd/grad-mode.js';
import { Parameter } from './parameter.js';

export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  /** Training mode (dropout active, batch norm updating its statistics). */
  training = true;
  /** Buffers (running statistics...), by name; registered with registerBuffer. */
  private readonly buffers = new Map<string, { tensor: Tensor | null; persistent: boolean }>();

  abstract forward(...args: unknown[]): unknown;

  /** Registers a tensor that is state but not a parameter (saved in stateDict when persistent). */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    this.buffers.set(name, { tensor, persistent: options.persistent ?? true });
  }

  /** A buffer's current tensor. */
  getBuffer(name: string): Tensor | null {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`'${this.constructor.name}' object has no buffer '${name}'`);
    return b.tensor;
  }

  /** Replaces a buffer's tensor (batch norm does this as it updates its statistics). */
  setBuffer(name: string, tensor: Tensor | null): void {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`'${this.constructor.name}' object has no buffer '${name}'`);
    b.tensor = tensor;
  }

  /** Own parameters, in assignment order. */
  *ownParameters(): Generator<[string, Parameter]> {
    for (const [k, v] of Object.entries(this)) if (v instanceof Parameter) yield [k, v];
  }

  /** Direct submodules, in assignment order. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of Object.entries(this)) if (v instanceof Module) yield [k, v];
  }

  children(): Module[] {
    return [...this.namedChildren()].map(([, m]) => m);
  }

  /** This module and every submodule, depth first, with dotted names ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k);
  }

  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /** Every parameter with its dotted name; a parameter shared by two modules is listed once. */
  *namedParameters(prefix = '', seen = new Set<Tensor>()): Generator<[string, Parameter]> {
    for (const [k, p] of this.ownParameters()) {
      if (seen.has(p)) continue;
      seen.add(p);
      yield [prefix ? `${prefix}.${k}` : k, p];
    }
    for (const [k, m] of this.namedChildren()) yield* m.namedParameters(prefix ? `${prefix}.${k}` : k, seen);
  }

  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [k, b] of this.buffers) if (b.tensor) yield [prefix ? `${prefix}.${k}` : k, b.tensor];
    for (const [k, m] of this.namedChildren()) yield* m.namedBuffers(prefix ? `${prefix}.${k}` : k);
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Sets every parameter's gradient to null (PyTorch 2's default, setToNone). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (options.setToNone === false && p.grad) p.grad.zero_();
      else p.grad = null;
    }
  }

  /** Parameters and persistent buffers by PyTorch's dotted names (sharing memory, detached). */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = {};
    for (const [k, p] of this.ownParameters()) out[prefix + k] = p.detach();
    for (const [k, b] of this.buffers) if (b.tensor && b.persistent) out[prefix + k] = b.tensor.detach();
    for (const [k, m] of this.namedChildren()) Object.assign(out, m.stateDict(`${prefix}${k}.`));
    return out;
  }

  /** Copies values from a state dict into parameters and buffers (shapes must match). */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): LoadResult {
    const strict = options.strict ?? true;
    const expected = this.stateDict();
    const missingKeys = Object.keys(expected).filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !(k in expected));
    const mismatched: string[] = [];
    for (const [k, target] of Object.entries(expected)) {
      const src = state[k];
      if (!src) continue;
      if (src.shape.length !== target.shape.length || src.shape.some((d, i) => d !== target.shape[i])) {
        mismatched.push(`\tsize mismatch for ${k}: copying a param with shape torch.Size([${src.shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${target.shape.join(', ')}]).`);
      }
    }
    if (mismatched.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      const lines: string[] = [];
      if (strict && missingKeys.length) lines.push(`\tMissing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (strict && unexpectedKeys.length) lines.push(`\tUnexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      lines.push(...mismatched);
      throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n${lines.join('\n')}`);
    }
    noGrad(() => {
      for (const [k, target] of Object.entries(expected)) {
        const src = state[k];
        if (src) target.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Moves or casts every parameter and buffer (floating point ones for a dtype), in place. */
  to(target: DType | Device): this {
    noGrad(() => {
      for (const m of this.modules()) {
        for (const [, p] of m.ownParameters()) {
          // the Parameter object stays the same, so optimizers holding it keep working
          if (isCastTarget(p, target)) p.data = p.to(target).detach();
        }
        for (const [k, b] of m.buffers) {
          if (b.tensor && isCastTarget(b.tensor, target)) m.buffers.set(k, { ...b, tensor: b.tensor.to(target) });
        }
      }
    });
    return this;
  }

  double(): this { return this.to('float64'); }
  float(): this { return this.to('float32'); }
  half(): this { return this.to('float16'); }
  bfloat16(): this { return this.to('bfloat16'); }

  /** Applies fn to every submodule (children first) and this one, as Module.apply. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Freezes or unfreezes every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** PyTorch's module printout: `Linear(in_features=4, out_features=8, bias=True)`. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const children = [...this.namedChildren()];
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = children.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    if (extra) lines.unshift(`  ${extra}`);
    return `${this.constructor.name}(\n${lines.join('\n')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function isCastTarget(t: Tensor, target: DType | Device): boolean {
  if (target === 'cpu') return false;
  return t.dtype === 'float16' || t.dtype === 'bfloat16' || t.dtype === 'float32' || t.dtype === 'float64';
}
