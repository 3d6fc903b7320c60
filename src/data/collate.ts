/**
 * defaultCollate: turns a list of items into a batch, as PyTorch's default_collate: tensors are
 * stacked along a new first dimension; numbers become one tensor (int64 when every number is an
 * integer, float64 otherwise: JS can't tell 1.0 from 1, Python can); booleans a bool tensor;
 * NDArrays are stacked as tensors; strings stay a list; arrays (tuples) and plain objects are
 * collated element by element or key by key, recursively.
 */
import { NDArray } from '../np/ndarray.js';
import { tensor } from '../tensor/creation.js';
import { stack } from '../tensor/ops/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The batch default collation makes of items of type T. */
export type Collated<T> =
  T extends Tensor | NDArray | number | boolean | bigint ? Tensor
    : T extends string ? string[]
      : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object ? { [K in keyof T]: Collated<T[K]> }
          : never;

export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new Error('defaultCollate: the batch is empty');
  const first = batch[0];
  if (first instanceof Tensor) {
    const shape = first.shape.join(', ');
    for (const t of batch) {
      if (!(t instanceof Tensor)) throw new TypeError(`defaultCollate: a batch mixes Tensors with ${kindOf(t)}`);
      if (t.shape.join(', ') !== shape) {
        throw new Error(`stack expects each tensor to be equal size, but got [${shape}] at entry 0 and [${t.shape.join(', ')}] at entry ${batch.indexOf(t)}`);
      }
    }
    return stack(batch as Tensor[], 0);
  }
  if (first instanceof NDArray) return stack(batch.map((a) => tensorOf(a, 'NDArray')), 0);
  if (typeof first === 'number' || typeof first === 'bigint') {
    const ints = batch.every((x) => typeof x === 'bigint' || (typeof x === 'number' && Number.isInteger(x)));
    same(batch, (x) => typeof x === 'number' || typeof x === 'bigint', 'numbers');
    return tensor(batch as number[], { dtype: ints ? 'int64' : 'float64' });
  }
  if (typeof first === 'boolean') {
    same(batch, (x) => typeof x === 'boolean', 'booleans');
    return tensor(batch as boolean[], { dtype: 'bool' });
  }
  if (typeof first === 'string') {
    same(batch, (x) => typeof x === 'string', 'strings');
    return [...batch];
  }
  if (Array.isArray(first)) {
    const size = first.length;
    for (const item of batch) {
      if (!Array.isArray(item)) throw new TypeError(`defaultCollate: a batch mixes arrays with ${kindOf(item)}`);
      if (item.length !== size) throw new Error('each element in list of batch should be of equal size');
    }
    return first.map((_, i) => collate(batch.map((item) => (item as unknown[])[i])));
  }
  if (isPlainObject(first)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collate(batch.map((item) => {
        if (!isPlainObject(item) || !(key in item)) throw new Error(`defaultCollate: an item lacks the key '${key}' that the first item has`);
        return item[key];
      }));
    }
    return out;
  }
  throw new TypeError(
    `default_collate: batch must contain tensors, NDArrays, numbers, booleans, strings, arrays or plain objects; found ${kindOf(first)}`,
  );
}

function tensorOf(a: unknown, what: string): Tensor {
  if (!(a instanceof NDArray)) throw new TypeError(`defaultCollate: a batch mixes ${what}s with ${kindOf(a)}`);
  return tensor(a);
}

function same(batch: readonly unknown[], ok: (x: unknown) => boolean, what: string): void {
  for (const x of batch) if (!ok(x)) throw new TypeError(`defaultCollate: a batch mixes ${what} with ${kindOf(x)}`);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}
