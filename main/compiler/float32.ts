// Float32 arithmetic as the reference computes it (torch float32 tensors), plus
// torch.round's half-to-even rounding. JavaScript computes in float64; rounding each
// +,-,*,/,sqrt result to float32 gives the correctly rounded float32 result, so every
// step below is exactly what float32 hardware would produce.

export const f32 = Math.fround;

/** torch.round: round half to even (2.5 -> 2, -63.5 -> -64, 0.5 -> 0). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up; undo that when it left an odd integer from an exact tie.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

export function mul32(a: number, b: number): number {
  return f32(a * b);
}
