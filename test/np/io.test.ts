/**
 * File I/O against real NumPy: files NumPy wrote (test/fixtures/io/, made by
 * scripts/fixtures/io.py) load with NumPy's dtype, shape and values; kiln's files load in NumPy
 * (when python3 with numpy is there); writes are atomic; broken files give clear errors.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { np } from 'kiln';
import { type EncodedArray, type EncodedError, assertMatches, decodeArray, loadFixture } from '../helpers.js';

interface FillArray { dtype: string; shape: number[]; fill: number | boolean | string }
type Expected = EncodedArray | FillArray;
interface ReaderCase { file?: string; text?: string; kw: Record<string, unknown>; expected: EncodedArray | EncodedError }
interface IoFixture {
  npy: { file: string; expected: Expected; same_bytes: boolean }[];
  npy_errors: { file: string; match: string }[];
  npz: { file: string; expected: Record<string, Expected> }[];
  npz_errors: { file: string; match: string }[];
  loadtxt: ReaderCase[];
  genfromtxt: ReaderCase[];
  savetxt: { a: EncodedArray; kw: Record<string, unknown>; expected: { text: string } | EncodedError }[];
}

const fixture = loadFixture<IoFixture>('io').cases[0]!;
const fixturePath = (file: string): string => fileURLToPath(new URL(`../fixtures/${file}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'kiln-io-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;
/** A fresh directory under the test's temp dir. */
const freshDir = (): string => {
  const dir = join(tmp, `d${counter++}`);
  mkdirSync(dir);
  return dir;
};

/** Every element exactly, as strings (BigInt for 64-bit integers, so nothing is rounded). */
function exactValues(a: np.NDArray): string[] {
  const c = a.copy();
  return Array.from(c.storage.typed(c.dtype) as ArrayLike<number | bigint>, (v) => String(v)).slice(0, c.size);
}

function assertArray(actual: unknown, expected: Expected, label: string): void {
  if ('fill' in expected) {
    assert.ok(actual instanceof np.NDArray, label);
    assert.equal(actual.dtype, expected.dtype, label);
    assert.deepEqual(actual.shape, expected.shape, label);
    assert.ok(actual.toArray().every((v) => Number(v) === Number(expected.fill)), `${label}: every value is ${expected.fill}`);
    return;
  }
  assertMatches(actual, expected, {}, label);
  const a = actual as np.NDArray;
  if (a.dtype === 'int64' || a.dtype === 'uint64') {
    assert.deepEqual(exactValues(a), expected.data.map(String), `${label}: exact 64-bit values`);
  }
}

/** Runs fn and returns the error it throws (failing if it returns). */
function thrown(fn: () => unknown, label = ''): Error {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, `${label}: threw a non-Error`);
    return e;
  }
  assert.fail(`${label}: expected an error, but it returned`);
}

function assertNumpyError(fn: () => unknown, expected: EncodedError, label: string): void {
  const e = thrown(fn, label);
  assert.equal(e.name, expected.error, `${label}: error class (${e.message})`);
  assert.equal(e.message, expected.message, `${label}: message`);
}

const filesIn = (dir: string): string[] => readdirSync(dir).sort();

// ---- .npy -------------------------------------------------------------------------------------

test('np.load reads every .npy NumPy wrote, and np.save writes the same bytes', () => {
  const dir = freshDir();
  for (const c of fixture.npy) {
    const a = np.load(fixturePath(c.file));
    assertArray(a, c.expected, c.file);
    assert.ok(a instanceof np.NDArray && a.isContiguous, `${c.file}: C-contiguous result`);
    if (c.same_bytes) {
      const out = join(dir, c.file.replace('/', '_'));
      np.save(out, a);
      assert.deepEqual(readFileSync(out), readFileSync(fixturePath(c.file)), `${c.file}: kiln writes NumPy's bytes`);
    }
  }
});

