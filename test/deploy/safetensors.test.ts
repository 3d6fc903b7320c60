/**
 * Checkpoints in the safetensors format: files PyTorch wrote (test/fixtures/safetensors, made by
 * scripts/fixtures_torch/safetensors_fixtures.py) load in kiln with every dtype; files kiln writes
 * are byte-identical to the reference layout and load in PyTorch (the test runs /usr/bin/python3
 * with torch, and says so when it has to skip); malformed files are refused with errors naming
 * the file; writes are atomic; training checkpoints round-trip.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as kiln from 'kiln';

const FIXTURES = fileURLToPath(new URL('../fixtures/safetensors/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/fixtures_torch/safetensors_fixtures.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

type Val = number | string | boolean;
interface Described { dtype: string; shape: number[]; data: Val[] }
interface Expected {
  files: Record<string, { metadata: Record<string, string> | null; tensors: Record<string, Described>; input?: Described; output?: Described }>;
}
const expected: Expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));

const dir = mkdtempSync(join(tmpdir(), 'kiln-safetensors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A tensor's values exactly: int64 as decimal strings, floats with NaN/inf spelled out, -0 kept. */
function values(t: kiln.Tensor): Val[] {
  const c = t.contiguous();
  if (c.dtype === 'int64' || c.dtype === 'uint64') {
    const arr = c.storage.typed(c.dtype) as BigInt64Array | BigUint64Array;
    return Array.from(arr.subarray(c.offset, c.offset + c.numel()), String);
  }
  return (c.reshape(-1).tolist() as (number | boolean)[]).map((v) => {
    if (typeof v === 'boolean') return v;
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    return v;
  });
}

const isInteger = (dtype: string): boolean => /^u?int/.test(dtype);

/** Python writes integers as strings (int64 exactly), so integers compare as strings. */
function normalise(d: Described): Val[] {
  return d.data.map((v) => (typeof v === 'number' && isInteger(d.dtype) ? String(v) : v));
}

function assertTensor(t: kiln.Tensor | undefined, want: Described, label: string, dtype = want.dtype): void {
  assert.ok(t instanceof kiln.Tensor, `${label}: missing`);
  assert.equal(t.dtype, dtype, `${label}: dtype`);
  assert.deepEqual(t.shape, want.shape, `${label}: shape`);
  const got = values(t).map((v) => (typeof v === 'number' && isInteger(t.dtype) ? String(v) : v));
  assert.deepEqual(got, normalise(want), `${label}: values`);
  got.forEach((v, i) => {
    if (v === 0 && typeof want.data[i] === 'number') assert.equal(Object.is(v, -0), Object.is(want.data[i], -0), `${label}[${i}]: sign of zero`);
  });
}

/** A state dict with every dtype PyTorch 1.13 shares with kiln, and views of every kind. */
function sampleState(): Record<string, kiln.Tensor> {
  kiln.manualSeed(5);
  return {
    'fc.weight': kiln.randn(3, 4),
    'fc.bias': kiln.randn(3),
    'transposed': kiln.randn(4, 3, { dtype: 'float64' }).t(),
    'strided': kiln.arange(20, { dtype: 'int32' }).get('::3'),
    'expanded': kiln.tensor([1, 2], { dtype: 'int16' }).unsqueeze(0).expand(3, 2),
    'half': kiln.tensor([0.5, -2, 65504, Infinity], { dtype: 'float16' }),
    'bf16': kiln.tensor([0.1, -2.5, 3e38, -Infinity], { dtype: 'bfloat16' }),
    'big': kiln.tensor([2n ** 62n + 1n, -(2n ** 63n)] as never, { dtype: 'int64' }),
    'i8': kiln.tensor([-128, 127], { dtype: 'int8' }),
    'u8': kiln.tensor([0, 255], { dtype: 'uint8' }),
    'mask': kiln.tensor([true, false, true]),
    'scalar': kiln.tensor(2.5, { dtype: 'float64' }),
    'empty': kiln.zeros(0, 4),
    'special': kiln.tensor([NaN, -0, -Infinity]),
    '10': kiln.ones(1),
    'grad': kiln.ones(2).requiresGrad_(),
  };
}

