/**
 * Integer masses for the network simplex. Weights are scaled to integers with a common total close to `2^50`
 * (largest remainder rounding), so every flow the simplex forms is an integer below `2^53` and exact in float64:
 * supplies and demands balance exactly, and zero flows (degeneracy) are recognized exactly. Each mass moves by at
 * most one unit, about `8.9e−16` of the total; a positive weight below about `4.4e−16` of its total becomes 0.
 */

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * The integer total for `n` source and `m` target masses: the largest multiple of `lcm(n, m)` not above `2^50`
 * (just `2^50` when the lcm exceeds `2^36`), so uniform weights `1/n` and `1/m` become exactly equal integers and
 * a uniform problem keeps its uniform vertices (a permutation when n = m).
 */
export function massTotal(n: number, m: number): number {
  const lcm = (n / gcd(n, m)) * m;
  return lcm <= 2 ** 36 ? 2 ** 50 - (2 ** 50 % lcm) : 2 ** 50;
}

/**
 * Integers `q_i ≥ 0` with `Σq = total` and `|q_i − w_i·total| < 1` (up to the rounding of `Σw` itself), for
 * non-negative `weights` that sum to 1 (up to rounding). Zero weights stay zero. O(n log n).
 */
export function integerMasses(weights: Float64Array, total: number): Float64Array {
  const n = weights.length;
  const q = new Float64Array(n);
  const remainder = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const scaled = weights[i] * total;
    q[i] = Math.floor(scaled);
    remainder[i] = scaled - q[i];
    sum += q[i];
  }
  let deficit = total - sum;
  if (deficit === 0) return q;
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => weights[i] > 0);
  order.sort((x, y) => remainder[y] - remainder[x] || x - y);
  // Add one unit to the largest remainders, or remove one from the smallest; cycle in the (never seen) case the
  // correction exceeds the number of positive weights.
  for (let k = 0; deficit > 0; k = (k + 1) % order.length, deficit--) q[order[k]] += 1;
  for (let k = order.length - 1; deficit < 0; k = k === 0 ? order.length - 1 : k - 1) {
    if (q[order[k]] >= 1) {
      q[order[k]] -= 1;
      deficit++;
    }
  }
  return q;
}
