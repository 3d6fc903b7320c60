import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the tour (npm start) runs and prints NumPy-formatted results', () => {
  const out = execFileSync(process.execPath, ['--conditions=kiln-source', '--import', 'tsx', 'examples/tour.ts'], {
    cwd: root, encoding: 'utf8',
  });
  assert.match(out, /arr\[5:8\] = 12\n\[ 0 {2}1 {2}2 {2}3 {2}4 12 12 12 {2}8 {2}9\]/);
  assert.match(out, /np\.eye\(3\)\n\[\[1\. 0\. 0\.\]\n \[0\. 1\. 0\.\]\n \[0\. 0\. 1\.\]\]/);
  assert.match(out, /after v\[0, 0\] = 100, x\[0, 0\] is still 1/);
  assert.match(out, /eigenvalues of X\.T @ X\n\[ 0\.13393125 29\.86606875\]/);
});
