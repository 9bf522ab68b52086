// See event_runner.h. Every step mirrors event-engine.ts (the same order on the frame
// stack, where one frame stands for a kernel call's spikes that TypeScript pushes one by
// one; the same FIFO; the same drop and counter points), so the two cannot drift apart
// silently: the parity tests compare monitored events, states and counters.
#include "event_runner.h"

#include "event_kernel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#if defined(__GNUC__)
#define DCNN_RUNNER_INLINE inline __attribute__((always_inline))
#else
#define DCNN_RUNNER_INLINE inline
#endif

namespace dcnn {

namespace {
// The count at which `++work > limit` first holds, as an integer compare (the counter is
// then a register, not a double carried through memory from one frame to the next).
int64_t workLimit(double limit) {
  if (!(limit < 9e18)) return INT64_MAX;
  if (limit < 0) return -1;
  return static_cast<int64_t>(std::floor(limit));
}

constexpr int kDeliver = 0;
// Depth-first: the spikes of one kernel call, keys[a] .. keys[b - 1] of the core's key
// buffer, the next one first. The buffer stays as it is until they are all done: only a
// kernel call of the same core rewrites it, and no core lies on a routing cycle here.
constexpr int kSpikes = 1;
constexpr int kLayerDvs = 13;
constexpr int kLayerDvsRaw = 14;
constexpr int kDvsSize = 128;
}  // namespace

EventRunner::EventRunner(std::vector<EventCoreSpec> cores, EventDvsSpec dvs, EventRunnerOptions options)
    : cores_(std::move(cores)), dvs_(std::move(dvs)), opt_(options) {
  frames_.resize(1024);
  if (!opt_.depthFirst) frameT_.resize(frames_.size());
  const size_t n = cores_.size();
  tables_.assign(n, KernelTables{});
  keys_.resize(n);
  rowKey_.resize(n);
  colKey_.resize(n);
  channelKey_.resize(n);
  updates_.assign(n, 0);
  reached_.assign(n, 0);
  eventsInCount_.assign(n, 0);
  spikeCount_.assign(n, 0);
  routes_.assign(n, Route{});
  decimatorCount_.assign(n, 0);
  fast_.assign(n, nullptr);
  weights8_.resize(n);
  colWeightFlat_.resize(n);
  for (size_t i = 0; i < n; i++) {
    const auto& c = cores_[i];
    if (!c.used) continue;
    int maxRows = 0, maxCols = 0;
    for (int y = 0; y < c.inH; y++) maxRows = std::max(maxRows, c.rowStart[y + 1] - c.rowStart[y]);
    for (int x = 0; x < c.inW; x++) maxCols = std::max(maxCols, c.colStart[x + 1] - c.colStart[x]);
    keys_[i].resize(static_cast<size_t>(c.Fs) * maxRows * maxCols + kKeySlack);
    // Each reach-table entry's part of the neuron key (the state offsets hold oy and ox).
    const NeuronKey key(c.H, c.W);
    rowKey_[i].resize(c.rowState.size());
    for (size_t r = 0; r < c.rowState.size(); r++) rowKey_[i][r] = (c.rowState[r] / (c.W * c.Fs)) << key.yShift;
    colKey_[i].resize(c.colState.size());
    for (size_t q = 0; q < c.colState.size(); q++) colKey_[i][q] = c.colState[q] / c.Fs;
    channelKey_[i].resize(static_cast<size_t>(c.Fs) + 32);
    for (int f = 0; f < c.Fs + 32; f++) channelKey_[i][f] = static_cast<int32_t>(static_cast<uint32_t>(f) << key.fShift);  // (past F: never a key)
    const bool general = opt_.wrap || !c.kill.empty();
    const auto range = std::minmax_element(c.weights.begin(), c.weights.end());
    const bool fits = c.weights.empty() || (*range.first >= -128 && *range.second <= 127);
    // (The flat kernel's column arithmetic wants a kernel row below 2^16 lanes.)
    const FastKernel flat = !general && fits && c.strideX == 1 && static_cast<int64_t>(c.k) * c.Fs < (1 << 16) ? pickFlatKernel(c.Fs) : nullptr;
    const int32_t* colWeight = c.colWeight.data();
    const void* weights = c.weights.data();
    if (flat != nullptr) {
      // Reverse kx within every kernel row so a row's reached columns are contiguous.
      const int k = c.k, Fs = c.Fs;
      weights8_[i].resize(c.weights.size());
      int8_t* const to = weights8_[i].data();
      const int16_t* const from = c.weights.data();
      for (int ch = 0; ch < c.inC; ch++)
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++) {
            int8_t* const row = to + (((ch * k + ky) * k) + (k - 1 - kx)) * Fs;
            const int16_t* const source = from + (((ch * k + ky) * k) + kx) * Fs;
            for (int f = 0; f < Fs; f++) row[f] = static_cast<int8_t>(source[f]);
          }
      colWeightFlat_[i].resize(c.colWeight.size());
      for (size_t q = 0; q < c.colWeight.size(); q++) colWeightFlat_[i][q] = (k - 1 - c.colWeight[q] / Fs) * Fs;
      fast_[i] = flat;
      colWeight = colWeightFlat_[i].data();
      weights = weights8_[i].data();
    } else if (!general) {
      fast_[i] = pickFastKernel(c.Fs, fits);
      if (fast_[i] != pickFastKernel(c.Fs, false)) {
        weights8_[i].resize(c.weights.size());
        std::copy(c.weights.begin(), c.weights.end(), weights8_[i].data());
        weights = weights8_[i].data();
      }
    }
    KernelTables& t = tables_[i];
    t.weights = weights;
    t.keys = keys_[i].data();
    t.reached = &reached_[i];
    t.rowStart = c.rowStart.data();
    t.rowWeight = c.rowWeight.data();
    t.rowState = c.rowState.data();
    t.rowKey = rowKey_[i].data();
    t.colStart = c.colStart.data();
    t.colWeight = colWeight;
    t.colState = c.colState.data();
    t.colKey = colKey_[i].data();
    t.channelKey = channelKey_[i].data();
    t.weightsPerInput = c.weightsPerInput;
    t.F = c.F;
    t.Fs = c.Fs;
    t.thr = c.thrHigh;
    t.low = c.thrLow;
    t.fShift = key.fShift;
    t.fsInverse = static_cast<uint32_t>(0xffffffffu / c.Fs + 1);
    t.returnToZero = c.returnToZero;
    routes_[i] = Route{key.fShift, key.yShift, key.yMask, key.xMask, c.decimatorN, static_cast<int>(c.destinations.size()), c.monitor, nullptr, keys_[i].data()};
  }
  // Each core's destinations in push order (depth-first pushes the last first, so that
  // the first is processed first), with what their inputs take.
  for (const auto& c : cores_) {
    const int nd = static_cast<int>(c.destinations.size());
    for (int k = 0; k < nd; k++) {
      const EventDestination& d = c.destinations[opt_.depthFirst ? nd - 1 - k : k];
      const auto& dst = cores_[d.core];
      hops_.push_back(Hop{d.core, d.poolShift, d.featureShift, dst.inC, dst.inH, dst.inW});
    }
  }
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    routes_[i].hops = hops_.data() + at;
    routes_[i].hopCount = static_cast<int>(cores_[i].destinations.size());
    at += cores_[i].destinations.size();
  }
}

