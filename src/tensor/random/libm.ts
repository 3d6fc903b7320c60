/**
 * glibc's double-precision log, sin and cos (x86-64, FMA build: the libm PyTorch's CPU kernels
 * call through std::log / std::sin / std::cos), reproduced operation for operation so float64
 * samples match PyTorch bit for bit. V8's Math.log/sin/cos are within an ulp but differ in the
 * last bit for a few percent of inputs; glibc's results aren't always correctly rounded either,
 * so only its own algorithms give its numbers.
 *
 * - log: the table-driven algorithm of Arm's optimized-routines (Szabolcs Nagy, 2018; its table
 *   and polynomials are Arm's published constants, Apache-2.0/MIT), as glibc 2.28+ ships it.
 * - sin/cos: the IBM Accurate Mathematical Library's do_sin/do_cos over a table of sin and cos at
 *   k/128 (computed here exactly with BigInts), with glibc 2.28+'s range reduction.
 *
 * GCC compiles these with -mfma and contracts `a * b + c` into fused multiply-adds; each `fma`
 * below marks one such contraction, found by matching glibc on millions of inputs.
 * Only the inputs the random kernels pass are supported: log on (0, 1], sin/cos on [0, 2 pi).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // [low, high] on little-endian machines

// ---- exact fused multiply-add ----------------------------------------------------------------

/** The spacing of doubles at |x| (x finite, nonzero). */
function ulp(x: number): number {
  f64[0] = x;
  const e = (u32[1]! >>> 20) & 0x7ff;
  return e === 0 ? 2 ** -1074 : 2 ** (e - 1075);
}

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

/**
 * fma(a, b, c) correctly rounded: a * b = uh + ul exactly (Dekker), c + ul = th + tl and
 * uh + th = vh + vl exactly (TwoSum), so the result is RN(vh + (vl + tl)). Rounding vl + tl
 * first can only matter when vh + w then sits exactly halfway between two doubles; the sign of
 * what was dropped decides those ties.
 */
export function fma(a: number, b: number, c: number): number {
  const uh = a * b;
  if (!(Math.abs(a) < 2 ** 995 && Math.abs(b) < 2 ** 995 && Math.abs(uh) < 2 ** 1000 && Math.abs(c) < 2 ** 1000)) return uh + c;
  let z = SPLIT * a;
  const ah = z - (z - a);
  const al = a - ah;
  z = SPLIT * b;
  const bh = z - (z - b);
  const bl = b - bh;
  const ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl;
  if (ul === 0) return uh + c; // the product is exact: one rounding, as fma
  const th = c + ul;
  z = th - c;
  const tl = (c - (th - z)) + (ul - z);
  const vh = uh + th;
  z = vh - uh;
  const vl = (uh - (vh - z)) + (th - z);
  const w = vl + tl;
  z = w - vl;
  const ew = (vl - (w - z)) + (tl - z);
  const r = vh + w;
  if (ew === 0 || r === 0) return r;
  z = r - vh;
  const er = (vh - (r - z)) + (w - z); // vh + w = r + er exactly
  if (er === 0 || (er > 0) !== (ew > 0) || !isPowerOfTwo(er)) return r;
  // a tie that ties-to-even broke toward r, while the dropped ew lies beyond it
  const u = ulp(r);
  const tie = Math.abs(er) === u / 2 || (Math.abs(er) === u / 4 && (er > 0) !== (r > 0) && isPowerOfTwo(r));
  return tie ? r + 2 * er : r;
}

function isPowerOfTwo(x: number): boolean {
  f64[0] = x;
  return (u32[1]! & 0xfffff) === 0 && u32[0] === 0;
}

// ---- log -----------------------------------------------------------------------------------

