/**
 * Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
 * the counter-based generator JAX uses for its keys. A pure function of a 64-bit key and a 64-bit counter.
 */

const ROT_A = [13, 15, 26, 6];
const ROT_B = [17, 29, 16, 24];

function rounds(x: Uint32Array, rot: readonly number[]): void {
  for (let r = 0; r < 4; r++) {
    x[0] = x[0] + x[1];
    const s = rot[r];
    x[1] = (x[1] << s) | (x[1] >>> (32 - s));
    x[1] = x[1] ^ x[0];
  }
}

/**
 * Threefry-2x32-20 block: encrypts counter `(c0, c1)` under key `(k0, k1)`, writing two uint32 words to `out`.
 * Key schedule `ks2 = 0x1BD11BDA ⊕ k0 ⊕ k1`; a key injection after every four rounds.
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void {
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  const ks2 = (0x1bd11bda ^ ks0 ^ ks1) >>> 0;
  const ks = [ks0, ks1, ks2];
  out[0] = c0 + ks0;
  out[1] = c1 + ks1;
  for (let i = 1; i <= 5; i++) {
    rounds(out, i % 2 === 1 ? ROT_A : ROT_B);
    out[0] = out[0] + ks[i % 3];
    out[1] = out[1] + ks[(i + 1) % 3] + i;
  }
}