void EventRunner::grow(size_t need) {
  size_t size = frames_.size();
  while (size < need) size *= 2;
  frames_.resize(size);
  if (!opt_.depthFirst) frameT_.resize(size);
}

void EventRunner::attach(const EventSharedMemory& mem) {
  states_ = mem.states;
  for (size_t i = 0; i < cores_.size(); i++) tables_[i].state = states_[i];
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
    updates_[i] += static_cast<double>(reached_[i]) * cores_[i].F;
    coreEventsIn_[i] += static_cast<double>(eventsInCount_[i]);
    coreSpikes_[i] += static_cast<double>(spikeCount_[i]);
    reached_[i] = eventsInCount_[i] = spikeCount_[i] = 0;
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
  const double limitValue = opt_.maxEventsPerInput;
  const int64_t limit = workLimit(limitValue);
  int64_t work = 0;
  while (top_ > 0) {
    if (++work > limit) {
      top_ = 0;
      runawayLimit_ = limitValue;
      runawayT_ = t;
      return false;
    }
    // Field by field, not a struct copy: a wide load of a frame just written by narrow
    // stores cannot be forwarded from the store buffer and stalls.
    Frame& top = frames_[top_ - 1];
    const int kind = top.kind, core = top.core, a = top.a, b = top.b;
    if (kind == kSpikes) {
      if (a + 1 < b) top.a = a + 1;
      else top_--;
      spike(core, routes_[core].keys[a], t);
      continue;
    }
    const int c = top.c;
    top_--;
    eventsInCount_[core]++;
    const int n = kernel(core, a, b, c);
    if (n == 0) continue;
    // Spikes in canonical order, the first one next.
    reserveFrames(1);
    frames_[top_++] = Frame{kSpikes, core, 0, n, 0};
  }
  return true;
}

