const LN10 = Math.log(10);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erfc(x) for x ≥ 0 (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function erfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
      t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

/**
 * -log10 of the upper tail of the standard normal, P(Z > z): how many decades of surprise z carries.
 * Returns 0 for z ≤ 0; far in the tail it uses the asymptotic form so it never underflows.
 */
export function estimateNormalTailDecades(z: number): number {
  if (!(z > 0)) return 0;
  if (z < 8) return -Math.log(0.5 * erfcNonNegative(z / Math.SQRT2)) / LN10;
  return (0.5 * z * z + Math.log(z) + LOG_SQRT_2PI) / LN10;
}
