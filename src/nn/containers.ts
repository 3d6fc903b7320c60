/** Containers: Sequential, ModuleList, ModuleDict (children named '0', '1', ... or by key). */
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** Runs its modules in order, each on the previous one's output. */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this.register(String(i), m));
  }

  private register(name: string, m: Module): void {
    (this as unknown as Record<string, Module>)[name] = m;
  }

  get length(): number {
    return this.children().length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const list = this.children();
    const m = list[i < 0 ? i + list.length : i];
    if (!m) throw new RangeError(`index ${i} is out of range`);
    return m;
  }

  append(m: Module): this {
    this.register(String(this.length), m);
    return this;
  }

  /** Tensor in, tensor out, as the layers it usually holds (a PyTorch script needs no casts). */
  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this.children()) x = m.forward(x);
    return x as Tensor;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/** Holds submodules in a list (registered as '0', '1', ...); has no forward of its own. */
export class ModuleList extends Module {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this.children().length;
  }

  at(i: number): Module {
    const list = this.children();
    const m = list[i < 0 ? i + list.length : i];
    if (!m) throw new RangeError(`index ${i} is out of range`);
    return m;
  }

  append(m: Module): this {
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  forward(): never {
    throw new Error('ModuleList has no forward(); iterate over it instead');
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/** Holds submodules by name; has no forward of its own. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  get(key: string): Module | undefined {
    const m = (this as unknown as Record<string, unknown>)[key];
    return m instanceof Module ? m : undefined;
  }

  set(key: string, m: Module): this {
    (this as unknown as Record<string, Module>)[key] = m;
    return this;
  }

  keys(): string[] {
    return [...this.namedChildren()].map(([k]) => k);
  }

  forward(): never {
    throw new Error('ModuleDict has no forward(); look modules up by key instead');
  }
}