const LN2_HI = 0.6931471805598903;
const LN2_LO = 5.497923018708371e-14;
// log1p(r) - r on |r| < 1/256, and log(1 + r) near 1
const A0 = -0.5000000000000001;
const A1 = 0.33333333331825593;
const A2 = -0.2499999999622955;
const A3 = 0.20000304511814496;
const A4 = -0.16667054827627667;
const B = [
  -0.5, 0.3333333333333352, -0.24999999999998432, 0.19999999999320328, -0.16666666669929706,
  0.14285715076560868, -0.12499997863982555, 0.11110712032936046, -0.10000486757818193,
  0.09181994006195467, -0.08328363062289341,
] as const;
const [B0, B1, B2, B3, B4, B5, B6, B7, B8, B9, B10] = B;
/** 1/c and log(c) for the 128 subintervals of [0x1.6p-1, 0x1.6p0) (pairs, flattened). */
const LOG_TABLE = new Float64Array([
  1.4504249240398293, -0.3718565645633589, 1.442253508327276, -0.36620682668944937, 1.4341736174350004, -0.3605888069791945, 1.426183816329995, -0.3550022171419869,
  1.4182825527052965, -0.34944666968829097, 1.4104682921759335, -0.3439217713603284, 1.4027396147468003, -0.3384271921261188, 1.3950954438932313, -0.332962831494342,
  1.3875338232485754, -0.32752794345742586, 1.3800539211058593, -0.32212257167088865, 1.3726542695419708, -0.3167462884799761, 1.3653332798446802, -0.3113985598928366,
  1.358090204587874, -0.3060794515165526, 1.3509234892132138, -0.300788424667644, 1.3438320840699889, -0.2955252968476998, 1.3368146974742003, -0.29028969275850613,
  1.329870114677736, -0.2850812793277555, 1.322997339161106, -0.27989987391470095, 1.316195352741367, -0.27474526621870154, 1.3094628125672239, -0.2696169863701243,
  1.3027990455471041, -0.26451506180308115, 1.2962024229438942, -0.2594387762767383, 1.2896726275815547, -0.2543884090981692, 1.2832080305745537, -0.24936321635129843,
  1.276807885983376, -0.24436312405975968, 1.2704714060687552, -0.23938801747897287, 1.2641976054949482, -0.23443761696705678, 1.257985357514882, -0.22951151871518505,
  1.2518337750655457, -0.2246094963439873, 1.2457421919097305, -0.21973149037705753, 1.2397094966625508, -0.2148770752847895, 1.2337348463589233, -0.210046029103637,
  1.2278176973028803, -0.20523836373934046, 1.2219570190618474, -0.20045368751368642, 1.2161519732977757, -0.1956917537758045, 1.2104018095009725, -0.19095237845203883,
  1.204705805718973, -0.18623539250290833, 1.1990631185441964, -0.18154051731551135, 1.1934733004462308, -0.1768677957431919, 1.1879350812847385, -0.17221657406412305,
  1.1824481322833125, -0.16758697765942543, 1.1770114976921955, -0.16297859687290384, 1.1716248121809465, -0.15839151377804228, 1.1662869231674715, -0.15382513241456763,
  1.1609977486762766, -0.14927976358922024, 1.1557563220795803, -0.14475495398119165, 1.1505619105480347, -0.14025044090817573, 1.1454138888505974, -0.1357660466685502,
  1.140311877374656, -0.1313018016355727, 1.1352550225747513, -0.12685731518763532, 1.1302429094831266, -0.1224325737671279, 1.1252747693068048, -0.11802724521862729,
  1.1203501571039876, -0.11364127671663482, 1.1154683327680124, -0.10927434611278386, 1.1106291463292157, -0.10492665324943573, 1.1058315813301596, -0.10059761422644442,
  1.1010752177696026, -0.09628717309055901, 1.0963597137952512, -0.09199534069557558, 1.0916844827550398, -0.08772190036688698, 1.0870487291277784, -0.08346643613867855,
  1.082452357388312, -0.07922916827544668, 1.0778948225025884, -0.0750099004750382, 1.0733751731601076, -0.07080805133352897, 1.068893585073351, -0.06662408085151128,
  1.0644491706655506, -0.06245745471915143, 1.0600414846328305, -0.0583080438042316, 1.0556701316181605, -0.05417576112313327, 1.051334750556926, -0.050060547896805474,
  1.0470347288442157, -0.045962101199052086, 1.0427699229652954, -0.04188056008865715, 1.0385395013738175, -0.03781540056183985, 1.034343418940345, -0.03376684757915882,
  1.0301811073173315, -0.029734619131772888, 1.026052043621297, -0.025718470239212365, 1.0219561082336197, -0.021718543925430822, 1.0178926505784922, -0.01773446126981071,
  1.0138614436244586, -0.013766252464051831, 1.0098620186501341, -0.009813706322574944, 1.0058938559734134, -0.005876555150052809, 1.00195696235014, -0.0019550499938532084,
  0.9961089923088509, 0.0038985973556009412, 0.9884170338185201, 0.011650571286395461, 0.9808429191005297, 0.019342955478919066, 0.9733840169987446, 0.0269766014846482,
  0.9660377568876556, 0.034552359728422744, 0.9588014945307369, 0.04207121767183253, 0.9516728569073111, 0.049533940950141186, 0.9446494635965822, 0.056941358295944156,
  0.9377288993026223, 0.06429439168346107, 0.9309091073790681, 0.0715936354946507, 0.924187681612722, 0.07884010933776153, 0.9175626765599192, 0.08603438905970506,
  0.9110320403624034, 0.09317721180013905, 0.9045935839762024, 0.10026951462748457, 0.8982456375922825, 0.10731170956330516, 0.8919860966782501, 0.11430473320717738,
  0.8858131121185129, 0.12124928503033061, 0.879725075760676, 0.12814583422959913, 0.8737201372634685, 0.1349951636851756, 0.8677966405782273, 0.1417978768189414,
  0.8619528050060739, 0.14855476039031146, 0.8561872354420692, 0.1552661937658968, 0.8504983927816893, 0.16193275688146969, 0.8448844572790304, 0.16855539792220497,
  0.8393442741575965, 0.1751343179947753, 0.8338762249349438, 0.1816702989864325, 0.8284789320557778, 0.18816387146023317, 0.8231510800065832, 0.1946155228479256,
  0.8178913903778707, 0.20102572579389744, 0.8126984007245374, 0.2073952090795501, 0.8075710029460227, 0.21372429840596396, 0.8025078881160415, 0.2200135945981856,
  0.7975077379364331, 0.22626374162859975, 0.792569604966373, 0.23247494747693054, 0.7876923641254114, 0.23864766620658884, 0.7828746724940998, 0.24478265647405806,
  0.7781155388790811, 0.25088025827324145, 0.7734139557869777, 0.2569408552510595, 0.7687687179914933, 0.26296511155101143, 0.7641790698041854, 0.2689531327189343,
  0.7596438763692399, 0.27490553924610595, 0.7551621951078668, 0.2808227248478943, 0.7507331780216866, 0.286704979267256, 0.7463557196361751, 0.29255295645509705,
  0.7420289364869653, 0.2983670386142876, 0.7377521537065876, 0.30414734587282055, 0.7335242966002608, 0.30989455774829366, 0.729344777457841, 0.31560871301871884,
]);