test('np.load refuses pickles, objects, structured and unsupported dtypes, and broken headers', () => {
  for (const c of fixture.npy_errors) {
    const e = thrown(() => np.load(fixturePath(c.file)), c.file);
    assert.ok(e.message.includes(c.match), `${c.file}: ${JSON.stringify(e.message)} should contain ${JSON.stringify(c.match)}`);
    assert.ok(e.message.startsWith('kiln.np.load: ') && e.message.includes(c.file), `${c.file}: the message names the file: ${e.message}`);
  }
});

test('every truncation of a .npy file is an error naming the file, never a wrong array', () => {
  const bytes = readFileSync(fixturePath('io/dtype_float64.npy'));
  const dir = freshDir();
  for (let cut = 0; cut < bytes.length; cut++) {
    const file = join(dir, `cut${cut}.npy`);
    writeFileSync(file, bytes.subarray(0, cut));
    const e = thrown(() => np.load(file), `cut at ${cut}`);
    assert.ok(e.message.includes(file), e.message);
    assert.match(e.message, /truncated|empty/, `cut at ${cut}: ${e.message}`);
  }
  const e = thrown(() => np.load(fixturePath('io/truncated.npy')));
  assert.ok(e.message.endsWith('io/truncated.npy: file is truncated: header says 48 bytes of data, found 40'), e.message);
});

test('np.load of a missing file or a directory names it', () => {
  const missing = join(tmp, 'no-such.npy');
  const e = thrown(() => np.load(missing));
  assert.equal(e.name, 'FileNotFoundError');
  assert.equal(e.message, `kiln.np.load: ${missing}: no such file or directory`);
  assert.ok(e instanceof np.OSError);
  assert.match(thrown(() => np.load(tmp)).message, /is a directory/);
  assert.match(thrown(() => np.loadtxt(missing)).message, /kiln\.np\.loadtxt: .*no-such\.npy: no such file or directory/);
});

test('np.load reads bytes, checks that .npy/.npz names match the content, and rejects other files', () => {
  const bytes = readFileSync(fixturePath('io/dtype_int32.npy'));
  const a = np.load(new Uint8Array(bytes));
  assert.ok(a instanceof np.NDArray);
  assert.deepEqual(a.shape, [2, 3]);
  const z = np.load(readFileSync(fixturePath('io/savez.npz')));
  assert.ok(!(z instanceof np.NDArray));
  assert.deepEqual(Object.keys(z).sort(), ['a', 'b', 'c', 'e']);
  const dir = freshDir();
  copyFileSync(fixturePath('io/savez.npz'), join(dir, 'zip.npy'));
  assert.match(thrown(() => np.load(join(dir, 'zip.npy'))).message, /is an \.npz \(zip\) archive, though its name ends in \.npy/);
  copyFileSync(fixturePath('io/dtype_int8.npy'), join(dir, 'plain.npz'));
  assert.match(thrown(() => np.load(join(dir, 'plain.npz'))).message, /is a \.npy file, though its name ends in \.npz/);
  writeFileSync(join(dir, 'html.bin'), '<html>');
  assert.match(thrown(() => np.load(join(dir, 'html.bin'))).message, /not a \.npy or \.npz file \(it starts with the bytes 3c 68 74 6d\)/);
  writeFileSync(join(dir, 'empty.npy'), '');
  assert.match(thrown(() => np.load(join(dir, 'empty.npy'))).message, /empty\.npy: file is empty/);
});

// ---- round trips ------------------------------------------------------------------------------

const DTYPES = [
  'bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float16', 'float32', 'float64',
  'complex64', 'complex128',
] as const;

/** The fixture's sample array of each dtype (extremes, NaN, inf, -0.0, 64-bit values past 2^53). */
const samples = new Map(DTYPES.map((d) => [d, fixture.npy.find((c) => c.file === `io/dtype_${d}.npy`)!.expected as EncodedArray]));

