// See event_kernel.h. One template per loop shape over a small traits struct per vector
// width (Sse2, Avx2, Avx512: the intrinsics, each compiled with its width's target
// attribute); the templates are always inlined into one function per width that carries
// the same attribute, so one build holds every width and picks at load time.
#include "event_kernel.h"

#include <algorithm>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define DCNN_X86 1
#endif

#if defined(__GNUC__)
#define DCNN_INLINE inline __attribute__((always_inline))
#else
#define DCNN_INLINE inline
#endif

namespace dcnn {

namespace {

// The scalar rule for one channel; returns the new state and appends a key.
inline int16_t updateScalar(int v, int thr, int low, bool rtz, int key, int32_t* keys, int& n) {
  if (v >= thr) {
    if (v > 32767) v = 32767;
    keys[n++] = key;
    v = rtz ? 0 : v - thr;
    if (v < low) v = low;
  } else if (v < low) {
    v = low;
  }
  return static_cast<int16_t>(v);
}

// The kernels below leave their keys in the order they reach them: by (oy, ox, f).
int scalarKernel(const KernelTables& t, int c, int y, int x) {
  int n = 0;
  const int16_t* weights = static_cast<const int16_t*>(t.weights) + c * t.weightsPerInput;
  *t.reached += (t.rowStart[y + 1] - t.rowStart[y]) * (t.colStart[x + 1] - t.colStart[x]);
  for (int r = t.rowStart[y]; r < t.rowStart[y + 1]; r++) {
    for (int q = t.colStart[x]; q < t.colStart[x + 1]; q++) {
      int16_t* sp = t.state + t.rowState[r] + t.colState[q];
      const int16_t* wp = weights + t.rowWeight[r] + t.colWeight[q];
      const int base = t.rowKey[r] | t.colKey[q];
      for (int f = 0; f < t.F; f++) sp[f] = updateScalar(sp[f] + wp[f], t.thr, t.low, t.returnToZero, t.channelKey[f] | base, t.keys, n);
    }
  }
  sortKeys(t.keys, n);
  return n;
}

#if DCNN_X86

#if defined(__GNUC__)
// The templates below hold vector values of the width they are instantiated for and are
// only ever inlined into functions compiled for that width (GCC warns about the ABI of
// vector arguments regardless, at the end of the file).
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

// One vector step of the rule: v = state + weight (saturating); lanes with v >= thr are
// reported (padding lanes f >= F never) and reset; all lanes are clamped below at low.
// Returns what to store; appends the reached lanes' keys. f0: the first lane's channel.
template <class V>
struct Step {
  typename V::Vec thrMinus1, thr, low, reset;
  const int32_t* channelKey;
  int F, Fs;
  bool rtz;