/** glibc's log for x in (0, 1] (normal doubles). */
export function log(x: number): number {
  f64[0] = x;
  const hi32 = u32[1]!;
  if (hi32 >= 0x3fee0000 && hi32 < 0x3ff10900) {
    // |x - 1| < 1/16: a polynomial in r = x - 1, with r^2/2 split exactly
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const p3 = fma(r3, B10, fma(r2, B9, fma(r, B8, B7)));
    const p2 = fma(r3, p3, fma(r2, B6, fma(r, B5, B4)));
    const p1 = fma(r3, p2, fma(r2, B3, fma(r, B2, B1)));
    const w0 = r * 134217728; // 2^27
    const rhi = r + w0 - w0;
    const rlo = r - rhi;
    const w = rhi * rhi * B0; // exact
    const hi = r + w;
    let lo = r - hi + w;
    lo = fma(B0 * rlo, rhi + r, lo);
    return fma(r3, p1, lo) + hi;
  }
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); c is the centre of z's subinterval
  const tmpHi = (hi32 - 0x3fe60000) | 0;
  const i = (tmpHi >> 13) & 127;
  const k = tmpHi >> 20;
  u32[1] = (hi32 - (tmpHi & 0xfff00000)) >>> 0;
  const z = f64[0]!;
  const invc = LOG_TABLE[2 * i]!;
  const logc = LOG_TABLE[2 * i + 1]!;
  const r = fma(z, invc, -1);
  const w = k * LN2_HI + logc; // the product is exact
  const hi = w + r;
  const lo = fma(k, LN2_LO, w - hi + r);
  const r2 = r * r;
  const q = fma(r2, fma(r, A4, A3), fma(r, A2, A1));
  return fma(r * r2, q, fma(r2, A0, lo)) + hi;
}