test('np.save then np.load round-trips every dtype, views, 0-d and empty arrays', () => {
  const dir = freshDir();
  for (const dtype of DTYPES) {
    const enc = samples.get(dtype)!;
    const a = decodeArray(enc);
    const cases: [string, np.NDArray, number[]][] = [
      ['plain', a, enc.shape],
      ['transposed', a.T, [...enc.shape].reverse()],
      ['broadcast', np.broadcastTo(a.reshape(1, 2, 3), [2, 2, 3]), [2, 2, 3]],
      ['1-D', a.reshape(6), [6]],
      ['empty', np.zeros([0, 3], { dtype }), [0, 3]],
      ['scalar', np.zeros([], { dtype }), []],
    ];
    for (const [name, arr, shape] of cases) {
      const file = join(dir, `${dtype}-${name}.npy`);
      np.save(file, arr);
      const back = np.load(file as `${string}.npy`);
      assert.equal(back.dtype, dtype, `${dtype} ${name}`);
      assert.deepEqual(back.shape, shape, `${dtype} ${name}`);
      assert.ok(back.isContiguous);
      assert.deepEqual(exactValues(back), exactValues(arr), `${dtype} ${name}: values in C order`);
    }
  }
  // the '.npy' suffix is added as NumPy adds it
  np.save(join(dir, 'suffix'), np.arange(3));
  assert.ok(existsSync(join(dir, 'suffix.npy')));
  np.save(join(dir, 'list'), [[1, 2], [3, 4]]);
  assert.deepEqual((np.load(join(dir, 'list.npy')) as np.NDArray).tolist(), [[1, 2], [3, 4]]);
});

test('a header too long for format 1.0 is written as 2.0, as NumPy does', () => {
  const dir = freshDir();
  const shape = new Array<number>(25000).fill(1); // ', 1' per axis: over 65535 header bytes
  np.save(join(dir, 'wide.npy'), np.zeros(shape, { dtype: 'uint8' }));
  const bytes = readFileSync(join(dir, 'wide.npy'));
  assert.deepEqual([bytes[6], bytes[7]], [2, 0]);
  assert.equal((bytes.length - 1) % 64, 0); // the header is padded so the data starts 64-aligned
  assert.deepEqual((np.load(join(dir, 'wide.npy')) as np.NDArray).shape, shape);
});

test('np.load is typed by literal file names', () => {
  // compile-time only: a literal '.npy' name gives an NDArray, '.npz' an NpzFile
  const typed = (): [np.NDArray, np.NpzFile] => [np.load('a.npy'), np.load('a.npz')];
  assert.equal(typeof typed, 'function');
});

test('seed example: np.save / np.load round trip', () => {
  const dir = freshDir();
  const a = np.arange(12).reshape(3, 4).astype('float32');
  np.save(join(dir, 'data.npy'), a);
  // a computed path gives NDArray | NpzFile; a literal '....npy' path would give NDArray
  const b = np.load(join(dir, 'data.npy')) as np.NDArray;
  assert.equal(b.dtype, 'float32');
  assert.deepEqual(b.shape, [3, 4]);
  assert.deepEqual(b.tolist(), a.tolist());
});

// ---- .npz -------------------------------------------------------------------------------------

test('np.load reads .npz archives NumPy wrote: stored, deflated, positional, empty, ZIP64', () => {
  for (const c of fixture.npz) {
    const z = np.load(fixturePath(c.file));
    assert.ok(!(z instanceof np.NDArray), c.file);
    assert.deepEqual(Object.keys(z).sort(), Object.keys(c.expected).sort(), `${c.file}: names`);
    for (const [name, enc] of Object.entries(c.expected)) assertArray(z[name], enc, `${c.file}[${name}]`);
  }
});

test('np.load refuses dangerous or broken .npz archives', () => {
  for (const c of fixture.npz_errors) {
    const e = thrown(() => np.load(fixturePath(c.file)), c.file);
    assert.ok(e.message.includes(c.match), `${c.file}: ${JSON.stringify(e.message)} should contain ${JSON.stringify(c.match)}`);
    assert.ok(e.message.includes(c.file), `${c.file}: names the file: ${e.message}`);
  }
  // the zip-bomb limit on the total can be set
  const e = thrown(() => np.load(fixturePath('io/zeros.npz'), { maxUncompressedBytes: 1_000_000 }));
  assert.match(e.message, /would decompress to more than 1000000 bytes/);
});

