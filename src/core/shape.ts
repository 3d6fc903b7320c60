/** Shapes and strides: sizes, contiguity, broadcasting and axis normalisation. */
import { AxisError, KilnTypeError, ValueError, shapeString } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** Whether a view with these strides walks memory in C order without gaps. */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d === 0) return true;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The broadcast shape of several shapes, with NumPy's error when they are incompatible. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      const d = s[i]!;
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) out[j] = d;
      else {
        // NumPy's message ends with a space after the last shape
        throw new ValueError(`operands could not be broadcast together with shapes ${shapes.map(shapeString).join(' ')} `);
      }
    }
  }
  return out;
}

/** Strides that make a view of `shape`/`strides` read as `target` (0 on broadcast axes). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    const t = target[lead + i]!;
    if (d === t) out[lead + i] = strides[i]!;
    else if (d !== 1) {
      throw new ValueError(
        `operands could not be broadcast together with remapped shapes [original->remapped]: ${shapeString(shape)}  and requested shape ${shapeString(target)}`,
      );
    }
  }
  return out;
}

/** Normalises a possibly negative axis, with NumPy's AxisError when it is out of range. */
export function normalizeAxis(axis: number, ndim: number): number {
  if (!Number.isInteger(axis)) throw new KilnTypeError("'float' object cannot be interpreted as an integer");
  if (axis < -ndim || axis >= ndim) {
    throw new AxisError(`axis ${axis} is out of bounds for array of dimension ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalises an axis argument (undefined means all axes) to a sorted list without repeats. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out = list.map((a) => normalizeAxis(a, ndim));
  if (new Set(out).size !== out.length) throw new ValueError('duplicate value in \'axis\'');
  return out.sort((a, b) => a - b);
}

/** Validates a shape argument (a number or an array of non-negative integers). */
export function toShape(shape: number | Shape): number[] {
  if (typeof shape === 'number' && !Number.isInteger(shape)) {
    throw new KilnTypeError(`expected a sequence of integers or a single integer, got '${shape}'`);
  }
  const list = typeof shape === 'number' ? [shape] : [...shape];
  for (const d of list) {
    if (!Number.isInteger(d)) throw new KilnTypeError("'float' object cannot be interpreted as an integer");
    if (d < 0) throw new ValueError('negative dimensions are not allowed');
  }
  return list;
}