// ---- sin and cos ---------------------------------------------------------------------------

const S1 = -0.16666666666666666; // -0x1.5555555555555p-3
const S2 = 0.008333333333332329; // 0x1.1111111110ECEp-7
const S3 = -0.00019841269834414642; // -0x1.A01A019DB08B8p-13
const S4 = 2.755729806860771e-6; // 0x1.71DE27B9A7ED9p-19
const S5 = -2.5022014848318398e-8; // -0x1.ADDFFC2FCDF59p-26
const SN3 = -0.16666666666666488;
const SN5 = 0.008333332142857223;
const CS2 = 0.5;
const CS4 = -0.04166666666666644;
const CS6 = 0.001388888740079376;
const BIG = 52776558133248; // 0x1.8p45: adding it rounds to a multiple of 1/128
const HP0 = 1.5707963267948966; // pi/2 high part
const HP1 = 6.123233995736766e-17; // pi/2 low part
const MP1 = 1.5707963407039642;
const MP2 = -1.3909067564377153e-8;
const PP3 = -4.97899623147991e-17;
const PP4 = -1.9034889620193266e-25;
const HPINV = 0.6366197723675814; // 2/pi
const TOINT = 6755399441055744; // 0x1.8p52

let sincosTable: Float64Array | null = null;

/**
 * sin(k/128) and cos(k/128) for k = 0..109, each as a double plus the double nearest its error,
 * from Taylor series in 256-bit fixed point.
 */
function table(): Float64Array {
  if (sincosTable) return sincosTable;
  const BITS = 256n;
  const one = 1n << BITS;
  const out = new Float64Array(440);
  const split = (v: bigint): [number, number] => {
    const scale = 2 ** -256;
    const hi = Number(v) * scale; // Number(bigint) rounds to nearest
    const rest = v - BigInt(hi / scale);
    return [hi, Number(rest) * scale];
  };
  for (let k = 0; k < 110; k++) {
    const x = (BigInt(k) * one) / 128n;
    const x2 = (x * x) >> BITS;
    let term = x;
    let sin = 0n;
    for (let n = 1n; term !== 0n; n += 2n) {
      sin += term;
      term = -((term * x2) >> BITS) / ((n + 1n) * (n + 2n));
    }
    term = one;
    let cos = 0n;
    for (let n = 0n; term !== 0n; n += 2n) {
      cos += term;
      term = -((term * x2) >> BITS) / ((n + 1n) * (n + 2n));
    }
    out.set([...split(sin), ...split(cos)], 4 * k);
  }
  sincosTable = out;
  return out;
}