test('every truncation of an .npz is an error, and a flipped byte never gives a wrong array', () => {
  const bytes = readFileSync(fixturePath('io/savez.npz'));
  const good = np.load(fixturePath('io/savez.npz'));
  for (let cut = 0; cut < bytes.length; cut++) {
    const e = thrown(() => np.load(bytes.subarray(0, cut)), `cut at ${cut}`);
    assert.ok(e.message.startsWith('kiln.np.load: <bytes>: '), e.message);
  }
  for (let at = 0; at < bytes.length; at++) {
    const broken = Uint8Array.from(bytes);
    broken[at]! ^= 0x5a;
    let z: ReturnType<typeof np.load>;
    try {
      z = np.load(broken);
    } catch {
      continue; // refused: fine
    }
    // loaded anyway (a timestamp or other unchecked byte): it must be the same data
    assert.ok(!(z instanceof np.NDArray));
    for (const [name, a] of Object.entries(good)) {
      assert.deepEqual(exactValues(z[name]!), exactValues(a), `byte ${at} flipped: ${name}`);
      assert.equal(z[name]!.dtype, a.dtype);
    }
  }
});

test('np.savez and np.savezCompressed round-trip named and positional arrays', () => {
  const dir = freshDir();
  const a = np.arange(6).reshape(2, 3);
  const b = np.array([1.5, -2, NaN], { dtype: 'float32' });
  for (const [fn, name] of [[np.savez, 'plain'], [np.savezCompressed, 'packed']] as const) {
    fn(join(dir, name), a.T, b, { weights: np.ones([4], { dtype: 'float16' }), 'nested/name': np.array(true) });
    const z = np.load(join(dir, `${name}.npz`) as `${string}.npz`);
    assert.deepEqual(Object.keys(z), ['arr_0', 'arr_1', 'weights', 'nested/name']);
    assert.deepEqual(z.arr_0!.tolist(), a.T.tolist());
    assert.deepEqual(exactValues(z.arr_1!), exactValues(b));
    assert.equal(z.weights!.dtype, 'float16');
    assert.equal(z['nested/name']!.item(), true);
  }
  assert.ok(readFileSync(join(dir, 'packed.npz')).length < readFileSync(join(dir, 'plain.npz')).length + 200);
  assert.equal(thrown(() => np.savez(join(dir, 'x'), a, { arr_0: b })).message, 'Cannot use un-named variables and keyword arr_0');
  for (const bad of ['../up', '/abs', 'a\\b', 'a/../../b', '']) {
    assert.match(thrown(() => np.savez(join(dir, 'bad'), { [bad]: a }), bad).message, /refusing the array name/);
  }
  assert.ok(!existsSync(join(dir, 'bad.npz')) && !existsSync(join(dir, 'x.npz')));
  np.savez(join(dir, 'none'));
  assert.deepEqual(Object.keys(np.load(join(dir, 'none.npz'))), []);
});

// ---- atomic writes ----------------------------------------------------------------------------

test('a save into a missing directory throws and leaves nothing behind', () => {
  const dir = freshDir();
  const target = join(dir, 'missing', 'a.npy');
  const e = thrown(() => np.save(target, np.arange(3)));
  assert.equal(e.name, 'FileNotFoundError');
  assert.equal(e.message, `kiln.np.save: ${target}: no such file or directory`);
  assert.deepEqual(filesIn(dir), []);
  assert.match(thrown(() => np.savetxt(join(dir, 'missing', 'a.txt'), np.arange(3))).message, /^kiln\.np\.savetxt: /);
  assert.match(thrown(() => np.savez(join(dir, 'missing', 'a'), np.arange(3))).message, /^kiln\.np\.savez: /);
  assert.deepEqual(filesIn(dir), []);
});

