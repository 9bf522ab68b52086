// Float32 arithmetic as the reference computes it (torch float32 tensors), plus
// torch.round's half-to-even rounding. JavaScript computes in float64; rounding each
// +,-,*,/,sqrt result to float32 gives the correctly rounded float32 result, so every
// step below is exactly what float32 hardware would produce.

export const f32 = Math.fround;

/**
 * 1.5 * 2^52: adding it pushes every |x| < 2^51 to a magnitude where doubles are whole
 * numbers, so the addition itself rounds x to an integer with IEEE's round-half-to-even.
 */
export const ROUNDING_MAGIC = 6755399441055744;

/**
 * torch.round: round half to even (2.5 -> 2, -63.5 -> -64, 0.5 -> 0), exact for |x| < 2^51.
 * Branch-free: Math.round plus a tie fix is five times slower on real weight tensors
 * (its internal branch mispredicts).
 */
export function roundHalfEven(x: number): number {
  return x + ROUNDING_MAGIC - ROUNDING_MAGIC;
}

export function mul32(a: number, b: number): number {
  return f32(a * b);
}