/** cos(x + dx) for |x| < 0.855469, from the table entry nearest |x|. */
function doCos(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ax = Math.abs(x);
  const u = BIG + ax;
  const k = 4 * Math.round((u - BIG) * 128);
  x = ax - (u - BIG) + dx;
  const t = table();
  const sn = t[k]!;
  const ssn = t[k + 1]!;
  const cs = t[k + 2]!;
  const ccs = t[k + 3]!;
  const xx = x * x;
  const s = fma(x * xx, fma(xx, SN5, SN3), x);
  const c = xx * fma(xx, fma(xx, CS6, CS4), CS2);
  const cor = fma(-sn, s, fma(-cs, c, fma(-s, ssn, ccs)));
  return cs + cor;
}

/** sin(x + dx) for |x| < 0.855469. */
function doSin(x: number, dx: number): number {
  const xold = x;
  if (Math.abs(x) < 0.126) {
    const xx = x * x;
    const p = fma(fma(fma(fma(S5, xx, S4), xx, S3), xx, S2), xx, S1);
    return x + fma(fma(p, x, -(0.5 * dx)), xx, dx);
  }
  if (x <= 0) dx = -dx;
  const ax = Math.abs(x);
  const u = BIG + ax;
  const k = 4 * Math.round((u - BIG) * 128);
  x = ax - (u - BIG);
  const t = table();
  const sn = t[k]!;
  const ssn = t[k + 1]!;
  const cs = t[k + 2]!;
  const ccs = t[k + 3]!;
  const xx = x * x;
  const s = x + fma(x * xx, fma(xx, SN5, SN3), dx);
  const c = fma(x, dx, xx * fma(xx, fma(xx, CS6, CS4), CS2));
  const cor = fma(cs, s, fma(-sn, c, fma(s, ccs, ssn)));
  const r = sn + cor;
  return xold < 0 ? -Math.abs(r) : Math.abs(r);
}

/** x - n pi/2 as a + da, for 2.426265 <= |x| < 105414350; returns n mod 4. */
function reduce(x: number, out: Float64Array): number {
  const t = fma(x, HPINV, TOINT);
  const xn = t - TOINT;
  f64[0] = t;
  const n = u32[0]! & 3;
  const y = fma(-xn, MP2, fma(-xn, MP1, x));
  const t2 = fma(-xn, PP3, y);
  let db = fma(-xn, PP3, y - t2);
  const b = fma(-xn, PP4, t2);
  db += fma(-xn, PP4, t2 - b);
  out[0] = b;
  out[1] = db;
  return n;
}

const reduced = new Float64Array(2);

function doSinCos(a: number, da: number, n: number): number {
  const r = n & 1 ? doCos(a, da) : doSin(a, da);
  return n & 2 ? -r : r;
}

/** glibc's sin for 0 <= x < 2 pi (any |x| below 105414350 works). */
export function sin(x: number): number {
  f64[0] = x;
  const k = u32[1]! & 0x7fffffff;
  if (k < 0x3e500000) return x;
  if (k < 0x3feb6000) return doSin(x, 0);
  if (k < 0x400368fd) {
    const r = doCos(HP0 - Math.abs(x), HP1);
    return x < 0 ? -Math.abs(r) : Math.abs(r);
  }
  const n = reduce(x, reduced);
  return doSinCos(reduced[0]!, reduced[1]!, n);
}

/** glibc's cos for 0 <= x < 2 pi (any |x| below 105414350 works). */
export function cos(x: number): number {
  f64[0] = x;
  const k = u32[1]! & 0x7fffffff;
  if (k < 0x3e400000) return 1;
  if (k < 0x3feb6000) return doCos(x, 0);
  if (k < 0x400368fd) {
    const y = HP0 - Math.abs(x);
    const a = y + HP1;
    return doSin(a, (y - a) + HP1);
  }
  const n = reduce(x, reduced);
  return doSinCos(reduced[0]!, reduced[1]!, n + 1);
}
