/**
 * Error function, Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7):
 *
 *     erf(x) ≈ 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵) e^{−x²},   t = 1 / (1 + p·|x|),
 *
 * odd in x.
 */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly =
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  const y = 1 - poly * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** Standard normal CDF Φ(x) = (1 + erf(x / √2)) / 2. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/**
 * P(L <= x) for a log-normal latency L = median · e^{σZ}, Z ~ N(0, 1):
 * Φ(ln(x / median) / σ) (a step at the median when σ = 0).
 *
 * @throws RangeError if median is not > 0 or σ is negative.
 */
export function lognormalCdf(x: number, median: number, sigma: number): number {
  if (!(median > 0)) throw new RangeError(`median must be > 0, got ${median}`);
  if (!(sigma >= 0)) throw new RangeError(`sigma must be >= 0, got ${sigma}`);
  if (x <= 0) return 0;
  if (sigma === 0) return x >= median ? 1 : 0;
  return normalCdf(Math.log(x / median) / sigma);
}

/** Mean of a log-normal with that median and σ: median · e^{σ²/2}. */
export function lognormalMean(median: number, sigma: number): number {
  return median * Math.exp((sigma * sigma) / 2);
}

/**
 * A standard normal from two uniforms by Box–Muller: √(−2 ln(1 − u₁)) · cos(2π u₂), for
 * u₁, u₂ in [0, 1).
 */
export function normalFromUniforms(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/** An exponential variate with the given mean from a uniform u in [0, 1): −mean · ln(1 − u). */
export function exponentialFromUniform(u: number, mean: number): number {
  return -mean * Math.log(1 - u);
}
