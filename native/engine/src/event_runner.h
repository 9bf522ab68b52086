// The event-driven engine's run loop in C++ (event-engine.ts `process` without the parts
// it declines): input events through the DVS table or straight into a core, the per-event
// neuron update of chip.md §9.2 (event_kernel.cc's vector versions for the saturating rule,
// scalar for wrap-around and killed weights), canonical spike order, decimator, monitoring, routing with pooling and
// feature shift, drops, counters, both processing orders, and slow-clock ticks that only
// count (no leak). Cores on routing cycles and leak ticks stay in TypeScript: the engine
// does not hand such configurations over. No Node API here: addon.cc marshals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "event_kernel.h"

namespace dcnn {

struct EventDestination {
  int core, poolShift, featureShift;
};

struct EventCoreSpec {
  bool used = false;
  int inC = 0, inH = 0, inW = 0, F = 0, H = 0, W = 0, Fs = 0, weightsPerInput = 0, k = 1, strideX = 1;
  int thrHigh = 1, thrLow = 0;
  bool returnToZero = false, monitor = false;
  int decimatorN = 0;
  std::vector<int16_t> weights;  // [c][ky][kx][Fs]
  std::vector<uint8_t> kill;     // same layout, empty = nothing killed
  std::vector<int32_t> rowStart, rowWeight, rowState, colStart, colWeight, colState;
  std::vector<EventDestination> destinations;
};

struct EventDvsSpec {
  bool acceptsInput = false, monitor = false, rawMonitor = false;
  // [p][y][x] over 2x128x128: channel | x << 8 | y << 16, or -(drop reason + 1).
  std::vector<int32_t> table;
  std::vector<int> destinations;
};

// Memory owned by JavaScript, re-attached before every call (its addresses may change
// between calls, never during one).
struct EventSharedMemory {
  int16_t* const* states;  // per core (null for unused)
  double* coreEventsIn;
  double* coreSpikes;
  double* coreDropped;
  double* dropped;
  // eventsIn, eventsOut, ticks, now, nextTick, nextTickT, runawayLimit, runawayT, then per core updates, decimatorCount
  double* registers;
};

struct EventInput {
  const double* t;
  const uint8_t* layer;
  const uint16_t* channel;
  const uint16_t* x;
  const uint16_t* y;
};

struct EventOutput {
  std::vector<double> t;
  std::vector<uint16_t> x, y, channel;
  std::vector<uint8_t> layer;
  void clear() {
    t.clear();
    x.clear();
    y.clear();
    channel.clear();
    layer.clear();
  }
};

struct EventRunnerOptions {
  bool depthFirst = true, wrap = false, ticksFirst = true, decimatorFirstOfN = false, decimatorBeforeMonitor = true;
  double slowClockHz = 0;  // 0: no slow clock
  double maxEventsPerInput = 1e7;
  // Indices into `dropped` (sim-counters.ts DROP), in the order of EventDrop.
  int drops[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10};
};

enum EventDrop { inputOutOfRange, unusedCore, invalidLayer, featureShift, pooledOutOfRange, decimator, dvsSensorDisabled, dvsOutOfRange, dvsPolarity, dvsDestinationOutOfRange };

enum class EventStatus { ok = 0, runaway = 1 };

// int8 weights on a cache-line boundary: every kernel row starts at a multiple of Fs
// bytes, a multiple of the vector's weight load, so no such load straddles two lines.
class AlignedInt8 {
 public:
  void resize(size_t n) {
    bytes_.assign(n + 64, 0);
    const size_t misalign = reinterpret_cast<uintptr_t>(bytes_.data()) % 64;
    data_ = bytes_.data() + (misalign == 0 ? 0 : 64 - misalign);
  }
  int8_t* data() { return data_; }

 private:
  std::vector<int8_t> bytes_;
  int8_t* data_ = nullptr;
};

class EventRunner {
 public:
  EventRunner(std::vector<EventCoreSpec> cores, EventDvsSpec dvs, EventRunnerOptions options);