// Files for PyTorch to read, written up front so one Python process (one torch import, which
// takes seconds) reads them all.
const forTorch = {
  state: sampleState(),
  statePath: join(dir, 'for-torch.safetensors'),
  linear: (() => {
    kiln.manualSeed(1);
    return { weight: kiln.randn(3, 4), bias: kiln.randn(3) };
  })(),
  linearPath: join(dir, 'linear.safetensors'),
  checkpointPath: join(dir, 'ckpt-torch.safetensors'),
};
kiln.save(forTorch.state, forTorch.statePath, { metadata: { format: 'pt' } });
kiln.save(forTorch.linear, forTorch.linearPath);
kiln.saveCheckpoint(forTorch.checkpointPath, { model: { w: kiln.arange(6).reshape(2, 3).float() }, epoch: 1 });

interface TorchResult { metadata?: Record<string, string> | null; tensors?: Record<string, Described>; output?: Described }
const torchRun = spawnSync(PYTHON, [SCRIPT, 'batch', JSON.stringify([
  ['read', forTorch.statePath], ['linear', forTorch.linearPath], ['read', forTorch.checkpointPath],
])], { encoding: 'utf8' });
const noTorch = (torchRun.error as { code?: string } | undefined)?.code === 'ENOENT' || /No module named 'torch'/.test(torchRun.stderr ?? '');
const skipPython = noTorch ? `${PYTHON} cannot import torch: skipping the PyTorch read-back checks` : false;
if (skipPython) console.log(`safetensors tests: ${skipPython}`);

/** What PyTorch read from the i-th file above (failing the test if the reader failed). */
function torchResult(i: number): TorchResult {
  assert.equal(torchRun.status, 0, `the PyTorch reader failed:\n${torchRun.stderr}`);
  return (JSON.parse(torchRun.stdout) as TorchResult[])[i]!;
}

describe('files PyTorch wrote load in kiln', () => {
  for (const [file, want] of Object.entries(expected.files)) {
    it(file, () => {
      const path = join(FIXTURES, file);
      const loaded = kiln.load(path);
      assert.deepEqual(Object.keys(loaded).sort(), Object.keys(want.tensors).sort());
      for (const [name, d] of Object.entries(want.tensors)) assertTensor(loaded[name], d, name);
      assert.deepEqual(kiln.loadMetadata(path), want.metadata);
      // and writing them back gives the very same bytes (the reference library's layout)
      const again = kiln.serializeSafetensors(loaded, want.metadata ? { metadata: want.metadata } : {});
      assert.ok(Buffer.from(again).equals(readFileSync(path)), 'rewritten bytes differ from the PyTorch-written file');
      assert.deepEqual(Object.keys(kiln.load(readFileSync(path))).sort(), Object.keys(loaded).sort(), 'loads from bytes too');
    });
  }

  it('the MLP PyTorch saved computes what PyTorch computed', () => {
    const want = expected.files['torch_mlp.safetensors']!;
    const w = kiln.load(join(FIXTURES, 'torch_mlp.safetensors'));
    const x = kiln.tensor(want.input!.data as number[]).reshape(want.input!.shape);
    const h = kiln.relu(kiln.linear(x, w['0.weight']!, w['0.bias']!));
    const y = kiln.linear(h, w['2.weight']!, w['2.bias']!);
    const got = y.reshape(-1).tolist() as number[];
    got.forEach((v, i) => assert.ok(Math.abs(v - (want.output!.data[i] as number)) < 1e-6, `output[${i}]: ${v}`));
  });

  it('BF16 loads as bfloat16 by default, exactly as float32 on request, and is refused with {bfloat16: "error"}', () => {
    const path = join(FIXTURES, 'torch_bf16.safetensors');
    const want = expected.files['torch_bf16.safetensors']!.tensors;
    const loaded = kiln.load(path);
    for (const [name, d] of Object.entries(want)) assertTensor(loaded[name], d, name);
    assert.equal(loaded.w!.dtype, 'bfloat16');
    const widened = kiln.load(path, { bfloat16: 'float32' });
    for (const [name, d] of Object.entries(want)) assertTensor(widened[name], d, name, d.dtype === 'bfloat16' ? 'float32' : d.dtype);
    assert.throws(() => kiln.load(path, { bfloat16: 'error' }), (e: Error) => {
      assert.equal(e.name, 'ValueError');
      assert.match(e.message, /^kiln\.load: .*torch_bf16\.safetensors: tensor 'w' has dtype BF16, which \{bfloat16: 'error'\} refuses/);
      return true;
    });
  });
});

