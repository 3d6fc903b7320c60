/**
 * Deep copies of modules (Python's copy.deepcopy, which TransformerEncoder uses to stack copies of
 * one layer): every parameter and buffer gets its own storage with the same values; a tensor or
 * module reached twice is copied once, so sharing inside the copy is kept.
 */
import { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../tensor/autograd/grad-mode.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

export function deepCopy<T>(value: T): T {
  return noGrad(() => copyValue(value, new Map()));
}

function copyValue<T>(value: T, memo: Map<unknown, unknown>): T {
  if (value === null || typeof value !== 'object') return value;
  if (memo.has(value)) return memo.get(value) as T;
  let out: unknown;
  if (value instanceof Parameter) {
    out = new Parameter(value.detach().clone(), value.requiresGrad);
  } else if (value instanceof Tensor) {
    out = value.detach().clone().requiresGrad_(value.requiresGrad);
  } else if (value instanceof Map) {
    const map = new Map();
    memo.set(value, map);
    for (const [k, v] of value) map.set(k, copyValue(v, memo));
    out = map;
  } else if (Array.isArray(value)) {
    const arr: unknown[] = [];
    memo.set(value, arr);
    for (const v of value) arr.push(copyValue(v, memo));
    out = arr;
  } else if (value instanceof Module || isPlainObject(value)) {
    // same prototype, own properties copied in their order (which is the registration order)
    const obj = Object.create(Object.getPrototypeOf(value)) as Record<PropertyKey, unknown>;
    memo.set(value, obj);
    for (const k of Reflect.ownKeys(value)) obj[k] = copyValue((value as Record<PropertyKey, unknown>)[k], memo);
    out = obj;
  } else {
    // anything else (a generator, a typed array of constants...) is shared, not copied
    out = value;
  }
  memo.set(value, out);
  return out as T;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
