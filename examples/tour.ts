/**
 * A tour of kiln's NumPy face: the seed's NumPy walkthrough, line by line, with its printed
 * results. Run it with `npm run tour`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { np } from 'kiln';

const show = (label: string, value: unknown): void => {
  console.log(`${label}\n${value instanceof np.NDArray ? value.toString() : String(value)}\n`);
};

// Arrays from lists and nested lists
const data1 = [6, 7.5, 8, 0, 1];
const arr1 = np.array(data1);
show('np.array([6, 7.5, 8, 0, 1])', arr1);
const arr2 = np.array([[1, 2, 3, 4], [5, 6, 7, 8]]);
show('np.array([[1, 2, 3, 4], [5, 6, 7, 8]])', arr2);
console.log(`arr2.ndim = ${arr2.ndim}, arr2.shape = (${arr2.shape.join(', ')}), arr2.dtype = ${arr2.dtype}\n`);

// dtypes: given, and changed with astype (which copies)
const f = np.array([1, 2, 3], { dtype: 'float64' });
const i = np.array([1, 2, 3], { dtype: 'int32' });
console.log(`float64 array dtype: ${f.dtype}, int32 array dtype: ${i.dtype}`);
const floats = np.array([3.7, -1.2, -2.6, 0.5, 12.9, 10.1]);
show('floats.astype(int32) truncates toward zero', floats.astype('int32'));

// Slices are views
const arr = np.arange(10);
show('arr = np.arange(10)', arr);
arr.set('5:8', 12);
show("arr[5:8] = 12", arr);
const slice = arr.get('5:8') as np.NDArray;
slice.set(1, 12345);
show('arr_slice[1] = 12345 changes arr', arr);
slice.set(':', 64);
show('arr_slice[:] = 64', arr);
const independent = (arr.get('5:8') as np.NDArray).copy();
independent.set(':', 0);
show('a copy() is independent: arr is unchanged', arr);

// 2-D indexing and slicing
const arr2d = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
show('arr2d[2]', arr2d.get(2));
show('arr2d[0][2] and arr2d[0, 2]', `${(arr2d.get(0) as np.NDArray).get(2)} ${arr2d.get([0, 2])}`);
show('arr2d[:2, 1:]', arr2d.get(':2, 1:'));

// Boolean indexing
const names = np.array([0, 1, 2, 0, 2, 1, 1]); // 0 = Bob, 1 = Joe, 2 = Will
const rng = np.random.defaultRng(42);
const data = rng.standardNormal([7, 4]) as np.NDArray;
const isBob = np.equal(names, 0);
show('names == Bob', isBob);
show('data[names == Bob]', data.get(isBob));
data.set(np.less(data, 0), 0);
show('data[data < 0] = 0', data);

// Creation functions
show('np.arange(15)', np.arange(15));
show('np.linspace(1, 10, 20)', np.linspace(1, 10, 20));
show('np.zeros(10)', np.zeros(10));
show('np.ones([2, 3])', np.ones([2, 3]));
show('np.eye(3)', np.eye(3));

// Attributes
const a = np.arange(12, { dtype: 'float32' }).reshape(3, 4);
console.log(`shape=(${a.shape.join(', ')}) ndim=${a.ndim} size=${a.size} dtype=${a.dtype} itemsize=${a.itemsize} nbytes=${a.nbytes} strides=(${a.strides.join(', ')})\n`);

// Joining copies
const x = np.array([[1, 2], [3, 4]]);
const y = np.array([[5, 6], [7, 8]]);
const v = np.vstack([x, y]);
const h = np.hstack([x, y]);
show('np.vstack([x, y])', v);
show('np.hstack([x, y])', h);
v.set([0, 0], 100);
console.log(`after v[0, 0] = 100, x[0, 0] is still ${x.get([0, 0])} (vstack copied)\n`);

// Transpose is a view; products
const m = np.arange(15).reshape(3, 5);
show('m.T', m.T);
show('np.dot(m.T, m)', np.dot(m.T, m));
console.log(`m.T shares memory with m: ${np.sharesMemory(m, m.T)}`);

// Files: .npy round trip and a delimited text file
const dir = mkdtempSync(join(tmpdir(), 'kiln-tour-'));
np.save(join(dir, 'some_array'), np.arange(10));
show("np.load('some_array.npy')", np.load(join(dir, 'some_array.npy')));
np.savetxt(join(dir, 'table.csv'), np.array([[1, 2.5], [3, 4.25]]), { delimiter: ',', fmt: '%.2f' });
show("np.loadtxt('table.csv', {delimiter: ','})", np.loadtxt(join(dir, 'table.csv'), { delimiter: ',' }));

// Linear algebra
const X = np.array([[1, 2], [3, 4]], { dtype: 'float64' });
show('X.T @ X', np.matmul(X.T, X));
const [w, vecs] = np.linalg.eigh(np.matmul(X.T, X));
show('eigenvalues of X.T @ X', w);
show('eigenvectors', vecs);
show('inv(X)', np.linalg.inv(X));
rmSync(dir, { recursive: true });
