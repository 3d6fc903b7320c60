/**
 * np.random: NumPy's random numbers, stream for stream.
 *
 * - `defaultRng(seed)` gives a Generator over PCG64 seeded through SeedSequence, as
 *   `np.random.default_rng(seed)` does.
 * - `seed`, `rand`, `randn`, `randint`, `random`, `uniform`, `normal`, `choice`, `shuffle`,
 *   `permutation` are the legacy functions over one global RandomState (MT19937).
 *
 * For the same seed both give NumPy 2's values bit for bit, with one caveat, about logarithms.
 * Where a log feeds a sample's value, NumPy calls the C library's, and no JS function rounds
 * exactly as glibc's does; the draws made never change, so streams stay in step, but such a value
 * can differ from NumPy's (on Linux) in its last bit:
 * - legacy normals (polar method, log of every pair): kiln uses a correctly rounded log
 *   (exact-log.ts), which glibc's log agrees with on all but ~0.05% of inputs, where V8's
 *   Math.log misses ~7%; measured: 76 of 200000 legacy normals differ;
 * - Generator normal and exponential tails, and standardExponential({method: 'inv'}), take
 *   log1p(-U): Math.log1p and glibc's log1p both come from fdlibm and agree on all but ~0.1%;
 *   tails are rare, measured: 0 of 1.6 million float64 normals and exponentials differ;
 * - float32 tails use glibc's float log1pf, which kiln does not reproduce: measured, 4 of 1.6
 *   million float32 normals and exponentials differ by one float ulp.
 * Everything else (uniforms, integers of every dtype, choice, permutation, shuffle, the bodies of
 * the ziggurats, legacy uniforms and integers) matches exactly.
 */
export { Generator, defaultRng } from './generator.js';
export type { FloatDTypeOption, IntegersOptions } from './generator.js';
export type { ChoiceOptions } from './choice.js';
export type { Size } from './output.js';
export { PCG64 } from './pcg64.js';
export type { PCG64State } from './pcg64.js';
export { MT19937 } from './mt19937.js';
export { SeedSequence } from './seed-sequence.js';
export type { SeedLike } from './seed-sequence.js';
export type { BitGenerator } from './bit-generator.js';
export {
  RandomState, seed, rand, randn, randint, random, randomSample, standardNormal, uniform, normal, exponential,
  choice, shuffle, permutation,
} from './legacy.js';
export type { LegacySeed, LegacyChoiceOptions, RandintOptions } from './legacy.js';
