// See event_runner.h. Every step mirrors event-engine.ts line for line (same frame stack,
// same FIFO, same drop and counter points), so the two cannot drift apart silently: the
// parity tests compare monitored events, states and counters.
#include "event_runner.h"

#include "event_kernel.h"

#include <algorithm>
#include <cmath>


namespace dcnn {

namespace {
constexpr int kDeliver = 0;
constexpr int kSpike = 1;
constexpr int kLayerDvs = 13;
constexpr int kLayerDvsRaw = 14;
constexpr int kDvsSize = 128;
}  // namespace

EventRunner::EventRunner(std::vector<EventCoreSpec> cores, EventDvsSpec dvs, EventRunnerOptions options)
    : cores_(std::move(cores)), dvs_(std::move(dvs)), opt_(options) {
  frames_.resize(1024);
  spikes_.resize(cores_.size());
  updates_.assign(cores_.size(), 0);
  decimatorCount_.assign(cores_.size(), 0);
  fast_.assign(cores_.size(), nullptr);
  weights8_.resize(cores_.size());
  colWeightFlat_.resize(cores_.size());
  divFs_.resize(cores_.size());
  divHW_.resize(cores_.size());
  divW_.resize(cores_.size());
  for (size_t i = 0; i < cores_.size(); i++) {
    const auto& c = cores_[i];
    if (!c.used) continue;
    int maxRows = 0, maxCols = 0;
    for (int y = 0; y < c.inH; y++) maxRows = std::max(maxRows, c.rowStart[y + 1] - c.rowStart[y]);
    for (int x = 0; x < c.inW; x++) maxCols = std::max(maxCols, c.colStart[x + 1] - c.colStart[x]);
    spikes_[i].resize(std::max(1, c.Fs * maxRows * maxCols));
    divFs_[i] = Divisor(c.Fs);
    divHW_[i] = Divisor(c.H * c.W);
    divW_[i] = Divisor(c.W);
    bool fits = true;
    for (const int16_t w : c.weights) fits = fits && w >= -128 && w <= 127;
    const FastKernel flat = fits && c.strideX == 1 ? pickFlatKernel(c.Fs) : nullptr;
    if (flat != nullptr) {
      // Reverse kx within every kernel row so a row's reached columns are contiguous.
      const int k = c.k, Fs = c.Fs;
      weights8_[i].resize(c.weights.size());
      for (int ch = 0; ch < c.inC; ch++)
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++)
            for (int f = 0; f < Fs; f++)
              weights8_[i][(((ch * k + ky) * k) + (k - 1 - kx)) * Fs + f] = static_cast<int8_t>(c.weights[(((ch * k + ky) * k) + kx) * Fs + f]);
      colWeightFlat_[i].resize(c.colWeight.size());
      for (size_t q = 0; q < c.colWeight.size(); q++) colWeightFlat_[i][q] = (k - 1 - c.colWeight[q] / Fs) * Fs;
      fast_[i] = flat;
    } else {
      fast_[i] = pickFastKernel(c.Fs, fits);
      if (fast_[i] != pickFastKernel(c.Fs, false)) weights8_[i].assign(c.weights.begin(), c.weights.end());
    }
  }
}

void EventRunner::attach(const EventSharedMemory& mem) {
  states_ = mem.states;
  coreEventsIn_ = mem.coreEventsIn;
  coreSpikes_ = mem.coreSpikes;
  coreDropped_ = mem.coreDropped;
  dropped_ = mem.dropped;
  reg_ = mem.registers;
  eventsIn_ = reg_[0];
  eventsOut_ = reg_[1];
  ticks_ = reg_[2];
  now_ = reg_[3];
  nextTick_ = reg_[4];
  nextTickT_ = reg_[5];
  const size_t n = cores_.size();
  for (size_t i = 0; i < n; i++) {
    updates_[i] = reg_[8 + i];
    decimatorCount_[i] = reg_[8 + n + i];
  }
}

