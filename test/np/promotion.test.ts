/**
 * Type promotion and casts against NumPy 2 (test/fixtures/promotion.json, made by
 * scripts/fixtures/promotion.py): every dtype pair, NEP 50 weak scalars, astype between all dtypes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import { loadFixture } from '../helpers.js';
import { type Case, checkCases } from './fixture-cases.js';

interface PromoteCase { kind: 'promote'; a?: np.DType; b?: np.DType; types?: np.DType[]; result: string }
const { cases } = loadFixture<Case | PromoteCase>('promotion');
const calls = cases.filter((c): c is Case => !('kind' in c));
const byFn = (pred: (c: Case) => boolean): Case[] => calls.filter(pred);
const isScalar = (c: Case): boolean => c.args.some((a) => a !== null && typeof a === 'object' && 'py' in a);

test('promoteTypes and resultType for every dtype pair', () => {
  const bad: string[] = [];
  for (const c of cases) {
    if (!('kind' in c)) continue;
    const got = c.types ? np.resultType(...c.types) : np.promoteTypes(c.a!, c.b!);
    if (got !== c.result) bad.push(`${c.types ?? [c.a, c.b]}: expected ${c.result}, got ${got}`);
  }
  assert.deepEqual(bad, []);
});

test('binary ops on every dtype pair: result dtype and values', () => {
  checkCases(byFn((c) => c.fn !== '.astype' && !isScalar(c)));
});

test('arrays with Python scalars follow NEP 50', () => {
  checkCases(byFn((c) => c.fn !== '.astype' && isScalar(c)));
});

test('astype between every dtype pair', () => {
  checkCases(byFn((c) => c.fn === '.astype'));
});