  // Consumes input events [from, to) of the current batch (begin() starts a batch).
  EventStatus run(const EventInput& in, int from, int to, const EventSharedMemory& mem);
  // Breadth-first: drains what the batch queued since the last tick (call at the batch's end with its consumed count).
  EventStatus finish(int consumed, const EventSharedMemory& mem);
  void begin() { segmentStart_ = 0; }
  EventOutput& output() { return out_; }

 private:
  // A pending delivery to one core (a, b, c = channel, y, x) or, depth-first, the pending
  // spikes of one of its kernel calls (keys a .. b - 1 of its key buffer); breadth-first
  // keeps each frame's time in frameT_ (depth-first: the input's time).
  struct Frame {
    int32_t kind, core, a, b, c;
  };
  void attach(const EventSharedMemory& mem);
  void detach();
  void inject(double t, int layer, int ch, int x, int y);
  bool drainStack(double t);
  bool drainQueue(int inputs);
  void tick(double upTo);
  void spike(int core, int key, double t);
  int kernel(int core, int c, int y, int x);
  int generalKernel(int core, int c, int y, int x);
  void reserveFrames(size_t n) {
    if (top_ + n > frames_.size()) grow(top_ + n);
  }
  void grow(size_t need);
  void compactQueue();
  void push(int kind, int core, int a, int b, int c, double t) {
    reserveFrames(1);
    if (!opt_.depthFirst) frameT_[top_] = t;
    frames_[top_++] = Frame{kind, core, a, b, c};
  }
  void emit(double t, int layer, int ch, int x, int y);
  void drop(EventDrop reason, int core) {
    dropped_[opt_.drops[reason]]++;
    coreDropped_[core]++;
  }
  void dropUncounted(EventDrop reason) { dropped_[opt_.drops[reason]]++; }

  std::vector<EventCoreSpec> cores_;
  EventDvsSpec dvs_;
  EventRunnerOptions opt_;
  std::vector<Frame> frames_;
  std::vector<double> frameT_;
  size_t top_ = 0, head_ = 0;
  int segmentStart_ = 0;
  // Per core, what spike() reads, side by side: how its keys decode, the decimator and
  // monitor, and its destinations in push order with their input limits.
  struct Hop {
    int core, poolShift, featureShift, inC, inH, inW;
  };
  struct Route {
    int fShift = 0, yShift = 0, yMask = 0, xMask = 0, decimatorN = 0, hopCount = 0;
    bool monitor = false;
    const Hop* hops = nullptr;
    const int32_t* keys = nullptr;
  };
  std::vector<Route> routes_;
  std::vector<Hop> hops_;
  // Per core: the kernel's tables (state attached per call) and what they point to.
  std::vector<KernelTables> tables_;
  std::vector<std::vector<int32_t>> keys_, rowKey_, colKey_, channelKey_;
  EventOutput out_;
  // Attached for one call.
  int16_t* const* states_ = nullptr;
  double *coreEventsIn_ = nullptr, *coreSpikes_ = nullptr, *coreDropped_ = nullptr, *dropped_ = nullptr, *reg_ = nullptr;
  double eventsIn_ = 0, eventsOut_ = 0, ticks_ = 0, now_ = 0, nextTick_ = 1, nextTickT_ = 0;
  std::vector<double> updates_, decimatorCount_;
  // Per core since the last detach (added to updates, coreEventsIn and coreSpikes there):
  // (row, column) pairs the vector kernels reached, kernel calls, spikes.
  std::vector<int64_t> reached_, eventsInCount_, spikeCount_;
  std::vector<FastKernel> fast_;                     // per core: null = the general rule (wrap-around or killed weights)
  std::vector<AlignedInt8> weights8_;                 // per core: the weights as int8 when its kernel takes them so
  std::vector<std::vector<int32_t>> colWeightFlat_;  // per core: colWeight for the kx-reversed layout of a flat kernel
  double runawayLimit_ = 0, runawayT_ = 0;
};

}  // namespace dcnn