void EventRunner::detach() {
  reg_[0] = eventsIn_;
  reg_[1] = eventsOut_;
  reg_[2] = ticks_;
  reg_[3] = now_;
  reg_[4] = nextTick_;
  reg_[5] = nextTickT_;
  reg_[6] = runawayLimit_;
  reg_[7] = runawayT_;
  const size_t n = cores_.size();
  for (size_t i = 0; i < n; i++) {
    reg_[8 + i] = updates_[i];
    reg_[8 + n + i] = decimatorCount_[i];
  }
}

EventStatus EventRunner::run(const EventInput& in, int from, int to, const EventSharedMemory& mem) {
  attach(mem);
  EventStatus status = EventStatus::ok;
  for (int i = from; i < to; i++) {
    const double ti = in.t[i];
    while (opt_.ticksFirst ? nextTickT_ <= ti : nextTickT_ < ti) {
      if (!opt_.depthFirst && !drainQueue(i - segmentStart_)) {
        status = EventStatus::runaway;
        break;
      }
      segmentStart_ = i;
      tick(ti);
    }
    if (status != EventStatus::ok) break;
    if (ti > now_) now_ = ti;
    eventsIn_++;
    inject(ti, in.layer[i], in.channel[i], in.x[i], in.y[i]);
    if (opt_.depthFirst && !drainStack(ti)) {
      status = EventStatus::runaway;
      break;
    }
  }
  detach();
  return status;
}

EventStatus EventRunner::finish(int consumed, const EventSharedMemory& mem) {
  attach(mem);
  const bool ok = opt_.depthFirst || drainQueue(consumed - segmentStart_);
  detach();
  return ok ? EventStatus::ok : EventStatus::runaway;
}

void EventRunner::tick(double upTo) {
  // Only reached without leak cores (the engine keeps leak ticks in TypeScript), where a
  // tick changes nothing but the count: skip the idle ones at once, as skipIdleTicks does.
  const double t = nextTickT_;
  if (t > now_) now_ = t;
  ticks_++;
  nextTick_++;
  const double hz = opt_.slowClockHz;
  nextTickT_ = std::ceil((nextTick_ * 1e6) / hz);
  const double k = std::floor((upTo * hz) / 1e6);
  if (k > nextTick_) {
    ticks_ += k - nextTick_;
    nextTick_ = k;
    nextTickT_ = std::ceil((k * 1e6) / hz);
  }
}

void EventRunner::push(int kind, int core, int a, int b, int c, double t) {
  if (top_ == frames_.size()) frames_.resize(frames_.size() * 2);
  Frame& f = frames_[top_++];
  f.kind = kind;
  f.core = core;
  f.a = a;
  f.b = b;
  f.c = c;
  f.t = t;
}

void EventRunner::emit(double t, int layer, int ch, int x, int y) {
  out_.t.push_back(t);
  out_.layer.push_back(static_cast<uint8_t>(layer));
  out_.channel.push_back(static_cast<uint16_t>(ch));
  out_.x.push_back(static_cast<uint16_t>(x));
  out_.y.push_back(static_cast<uint16_t>(y));
  eventsOut_++;
}

