/**
 * NumPy's ziggurat samplers for the standard normal and standard exponential distributions
 * (random_standard_normal, random_standard_exponential and their float32 forms in
 * numpy/random/src/distributions/distributions.c), draw for draw.
 */
import type { BitGenerator } from './bit-generator.js';
import { EXPONENTIAL_32, EXPONENTIAL_64, NORMAL_32, NORMAL_64 } from './ziggurat-tables.js';

interface Tables<K, V> { k: K; w: V; f: V }

function tables64(b64: string): Tables<Float64Array, Float64Array> {
  const bytes = Buffer.from(b64, 'base64');
  const all = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { k: all.subarray(0, 256), w: all.subarray(256, 512), f: all.subarray(512, 768) };
}

function tables32(b64: string): Tables<Uint32Array, Float32Array> {
  const bytes = Buffer.from(b64, 'base64');
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return { k: new Uint32Array(buf, 0, 256), w: new Float32Array(buf, 1024, 256), f: new Float32Array(buf, 2048, 256) };
}

const NOR = tables64(NORMAL_64);
const EXP = tables64(EXPONENTIAL_64);
const NOR_F = tables32(NORMAL_32);
const EXP_F = tables32(EXPONENTIAL_32);

const NOR_R = 3.6541528853610087963519472518;
const NOR_INV_R = 0.27366123732975827203338247596;
const EXP_R = 7.6971174701310497140446280481;
const f32 = Math.fround;
const NOR_R_F = f32(NOR_R);
const NOR_INV_R_F = f32(NOR_INV_R);
const EXP_R_F = f32(EXP_R);

/** A float in [0, 1) from the top 24 bits of a 32-bit draw (next_float; NumPy 2 uses 24 bits). */
export function nextFloat(bg: BitGenerator): number {
  return (bg.next32() >>> 8) * (1 / 16777216);
}

/**
 * NumPy 2's tails take log1p(-U). glibc's log1p and V8's Math.log1p both come from fdlibm and
 * agree on all but ~0.1% of inputs (a correctly rounded log of 1 - U would miss ~7%).
 */
const log1pf = (x: number): number => f32(Math.log1p(x));

export function standardNormal(bg: BitGenerator): number {
  for (;;) {
    const hi = bg.next64();
    const lo = bg.lo;
    // 8 bits of layer index, 1 sign bit, 52 bits of position within the layer
    const idx = lo & 0xff;
    const negative = (lo >>> 8) & 1;
    const rabs = (hi & 0x1fffffff) * 8388608 + (lo >>> 9);
    let x = rabs * NOR.w[idx]!;
    if (negative) x = -x;
    if (rabs < NOR.k[idx]!) return x; // 99.3% of draws end here
    if (idx === 0) {
      // the tail beyond r, by Marsaglia's exponential method
      for (;;) {
        const xx = -NOR_INV_R * Math.log1p(-bg.nextDouble());
        const yy = -Math.log1p(-bg.nextDouble());
        if (yy + yy > xx * xx) return (lo >>> 17) & 1 ? -(NOR_R + xx) : NOR_R + xx; // bit 8 of rabs
      }
    }
    if ((NOR.f[idx - 1]! - NOR.f[idx]!) * bg.nextDouble() + NOR.f[idx]! < Math.exp(-0.5 * x * x)) return x;
  }
}

export function standardNormalF(bg: BitGenerator): number {
  for (;;) {
    const r = bg.next32();
    const idx = r & 0xff;
    const negative = (r >>> 8) & 1;
    const rabs = r >>> 9;
    let x = f32(rabs * NOR_F.w[idx]!);
    if (negative) x = -x;
    if (rabs < NOR_F.k[idx]!) return x;
    if (idx === 0) {
      for (;;) {
        const xx = f32(-NOR_INV_R_F * log1pf(-nextFloat(bg)));
        const yy = f32(-log1pf(-nextFloat(bg)));
        if (f32(yy + yy) > f32(xx * xx)) return (rabs >>> 8) & 1 ? -f32(NOR_R_F + xx) : f32(NOR_R_F + xx);
      }
    }
    const edge = f32(f32(f32(NOR_F.f[idx - 1]! - NOR_F.f[idx]!) * nextFloat(bg)) + NOR_F.f[idx]!);
    if (edge < Math.exp(-0.5 * x * x)) return x;
  }
}

export function standardExponential(bg: BitGenerator): number {
  for (;;) {
    const hi = bg.next64();
    const lo = bg.lo;
    // drop 3 bits, then 8 bits of layer index and 53 bits of position
    const idx = (lo >>> 3) & 0xff;
    const ri = hi * 2097152 + (lo >>> 11);
    const x = ri * EXP.w[idx]!;
    if (ri < EXP.k[idx]!) return x; // 98.9% of draws end here
    if (idx === 0) return EXP_R - Math.log1p(-bg.nextDouble()); // the tail beyond r, memoryless
    if ((EXP.f[idx - 1]! - EXP.f[idx]!) * bg.nextDouble() + EXP.f[idx]! < Math.exp(-x)) return x;
  }
}

export function standardExponentialF(bg: BitGenerator): number {
  for (;;) {
    const r = bg.next32();
    const idx = (r >>> 1) & 0xff;
    const ri = r >>> 9;
    const x = f32(ri * EXP_F.w[idx]!);
    if (ri < EXP_F.k[idx]!) return x;
    if (idx === 0) return f32(EXP_R_F - log1pf(-nextFloat(bg)));
    const edge = f32(f32(f32(EXP_F.f[idx - 1]! - EXP_F.f[idx]!) * nextFloat(bg)) + EXP_F.f[idx]!);
    if (edge < f32(Math.exp(-x))) return x;
  }
}