describe('files kiln writes', () => {
  it('round-trip in kiln, with every dtype and non-contiguous tensors written contiguous', () => {
    const path = join(dir, 'roundtrip.safetensors');
    const s = sampleState();
    const extra = {
      u16: kiln.tensor([65535, 1], { dtype: 'uint16' }),
      u32: kiln.tensor([4294967295, 2], { dtype: 'uint32' }),
      u64: kiln.tensor([2n ** 64n - 1n] as never, { dtype: 'uint64' }),
    };
    kiln.save({ ...s, ...extra }, path, { metadata: { epoch: '3', note: 'héllo' } });
    const loaded = kiln.load(path);
    for (const [name, t] of Object.entries({ ...s, ...extra })) {
      const got = loaded[name]!;
      assert.equal(got.dtype, t.dtype, name);
      assert.deepEqual(got.shape, t.shape, name);
      assert.deepEqual(values(got), values(t.detach()), name);
      assert.ok(got.isContiguous(), `${name}: contiguous`);
      assert.equal(got.requiresGrad, false);
    }
    assert.deepEqual(kiln.loadMetadata(path), { epoch: '3', note: 'héllo' });
    assert.equal(kiln.loadMetadata(join(FIXTURES, 'torch_mlp.safetensors')), null);
    loaded['fc.weight']!.fill_(0);
    assert.notEqual(loaded['fc.bias']!.storage, loaded['fc.weight']!.storage, 'each tensor owns its memory');
  });

  it('the header is padded to 8 bytes and data is aligned', () => {
    const bytes = kiln.serializeSafetensors(sampleState());
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
    const sizes: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1 };
    for (const info of Object.values(header) as { dtype: string; data_offsets: [number, number] }[]) {
      assert.equal(info.data_offsets[0] % sizes[info.dtype]!, 0, `${info.dtype} aligned`);
    }
    assert.deepEqual(kiln.serializeSafetensors({}), new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]));
  });

  it('PyTorch reads what kiln wrote', { skip: skipPython }, () => {
    const back = torchResult(0);
    assert.deepEqual(back.metadata, { format: 'pt' });
    assert.deepEqual(Object.keys(back.tensors!).sort(), Object.keys(forTorch.state).sort());
    for (const [name, d] of Object.entries(back.tensors!)) assertTensor(forTorch.state[name]!.detach(), d, `torch read ${name}`);
  });

  it('a kiln Linear state dict loads into torch.nn.Linear and computes the same', { skip: skipPython }, () => {
    const out = torchResult(1).output!;
    const x = kiln.linspace(-1, 1, 8).reshape(2, 4);
    const mine = kiln.linear(x, forTorch.linear.weight, forTorch.linear.bias).reshape(-1).tolist() as number[];
    mine.forEach((v, i) => assert.ok(Math.abs(v - (out.data[i] as number)) < 1e-6, `output[${i}]`));
  });

  it('refuses what safetensors cannot hold, naming it', () => {
    const path = join(dir, 'refused.safetensors');
    assert.throws(() => kiln.save({ a: kiln.zeros(2), step: 3 as never }, path), /kiln\.save: 'step' is a number, not a Tensor.*saveCheckpoint/);
    assert.throws(() => kiln.save({ c: kiln.zeros(2).to('complex64') }, path), /tensor 'c' has dtype complex64, which safetensors cannot store/);
    assert.throws(() => kiln.save({ __metadata__: kiln.zeros(1) }, path), /'__metadata__' is reserved/);
    assert.throws(() => kiln.save({}, path, { metadata: { epoch: 3 as never } }), /metadata\['epoch'\] is a number; safetensors metadata maps strings to strings/);
    assert.throws(() => kiln.save(kiln.zeros(2) as never, path), /expected an object of tensors/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.refused')), []);
  });

  it('writes atomically: a failure mid-write leaves the old file and no temporary file', () => {
    const path = join(dir, 'atomic.safetensors');
    kiln.save({ a: kiln.ones(3) }, path);
    const before = readFileSync(path);
    const bad = kiln.zeros(1000);
    Object.defineProperty(bad, 'detach', { value: () => { throw new Error('disk on fire'); } });
    assert.throws(() => kiln.save({ a: kiln.ones(3), z: bad }, path), /disk on fire/);
    assert.ok(readFileSync(path).equals(before), 'the old file is untouched');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('atomic') && f !== 'atomic.safetensors'), [], 'no temporary file left');
    assert.throws(() => kiln.save({ a: kiln.ones(1) }, join(dir, 'missing', 'x.safetensors')), (e: Error) => {
      assert.match(e.message, /^kiln\.save: .*missing\/x\.safetensors: no such file or directory/);
      return true;
    });
  });
});

