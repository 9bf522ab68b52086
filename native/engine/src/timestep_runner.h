// The time-stepped reference mode's arithmetic in C++: per time step and per core, a
// whole-map integer convolution of the input counts (non-zero counts times a weight row
// over all output channels, a loop g++ -O3 vectorises), the multi-spike neuron update and
// sum pooling into the next core's input. The chain, routing and entry mapping are decided
// by the TypeScript engine (timestep-engine.ts) and handed over as plain numbers; this
// file holds no Node API and decides nothing about the network's shape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dcnn {

struct TimestepRoute {
  int to;  // chain position of the target, -1 = exit output
  int pooling;
  int featureShift;
  int oc, oh, ow;
};

struct TimestepLinkSpec {
  int inC, inH, inW, F, H, W, k, strideX, strideY, padX, padY;
  int thrHigh, thrLow;
  bool returnToZero, leak;
  std::vector<int32_t> weights;  // [c][ky][kx][f], f stride F (as CoreRuntime with lane width 1)
  std::vector<int32_t> biases;   // [f]
  std::vector<int64_t> state;    // [oy][ox][f], f stride F
  std::vector<TimestepRoute> routes;
  bool hasExit;
  TimestepRoute exit;
};

struct TimestepRunResult {
  std::vector<std::vector<double>> exitData;  // per exit link (chain order): [T][oc][oh][ow]
  std::vector<std::vector<double>> totals;    // per link: [slot][t]
  double synapticOps;
};

class TimestepRunner {
 public:
  TimestepRunner(std::vector<TimestepLinkSpec> links, std::vector<int> entries);

  // Runs T steps of `raster` (T·step values, already checked to be integers) continuing
  // from the current state. maps[e]: for entry e, the input index of each raster value of
  // a step (-1: dropped), or empty for the identity.
  TimestepRunResult run(const std::vector<int64_t>& raster, int T, int step, const std::vector<std::vector<int32_t>>& maps);

  void resetStates();
  void restoreInitialStates();
  // State of link li as [oy][ox][f] (f stride F).
  std::vector<int64_t> state(int li) const;
  void setState(int li, const std::vector<int64_t>& values);
  int linkCount() const { return static_cast<int>(links_.size()); }

 private:
  struct Link {
    TimestepLinkSpec spec;
    int Fp;  // f stride padded to a multiple of 8, so the channel loops have no remainder
    std::vector<int32_t> w;    // [c][ky][kx][Fp]
    std::vector<int64_t> v;    // [oy][ox][Fp]
    std::vector<int64_t> initial;
    std::vector<int32_t> acc32;
    std::vector<int64_t> acc64;
    std::vector<int64_t> input;   // [c][y][x]
    std::vector<int64_t> spikes;  // [oy][ox][Fp]
    // Reach tables: input row y reaches entries rowStart[y] .. rowStart[y+1]-1.
    std::vector<int> rowStart, rowKy, rowOy, colStart, colKx, colOx;
    int64_t maxAbsW;
  };
  std::vector<Link> links_;
  std::vector<int> entries_;
};

}  // namespace dcnn
