// The event engine's hot path: one input event through one core under the default rule
// (saturating 16-bit state, no killed weights), the same arithmetic as core-kernel.ts's
// fastEventKernel. Vector versions for SSE2 (8 channels), AVX2 (16) and AVX-512BW (32)
// are compiled side by side and one is picked once for the CPU at hand. Lanes that reach
// the threshold are reset in the vector registers (a blend) and their neuron keys written
// from there, so every version gives the same states and the same spikes.
#pragma once

#include <cstdint>

namespace dcnn {

// A neuron's key: f << fShift | oy << yShift | ox, each field as wide as its axis needs.
// Sorted ascending, keys give chip.md's canonical order (f·H·W + oy·W + ox), and they
// decode with shifts instead of the divisions that order's index would need.
struct NeuronKey {
  int fShift = 0, yShift = 0, yMask = 0, xMask = 0;
  NeuronKey() = default;
  NeuronKey(int H, int W) {
    int xBits = 0, yBits = 0;
    while ((1 << xBits) < W) xBits++;
    while ((1 << yBits) < H) yBits++;
    yShift = xBits;
    fShift = xBits + yBits;
    xMask = (1 << xBits) - 1;
    yMask = (1 << yBits) - 1;
  }
  // Whether channels 0 .. F - 1 fit beside the position bits in a positive int32.
  bool holds(int F) const {
    int fBits = 0;
    while ((1 << fBits) < F) fBits++;
    return fShift + fBits <= 30;
  }
};

// What one kernel call reads: the core's tables (CoreRuntime's reach tables, plus each
// entry's key part) and where it writes (state, keys).
struct KernelTables {
  int16_t* state;
  const void* weights;  // channel 0; int16_t, or int8_t for the kernels picked with int8Weights / flat
  int32_t* keys;        // out; room for every neuron one event reaches plus kKeySlack
  int64_t* reached;     // out: += (row, column) pairs the event reached (synaptic operations / F)
  const int32_t* rowStart;
  const int32_t* rowWeight;
  const int32_t* rowState;
  const int32_t* rowKey;  // oy << yShift
  const int32_t* colStart;
  const int32_t* colWeight;
  const int32_t* colState;
  const int32_t* colKey;  // ox
  const int32_t* channelKey;  // f << fShift, for f < Fs + 32
  int weightsPerInput, F, Fs, thr, low, fShift;
  uint32_t fsInverse;  // 2^32 / Fs rounded up: i / Fs = (i · fsInverse) >> 32 for i < 2^16
  bool returnToZero;
};

// Returns how many neurons reached the threshold; their keys are in tables.keys, ascending.
using FastKernel = int (*)(const KernelTables& tables, int c, int y, int x);

// Keys a kernel may write past the count it returns (it stores whole vectors of keys).
constexpr int kKeySlack = 32;

// The widest version whose lane count divides `Fs` and that this CPU runs; int8Weights:
// the weights are given as int8 (they all fit: chip weights are 8-bit), which halves the
// memory the loop streams through (the scalar fallback always takes int16).
FastKernel pickFastKernel(int Fs, bool int8Weights);

// The contiguous-row version for stride-1 cores (int8 weights with kx reversed, see
// event_kernel.cc), or null where no vector version runs.
FastKernel pickFlatKernel(int Fs);

// Keys ascending (they are distinct: a neuron reaches the threshold at most once per event).
void sortKeys(int32_t* keys, int n);

// Lanes of the widest version this CPU runs (the f stride to lay cores out with).
int widestLanes();

}  // namespace dcnn
