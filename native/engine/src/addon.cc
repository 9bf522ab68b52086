// The N-API face of the native engine (node-addon-api): turns the plain objects and typed
// arrays the TypeScript engines hand over into the C++ runners' structures, and their
// results back. All simulation logic lives in timestep_runner.cc and event_runner.cc;
// this file only checks shapes and copies.
#include <napi.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "event_kernel.h"
#include "event_runner.h"
#include "timestep_runner.h"

namespace {

int intOf(const Napi::Object& o, const char* key) { return o.Get(key).As<Napi::Number>().Int32Value(); }
double numberOf(const Napi::Object& o, const char* key) { return o.Get(key).As<Napi::Number>().DoubleValue(); }
bool boolOf(const Napi::Object& o, const char* key) { return o.Get(key).ToBoolean().Value(); }

template <typename T, typename Array>
std::vector<T> copyOf(const Napi::Value& v) {
  if (!v.IsTypedArray()) return {};
  Array a = v.As<Array>();
  return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
}

// Any numeric typed array as int64, or false when a value is not an integer in ±2^31.
bool integersOf(const Napi::TypedArray& a, std::vector<int64_t>& out) {
  const size_t n = a.ElementLength();
  out.resize(n);
  const uint8_t* base = static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  auto copy = [&](auto* p) {
    for (size_t i = 0; i < n; i++) out[i] = static_cast<int64_t>(p[i]);
    return true;
  };
  auto copyFloat = [&](auto* p) {
    constexpr double limit = 2147483648.0;
    for (size_t i = 0; i < n; i++) {
      const double v = static_cast<double>(p[i]);
      if (!(std::trunc(v) == v && v < limit && v > -limit)) return false;
      out[i] = static_cast<int64_t>(v);
    }
    return true;
  };
  switch (a.TypedArrayType()) {
    case napi_int8_array: return copy(reinterpret_cast<const int8_t*>(base));
    case napi_uint8_array:
    case napi_uint8_clamped_array: return copy(reinterpret_cast<const uint8_t*>(base));
    case napi_int16_array: return copy(reinterpret_cast<const int16_t*>(base));
    case napi_uint16_array: return copy(reinterpret_cast<const uint16_t*>(base));
    case napi_int32_array: return copy(reinterpret_cast<const int32_t*>(base));
    case napi_uint32_array: return copy(reinterpret_cast<const uint32_t*>(base));
    case napi_float32_array: return copyFloat(reinterpret_cast<const float*>(base));
    case napi_float64_array: return copyFloat(reinterpret_cast<const double*>(base));
    default: return false;
  }
}

dcnn::TimestepRoute routeOf(const Napi::Int32Array& a, size_t i) {
  return dcnn::TimestepRoute{a[i], a[i + 1], a[i + 2], a[i + 3], a[i + 4], a[i + 5]};
}

class TimestepRunnerWrap : public Napi::ObjectWrap<TimestepRunnerWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TimestepRunner",
                       {InstanceMethod<&TimestepRunnerWrap::Run>("run"), InstanceMethod<&TimestepRunnerWrap::Reset>("reset"),
                        InstanceMethod<&TimestepRunnerWrap::Restore>("restore"), InstanceMethod<&TimestepRunnerWrap::GetState>("getState"),
                        InstanceMethod<&TimestepRunnerWrap::SetState>("setState")});
  }

  explicit TimestepRunnerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TimestepRunnerWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(env, "TimestepRunner takes a plan object").ThrowAsJavaScriptException();
      return;
    }
    const Napi::Object plan = info[0].As<Napi::Object>();
    const Napi::Array links = plan.Get("links").As<Napi::Array>();
    std::vector<dcnn::TimestepLinkSpec> specs;
    for (uint32_t i = 0; i < links.Length(); i++) {
      const Napi::Object o = links.Get(i).As<Napi::Object>();
      dcnn::TimestepLinkSpec s;
      s.inC = intOf(o, "inC");
      s.inH = intOf(o, "inH");
      s.inW = intOf(o, "inW");
      s.F = intOf(o, "F");
      s.H = intOf(o, "H");
      s.W = intOf(o, "W");
      s.k = intOf(o, "k");
      s.strideX = intOf(o, "strideX");
      s.strideY = intOf(o, "strideY");
      s.padX = intOf(o, "padX");
      s.padY = intOf(o, "padY");
      s.thrHigh = intOf(o, "thrHigh");
      s.thrLow = intOf(o, "thrLow");
      s.returnToZero = boolOf(o, "returnToZero");
      s.leak = boolOf(o, "leak");
      s.weights = copyOf<int32_t, Napi::Int16Array>(o.Get("weights"));
      s.biases = copyOf<int32_t, Napi::Int32Array>(o.Get("biases"));
      s.state = copyOf<int64_t, Napi::Int16Array>(o.Get("state"));
      const size_t hw = static_cast<size_t>(s.H) * s.W;
      if (s.thrHigh <= 0 || s.weights.size() != static_cast<size_t>(s.inC) * s.k * s.k * s.F || s.biases.size() != static_cast<size_t>(s.F) ||
          s.state.size() != hw * s.F) {
        Napi::RangeError::New(env, "TimestepRunner: a link's weights, biases, state or threshold do not fit its shape").ThrowAsJavaScriptException();
        return;
      }
      const Napi::Int32Array routes = o.Get("routes").As<Napi::Int32Array>();
      for (size_t r = 0; r + 6 <= routes.ElementLength(); r += 6) s.routes.push_back(routeOf(routes, r));
      const Napi::Value exit = o.Get("exit");
      s.hasExit = exit.IsTypedArray();
      if (s.hasExit) s.exit = routeOf(exit.As<Napi::Int32Array>(), 0);
      specs.push_back(std::move(s));
    }
    const auto entries = copyOf<int, Napi::Int32Array>(plan.Get("entries"));
    runner_ = std::make_unique<dcnn::TimestepRunner>(std::move(specs), entries);
    entryCount_ = entries.size();
  }

 private:
  // run(data, T, step, maps) -> { exits, totals, synapticOps } | null (raster values not integers)
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<int64_t> raster;
    if (!info[0].IsTypedArray() || !integersOf(info[0].As<Napi::TypedArray>(), raster)) return env.Null();
    const int T = info[1].As<Napi::Number>().Int32Value();
    const int step = info[2].As<Napi::Number>().Int32Value();
    if (raster.size() != static_cast<size_t>(T) * step) {
      Napi::RangeError::New(env, "TimestepRunner.run: raster length is not T * step").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const Napi::Array mapsIn = info[3].As<Napi::Array>();
    std::vector<std::vector<int32_t>> maps(entryCount_);
    for (uint32_t e = 0; e < entryCount_ && e < mapsIn.Length(); e++) maps[e] = copyOf<int32_t, Napi::Int32Array>(mapsIn.Get(e));
    const dcnn::TimestepRunResult r = runner_->run(raster, T, step, maps);
    Napi::Object out = Napi::Object::New(env);
    Napi::Array exits = Napi::Array::New(env, r.exitData.size());
    for (size_t i = 0; i < r.exitData.size(); i++) exits.Set(i, copyToFloat64(env, r.exitData[i]));
    Napi::Array totals = Napi::Array::New(env, r.totals.size());
    for (size_t i = 0; i < r.totals.size(); i++) totals.Set(i, copyToFloat64(env, r.totals[i]));
    out.Set("exits", exits);
    out.Set("totals", totals);
    out.Set("synapticOps", Napi::Number::New(env, r.synapticOps));
    return out;
  }

  static Napi::Float64Array copyToFloat64(Napi::Env env, const std::vector<double>& v) {
    Napi::Float64Array a = Napi::Float64Array::New(env, v.size());
    if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size() * sizeof(double));
    return a;
  }

  Napi::Value Reset(const Napi::CallbackInfo& info) {
    runner_->resetStates();
    return info.Env().Undefined();
  }

  Napi::Value Restore(const Napi::CallbackInfo& info) {
    runner_->restoreInitialStates();
    return info.Env().Undefined();
  }

  Napi::Value GetState(const Napi::CallbackInfo& info) {
    const int li = info[0].As<Napi::Number>().Int32Value();
    if (li < 0 || li >= runner_->linkCount()) return info.Env().Undefined();
    const auto s = runner_->state(li);
    Napi::Float64Array a = Napi::Float64Array::New(info.Env(), s.size());
    for (size_t i = 0; i < s.size(); i++) a[i] = static_cast<double>(s[i]);
    return a;
  }

  Napi::Value SetState(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const int li = info[0].As<Napi::Number>().Int32Value();
    std::vector<int64_t> values;
    if (li < 0 || li >= runner_->linkCount() || !info[1].IsTypedArray() || !integersOf(info[1].As<Napi::TypedArray>(), values) ||
        values.size() != runner_->state(li).size()) {
      Napi::RangeError::New(env, "TimestepRunner.setState: wrong link or state").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    runner_->setState(li, values);
    return env.Undefined();
  }

  std::unique_ptr<dcnn::TimestepRunner> runner_;
  size_t entryCount_ = 0;
};

