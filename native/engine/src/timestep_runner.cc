// See timestep_runner.h. The arithmetic is exactly timestep-engine.ts's: integers all the
// way (the TypeScript engine's doubles hold the same integers), the convolution in 32-bit
// when a step's input cannot overflow it, else in 64-bit.
#include "timestep_runner.h"

#include <algorithm>
#include <cstdlib>

#include "simd_target.h"

namespace dcnn {

namespace {

constexpr int kLanes = 8;

// For each input coordinate along one axis, the (kernel index, output index) pairs it
// reaches, output ascending: the same table as core-runtime.ts's reachTable.
void reachTable(int inSize, int outSize, int k, int stride, int pad, std::vector<int>& start, std::vector<int>& kernel, std::vector<int>& out) {
  start.assign(inSize + 1, 0);
  kernel.clear();
  out.clear();
  for (int i = 0; i < inSize; i++) {
    start[i] = static_cast<int>(kernel.size());
    for (int ki = k - 1; ki >= 0; ki--) {
      const int num = i + pad - ki;
      if (num < 0 || num % stride != 0) continue;
      const int o = num / stride;
      if (o >= outSize) continue;
      kernel.push_back(ki);
      out.push_back(o);
    }
  }
  start[inSize] = static_cast<int>(kernel.size());
}

// acc[0..Fp) += n · w[0..Fp): the convolution's inner loop, over output channels.
template <typename Acc>
DCNN_HOT_CLONES void multiplyAdd(Acc* __restrict acc, const int32_t* __restrict w, Acc n, int Fp) {
  if (n == 1) {
    for (int f = 0; f < Fp; f++) acc[f] += w[f];
  } else {
    for (int f = 0; f < Fp; f++) acc[f] += n * w[f];
  }
}

}  // namespace

TimestepRunner::TimestepRunner(std::vector<TimestepLinkSpec> links, std::vector<int> entries) : entries_(std::move(entries)) {
  links_.reserve(links.size());
  for (auto& spec : links) {
    Link l;
    l.spec = std::move(spec);
    const auto& s = l.spec;
    l.Fp = (s.F + kLanes - 1) / kLanes * kLanes;
    const int kk = s.k * s.k;
    l.w.assign(static_cast<size_t>(s.inC) * kk * l.Fp, 0);
    l.maxAbsW = 0;
    for (int c = 0; c < s.inC; c++) {
      for (int j = 0; j < kk; j++) {
        for (int f = 0; f < s.F; f++) {
          const int32_t w = s.weights[(static_cast<size_t>(c) * kk + j) * s.F + f];
          l.w[(static_cast<size_t>(c) * kk + j) * l.Fp + f] = w;
          l.maxAbsW = std::max<int64_t>(l.maxAbsW, std::llabs(w));
        }
      }
    }
    const size_t hw = static_cast<size_t>(s.H) * s.W;
    l.v.assign(hw * l.Fp, 0);
    for (size_t p = 0; p < hw; p++) {
      for (int f = 0; f < s.F; f++) l.v[p * l.Fp + f] = s.state[p * s.F + f];
    }
    l.initial = l.v;
    l.acc32.assign(hw * l.Fp, 0);
    l.acc64.assign(hw * l.Fp, 0);
    l.spikes.assign(hw * l.Fp, 0);
    l.input.assign(static_cast<size_t>(s.inC) * s.inH * s.inW, 0);
    reachTable(s.inH, s.H, s.k, s.strideY, s.padY, l.rowStart, l.rowKy, l.rowOy);
    reachTable(s.inW, s.W, s.k, s.strideX, s.padX, l.colStart, l.colKx, l.colOx);
    links_.push_back(std::move(l));
  }
}

namespace {

// Integrates the input into acc (zeroed here); returns the synaptic operations.
template <typename Acc>
int64_t convolve(const TimestepLinkSpec& s, int Fp, const std::vector<int32_t>& w, const std::vector<int64_t>& input, const std::vector<int>& rowStart,
                 const std::vector<int>& rowKy, const std::vector<int>& rowOy, const std::vector<int>& colStart, const std::vector<int>& colKx,
                 const std::vector<int>& colOx, Acc* acc) {
  std::fill(acc, acc + static_cast<size_t>(s.H) * s.W * Fp, Acc(0));
  int64_t ops = 0;
  const int k = s.k;
  for (int c = 0; c < s.inC; c++) {
    for (int y = 0; y < s.inH; y++) {
      const int r0 = rowStart[y], r1 = rowStart[y + 1];
      const int64_t* in = &input[(static_cast<size_t>(c) * s.inH + y) * s.inW];
      for (int x = 0; x < s.inW; x++) {
        const int64_t n = in[x];
        if (n == 0) continue;
        const int q0 = colStart[x], q1 = colStart[x + 1];
        ops += n * (r1 - r0) * (q1 - q0) * s.F;
        for (int r = r0; r < r1; r++) {
          const size_t wr = (static_cast<size_t>(c) * k + rowKy[r]) * k;
          const size_t sr = static_cast<size_t>(rowOy[r]) * s.W;
          for (int q = q0; q < q1; q++) {
            multiplyAdd<Acc>(acc + (sr + colOx[q]) * Fp, &w[(wr + colKx[q]) * Fp], static_cast<Acc>(n), Fp);
          }
        }
      }
    }
  }
  return ops;
}

// v += acc + bias; n = trunc(v / thr) for v >= thr (thr > 0); reset; floor at thr_low.
template <typename Acc>
void fire(const TimestepLinkSpec& s, int Fp, const Acc* acc, int64_t* v, int64_t* spikes) {
  const int64_t thr = s.thrHigh, low = s.thrLow;
  const size_t hw = static_cast<size_t>(s.H) * s.W;
  for (size_t p = 0; p < hw; p++) {
    const size_t b = p * Fp;
    for (int f = 0; f < s.F; f++) {
      int64_t u = v[b + f] + static_cast<int64_t>(acc[b + f]) + (s.leak ? s.biases[f] : 0);
      int64_t n = 0;
      if (u >= thr) {
        n = u / thr;
        u = s.returnToZero ? 0 : u - n * thr;
      }
      if (u < low) u = low;
      v[b + f] = u;
      spikes[b + f] = n;
    }
  }
}

// Sum-pools this step's spikes into target [oc][oh][ow] along route r; returns the spikes delivered.
template <typename Target>
int64_t route(const TimestepLinkSpec& s, int Fp, const int64_t* spikes, const TimestepRoute& r, Target* target) {
  int64_t total = 0;
  for (int oy = 0; oy < s.H; oy++) {
    const int py = oy / r.pooling;
    if (py >= r.oh) continue;
    for (int ox = 0; ox < s.W; ox++) {
      const int px = ox / r.pooling;
      if (px >= r.ow) continue;
      const int64_t* sp = spikes + (static_cast<size_t>(oy) * s.W + ox) * Fp;
      for (int f = 0; f < s.F; f++) {
        const int64_t n = sp[f];
        if (n == 0) continue;
        const int c = f + r.featureShift;
        if (c >= r.oc) continue;
        target[(static_cast<size_t>(c) * r.oh + py) * r.ow + px] += static_cast<Target>(n);
        total += n;
      }
    }
  }
  return total;
}

// Largest |input| sum for which the 32-bit accumulator cannot overflow: |v| and |bias|
// stay within 16 bits, so leave 2^18 of headroom under 2^31.
constexpr int64_t kSafe32 = (int64_t(1) << 31) - (int64_t(1) << 18);

}  // namespace

TimestepRunResult TimestepRunner::run(const std::vector<int64_t>& raster, int T, int step, const std::vector<std::vector<int32_t>>& maps) {
  const int L = static_cast<int>(links_.size());
  TimestepRunResult res;
  res.synapticOps = 0;
  std::vector<int> exitIndex(L, -1);
  for (int i = 0; i < L; i++) {
    const auto& s = links_[i].spec;
    if (s.hasExit) {
      exitIndex[i] = static_cast<int>(res.exitData.size());
      res.exitData.emplace_back(static_cast<size_t>(T) * s.exit.oc * s.exit.oh * s.exit.ow, 0.0);
    }
    const size_t slots = s.routes.empty() ? 1 : s.routes.size();
    res.totals.emplace_back(slots * T, 0.0);
  }
  int64_t ops = 0;
  for (int t = 0; t < T; t++) {
    for (auto& l : links_) std::fill(l.input.begin(), l.input.end(), 0);
    const int64_t* stepData = raster.data() + static_cast<size_t>(t) * step;
    for (size_t e = 0; e < entries_.size(); e++) {
      auto& input = links_[entries_[e]].input;
      const auto& map = maps[e];
      if (map.empty()) {
        for (int i = 0; i < step; i++) input[i] += stepData[i];
      } else {
        for (int i = 0; i < step; i++) {
          if (stepData[i] != 0 && map[i] >= 0) input[map[i]] += stepData[i];
        }
      }
    }
    for (int li = 0; li < L; li++) {
      Link& l = links_[li];
      const auto& s = l.spec;
      int64_t mass = 0;
      for (const int64_t n : l.input) mass += n < 0 ? -n : n;
      if (mass * l.maxAbsW <= kSafe32) {
        ops += convolve<int32_t>(s, l.Fp, l.w, l.input, l.rowStart, l.rowKy, l.rowOy, l.colStart, l.colKx, l.colOx, l.acc32.data());
        fire<int32_t>(s, l.Fp, l.acc32.data(), l.v.data(), l.spikes.data());
      } else {
        ops += convolve<int64_t>(s, l.Fp, l.w, l.input, l.rowStart, l.rowKy, l.rowOy, l.colStart, l.colKx, l.colOx, l.acc64.data());
        fire<int64_t>(s, l.Fp, l.acc64.data(), l.v.data(), l.spikes.data());
      }
      for (size_t k = 0; k < s.routes.size(); k++) {
        const auto& r = s.routes[k];
        res.totals[li][k * T + t] = static_cast<double>(route<int64_t>(s, l.Fp, l.spikes.data(), r, links_[r.to].input.data()));
      }
      if (s.hasExit) {
        const size_t n = static_cast<size_t>(s.exit.oc) * s.exit.oh * s.exit.ow;
        const int64_t sent = route<double>(s, l.Fp, l.spikes.data(), s.exit, res.exitData[exitIndex[li]].data() + t * n);
        if (s.routes.empty()) res.totals[li][t] = static_cast<double>(sent);
      }
    }
  }
  res.synapticOps = static_cast<double>(ops);
  return res;
}

void TimestepRunner::resetStates() {
  for (auto& l : links_) std::fill(l.v.begin(), l.v.end(), 0);
}

void TimestepRunner::restoreInitialStates() {
  for (auto& l : links_) l.v = l.initial;
}

std::vector<int64_t> TimestepRunner::state(int li) const {
  const Link& l = links_[li];
  const size_t hw = static_cast<size_t>(l.spec.H) * l.spec.W;
  std::vector<int64_t> out(hw * l.spec.F);
  for (size_t p = 0; p < hw; p++) {
    for (int f = 0; f < l.spec.F; f++) out[p * l.spec.F + f] = l.v[p * l.Fp + f];
  }
  return out;
}

void TimestepRunner::setState(int li, const std::vector<int64_t>& values) {
  Link& l = links_[li];
  const size_t hw = static_cast<size_t>(l.spec.H) * l.spec.W;
  for (size_t p = 0; p < hw; p++) {
    for (int f = 0; f < l.spec.F; f++) l.v[p * l.Fp + f] = values[p * l.spec.F + f];
  }
}

}  // namespace dcnn