  DCNN_INLINE typename V::Vec apply(typename V::Vec v, int f0, int base, int32_t* keys, int& n) const {
    typename V::Mask m = V::reached(v, thrMinus1);
    typename V::Vec out = V::max(v, low);
    if (__builtin_expect(V::any(m), 0)) {
      if (F < Fs) m = V::both(m, V::lanesBelow(F - f0));
      out = V::blend(m, out, rtz ? reset : V::max(V::sub(v, thr), low));
      n += V::writeKeys(m, keys + n, channelKey + f0, base);
    }
    return out;
  }
};

template <class V>
DCNN_INLINE Step<V> stepOf(const KernelTables& t) {
  const int16_t reset = static_cast<int16_t>(t.low > 0 ? t.low : 0);
  return Step<V>{V::splat(static_cast<int16_t>(t.thr - 1)), V::splat(static_cast<int16_t>(t.thr)), V::splat(static_cast<int16_t>(t.low)), V::splat(reset), t.channelKey, t.F, t.Fs, t.returnToZero};
}

// Any core: per reached (row, column), the Fs channels in vectors.
template <class V, class W>
DCNN_INLINE int columnKernel(const KernelTables& t, int c, int y, int x) {
  // Locals, not the struct: stores through the state pointer could alias its fields.
  int16_t* const state = t.state;
  const W* const weights = static_cast<const W*>(t.weights) + c * t.weightsPerInput;
  int32_t* const keys = t.keys;
  const int32_t* const rowWeight = t.rowWeight;
  const int32_t* const rowState = t.rowState;
  const int32_t* const rowKey = t.rowKey;
  const int32_t* const colWeight = t.colWeight;
  const int32_t* const colState = t.colState;
  const int32_t* const colKey = t.colKey;
  const int r0 = t.rowStart[y], r1 = t.rowStart[y + 1], q0 = t.colStart[x], q1 = t.colStart[x + 1], Fs = t.Fs;
  *t.reached += (r1 - r0) * (q1 - q0);
  const Step<V> step = stepOf<V>(t);
  int n = 0;
  for (int r = r0; r < r1; r++) {
    for (int q = q0; q < q1; q++) {
      int16_t* const sp = state + rowState[r] + colState[q];
      const W* const wp = weights + rowWeight[r] + colWeight[q];
      const int base = rowKey[r] | colKey[q];
      for (int f0 = 0; f0 < Fs; f0 += V::Lanes) V::store(sp + f0, step.apply(V::adds(V::load(sp + f0), V::loadWeights(wp + f0)), f0, base, keys, n));
    }
  }
  return n;
}

// Stride-1 cores with int8 weights laid out with kx reversed ([c][ky][k-1-kx][f]): the
// columns an input reaches are consecutive output columns and consecutive reversed kernel
// columns, so each kernel row is one contiguous run of (columns x Fs) states and weights:
// one loop instead of one per column (the per-column overhead dominated k = 5 layers).
template <class V>
DCNN_INLINE int flatKernel(const KernelTables& t, int c, int y, int x) {
  int16_t* const state = t.state;
  const int8_t* const weights = static_cast<const int8_t*>(t.weights) + c * t.weightsPerInput;
  int32_t* const keys = t.keys;
  const int32_t* const rowWeight = t.rowWeight;
  const int32_t* const rowState = t.rowState;
  const int32_t* const rowKey = t.rowKey;
  const int r0 = t.rowStart[y], r1 = t.rowStart[y + 1], q0 = t.colStart[x], Fs = t.Fs;
  const int columns = t.colStart[x + 1] - q0, length = columns * Fs;
  *t.reached += (r1 - r0) * columns;
  const int s0 = t.colState[q0], w0 = t.colWeight[q0], ox0 = t.colKey[q0];
  const Step<V> step = stepOf<V>(t);
  int n = 0;
  for (int r = r0; r < r1; r++) {
    int16_t* const sp = state + rowState[r] + s0;
    const int8_t* const wp = weights + rowWeight[r] + w0;
    for (int i = 0; i < length; i += V::Lanes) {
      const typename V::Vec v = V::adds(V::load(sp + i), V::loadWeights(wp + i));
      typename V::Mask m = V::reached(v, step.thrMinus1);
      if (__builtin_expect(!V::any(m), 1)) {
        V::store(sp + i, V::max(v, step.low));
        continue;
      }
      // Rare: which column and channel this vector holds (i / Fs as a multiply: i < k·Fs < 2^16).
      const int col = static_cast<int>((static_cast<uint64_t>(i) * t.fsInverse) >> 32);
      V::store(sp + i, step.apply(v, i - col * Fs, rowKey[r] | (ox0 + col), keys, n));
    }
  }
  return n;
}

inline int sorted(const KernelTables& t, int n) {
  if (n > 1) sortKeys(t.keys, n);
  return n;
}

// A byte mask of 16-bit lanes (two bits a lane, as movemask_epi8 gives): one key per set lane.
inline int keysOfByteMask(uint32_t bits, int32_t* keys, const int32_t* channelKey, int base) {
  int n = 0;
  while (bits != 0) {
    const int l = __builtin_ctz(bits) / 2;
    bits &= bits - 1;
    bits &= bits - 1;
    keys[n++] = channelKey[l] | base;
  }
  return n;
}

struct Sse2 {
  static constexpr int Lanes = 8;
  using Vec = __m128i;
  using Mask = __m128i;
  static Vec splat(int16_t v) { return _mm_set1_epi16(v); }
  static Vec load(const int16_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static Vec loadWeights(const int16_t* p) { return load(p); }
  static Vec loadWeights(const int8_t* p) {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8);
  }
  static void store(int16_t* p, Vec v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
  static Vec adds(Vec a, Vec b) { return _mm_adds_epi16(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm_sub_epi16(a, b); }
  static Vec max(Vec a, Vec b) { return _mm_max_epi16(a, b); }
  static Mask reached(Vec v, Vec thrMinus1) { return _mm_cmpgt_epi16(v, thrMinus1); }
  static bool any(Mask m) { return _mm_movemask_epi8(m) != 0; }
  static Mask both(Mask a, Mask b) { return _mm_and_si128(a, b); }
  static Mask lanesBelow(int k) { return _mm_cmpgt_epi16(_mm_set1_epi16(static_cast<int16_t>(k < 0 ? 0 : k > Lanes ? Lanes : k)), _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7)); }
  static Vec blend(Mask m, Vec a, Vec b) { return _mm_or_si128(_mm_andnot_si128(m, a), _mm_and_si128(m, b)); }
  static int writeKeys(Mask m, int32_t* keys, const int32_t* channelKey, int base) {
    return keysOfByteMask(static_cast<uint32_t>(_mm_movemask_epi8(m)), keys, channelKey, base);
  }
};

int sse2Kernel(const KernelTables& t, int c, int y, int x) { return sorted(t, columnKernel<Sse2, int16_t>(t, c, y, x)); }
int sse2Kernel8(const KernelTables& t, int c, int y, int x) { return sorted(t, columnKernel<Sse2, int8_t>(t, c, y, x)); }
int sse2Flat(const KernelTables& t, int c, int y, int x) { return sorted(t, flatKernel<Sse2>(t, c, y, x)); }

#if defined(__GNUC__)
#define DCNN_AVX2 __attribute__((target("avx2")))
#define DCNN_AVX512 __attribute__((target("avx512f,avx512bw")))

struct Avx2 {
  static constexpr int Lanes = 16;
  using Vec = __m256i;
  using Mask = __m256i;
  DCNN_AVX2 static Vec splat(int16_t v) { return _mm256_set1_epi16(v); }
  DCNN_AVX2 static Vec load(const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  DCNN_AVX2 static Vec loadWeights(const int16_t* p) { return load(p); }
  DCNN_AVX2 static Vec loadWeights(const int8_t* p) { return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
  DCNN_AVX2 static void store(int16_t* p, Vec v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  DCNN_AVX2 static Vec adds(Vec a, Vec b) { return _mm256_adds_epi16(a, b); }
  DCNN_AVX2 static Vec sub(Vec a, Vec b) { return _mm256_sub_epi16(a, b); }
  DCNN_AVX2 static Vec max(Vec a, Vec b) { return _mm256_max_epi16(a, b); }
  DCNN_AVX2 static Mask reached(Vec v, Vec thrMinus1) { return _mm256_cmpgt_epi16(v, thrMinus1); }
  DCNN_AVX2 static bool any(Mask m) { return !_mm256_testz_si256(m, m); }
  DCNN_AVX2 static Mask both(Mask a, Mask b) { return _mm256_and_si256(a, b); }
  DCNN_AVX2 static Mask lanesBelow(int k) {
    return _mm256_cmpgt_epi16(_mm256_set1_epi16(static_cast<int16_t>(k < 0 ? 0 : k > Lanes ? Lanes : k)), _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  }
  DCNN_AVX2 static Vec blend(Mask m, Vec a, Vec b) { return _mm256_blendv_epi8(a, b, m); }
  DCNN_AVX2 static int writeKeys(Mask m, int32_t* keys, const int32_t* channelKey, int base) {
    return keysOfByteMask(static_cast<uint32_t>(_mm256_movemask_epi8(m)), keys, channelKey, base);
  }
};

DCNN_AVX2 int avx2Kernel(const KernelTables& t, int c, int y, int x) { return sorted(t, columnKernel<Avx2, int16_t>(t, c, y, x)); }
DCNN_AVX2 int avx2Kernel8(const KernelTables& t, int c, int y, int x) { return sorted(t, columnKernel<Avx2, int8_t>(t, c, y, x)); }
DCNN_AVX2 int avx2Flat(const KernelTables& t, int c, int y, int x) { return sorted(t, flatKernel<Avx2>(t, c, y, x)); }

struct Avx512 {
  static constexpr int Lanes = 32;
  using Vec = __m512i;
  using Mask = __mmask32;
  DCNN_AVX512 static Vec splat(int16_t v) { return _mm512_set1_epi16(v); }
  DCNN_AVX512 static Vec load(const int16_t* p) { return _mm512_loadu_si512(p); }
  DCNN_AVX512 static Vec loadWeights(const int16_t* p) { return load(p); }
  DCNN_AVX512 static Vec loadWeights(const int8_t* p) { return _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
  DCNN_AVX512 static void store(int16_t* p, Vec v) { _mm512_storeu_si512(p, v); }
  DCNN_AVX512 static Vec adds(Vec a, Vec b) { return _mm512_adds_epi16(a, b); }
  DCNN_AVX512 static Vec sub(Vec a, Vec b) { return _mm512_sub_epi16(a, b); }
  DCNN_AVX512 static Vec max(Vec a, Vec b) { return _mm512_max_epi16(a, b); }
  DCNN_AVX512 static Mask reached(Vec v, Vec thrMinus1) { return _mm512_cmpgt_epi16_mask(v, thrMinus1); }
  DCNN_AVX512 static bool any(Mask m) { return m != 0; }
  DCNN_AVX512 static Mask both(Mask a, Mask b) { return a & b; }
  DCNN_AVX512 static Mask lanesBelow(int k) { return k >= Lanes ? 0xffffffffu : k <= 0 ? 0u : (1u << k) - 1; }
  DCNN_AVX512 static Vec blend(Mask m, Vec a, Vec b) { return _mm512_mask_blend_epi16(m, a, b); }
  // The reached lanes' keys, 16 at a time: compressed in a register, stored whole.
  DCNN_AVX512 static int writeKeys(Mask m, int32_t* keys, const int32_t* channelKey, int base) {
    const __m512i vbase = _mm512_set1_epi32(base);
    const __mmask16 lo = static_cast<__mmask16>(m), hi = static_cast<__mmask16>(m >> 16);
    _mm512_storeu_si512(keys, _mm512_maskz_compress_epi32(lo, _mm512_or_si512(_mm512_loadu_si512(channelKey), vbase)));
    const int n = __builtin_popcount(lo);
    _mm512_storeu_si512(keys + n, _mm512_maskz_compress_epi32(hi, _mm512_or_si512(_mm512_loadu_si512(channelKey + 16), vbase)));
    return n + __builtin_popcount(hi);
  }
};

// 9 to 32 keys sorted without branches on their values: each key's place is the number of
// keys below it. They come in (oy, ox, f) order and leave in (f, oy, ox) order, so most
// keys move, and insertion sort mispredicts the end of about every move (a first core's
// event reaches 20 or so thresholds at once); for a few keys it is still the cheaper.
DCNN_AVX512 int sortedAvx512(const KernelTables& t, int n) {
  if (n <= 8 || n > 32) {
    if (n > 1) sortKeys(t.keys, n);
    return n;
  }
  int32_t* const keys = t.keys;
  const __mmask16 lo = static_cast<__mmask16>(n >= 16 ? 0xffff : (1u << n) - 1);
  const __mmask16 hi = static_cast<__mmask16>(n <= 16 ? 0 : n >= 32 ? 0xffff : (1u << (n - 16)) - 1);
  const __m512i a = _mm512_maskz_loadu_epi32(lo, keys), b = _mm512_maskz_loadu_epi32(hi, keys + 16);
  alignas(64) int32_t out[32];
  for (int i = 0; i < n; i++) {
    const __m512i v = _mm512_set1_epi32(keys[i]);
    out[__builtin_popcount(_mm512_mask_cmplt_epi32_mask(lo, a, v)) + __builtin_popcount(_mm512_mask_cmplt_epi32_mask(hi, b, v))] = keys[i];
  }
  _mm512_mask_storeu_epi32(keys, lo, _mm512_maskz_loadu_epi32(lo, out));
  _mm512_mask_storeu_epi32(keys + 16, hi, _mm512_maskz_loadu_epi32(hi, out + 16));
  return n;
}

DCNN_AVX512 int avx512Kernel(const KernelTables& t, int c, int y, int x) { return sortedAvx512(t, columnKernel<Avx512, int16_t>(t, c, y, x)); }
DCNN_AVX512 int avx512Kernel8(const KernelTables& t, int c, int y, int x) { return sortedAvx512(t, columnKernel<Avx512, int8_t>(t, c, y, x)); }
DCNN_AVX512 int avx512Flat(const KernelTables& t, int c, int y, int x) { return sortedAvx512(t, flatKernel<Avx512>(t, c, y, x)); }

bool hasAvx2() { return __builtin_cpu_supports("avx2"); }
bool hasAvx512() { return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"); }
#else
bool hasAvx2() { return false; }
bool hasAvx512() { return false; }
#endif

#endif  // DCNN_X86

}  // namespace

void sortKeys(int32_t* s, int n) {
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
}

int widestLanes() {
#if DCNN_X86 && defined(__GNUC__)
  if (hasAvx512()) return 32;
  if (hasAvx2()) return 16;
  return 8;
#elif DCNN_X86
  return 8;
#else
  return 1;
#endif
}

FastKernel pickFlatKernel(int Fs) {
#if DCNN_X86
#if defined(__GNUC__)
  if (Fs % 32 == 0 && hasAvx512()) return avx512Flat;
  if (Fs % 16 == 0 && hasAvx2()) return avx2Flat;
#endif
  if (Fs % 8 == 0) return sse2Flat;
#endif
  (void)Fs;
  return nullptr;
}

FastKernel pickFastKernel(int Fs, bool int8Weights) {
#if DCNN_X86
#if defined(__GNUC__)
  if (Fs % 32 == 0 && hasAvx512()) return int8Weights ? avx512Kernel8 : avx512Kernel;
  if (Fs % 16 == 0 && hasAvx2()) return int8Weights ? avx2Kernel8 : avx2Kernel;
#endif
  if (Fs % 8 == 0) return int8Weights ? sse2Kernel8 : sse2Kernel;
#endif
  (void)Fs;
  (void)int8Weights;
  return scalarKernel;
}

}  // namespace dcnn