class EventRunnerWrap : public Napi::ObjectWrap<EventRunnerWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "EventRunner",
                       {InstanceMethod<&EventRunnerWrap::AttachMemory>("attachMemory"), InstanceMethod<&EventRunnerWrap::Begin>("begin"),
                        InstanceMethod<&EventRunnerWrap::Run>("run"), InstanceMethod<&EventRunnerWrap::Finish>("finish"),
                        InstanceMethod<&EventRunnerWrap::TakeOutput>("takeOutput")});
  }

  explicit EventRunnerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EventRunnerWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(env, "EventRunner takes a plan object").ThrowAsJavaScriptException();
      return;
    }
    const Napi::Object plan = info[0].As<Napi::Object>();
    const Napi::Array cores = plan.Get("cores").As<Napi::Array>();
    std::vector<dcnn::EventCoreSpec> specs(cores.Length());
    for (uint32_t i = 0; i < cores.Length(); i++) {
      const Napi::Value v = cores.Get(i);
      if (!v.IsObject()) continue;
      const Napi::Object o = v.As<Napi::Object>();
      dcnn::EventCoreSpec& s = specs[i];
      s.used = true;
      s.inC = intOf(o, "inC");
      s.inH = intOf(o, "inH");
      s.inW = intOf(o, "inW");
      s.F = intOf(o, "F");
      s.H = intOf(o, "H");
      s.W = intOf(o, "W");
      s.Fs = intOf(o, "Fs");
      s.weightsPerInput = intOf(o, "weightsPerInput");
      s.k = intOf(o, "k");
      s.strideX = intOf(o, "strideX");
      s.thrHigh = intOf(o, "thrHigh");
      s.thrLow = intOf(o, "thrLow");
      s.returnToZero = boolOf(o, "returnToZero");
      s.monitor = boolOf(o, "monitor");
      s.decimatorN = intOf(o, "decimatorN");
      s.weights = copyOf<int16_t, Napi::Int16Array>(o.Get("weights"));
      s.kill = copyOf<uint8_t, Napi::Uint8Array>(o.Get("weightKill"));
      s.rowStart = copyOf<int32_t, Napi::Int32Array>(o.Get("rowStart"));
      s.rowWeight = copyOf<int32_t, Napi::Int32Array>(o.Get("rowWeight"));
      s.rowState = copyOf<int32_t, Napi::Int32Array>(o.Get("rowState"));
      s.colStart = copyOf<int32_t, Napi::Int32Array>(o.Get("colStart"));
      s.colWeight = copyOf<int32_t, Napi::Int32Array>(o.Get("colWeight"));
      s.colState = copyOf<int32_t, Napi::Int32Array>(o.Get("colState"));
      const auto dests = copyOf<int32_t, Napi::Int32Array>(o.Get("destinations"));
      for (size_t d = 0; d + 3 <= dests.size(); d += 3) s.destinations.push_back({dests[d], dests[d + 1], dests[d + 2]});
      if (s.thrHigh <= 0 || static_cast<int>(s.rowStart.size()) != s.inH + 1 || static_cast<int>(s.colStart.size()) != s.inW + 1 || s.Fs % 8 != 0 || s.Fs < s.F) {
        Napi::RangeError::New(env, "EventRunner: a core's tables do not fit its shape").ThrowAsJavaScriptException();
        return;
      }
      if (!dcnn::NeuronKey(s.H, s.W).holds(s.F)) {
        Napi::RangeError::New(env, "EventRunner: a core's map is too large for 31-bit neuron keys").ThrowAsJavaScriptException();
        return;
      }
    }
    const Napi::Object d = plan.Get("dvs").As<Napi::Object>();
    dcnn::EventDvsSpec dvs;
    dvs.acceptsInput = boolOf(d, "acceptsInput");
    dvs.monitor = boolOf(d, "monitor");
    dvs.rawMonitor = boolOf(d, "rawMonitor");
    dvs.table = copyOf<int32_t, Napi::Int32Array>(d.Get("table"));
    dvs.destinations = copyOf<int, Napi::Int32Array>(d.Get("destinations"));
    // The table is only read for input the sensor takes (it may be empty when it takes none).
    if (dvs.acceptsInput ? dvs.table.size() != 2 * 128 * 128 : !dvs.table.empty() && dvs.table.size() != 2 * 128 * 128) {
      Napi::RangeError::New(env, "EventRunner: the DVS table must have 2x128x128 entries").ThrowAsJavaScriptException();
      return;
    }
    const Napi::Object o = plan.Get("options").As<Napi::Object>();
    dcnn::EventRunnerOptions opt;
    opt.depthFirst = boolOf(o, "depthFirst");
    opt.wrap = boolOf(o, "wrap");
    opt.ticksFirst = boolOf(o, "ticksFirst");
    opt.decimatorFirstOfN = boolOf(o, "decimatorFirstOfN");
    opt.decimatorBeforeMonitor = boolOf(o, "decimatorBeforeMonitor");
    opt.slowClockHz = numberOf(o, "slowClockHz");
    opt.maxEventsPerInput = numberOf(o, "maxEventsPerInput");
    const auto drops = copyOf<int32_t, Napi::Int32Array>(o.Get("drops"));
    for (size_t i = 0; i < drops.size() && i < 10; i++) opt.drops[i] = drops[i];
    coreCount_ = specs.size();
    runner_ = std::make_unique<dcnn::EventRunner>(std::move(specs), std::move(dvs), opt);
  }

 private:
  // attachMemory({ states, coreEventsIn, coreSpikes, coreDropped, dropped, registers }): the
  // JavaScript-owned arrays the runner reads and writes; kept alive by references here.
  Napi::Value AttachMemory(const Napi::CallbackInfo& info) {
    const Napi::Object m = info[0].As<Napi::Object>();
    const Napi::Array states = m.Get("states").As<Napi::Array>();
    states_.clear();
    for (uint32_t i = 0; i < states.Length(); i++) {
      const Napi::Value v = states.Get(i);
      states_.push_back(v.IsTypedArray() ? Napi::Persistent(v.As<Napi::Int16Array>()) : Napi::Reference<Napi::Int16Array>());
    }
    coreEventsIn_ = Napi::Persistent(m.Get("coreEventsIn").As<Napi::Float64Array>());
    coreSpikes_ = Napi::Persistent(m.Get("coreSpikes").As<Napi::Float64Array>());
    coreDropped_ = Napi::Persistent(m.Get("coreDropped").As<Napi::Float64Array>());
    dropped_ = Napi::Persistent(m.Get("dropped").As<Napi::Float64Array>());
    registers_ = Napi::Persistent(m.Get("registers").As<Napi::Float64Array>());
    return info.Env().Undefined();
  }

  bool memory(Napi::Env env, dcnn::EventSharedMemory& mem) {
    if (registers_.IsEmpty() || states_.size() != coreCount_ || registers_.Value().ElementLength() < 8 + 2 * coreCount_) {
      Napi::Error::New(env, "EventRunner: attachMemory first, with one state per core").ThrowAsJavaScriptException();
      return false;
    }
    statePointers_.assign(coreCount_, nullptr);
    for (size_t i = 0; i < coreCount_; i++) {
      if (!states_[i].IsEmpty()) statePointers_[i] = states_[i].Value().Data();
    }
    mem.states = statePointers_.data();
    mem.coreEventsIn = coreEventsIn_.Value().Data();
    mem.coreSpikes = coreSpikes_.Value().Data();
    mem.coreDropped = coreDropped_.Value().Data();
    mem.dropped = dropped_.Value().Data();
    mem.registers = registers_.Value().Data();
    return true;
  }

  Napi::Value Begin(const Napi::CallbackInfo& info) {
    runner_->begin();
    return info.Env().Undefined();
  }

  // run(t, layer, channel, x, y, from, to) -> 0 ok | 1 runaway
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    dcnn::EventSharedMemory mem{};
    if (!memory(env, mem)) return env.Undefined();
    if (info.Length() < 7 || !info[0].IsTypedArray() || !info[1].IsTypedArray() || !info[2].IsTypedArray() || !info[3].IsTypedArray() ||
        !info[4].IsTypedArray()) {
      Napi::TypeError::New(env, "EventRunner.run(t, layer, channel, x, y, from, to)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const Napi::Float64Array t = info[0].As<Napi::Float64Array>();
    const Napi::Uint8Array layer = info[1].As<Napi::Uint8Array>();
    const Napi::Uint16Array channel = info[2].As<Napi::Uint16Array>();
    const Napi::Uint16Array x = info[3].As<Napi::Uint16Array>();
    const Napi::Uint16Array y = info[4].As<Napi::Uint16Array>();
    const int from = info[5].As<Napi::Number>().Int32Value();
    const int to = info[6].As<Napi::Number>().Int32Value();
    const size_t need = static_cast<size_t>(to);
    if (from < 0 || to < from || t.ElementLength() < need || layer.ElementLength() < need || channel.ElementLength() < need || x.ElementLength() < need ||
        y.ElementLength() < need) {
      Napi::RangeError::New(env, "EventRunner.run: event range outside the columns").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const dcnn::EventInput in{t.Data(), layer.Data(), channel.Data(), x.Data(), y.Data()};
    return Napi::Number::New(env, static_cast<int>(runner_->run(in, from, to, mem)));
  }

  Napi::Value Finish(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    dcnn::EventSharedMemory mem{};
    if (!memory(env, mem)) return env.Undefined();
    return Napi::Number::New(env, static_cast<int>(runner_->finish(info[0].As<Napi::Number>().Int32Value(), mem)));
  }

  // The monitored events since the last call, packed as spike-batch.ts packs a batch
  // (t f64 | x u16 | y u16 | channel u16 | layer u8), or null when there are none.
  Napi::Value TakeOutput(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    dcnn::EventOutput& out = runner_->output();
    const size_t n = out.t.size();
    if (n == 0) return env.Null();
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, n * 15);
    uint8_t* p = static_cast<uint8_t*>(buf.Data());
    std::memcpy(p, out.t.data(), n * 8);
    std::memcpy(p + n * 8, out.x.data(), n * 2);
    std::memcpy(p + n * 10, out.y.data(), n * 2);
    std::memcpy(p + n * 12, out.channel.data(), n * 2);
    std::memcpy(p + n * 14, out.layer.data(), n);
    out.clear();
    return buf;
  }

  std::unique_ptr<dcnn::EventRunner> runner_;
  size_t coreCount_ = 0;
  std::vector<Napi::Reference<Napi::Int16Array>> states_;
  std::vector<int16_t*> statePointers_;
  Napi::Reference<Napi::Float64Array> coreEventsIn_, coreSpikes_, coreDropped_, dropped_, registers_;
};

// alignedInt16Array(length): a zeroed Int16Array whose first element sits on a 64-byte
// boundary (its buffer is JavaScript's, only the view's offset is chosen), so the vector
// loads and stores of a neuron row never straddle cache lines.
Napi::Value AlignedInt16Array(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t length = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  constexpr size_t kAlign = 64;
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, length * 2 + kAlign);
  std::memset(buf.Data(), 0, buf.ByteLength());
  const uintptr_t at = reinterpret_cast<uintptr_t>(buf.Data());
  const size_t offset = (kAlign - at % kAlign) % kAlign;
  return Napi::Int16Array::New(env, length, buf, offset);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("alignedInt16Array", Napi::Function::New(env, AlignedInt16Array));
  exports.Set("TimestepRunner", TimestepRunnerWrap::Define(env));
  exports.Set("EventRunner", EventRunnerWrap::Define(env));
  exports.Set("version", Napi::Number::New(env, 1));
  exports.Set("lanes", Napi::Number::New(env, dcnn::widestLanes()));
  return exports;
}

}  // namespace

NODE_API_MODULE(dcnn_engine, Init)