void EventRunner::inject(double t, int layer, int ch, int x, int y) {
  const int n = static_cast<int>(cores_.size());
  if (layer < n) {
    const auto& c = cores_[layer];
    if (!c.used) {
      dropUncounted(unusedCore);
      return;
    }
    if (ch >= c.inC || y >= c.inH || x >= c.inW) {
      drop(inputOutOfRange, layer);
      return;
    }
    push(kDeliver, layer, ch, y, x, t);
    return;
  }
  if (layer != kLayerDvs) {
    dropUncounted(invalidLayer);
    return;
  }
  if (dvs_.rawMonitor) emit(t, kLayerDvsRaw, ch, x, y);
  int mapped;
  if (!dvs_.acceptsInput) {
    dropUncounted(dvsSensorDisabled);
    return;
  }
  if (x >= kDvsSize || y >= kDvsSize) {
    dropUncounted(dvsOutOfRange);
    return;
  }
  if (ch > 1) {
    dropUncounted(dvsPolarity);
    return;
  }
  mapped = dvs_.table[(ch * kDvsSize + y) * kDvsSize + x];
  if (mapped < 0) {
    // The table holds the DROP index itself (not an EventDrop) for what mapDvsEvent refused.
    dropped_[-mapped - 1]++;
    return;
  }
  const int c = mapped & 0xff;
  const int px = (mapped >> 8) & 0xff;
  const int py = (mapped >> 16) & 0xff;
  if (dvs_.monitor) emit(t, kLayerDvs, c, px, py);
  const int nd = static_cast<int>(dvs_.destinations.size());
  for (int k = 0; k < nd; k++) {
    // Depth-first pushes onto a stack: last slot first so slot 0 is processed first.
    const int s = opt_.depthFirst ? nd - 1 - k : k;
    const int core = dvs_.destinations[s];
    const auto& dst = cores_[core];
    if (c >= dst.inC || py >= dst.inH || px >= dst.inW) drop(dvsDestinationOutOfRange, core);
    else push(kDeliver, core, c, py, px, t);
  }
}

bool EventRunner::drainStack(double t) {
  const double limit = opt_.maxEventsPerInput;
  double work = 0;
  while (top_ > 0) {
    if (++work > limit) {
      top_ = 0;
      runawayLimit_ = limit;
      runawayT_ = t;
      return false;
    }
    // Field by field, not a struct copy: a wide load of a frame just written by narrow
    // stores cannot be forwarded from the store buffer and stalls.
    const Frame& top = frames_[--top_];
    const int kind = top.kind, core = top.core, a = top.a;
    if (kind == kSpike) {
      spike(core, a, t);
      continue;
    }
    const int b = top.b, c = top.c;
    coreEventsIn_[core]++;
    const int n = kernel(core, a, b, c);
    if (n == 0) continue;
    canonicalKeys(core, n);
    const int32_t* keys = spikes_[core].data();
    for (int i = n - 1; i >= 0; i--) push(kSpike, core, keys[i], 0, 0, t);
  }
  return true;
}

bool EventRunner::drainQueue(int inputs) {
  const double limit = opt_.maxEventsPerInput * std::max(1, inputs);
  double work = 0;
  while (head_ < top_) {
    const Frame& next = frames_[head_];
    const double t = next.t;
    const int core = next.core, a = next.a, b = next.b, c = next.c;
    if (++work > limit) {
      head_ = top_ = 0;
      runawayLimit_ = opt_.maxEventsPerInput;
      runawayT_ = t;
      return false;
    }
    head_++;
    coreEventsIn_[core]++;
    const int n = kernel(core, a, b, c);
    if (n == 0) continue;
    canonicalKeys(core, n);
    // spike() may grow the frame list; the keys live in the core's own buffer.
    for (int i = 0; i < n; i++) spike(core, spikes_[core][i], t);
  }
  head_ = top_ = 0;
  return true;
}

int EventRunner::canonicalKeys(int core, int n) {
  const auto& c = cores_[core];
  int32_t* s = spikes_[core].data();
  const Divisor& byFs = divFs_[core];
  const int Fs = c.Fs;
  const int hw = c.H * c.W;
  for (int i = 0; i < n; i++) {
    const int pos = byFs.of(s[i]);
    s[i] = (s[i] - pos * Fs) * hw + pos;
  }
  if (n <= 32) {
    for (int i = 1; i < n; i++) {
      const int32_t v = s[i];
      int j = i - 1;
      while (j >= 0 && s[j] > v) {
        s[j + 1] = s[j];
        j--;
      }
      s[j + 1] = v;
    }
  } else {
    std::sort(s, s + n);
  }
  return n;
}