test('a failure in the middle of a write leaves the old file intact and no temporary file', () => {
  const dir = freshDir();
  const file = join(dir, 'table.txt');
  np.savetxt(file, np.arange(4), { fmt: '%d' });
  const before = readFileSync(file, 'utf8');
  // 20000 rows are written out in chunks before the NaN in the last row fails '%d'
  const rows = np.array([...Array.from({ length: 20000 }, (_, i) => i + 0.5), NaN]);
  assertNumpyError(() => np.savetxt(file, rows, { fmt: '%d' }), { error: 'ValueError', message: 'cannot convert float NaN to integer' }, 'NaN as %d');
  assert.equal(readFileSync(file, 'utf8'), before);
  assert.deepEqual(filesIn(dir), ['table.txt']);

  // a failure while building an .npz (a bad name after good arrays) leaves the old archive
  np.savez(join(dir, 'arch.npz'), { a: np.arange(3) });
  const archive = readFileSync(join(dir, 'arch.npz'));
  thrown(() => np.savez(join(dir, 'arch.npz'), { a: np.arange(3), '../b': np.arange(2) }));
  assert.deepEqual(readFileSync(join(dir, 'arch.npz')), archive);
  assert.deepEqual(filesIn(dir), ['arch.npz', 'table.txt']);
});

test('writes replace files atomically, keep their permissions and go through symlinks', () => {
  const dir = freshDir();
  const file = join(dir, 'a.npy');
  np.save(file, np.arange(3));
  chmodSync(file, 0o640);
  np.save(file, np.arange(5));
  assert.deepEqual((np.load(file) as np.NDArray).shape, [5]);
  if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o640);
  // a symlink is written through, not replaced
  if (process.platform !== 'win32') {
    symlinkSync('a.npy', join(dir, 'link.npy'));
    np.save(join(dir, 'link.npy'), np.arange(7));
    assert.deepEqual((np.load(file) as np.NDArray).shape, [7]);
    assert.ok(readdirSync(dir, { withFileTypes: true }).find((d) => d.name === 'link.npy')!.isSymbolicLink());
  }
  // a directory where the file should go: an error, and nothing left over
  mkdirSync(join(dir, 'b.npy'));
  thrown(() => np.save(join(dir, 'b.npy'), np.arange(3)));
  assert.deepEqual(filesIn(dir).filter((f) => f !== 'link.npy'), ['a.npy', 'b.npy']);
});

// ---- text -------------------------------------------------------------------------------------

function readerSource(c: ReaderCase, i: number, kind: string): string {
  if (c.file) return fixturePath(c.file);
  const file = join(tmp, `${kind}-${i}.txt`);
  writeFileSync(file, c.text!);
  return file;
}

test('np.loadtxt agrees with NumPy, errors included', () => {
  fixture.loadtxt.forEach((c, i) => {
    const label = `loadtxt #${i} ${JSON.stringify(c.text ?? c.file)} ${JSON.stringify(c.kw)}`;
    const source = readerSource(c, i, 'loadtxt');
    if ('error' in c.expected) assertNumpyError(() => np.loadtxt(source, c.kw), c.expected, label);
    else assertArray(np.loadtxt(source, c.kw), c.expected, label);
  });
});

test('np.genfromtxt agrees with NumPy: missing values, filling values, bad rows', () => {
  fixture.genfromtxt.forEach((c, i) => {
    const label = `genfromtxt #${i} ${JSON.stringify(c.text ?? c.file)} ${JSON.stringify(c.kw)}`;
    const source = readerSource(c, i, 'genfromtxt');
    if ('error' in c.expected) assertNumpyError(() => np.genfromtxt(source, c.kw), c.expected, label);
    else assertArray(np.genfromtxt(source, c.kw), c.expected, label);
  });
});