describe('malformed files are refused with clear errors', () => {
  const enc = new TextEncoder();

  /** A file from a header (object or raw text), data bytes, and optionally a forged length. */
  function fileOf(header: unknown, data: Uint8Array = new Uint8Array(0), length?: bigint): string {
    const text = typeof header === 'string' ? header : JSON.stringify(header);
    const body = enc.encode(text);
    const out = new Uint8Array(8 + body.length + data.length);
    new DataView(out.buffer).setBigUint64(0, length ?? BigInt(body.length), true);
    out.set(body, 8);
    out.set(data, 8 + body.length);
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.safetensors`);
    writeFileSync(path, out);
    return path;
  }

  function refused(path: string, pattern: RegExp): void {
    assert.throws(() => kiln.load(path), (e: Error) => {
      assert.equal(e.name, 'ValueError', e.message);
      assert.ok(e.message.startsWith(`kiln.load: ${path}: `), `names the file: ${e.message}`);
      assert.match(e.message, pattern);
      return true;
    });
  }

  const f32 = (name: string, shape: number[], offsets: [number, number]): Record<string, unknown> => ({
    [name]: { dtype: 'F32', shape, data_offsets: offsets },
  });

  it('too short, truncated, oversized or forged header lengths', () => {
    const tiny = join(dir, 'tiny.safetensors');
    writeFileSync(tiny, new Uint8Array([1, 2, 3]));
    refused(tiny, /3 bytes long, too short for the 8-byte header length/);
    refused(fileOf({}, undefined, 1000n), /header length 1000 runs past the end of the file \(10 bytes\)/);
    refused(fileOf({}, undefined, 2n ** 40n), /header length 1099511627776 is larger than the 100000000-byte limit/);
    refused(fileOf({}, undefined, 2n ** 64n - 1n), /is larger than the 100000000-byte limit/);
    const real = readFileSync(join(FIXTURES, 'torch_mlp.safetensors'));
    const cut = join(dir, 'cut.safetensors');
    writeFileSync(cut, real.subarray(0, real.length - 5));
    refused(cut, /the tensors need \d+ bytes of data but the file holds \d+: the file is truncated/);
  });

  it('headers that are not UTF-8 JSON objects', () => {
    refused(fileOf('{"a": '), /the header is not valid JSON/);
    refused(fileOf('[1, 2]'), /does not start with '\{'/);
    const raw = join(dir, 'utf8.safetensors');
    const bytes = new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe]);
    writeFileSync(raw, bytes);
    refused(raw, /not valid UTF-8/);
    refused(fileOf({ __metadata__: { epoch: 3 } }), /__metadata__\['epoch'\] must be a string/);
    refused(fileOf({ a: 'x' }), /tensor 'a': expected \{dtype, shape, data_offsets\}/);
  });

  it('unknown dtypes, bad shapes and offsets', () => {
    refused(fileOf({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, new Uint8Array(16)), /tensor 'a': unknown dtype 'F128'/);
    refused(fileOf({ a: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)), /tensor 'a' has dtype F8_E4M3, which kiln does not support/);
    refused(fileOf(f32('a', [2, 3], [0, 20]), new Uint8Array(20)), /tensor 'a': shape \[2, 3\] of F32 needs 24 bytes, but data_offsets \[0, 20\] span 20/);
    refused(fileOf(f32('a', [-1], [0, 4]), new Uint8Array(4)), /shape must be a list of non-negative integers/);
    refused(fileOf(f32('a', [1], [4, 0])), /data_offsets \[4, 0\] end before they begin/);
    refused(fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [0.5, 4.5] } }), /data_offsets must be \[begin, end\] with non-negative integers/);
    refused(fileOf({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 20], data_offsets: [0, 4] } }), /too large|needs/);
  });

  it('overlapping, gapped, out-of-range offsets and extra bytes', () => {
    refused(fileOf({ ...f32('a', [2], [0, 8]), ...f32('b', [2], [4, 12]) }, new Uint8Array(12)), /tensor 'b' \(bytes 4 to 12\) overlaps tensor 'a' \(bytes 0 to 8\)/);
    refused(fileOf({ ...f32('a', [1], [0, 4]), ...f32('b', [1], [8, 12]) }, new Uint8Array(12)), /gap in the data: no tensor covers bytes 4 to 8/);
    refused(fileOf(f32('a', [1], [4, 8]), new Uint8Array(8)), /gap in the data: no tensor covers bytes 0 to 4/);
    refused(fileOf(f32('a', [4], [0, 16]), new Uint8Array(8)), /the tensors need 16 bytes of data but the file holds 8/);
    refused(fileOf(f32('a', [1], [0, 4]), new Uint8Array(7)), /3 unexpected bytes follow the last tensor's data/);
    refused(fileOf({ m: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, new Uint8Array([1, 2])), /\(BOOL\) holds the byte 2 at element 1/);
  });

  it('a valid hand-made file loads (the checks accept what the format allows)', () => {
    const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const t = kiln.load(fileOf({ __metadata__: { k: 'v' }, ...f32('x', [2], [0, 8]), ...f32('e', [0], [8, 8]) }, data));
    assert.deepEqual(t.x!.tolist(), [1.5, -2]);
    assert.deepEqual(t.e!.shape, [0]);
  });
});

describe('training checkpoints (optimizer state beside the weights)', () => {
  it('round-trips a nested object of tensors and JSON values', () => {
    const path = join(dir, 'ckpt.safetensors');
    const model = { 'fc1.weight': kiln.randn(2, 3), 'fc1.bias': kiln.zeros(2), 'bn.num_batches_tracked': kiln.tensor(7) };
    const optimizer = {
      state: { 0: { step: kiln.tensor(3.0), exp_avg: kiln.ones(2, 3), exp_avg_sq: kiln.full([2, 3], 0.25) }, 1: { step: 3, momentum_buffer: null } },
      param_groups: [{ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, params: [0, 1] }],
    };
    kiln.saveCheckpoint(path, { model, optimizer, epoch: 4, best: Infinity, worst: NaN, tokens: 2n ** 70n, tag: 'run-1' }, { metadata: { note: 'x' } });
    const back = kiln.loadCheckpoint(path) as {
      model: Record<string, kiln.Tensor>; optimizer: typeof optimizer; epoch: number; best: number; worst: number; tokens: bigint; tag: string;
    };
    for (const [k, t] of Object.entries(model)) assert.deepEqual(values(back.model[k]!), values(t), k);
    assert.deepEqual(values(back.optimizer.state[0].exp_avg_sq), values(optimizer.state[0].exp_avg_sq));
    assert.ok(back.optimizer.state[0].step instanceof kiln.Tensor);
    assert.deepEqual(back.optimizer.state[1], { step: 3, momentum_buffer: null });
    assert.deepEqual(back.optimizer.param_groups, optimizer.param_groups);
    assert.equal(back.epoch, 4);
    assert.equal(back.best, Infinity);
    assert.ok(Number.isNaN(back.worst));
    assert.equal(back.tokens, 2n ** 70n);
    assert.equal(back.tag, 'run-1');
    // a plain safetensors file: the weights are there under dotted names for any reader
    const flat = kiln.load(path);
    assert.deepEqual(Object.keys(flat).sort(), [
      'model.bn.num_batches_tracked', 'model.fc1.bias', 'model.fc1.weight',
      'optimizer.state.0.exp_avg', 'optimizer.state.0.exp_avg_sq', 'optimizer.state.0.step',
    ]);
    assert.equal(kiln.loadMetadata(path)!.note, 'x');
  });

  it('resuming from a checkpoint continues training exactly (model + Adam state)', () => {
    const path = join(dir, 'resume.safetensors');
    const make = (): kiln.nn.Sequential => new kiln.nn.Sequential(new kiln.nn.Linear(4, 3), new kiln.nn.ReLU(), new kiln.nn.Linear(3, 2));
    kiln.manualSeed(0);
    const model = make();
    const opt = new kiln.optim.Adam(model.parameters(), { lr: 0.01 });
    const x = kiln.randn(8, 4);
    const step = (m: kiln.nn.Sequential, o: kiln.optim.Adam): void => {
      o.zeroGrad();
      (m.forward(x) as kiln.Tensor).square().mean().backward();
      o.step();
    };
    for (let i = 0; i < 3; i++) step(model, opt);
    kiln.saveCheckpoint(path, { model: model.stateDict(), optimizer: opt.stateDict(), epoch: 3 });

    const ck = kiln.loadCheckpoint(path) as { model: Record<string, kiln.Tensor>; optimizer: never; epoch: number };
    const resumed = make();
    resumed.loadStateDict(ck.model);
    const opt2 = new kiln.optim.Adam(resumed.parameters(), { lr: 0.5 });
    opt2.loadStateDict(ck.optimizer);
    assert.equal(opt2.paramGroups[0]!.lr, 0.01, 'the saved learning rate comes back');
    step(model, opt);
    step(resumed, opt2);
    for (const [k, t] of Object.entries(model.stateDict())) assert.deepEqual(resumed.stateDict()[k]!.tolist(), t.tolist(), k);
  });

  it('PyTorch reads the checkpoint tensors', { skip: skipPython }, () => {
    const back = torchResult(2);
    assert.deepEqual(back.tensors!['model.w']!.data, [0, 1, 2, 3, 4, 5]);
    assert.match(back.metadata!['kiln.checkpoint']!, /"epoch":1/);
  });

  it('refuses what it cannot store or read', () => {
    const path = join(dir, 'ckpt-bad.safetensors');
    assert.throws(() => kiln.saveCheckpoint(path, { m: new Map() as never }), /can't store Map at 'm'/);
    assert.throws(() => kiln.saveCheckpoint(path, { a: { b: kiln.ones(1) }, 'a.b': kiln.ones(1) }), /two tensors would be stored under the same name 'a\.b'/);
    assert.throws(() => kiln.saveCheckpoint(path, { x: { $tensor: 'y' } as never }), /the key '\$tensor' at 'x' is reserved/);
    assert.throws(() => kiln.saveCheckpoint(path, {}, { metadata: { 'kiln.checkpoint': '' } }), /reserved/);
    assert.throws(() => kiln.loadCheckpoint(join(FIXTURES, 'torch_mlp.safetensors')), /not a kiln checkpoint/);
  });
});
