// Market-making quote models and their calibration, in f64.
//
// Units: everything is in one price unit and one time unit chosen by the
// caller (e.g. currency and seconds, or ticks and seconds): mid `s` and
// depths in price, `sigma` in price/sqrt(time), `k` in 1/price, `A` in
// 1/time, horizon `tau = T - t` in time, inventory `q` and lot `delta` in
// the same quantity unit. A depth is a distance from the mid: bid = s - db,
// ask = s + da.
//
// Parameters travel through PARAMS (32 f64 slots, see P_* below) written by
// the TS facade; batch inputs/outputs are f64 rows in a caller-provided
// buffer (the scratch buffer). Functions return a status (0 = ok,
// E_BAD_INPUT when a parameter is outside its domain) and never trap.
import { E_BAD_INPUT, OK } from "./status";

// ---- parameter block (f64 slots) ----
export const P_GAMMA = 0; // risk aversion gamma >= 0
export const P_SIGMA = 1; // volatility sigma >= 0, price/sqrt(time)
export const P_K = 2; // fill-intensity decay k > 0, 1/price
export const P_A = 3; // fill intensity at zero depth A > 0, 1/time (GLFT)
export const P_XI = 4; // GLFT xi >= 0 (xi = gamma: Gueant's model; 0: running penalty)
export const P_DELTA = 5; // GLFT lot size Delta > 0
export const P_FEE = 6; // execution cost >= 0 added to each side's half spread, price
export const P_TICK = 7; // tick size > 0, or 0 for no tick rounding
export const P_MAXPOS = 8; // inventory bound Q > 0 (Infinity for none)
export const P_HS_SCALE = 9; // GLFT half-spread multiplier (hftbacktest adj1), default 1
export const P_SKEW_SCALE = 10; // GLFT skew multiplier (hftbacktest adj2), default 1
// results of scalar functions
export const R0 = 16;
export const R1 = 17;
export const R2 = 18;
export const R3 = 19;

const PARAMS: usize = memory.data(32 * 8, 16);

/** Address of the f64 parameter/result block. */
export function quoteParamsPtr(): usize {
  return PARAMS;
}