test('np.savetxt writes what NumPy writes for every format', () => {
  const dir = freshDir();
  fixture.savetxt.forEach((c, i) => {
    const label = `savetxt #${i} ${c.a.dtype} ${JSON.stringify(c.kw)}`;
    const file = join(dir, `out${i}.txt`);
    const a = decodeArray(c.a);
    if ('error' in c.expected) {
      assertNumpyError(() => np.savetxt(file, a, c.kw), c.expected, label);
      assert.ok(!existsSync(file), `${label}: no file after an error`);
    } else {
      np.savetxt(file, a, c.kw);
      assert.equal(readFileSync(file, 'utf8'), c.expected.text, label);
    }
  });
  assert.deepEqual(filesIn(dir).filter((f) => !f.startsWith('out')), []);
});

test('seed example: savetxt and loadtxt on a delimited file', () => {
  const dir = freshDir();
  const file = join(dir, 'data.csv');
  const a = np.array([[1, 2.5, -3], [4.125, 5, 6e-7]]);
  np.savetxt(file, a, { delimiter: ',', header: 'x,y,z' });
  assert.ok(readFileSync(file, 'utf8').startsWith('# x,y,z\n1.000000000000000000e+00,2.500000000000000000e+00,'));
  const b = np.loadtxt(file, { delimiter: ',' });
  assert.deepEqual(b.tolist(), a.tolist());
  const [x, y] = [0, 1].map((i) => (np.loadtxt(file, { delimiter: ',', usecols: i }) as np.NDArray).tolist());
  assert.deepEqual(x, [1, 4.125]);
  assert.deepEqual(y, [2.5, 5]);
  // .gz files are compressed and read back
  np.savetxt(join(dir, 'data.txt.gz'), a, { fmt: '%.3f' });
  assert.deepEqual(np.loadtxt(join(dir, 'data.txt.gz')).tolist(), [[1, 2.5, -3], [4.125, 5, 0]]);
  // lines can be given directly, as NumPy accepts a list of str
  assert.deepEqual(np.loadtxt(['1 2', '3 4']).tolist(), [[1, 2], [3, 4]]);
  assert.deepEqual(np.genfromtxt(['1,,3'], { delimiter: ',', fillingValues: 0 }).tolist(), [1, 0, 3]);
});

// ---- kiln's files in real NumPy ---------------------------------------------------------------

const PYTHON_CHECK = String.raw`
import json, sys, io, math
import numpy as np
manifest = json.load(open(sys.argv[1]))
def decode(e):
    vals = [float(v) if v in ('nan', 'inf', '-inf', '-0.0') else (int(v) if isinstance(v, str) else v) for v in e['data']]
    if e['dtype'].startswith('complex'):  # interleaved parts
        vals = [complex(vals[i], vals[i + 1]) for i in range(0, len(vals), 2)]
    return np.array(vals, dtype=e['dtype']).reshape(e['shape'])
def same(a, e):
    want = decode(e)
    return a.dtype == want.dtype and a.shape == want.shape and np.array_equal(a, want, equal_nan=a.dtype.kind in 'fc')
problems = []
for item in manifest:
    f = item['file']
    try:
        if item['kind'] == 'npy':
            a = np.load(f)
            if not same(a, item['expected']): problems.append(f'{f}: values differ: {a!r}')
            buf = io.BytesIO(); np.save(buf, decode(item['expected']))
            if buf.getvalue() != open(f, 'rb').read(): problems.append(f'{f}: bytes differ from np.save')
        elif item['kind'] == 'npz':
            with np.load(f) as z:
                if sorted(z.files) != sorted(item['expected']): problems.append(f'{f}: names {z.files}')
                for k, e in item['expected'].items():
                    if not same(z[k], e): problems.append(f'{f}[{k}]: values differ')
        else:
            s = io.StringIO(); np.savetxt(s, decode(item['array']), **item['kw'])
            if s.getvalue() != open(f, newline='').read(): problems.append(f'{f}: text differs: {open(f).read()[:200]!r} vs {s.getvalue()[:200]!r}')
            if item.get('exact') and not np.array_equal(np.loadtxt(f), decode(item['array']).astype(float), equal_nan=True): problems.append(f'{f}: loadtxt differs')
    except Exception as ex:
        problems.append(f'{f}: {type(ex).__name__}: {ex}')
print(json.dumps(problems))
`;

