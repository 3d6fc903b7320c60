/**
 * Run by native.test.ts in a child process (so KILN_ISA / KILN_NATIVE take effect at load):
 * prints the active kernels, the thread count and every battery result as one JSON line.
 */
import * as kiln from 'kiln';
import { battery, encode } from './native-battery.js';

const threads = Number(process.env.KILN_TEST_THREADS ?? 0);
if (threads > 0) kiln.setNumThreads(threads);
const results: Record<string, ReturnType<typeof encode>> = {};
for (const c of battery()) results[c.name] = encode(c.run());
process.stdout.write(JSON.stringify({ kernels: kiln.backends()[0]!.kernels, threads: kiln.getNumThreads(), results }) + '\n');