bool EventRunner::drainQueue(int inputs) {
  const int64_t limit = workLimit(opt_.maxEventsPerInput * std::max(1, inputs));
  int64_t work = 0;
  while (head_ < top_) {
    const Frame& next = frames_[head_];
    const double t = frameT_[head_];
    const int core = next.core, a = next.a, b = next.b, c = next.c;
    if (++work > limit) {
      head_ = top_ = 0;
      runawayLimit_ = opt_.maxEventsPerInput;
      runawayT_ = t;
      return false;
    }
    head_++;
    eventsInCount_[core]++;
    const int n = kernel(core, a, b, c);
    if (head_ >= 4096 && head_ * 2 >= top_) compactQueue();
    // spike() may grow the frame list; the keys live in the core's own buffer.
    const int32_t* keys = keys_[core].data();
    for (int i = 0; i < n; i++) spike(core, keys[i], t);
  }
  head_ = top_ = 0;
  return true;
}

// Moves the queue's pending frames to the front once most of it has been consumed, so a
// long breadth-first segment works in a window of the pending frames instead of
// streaming through every frame it ever queued.
void EventRunner::compactQueue() {
  const size_t pending = top_ - head_;
  std::copy(frames_.begin() + static_cast<std::ptrdiff_t>(head_), frames_.begin() + static_cast<std::ptrdiff_t>(top_), frames_.begin());
  std::copy(frameT_.begin() + static_cast<std::ptrdiff_t>(head_), frameT_.begin() + static_cast<std::ptrdiff_t>(top_), frameT_.begin());
  head_ = 0;
  top_ = pending;
}


DCNN_RUNNER_INLINE void EventRunner::spike(int ci, int key, double t) {
  const Route& route = routes_[ci];
  spikeCount_[ci]++;
  const int f = key >> route.fShift;
  const int oy = (key >> route.yShift) & route.yMask;
  const int ox = key & route.xMask;
  if (route.decimatorN > 0) {
    const double count = decimatorCount_[ci];
    decimatorCount_[ci] = count + 1 == route.decimatorN ? 0 : count + 1;
    const bool passes = opt_.decimatorFirstOfN ? count == 0 : count + 1 == route.decimatorN;
    if (!passes) {
      drop(decimator, ci);
      if (route.monitor && !opt_.decimatorBeforeMonitor) emit(t, ci, f, ox, oy);
      return;
    }
  }
  if (route.monitor) emit(t, ci, f, ox, oy);
  for (int k = 0; k < route.hopCount; k++) {
    const Hop& d = route.hops[k];
    const int c = f + d.featureShift;
    if (c >= d.inC) {
      drop(featureShift, d.core);
      continue;
    }
    const int y = oy >> d.poolShift;
    const int x = ox >> d.poolShift;
    if (y >= d.inH || x >= d.inW) {
      drop(pooledOutOfRange, d.core);
      continue;
    }
    push(kDeliver, d.core, c, y, x, t);
  }
}

DCNN_RUNNER_INLINE int EventRunner::kernel(int ci, int c, int y, int x) {
  const KernelTables& t = tables_[ci];
  const FastKernel fast = fast_[ci];
  if (fast == nullptr) return generalKernel(ci, c, y, x);
  return fast(t, c, y, x);
}

// The rule in full, one neuron at a time: wrap-around instead of saturation, killed weights skipped.
int EventRunner::generalKernel(int ci, int c, int y, int x) {
  const auto& core = cores_[ci];
  const KernelTables& t = tables_[ci];
  int16_t* st = t.state;
  const int16_t* w = core.weights.data();
  int32_t* keys = t.keys;
  const int F = core.F, thr = core.thrHigh, low = core.thrLow, fShift = t.fShift;
  const bool rtz = core.returnToZero;
  const int wc = c * core.weightsPerInput;
  const uint8_t* kill = core.kill.empty() ? nullptr : core.kill.data();
  const bool wrap = opt_.wrap;
  double updates = 0;
  int n = 0;
  for (int r = t.rowStart[y]; r < t.rowStart[y + 1]; r++) {
    const int wr = wc + core.rowWeight[r];
    const int sr = core.rowState[r];
    for (int q = t.colStart[x]; q < t.colStart[x + 1]; q++) {
      const int wb = wr + core.colWeight[q];
      const int sb = sr + core.colState[q];
      const int base = t.rowKey[r] | t.colKey[q];
      for (int f = 0; f < F; f++) {
        if (kill != nullptr && kill[wb + f] != 0) continue;
        updates++;
        const int si = sb + f;
        int v = st[si] + w[wb + f];
        v = wrap ? static_cast<int16_t>(v) : v > 32767 ? 32767 : v < -32768 ? -32768 : v;
        if (v >= thr) {
          keys[n++] = f << fShift | base;
          v = rtz ? 0 : v - thr;
        }
        if (v < low) v = low;
        st[si] = static_cast<int16_t>(v);
      }
    }
  }
  updates_[ci] += updates;
  sortKeys(keys, n);
  return n;
}

}  // namespace dcnn
