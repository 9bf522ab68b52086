// The event engine's hot path: one input event through one core under the default rule
// (saturating 16-bit state, no killed weights), the same arithmetic as core-kernel.ts's
// fastEventKernel. Vector versions for SSE2 (8 channels), AVX2 (16) and AVX-512BW (32)
// are compiled side by side and one is picked once for the CPU at hand; lanes that reach
// the threshold leave the vector path for the scalar rule, so every version gives the
// same states and the same spikes.
#pragma once

#include <cstdint>

namespace dcnn {

struct FastKernelArgs {
  int16_t* state;
  const void* weights;  // int16_t, or int8_t for the kernels picked with int8Weights; offset to the event's input channel
  int32_t* spikes;
  const int32_t* rowWeight;
  const int32_t* rowState;
  const int32_t* colWeight;
  const int32_t* colState;
  int r0, r1, q0, q1;
  int F, Fs;
  int thr, low;
  bool returnToZero;
};

using FastKernel = int (*)(const FastKernelArgs&);

// The widest version whose lane count divides `Fs` and that this CPU runs; int8Weights:
// the weights are given as int8 (they all fit: chip weights are 8-bit), which halves the
// memory the loop streams through (the scalar fallback always takes int16).
FastKernel pickFastKernel(int Fs, bool int8Weights);

// The contiguous-row version for stride-1 cores (int8 weights with kx reversed, see
// event_kernel.cc), or null where no vector version runs.
FastKernel pickFlatKernel(int Fs);

// Lanes of the widest version this CPU runs (the f stride to lay cores out with).
int widestLanes();

}  // namespace dcnn
