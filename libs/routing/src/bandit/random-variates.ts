import type { Rng } from '../rng.js';

/** Start of the normal's tail in the 128-layer ziggurat. */
const ZIGGURAT_R = 3.442619855899;
/** Area of each layer (and of the base strip with its tail). */
const ZIGGURAT_V = 9.91256303526217e-3;
/** The signed 25-bit value j spans [−2^24, 2^24). */
const ZIGGURAT_HALF_RANGE = 2 ** 24;
const ZIGGURAT_K = new Float64Array(128);
const ZIGGURAT_W = new Float64Array(128);
const ZIGGURAT_F = new Float64Array(128);

// Layer i spans x in [0, x_i); x_127 = r; x_{i} = f⁻¹(V / x_{i+1} + f(x_{i+1})), f(x) = e^{−x²/2}.
// k_i = (x_{i−1} / x_i) · 2^24 is the fast-accept bound, w_i = x_i / 2^24 the scale.
(function buildZiggurat(): void {
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = ZIGGURAT_V / Math.exp(-0.5 * dn * dn);
  ZIGGURAT_K[0] = (dn / q) * ZIGGURAT_HALF_RANGE;
  ZIGGURAT_K[1] = 0;
  ZIGGURAT_W[0] = q / ZIGGURAT_HALF_RANGE;
  ZIGGURAT_W[127] = dn / ZIGGURAT_HALF_RANGE;
  ZIGGURAT_F[0] = 1;
  ZIGGURAT_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIGGURAT_V / dn + Math.exp(-0.5 * dn * dn)));
    ZIGGURAT_K[i + 1] = (dn / tn) * ZIGGURAT_HALF_RANGE;
    tn = dn;
    ZIGGURAT_F[i] = Math.exp(-0.5 * dn * dn);
    ZIGGURAT_W[i] = dn / ZIGGURAT_HALF_RANGE;
  }
})();

/**
 * Draws from the distributions the bandit samples (normal, gamma, beta, inverse gamma) out of
 * one {@link Rng}. Stateless apart from the `Rng`.
 *
 * Draw counts vary (gamma uses rejection), so give each independent purpose its own `Rng`
 * (e.g. a `SeededRng` per deployment) rather than sharing one whose sequence must stay aligned.
 */
export class RandomVariates {
  constructor(private readonly rng: Rng) {}

  /** A uniform number in (0, 1]: 1 − U, so logarithms stay finite. */
  uniformOpen(): number {
    return 1 - this.rng.next();
  }

  /**
   * A standard normal N(0, 1) by the ziggurat method (Marsaglia and Tsang, "The ziggurat method
   * for generating random variables", JSS 2000) with 128 layers of equal area. One `next()`
   * gives 32 bits: the low 7 pick layer i, the high 25 a signed value j in [−2^24, 2^24)
   * (disjoint bits, which avoids the layer/value correlation Doornik (2005) found in the
   * original). x = j · w_i is returned at once when |j| < k_i (about 98.8 % of calls);
   * otherwise the wedge is accepted when f_{i} + U · (f_{i−1} − f_i) < e^{−x²/2}, and in the
   * base layer the tail beyond r = 3.4426 is sampled by Marsaglia's method
   * (x = −ln U₁ / r, y = −ln U₂, accept when 2y >= x²). Otherwise it retries.
   */
  normal(): number {
    for (;;) {
      const bits = (this.rng.next() * 4294967296) >>> 0;
      const layer = bits & 127;
      const j = (bits >>> 7) - ZIGGURAT_HALF_RANGE;
      if (Math.abs(j) < ZIGGURAT_K[layer]!) return j * ZIGGURAT_W[layer]!;
      if (layer === 0) {
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uniformOpen()) / ZIGGURAT_R;
          y = -Math.log(this.uniformOpen());
        } while (y + y < x * x);
        return j > 0 ? ZIGGURAT_R + x : -ZIGGURAT_R - x;
      }
      const x = j * ZIGGURAT_W[layer]!;
      const f = ZIGGURAT_F[layer]!;
      if (f + this.rng.next() * (ZIGGURAT_F[layer - 1]! - f) < Math.exp(-0.5 * x * x)) return x;
    }
  }

  /**
   * Gamma(shape k, scale 1), by Marsaglia and Tsang ("A simple method for generating gamma
   * variables", ACM TOMS 2000). For k >= 1, with d = k − 1/3 and c = 1 / √(9d): draw
   * Z ~ N(0, 1), V = (1 + cZ)³; accept X = dV when V > 0 and
   *
   *     U < 1 − 0.0331 Z⁴   (squeeze)   or   ln U < Z²/2 + d(1 − V + ln V),
   *
   * else retry (acceptance > 95 % for every k >= 1). For k < 1: X = Gamma(k + 1) · U^{1/k}.
   *
   * @throws RangeError if shape is not a finite number > 0.
   */
  gamma(shape: number): number {
    return this.gammaSampler(shape)();
  }

  /**
   * A sampler of Gamma(shape, 1) with the constants of {@link gamma} computed once, for many
   * draws of one shape.
   *
   * @throws RangeError if shape is not a finite number > 0.
   */
  gammaSampler(shape: number): () => number {
    if (!(shape > 0 && Number.isFinite(shape))) {
      throw new RangeError(`gamma shape must be a finite number > 0, got ${shape}`);
    }
    if (shape < 1) {
      const boosted = this.gammaSampler(shape + 1);
      const inverse = 1 / shape;
      return () => boosted() * this.uniformOpen() ** inverse;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    return () => {
      for (;;) {
        const z = this.normal();
        const t = 1 + c * z;
        if (t <= 0) continue;
        const v = t * t * t;
        const u = this.uniformOpen();
        const z2 = z * z;
        if (u < 1 - 0.0331 * z2 * z2) return d * v;
        if (Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) return d * v;
      }
    };
  }

  /**
   * Beta(α, β) as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β).
   *
   * @throws RangeError if α or β is not a finite number > 0.
   */
  beta(alpha: number, beta: number): number {
    const x = this.gamma(alpha);
    const y = this.gamma(beta);
    return x / (x + y);
  }

  /**
   * Inverse gamma IG(shape α, scale b): b / Gamma(α). Mean b / (α − 1) for α > 1.
   *
   * @throws RangeError if shape is not a finite number > 0 or scale is negative or not finite.
   */
  inverseGamma(shape: number, scale: number): number {
    if (!(scale >= 0 && Number.isFinite(scale))) {
      throw new RangeError(`inverse gamma scale must be a finite number >= 0, got ${scale}`);
    }
    return scale / this.gamma(shape);
  }
}