function hasNumpy(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

test('files kiln writes load in real NumPy (npy, npz, savetxt)', (t) => {
  if (!hasNumpy()) {
    t.skip('python3 with numpy is not available: kiln-written files were not checked in NumPy');
    return;
  }
  const dir = freshDir();
  const manifest: Record<string, unknown>[] = [];
  for (const dtype of DTYPES) {
    const enc = samples.get(dtype)!;
    const a = decodeArray(enc);
    const file = join(dir, `${dtype}.npy`);
    np.save(file, a);
    manifest.push({ kind: 'npy', file, expected: enc });
    // a non-contiguous view is written in C order
    const tfile = join(dir, `${dtype}-T.npy`);
    np.save(tfile, a.T);
    // (complex data holds two parts per element)
    const per = dtype.startsWith('complex') ? 2 : 1;
    const tEnc = { dtype: enc.dtype, shape: [3, 2], data: [0, 3, 1, 4, 2, 5].flatMap((k) => enc.data.slice(per * k, per * k + per)) };
    manifest.push({ kind: 'npy', file: tfile, expected: tEnc });
  }
  for (const [name, arr, enc] of [
    ['scalar', np.array(2.5).reshape([]), { dtype: 'float64', shape: [], data: [2.5] }],
    ['empty', np.zeros([0, 4], { dtype: 'int16' }), { dtype: 'int16', shape: [0, 4], data: [] }],
    ['broadcast', np.broadcastTo(np.arange(3).astype('int32'), [2, 3]), { dtype: 'int32', shape: [2, 3], data: [0, 1, 2, 0, 1, 2] }],
  ] as const) {
    const file = join(dir, `${name}.npy`);
    np.save(file, arr as np.NDArray);
    manifest.push({ kind: 'npy', file, expected: enc });
  }
  const expected = Object.fromEntries(DTYPES.map((d) => [d, samples.get(d)!]));
  const arrays = Object.fromEntries(DTYPES.map((d) => [d, decodeArray(samples.get(d)!)]));
  np.savez(join(dir, 'stored.npz'), arrays);
  np.savezCompressed(join(dir, 'deflated.npz'), arrays);
  manifest.push({ kind: 'npz', file: join(dir, 'stored.npz'), expected });
  manifest.push({ kind: 'npz', file: join(dir, 'deflated.npz'), expected });
  // column 0 stays finite for '%d'; no -0.0, which JSON cannot carry
  const table = { dtype: 'float64', shape: [3, 3], data: [0.1, -2.5, 1e300, 5e-324, Math.PI, -1e-5, 123456789.125, 'nan', 'inf'] };
  const txtCases: [string, Record<string, unknown>][] = [
    ['default', {}],
    ['csv', { delimiter: ',', fmt: '%.6g', header: 'a,b,c', footer: 'end' }],
    ['per-column', { fmt: ['%d', '%10.4f', '%s'], delimiter: '\t' }],
    ['row-format', { fmt: '%.2e|%g|%r', delimiter: '' }],
  ];
  for (const [name, kw] of txtCases) {
    const file = join(dir, `${name}.txt`);
    np.savetxt(file, decodeArray(table as EncodedArray), kw);
    manifest.push({ kind: 'txt', file, array: table, kw, exact: name === 'default' });
  }
  const manifestFile = join(dir, 'manifest.json');
  // -0.0 must survive the trip to Python, which plain JSON.stringify would not let it
  writeFileSync(manifestFile, JSON.stringify(manifest, (_, v) => (Object.is(v, -0) ? '-0.0' : v)));
  const r = spawnSync('python3', ['-c', PYTHON_CHECK, manifestFile], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
});