void EventRunner::spike(int ci, int key, double t) {
  const auto& core = cores_[ci];
  coreSpikes_[ci]++;
  const int hw = core.H * core.W;
  const int f = divHW_[ci].of(key);
  const int pos = key - f * hw;
  const int oy = divW_[ci].of(pos);
  const int ox = pos - oy * core.W;
  if (core.decimatorN > 0) {
    const double count = decimatorCount_[ci];
    decimatorCount_[ci] = count + 1 == core.decimatorN ? 0 : count + 1;
    const bool passes = opt_.decimatorFirstOfN ? count == 0 : count + 1 == core.decimatorN;
    if (!passes) {
      drop(decimator, ci);
      if (core.monitor && !opt_.decimatorBeforeMonitor) emit(t, ci, f, ox, oy);
      return;
    }
  }
  if (core.monitor) emit(t, ci, f, ox, oy);
  const int nd = static_cast<int>(core.destinations.size());
  for (int k = 0; k < nd; k++) {
    const auto& d = core.destinations[opt_.depthFirst ? nd - 1 - k : k];
    const auto& dst = cores_[d.core];
    const int c = f + d.featureShift;
    if (c >= dst.inC) {
      drop(featureShift, d.core);
      continue;
    }
    const int y = oy >> d.poolShift;
    const int x = ox >> d.poolShift;
    if (y >= dst.inH || x >= dst.inW) {
      drop(pooledOutOfRange, d.core);
      continue;
    }
    push(kDeliver, d.core, c, y, x, t);
  }
}

int EventRunner::kernel(int ci, int c, int y, int x) {
  const auto& core = cores_[ci];
  int16_t* st = states_[ci];
  const int16_t* w = core.weights.data();
  int32_t* spikes = spikes_[ci].data();
  const int F = core.F;
  const int thr = core.thrHigh;
  const int low = core.thrLow;
  const bool rtz = core.returnToZero;
  const int r0 = core.rowStart[y], r1 = core.rowStart[y + 1];
  const int q0 = core.colStart[x], q1 = core.colStart[x + 1];
  const int wc = c * core.weightsPerInput;
  int n = 0;
  if (opt_.wrap || !core.kill.empty()) {
    const uint8_t* kill = core.kill.empty() ? nullptr : core.kill.data();
    const bool wrap = opt_.wrap;
    double updates = 0;
    for (int r = r0; r < r1; r++) {
      const int wr = wc + core.rowWeight[r];
      const int sr = core.rowState[r];
      for (int q = q0; q < q1; q++) {
        const int wb = wr + core.colWeight[q];
        const int sb = sr + core.colState[q];
        for (int f = 0; f < F; f++) {
          if (kill != nullptr && kill[wb + f] != 0) continue;
          updates++;
          const int si = sb + f;
          int v = st[si] + w[wb + f];
          v = wrap ? static_cast<int16_t>(v) : v > 32767 ? 32767 : v < -32768 ? -32768 : v;
          if (v >= thr) {
            spikes[n++] = si;
            v = rtz ? 0 : v - thr;
          }
          if (v < low) v = low;
          st[si] = static_cast<int16_t>(v);
        }
      }
    }
    updates_[ci] += updates;
    return n;
  }
  const void* wbase = weights8_[ci].empty() ? static_cast<const void*>(w + wc) : static_cast<const void*>(weights8_[ci].data() + wc);
  const int32_t* colWeight = colWeightFlat_[ci].empty() ? core.colWeight.data() : colWeightFlat_[ci].data();
  const FastKernelArgs args{st, wbase, spikes, core.rowWeight.data(), core.rowState.data(), colWeight, core.colState.data(), r0, r1, q0, q1, F, core.Fs, thr, low, rtz};
  n = fast_[ci](args);
  updates_[ci] += static_cast<double>(r1 - r0) * (q1 - q0) * F;
  return n;
}

}  // namespace dcnn