// @ts-ignore: decorator
@inline
function par(i: i32): f64 {
  return load<f64>(PARAMS + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function setRes(i: i32, v: f64): void {
  store<f64>(PARAMS + (<usize>i << 3), v);
}

// ---- batch row layouts ----
/** Input row: mid, q, tau (tau is read by Avellaneda-Stoikov only). */
export const IN_STRIDE = 3;
/**
 * Output row: reservation, bidDepth, askDepth, bidPrice, askPrice, bidTick,
 * askTick, flags (bit 0: bid quoted, bit 1: ask quoted). A side that is not
 * quoted (inventory bound) has NaN price and tick; without a tick size both
 * ticks are NaN.
 */
export const OUT_STRIDE = 8;
export const FLAG_BID = 1;
export const FLAG_ASK = 2;

/**
 * Slack, in ticks, of the tick rounding: a price within 1e-9 tick of a grid
 * point counts as on it, so 0.3 / 0.1 = 2.9999999999999996 rounds to 3.
 */
const TICK_EPS: f64 = 1e-9;

/** log(1 + u) / u, continuous at u = 0 (limit 1); u > -1. */
// @ts-ignore: decorator
@inline
function log1pOverU(u: f64): f64 {
  // log1p is accurate for tiny u, so the ratio is too; only u == 0 is 0/0.
  return u == 0 ? 1.0 : Math.log1p(u) / u;
}

function finiteNonNeg(x: f64): bool {
  return isFinite<f64>(x) && x >= 0;
}

/** Checks the parameters shared by both models. */
function commonOk(): bool {
  const tick = par(P_TICK);
  const maxPos = par(P_MAXPOS);
  return (
    finiteNonNeg(par(P_GAMMA)) &&
    finiteNonNeg(par(P_SIGMA)) &&
    isFinite<f64>(par(P_K)) &&
    par(P_K) > 0 &&
    finiteNonNeg(par(P_FEE)) &&
    finiteNonNeg(tick) &&
    !isNaN<f64>(maxPos) &&
    maxPos > 0
  );
}

/**
 * Writes one output row from the model's depths (fee not yet added) around
 * `mid`, applying the fee, the inventory bound and tick rounding.
 */
function writeQuote(out: usize, mid: f64, q: f64, bidDepth: f64, askDepth: f64): void {
  const fee = par(P_FEE);
  const tick = par(P_TICK);
  const maxPos = par(P_MAXPOS);
  const db = bidDepth + fee;
  const da = askDepth + fee;
  // reservation = centre of the quotes = mid - (db - da)/2
  store<f64>(out, mid - (db - da) * 0.5);
  store<f64>(out, db, 8);
  store<f64>(out, da, 16);
  let flags: i32 = 0;
  if (q < maxPos) flags |= FLAG_BID;
  if (q > -maxPos) flags |= FLAG_ASK;
  const bid = mid - db;
  const ask = mid + da;
  let bidTick: f64 = NaN;
  let askTick: f64 = NaN;
  if (tick > 0) {
    bidTick = Math.floor(bid / tick + TICK_EPS);
    askTick = Math.ceil(ask / tick - TICK_EPS);
    // never cross: with both sides quoted, ask >= bid + 1 tick
    if (flags == (FLAG_BID | FLAG_ASK) && askTick < bidTick + 1) askTick = bidTick + 1;
  }
  const hasBid = (flags & FLAG_BID) != 0;
  const hasAsk = (flags & FLAG_ASK) != 0;
  store<f64>(out, hasBid ? bid : NaN, 24);
  store<f64>(out, hasAsk ? ask : NaN, 32);
  store<f64>(out, hasBid ? bidTick : NaN, 40);
  store<f64>(out, hasAsk ? askTick : NaN, 48);
  store<f64>(out, <f64>flags, 56);
}

// ---------------------------------------------------------------- Avellaneda-Stoikov

/**
 * Avellaneda-Stoikov (2008) quotes for n input rows (mid s, inventory q,
 * horizon tau = T - t) at inPtr; n output rows at outPtr.
 *
 *   reservation  r = s - q * gamma * sigma^2 * tau                     (eq. 29)
 *   total spread    = gamma * sigma^2 * tau + (2/gamma) ln(1 + gamma/k) (eq. 30)
 *   bid = r - spread/2 - fee,   ask = r + spread/2 + fee
 *
 * so bidDepth = q gamma sigma^2 tau + spread/2 + fee and askDepth =
 * spread/2 - q gamma sigma^2 tau + fee. At gamma = 0 the log term takes its
 * limit 2/k. Reads P_GAMMA, P_SIGMA, P_K, P_FEE, P_TICK, P_MAXPOS.
 */
export function asQuotes(inPtr: usize, n: i32, outPtr: usize): i32 {
  if (!commonOk() || n < 0) return E_BAD_INPUT;
  const gamma = par(P_GAMMA);
  const sigma = par(P_SIGMA);
  const k = par(P_K);
  const gs2 = gamma * sigma * sigma;
  // (2/gamma) ln(1 + gamma/k) = (2/k) * log1p(u)/u with u = gamma/k
  const liquidityTerm = (2.0 / k) * log1pOverU(gamma / k);
  for (let i = 0; i < n; i++) {
    const row = inPtr + <usize>(i * IN_STRIDE) * 8;
    const s = load<f64>(row);
    const q = load<f64>(row, 8);
    const tau = load<f64>(row, 16);
    if (!isFinite<f64>(s) || !isFinite<f64>(q) || !finiteNonNeg(tau)) return E_BAD_INPUT;
    const half = 0.5 * (gs2 * tau + liquidityTerm);
    const shift = q * gs2 * tau; // s - r
    writeQuote(outPtr + <usize>(i * OUT_STRIDE) * 8, s, q, shift + half, half - shift);
  }
  return OK;
}

// ---------------------------------------------------------------- GLFT

let glftC1: f64 = 0;
let glftC2: f64 = 0;

/**
 * Gueant-Lehalle-Fernandez-Tapia closed-form approximation, infinite horizon
 * (Gueant 2017, arXiv 1605.01862, eqs. 4.6/4.7), with lot Delta:
 *
 *   c1 = (1/(xi Delta)) ln(1 + xi Delta / k)
 *   c2 = sqrt( (gamma sigma^2 / (2 A Delta k)) (1 + xi Delta / k)^(k/(xi Delta) + 1) )
 *   bidDepth(q) = c1 + ((2q + Delta)/2) c2
 *   askDepth(q) = c1 - ((2q - Delta)/2) c2
 *
 * With u = xi Delta / k: c1 = (1/k) log1p(u)/u and the power term is
 * exp((1 + u) log1p(u)/u), so xi -> 0 is continuous: c1 -> 1/k and
 * c2 -> sqrt(e gamma sigma^2 / (2 A Delta k)).
 * Sets glftC1, glftC2; false when a parameter is outside its domain.
 */
function glftCoeffs(): bool {
  if (!commonOk()) return false;
  const gamma = par(P_GAMMA);
  const sigma = par(P_SIGMA);
  const k = par(P_K);
  const a = par(P_A);
  const xi = par(P_XI);
  const delta = par(P_DELTA);
  if (!(isFinite<f64>(a) && a > 0 && finiteNonNeg(xi) && isFinite<f64>(delta) && delta > 0)) {
    return false;
  }
  const u = (xi * delta) / k;
  const r = log1pOverU(u);
  glftC1 = r / k;
  const power = Math.exp((1 + u) * r);
  glftC2 = Math.sqrt(((gamma * sigma * sigma) / (2 * a * delta * k)) * power);
  return isFinite<f64>(glftC1) && isFinite<f64>(glftC2);
}

/**
 * GLFT coefficients into R0 = c1, R1 = c2, R2 = half spread c1 + (Delta/2) c2,
 * R3 = skew c2 (hftbacktest's half_spread and skew, sigma included, before
 * the scale factors).
 */
export function glftCoefficients(): i32 {
  if (!glftCoeffs()) return E_BAD_INPUT;
  setRes(R0, glftC1);
  setRes(R1, glftC2);
  setRes(R2, glftC1 + 0.5 * par(P_DELTA) * glftC2);
  setRes(R3, glftC2);
  return OK;
}

/**
 * GLFT quotes for n input rows (mid, q, unused) at inPtr; n output rows at
 * outPtr. With the hftbacktest scale factors adj1 = P_HS_SCALE and
 * adj2 = P_SKEW_SCALE (both 1 = the formula):
 *   halfSpread = adj1 (c1 + (Delta/2) c2),  skew = adj2 c2
 *   bidDepth = halfSpread + skew q + fee,   askDepth = halfSpread - skew q + fee
 * Reads P_GAMMA, P_SIGMA, P_K, P_A, P_XI, P_DELTA, P_FEE, P_TICK, P_MAXPOS,
 * P_HS_SCALE, P_SKEW_SCALE.
 */
export function glftQuotes(inPtr: usize, n: i32, outPtr: usize): i32 {
  if (!glftCoeffs() || n < 0) return E_BAD_INPUT;
  const adj1 = par(P_HS_SCALE);
  const adj2 = par(P_SKEW_SCALE);
  if (!finiteNonNeg(adj1) || !finiteNonNeg(adj2)) return E_BAD_INPUT;
  const half = adj1 * (glftC1 + 0.5 * par(P_DELTA) * glftC2);
  const skew = adj2 * glftC2;
  for (let i = 0; i < n; i++) {
    const row = inPtr + <usize>(i * IN_STRIDE) * 8;
    const s = load<f64>(row);
    const q = load<f64>(row, 8);
    if (!isFinite<f64>(s) || !isFinite<f64>(q)) return E_BAD_INPUT;
    writeQuote(outPtr + <usize>(i * OUT_STRIDE) * 8, s, q, half + skew * q, half - skew * q);
  }
  return OK;
}

// ---------------------------------------------------------------- calibration

/**
 * Volatility per sqrt(time unit) of n mids sampled every dt:
 *   returns x_i = m_i - m_{i-1}        (logReturns = false; sigma in price units)
 *   returns x_i = ln(m_i / m_{i-1})    (logReturns = true; sigma as a fraction,
 *                                       multiply by the mid for price units)
 *   sigma = stdev(x) / sqrt(dt), stdev with the mean removed and n-2 divisor
 *   (the n-1 returns' sample standard deviation).
 * NaN when n < 3, dt <= 0, a mid is not finite, or (log) a mid is <= 0.
 */
export function sigmaFromMids(ptr: usize, n: i32, dt: f64, logReturns: bool): f64 {
  if (n < 3 || !(dt > 0) || !isFinite<f64>(dt)) return NaN;
  // Welford's running mean/variance over the returns
  let mean: f64 = 0;
  let m2: f64 = 0;
  let prev = load<f64>(ptr);
  if (!isFinite<f64>(prev) || (logReturns && prev <= 0)) return NaN;
  for (let i = 1; i < n; i++) {
    const cur = load<f64>(ptr + (<usize>i << 3));
    if (!isFinite<f64>(cur) || (logReturns && cur <= 0)) return NaN;
    const x = logReturns ? Math.log(cur / prev) : cur - prev;
    const d = x - mean;
    mean += d / <f64>i;
    m2 += d * (x - mean);
    prev = cur;
  }
  return Math.sqrt(m2 / <f64>(n - 2) / dt);
}

/**
 * Empirical fill intensities at grid depths from per-step arrival depths
 * (hftbacktest's measurement): depthPtr holds nSteps values, the deepest
 * trade distance from the previous mid in each step (NaN or -Infinity for no
 * trade); lambda_j = #{steps with depth >= grid_j} / duration for each of
 * the nGrid grid depths, written to outPtr.
 */
export function tradeIntensities(
  depthPtr: usize,
  nSteps: i32,
  gridPtr: usize,
  nGrid: i32,
  duration: f64,
  outPtr: usize,
): i32 {
  if (nSteps < 0 || nGrid < 0 || !(duration > 0) || !isFinite<f64>(duration)) return E_BAD_INPUT;
  for (let j = 0; j < nGrid; j++) store<f64>(outPtr + (<usize>j << 3), 0);
  for (let i = 0; i < nSteps; i++) {
    const d = load<f64>(depthPtr + (<usize>i << 3));
    if (!(d >= -Infinity)) continue; // NaN: no trade
    for (let j = 0; j < nGrid; j++) {
      if (d >= load<f64>(gridPtr + (<usize>j << 3))) {
        const o = outPtr + (<usize>j << 3);
        store<f64>(o, load<f64>(o) + 1);
      }
    }
  }
  const inv = 1.0 / duration;
  for (let j = 0; j < nGrid; j++) {
    const o = outPtr + (<usize>j << 3);
    store<f64>(o, load<f64>(o) * inv);
  }
  return OK;
}

/**
 * Fits lambda(delta) = A e^(-k delta) to n (depth, intensity) points by
 * ordinary least squares on ln lambda = ln A - k delta (as hftbacktest).
 * Points with lambda <= 0 or non-finite values are skipped. Results:
 * R0 = A, R1 = k, R2 = r^2 of the log fit, R3 = points used.
 * E_BAD_INPUT unless at least two used points have distinct depths.
 */
export function fitIntensity(depthPtr: usize, lambdaPtr: usize, n: i32): i32 {
  let m: f64 = 0;
  let sx: f64 = 0;
  let sy: f64 = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(depthPtr + (<usize>i << 3));
    const l = load<f64>(lambdaPtr + (<usize>i << 3));
    if (!isFinite<f64>(x) || !isFinite<f64>(l) || !(l > 0)) continue;
    m += 1;
    sx += x;
    sy += Math.log(l);
  }
  if (m < 2) return E_BAD_INPUT;
  const mx = sx / m;
  const my = sy / m;
  let sxx: f64 = 0;
  let sxy: f64 = 0;
  let syy: f64 = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(depthPtr + (<usize>i << 3));
    const l = load<f64>(lambdaPtr + (<usize>i << 3));
    if (!isFinite<f64>(x) || !isFinite<f64>(l) || !(l > 0)) continue;
    const dx = x - mx;
    const dy = Math.log(l) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return E_BAD_INPUT;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  setRes(R0, Math.exp(intercept));
  setRes(R1, -slope);
  setRes(R2, syy > 0 ? (sxy * sxy) / (sxx * syy) : 1.0);
  setRes(R3, m);
  return OK;
}
