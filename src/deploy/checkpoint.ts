/**
 * Training checkpoints: a model's state dict, the optimizer's state and anything else a loop
 * wants to resume from, in one safetensors file.
 *
 *   kiln.saveCheckpoint('ckpt.safetensors', {model: model.stateDict(), optimizer: opt.stateDict(), epoch});
 *   const {model, optimizer, epoch} = kiln.loadCheckpoint('ckpt.safetensors');
 *
 * Every tensor is stored under its path in the object, joined with dots ('model.fc1.weight',
 * 'optimizer.state.0.exp_avg'), so PyTorch reads the weights with any safetensors reader; the
 * rest (numbers, strings, booleans, null, arrays, plain objects: the optimizer's param_groups,
 * its step counts, the epoch) is kept as JSON in the header's metadata under 'kiln.checkpoint',
 * with each tensor replaced by {"$tensor": name}. loadCheckpoint rebuilds the same object.
 */
import { Tensor } from '../tensor/tensor.js';
import { readSafetensors, save, type LoadOptions, type SaveOptions } from './safetensors.js';

/** The metadata key holding the checkpoint's structure. */
export const CHECKPOINT_KEY = 'kiln.checkpoint';
const FORMAT = 1;
const RESERVED = ['$tensor', '$number', '$bigint'];

/**
 * Writes a checkpoint to `path` as a safetensors file, atomically. It may hold tensors, numbers
 * (NaN and infinities too), bigints, strings, booleans and null, nested in arrays and plain
 * objects (undefined properties are left out, as JSON does); anything else is refused.
 * `options.metadata` adds free-form strings to the header.
 */
export function saveCheckpoint(path: string, checkpoint: Record<string, unknown>, options: SaveOptions = {}): void {
  const fn = 'kiln.saveCheckpoint';
  if (checkpoint === null || typeof checkpoint !== 'object' || Array.isArray(checkpoint) || checkpoint instanceof Tensor) {
    throw new TypeError(`${fn}: expected an object such as {model: model.stateDict(), optimizer: optimizer.stateDict()}`);
  }
  const tensors: Record<string, Tensor> = {};
  const tree = encode(checkpoint, [], tensors, fn);
  const metadata = { ...(options.metadata ?? {}) };
  if (CHECKPOINT_KEY in metadata) throw new Error(`${fn}: the metadata key '${CHECKPOINT_KEY}' is reserved for the checkpoint's structure`);
  metadata[CHECKPOINT_KEY] = JSON.stringify({ format: FORMAT, tree });
  save(tensors, path, { metadata });
}

/** Reads a checkpoint written by saveCheckpoint, rebuilding the object that was saved. */
export function loadCheckpoint(path: string | Uint8Array, options: LoadOptions = {}): Record<string, unknown> {
  const fn = 'kiln.loadCheckpoint';
  const name = typeof path === 'string' ? path : '<bytes>';
  const { tensors, metadata } = readSafetensors(path, options, fn);
  const text = metadata?.[CHECKPOINT_KEY];
  if (text === undefined) {
    throw new Error(`${fn}: ${name}: not a kiln checkpoint (its metadata has no '${CHECKPOINT_KEY}'); kiln.load reads plain safetensors files`);
  }
  let parsed: { format?: unknown; tree?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fn}: ${name}: the '${CHECKPOINT_KEY}' metadata is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed?.format !== FORMAT) throw new Error(`${fn}: ${name}: unknown checkpoint format ${JSON.stringify(parsed?.format)} (this kiln reads format ${FORMAT})`);
  return decode(parsed.tree, tensors, fn, name) as Record<string, unknown>;
}

/** The JSON form of a value; tensors go to `tensors` under their dotted path. */
function encode(value: unknown, path: string[], tensors: Record<string, Tensor>, fn: string): unknown {
  const where = path.length ? `'${path.join('.')}'` : 'the checkpoint';
  if (value instanceof Tensor) {
    const key = path.join('.');
    if (key in tensors) throw new Error(`${fn}: two tensors would be stored under the same name '${key}'; rename one of them`);
    tensors[key] = value;
    return { $tensor: key };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === 'bigint') return { $bigint: String(value) };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? null : encode(v, [...path, String(i)], tensors, fn)));
  if (typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (RESERVED.includes(k)) throw new Error(`${fn}: the key '${k}' at ${where} is reserved by the checkpoint format`);
      if (v !== undefined) out[k] = encode(v, [...path, k], tensors, fn);
    }
    return out;
  }
  const kind = typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  throw new TypeError(`${fn}: can't store ${kind} at ${where}: a checkpoint holds tensors, numbers, strings, booleans, null, arrays and plain objects`);
}

function decode(value: unknown, tensors: Record<string, Tensor>, fn: string, name: string): unknown {
  if (Array.isArray(value)) return value.map((v) => decode(v, tensors, fn, name));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (typeof obj.$tensor === 'string') {
    const t = tensors[obj.$tensor];
    if (!t) throw new Error(`${fn}: ${name}: the checkpoint refers to a tensor '${obj.$tensor}' that the file does not hold`);
    return t;
  }
  if (typeof obj.$number === 'string') return Number(obj.$number);
  if (typeof obj.$bigint === 'string') return BigInt(obj.$bigint);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = decode(v, tensors, fn, name);
  return out;
}

function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}
