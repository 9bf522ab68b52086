// See event_kernel.h. One template over the vector width; the intrinsics of each width
// sit in a small traits struct compiled with that width's target attribute.
#include "event_kernel.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define DCNN_X86 1
#endif

namespace dcnn {

namespace {

// The scalar rule for one channel; returns the new state and appends a spike.
inline int16_t updateScalar(int v, int thr, int low, bool rtz, int index, int32_t* spikes, int& n) {
  if (v >= thr) {
    if (v > 32767) v = 32767;
    spikes[n++] = index;
    v = rtz ? 0 : v - thr;
    if (v < low) v = low;
  } else if (v < low) {
    v = low;
  }
  return static_cast<int16_t>(v);
}

int scalarKernel(const FastKernelArgs& a) {
  int n = 0;
  const int16_t* weights = static_cast<const int16_t*>(a.weights);
  for (int r = a.r0; r < a.r1; r++) {
    for (int q = a.q0; q < a.q1; q++) {
      int16_t* sp = a.state + a.rowState[r] + a.colState[q];
      const int16_t* wp = weights + a.rowWeight[r] + a.colWeight[q];
      const int base = static_cast<int>(sp - a.state);
      for (int f = 0; f < a.F; f++) sp[f] = updateScalar(sp[f] + wp[f], a.thr, a.low, a.returnToZero, base + f, a.spikes, n);
    }
  }
  return n;
}

#if DCNN_X86

// The per-width body: V is the traits struct (Lanes, load, adds, reached: lanes >= threshold as bits, max, store).
#define DCNN_VECTOR_KERNEL(NAME, V, TARGET, WT, WLOAD)                                                                 \
  TARGET int NAME(const FastKernelArgs& args) {                                                                \
    /* Locals, not the struct: stores through the state pointer could alias its fields. */                   \
    int16_t* const state = args.state;                                                                         \
    const WT* const weights = static_cast<const WT*>(args.weights);                                            \
    int32_t* const spikes = args.spikes;                                                                       \
    const int32_t* const rowWeight = args.rowWeight;                                                           \
    const int32_t* const rowState = args.rowState;                                                             \
    const int32_t* const colWeight = args.colWeight;                                                           \
    const int32_t* const colState = args.colState;                                                             \
    const int r0 = args.r0, r1 = args.r1, q0 = args.q0, q1 = args.q1, F = args.F, Fs = args.Fs;                \
    const int thr = args.thr, low = args.low;                                                                  \
    const bool rtz = args.returnToZero;                                                                        \
    int n = 0;                                                                                                 \
    const auto vthr = V::splat(static_cast<int16_t>(thr - 1));                                                 \
    const auto vlow = V::splat(static_cast<int16_t>(low));                                                     \
    for (int r = r0; r < r1; r++) {                                                                            \
      const WT* wr = weights + rowWeight[r];                                                                   \
      int16_t* sr = state + rowState[r];                                                                       \
      for (int q = q0; q < q1; q++) {                                                                          \
        int16_t* sp = sr + colState[q];                                                                        \
        const WT* wp = wr + colWeight[q];                                                                      \
        for (int f0 = 0; f0 < Fs; f0 += V::Lanes) {                                                            \
          const auto v = V::adds(V::load(sp + f0), V::WLOAD(wp + f0));                                         \
          uint64_t bits = V::reached(v, vthr);                                                                 \
          V::store(sp + f0, V::max(v, vlow));                                                                  \
          if (__builtin_expect(bits == 0, 1)) continue;                                                        \
          /* Some lanes reached the threshold (rare): the scalar rule for just those. The other  */          \
          /* lanes' max(v, low) is already right; padding lanes (f >= F) are never reported.     */          \
          alignas(64) int16_t lanes[V::Lanes];                                                                 \
          V::store(lanes, v);                                                                                  \
          const int base = static_cast<int>(sp - state) + f0;                                                  \
          while (bits != 0) {                                                                                  \
            const int l = __builtin_ctzll(bits) / V::BitsPerLane;                                              \
            bits &= ~(V::LaneBits << (l * V::BitsPerLane));                                                    \
            if (f0 + l >= F) continue;                                                                         \
            spikes[n++] = base + l;                                                                            \
            int x = rtz ? 0 : lanes[l] - thr;                                                                  \
            if (x < low) x = low;                                                                              \
            sp[f0 + l] = static_cast<int16_t>(x);                                                              \
          }                                                                                                    \
        }                                                                                                      \
      }                                                                                                        \
    }                                                                                                          \
    return n;                                                                                                  \
  }

// Stride-1 cores with int8 weights laid out with kx reversed ([c][ky][k-1-kx][f]): the
// columns an input reaches are consecutive output columns and consecutive reversed kernel
// columns, so each kernel row is one contiguous run of (columns x Fs) states and weights:
// one loop instead of one per column (the per-column overhead dominated k = 5 layers).
#define DCNN_FLAT_KERNEL(NAME, V, TARGET)                                                                     \
  TARGET int NAME(const FastKernelArgs& args) {                                                                \
    int16_t* const state = args.state;                                                                         \
    const int8_t* const weights = static_cast<const int8_t*>(args.weights);                                    \
    int32_t* const spikes = args.spikes;                                                                       \
    const int32_t* const rowWeight = args.rowWeight;                                                           \
    const int32_t* const rowState = args.rowState;                                                             \
    const int r0 = args.r0, r1 = args.r1, F = args.F, Fs = args.Fs;                                            \
    const int thr = args.thr, low = args.low;                                                                  \
    const bool rtz = args.returnToZero;                                                                        \
    const int colState0 = args.colState[args.q0];                                                              \
    const int colWeight0 = args.colWeight[args.q0];                                                            \
    const int length = (args.q1 - args.q0) * Fs;                                                               \
    int n = 0;                                                                                                 \
    const auto vthr = V::splat(static_cast<int16_t>(thr - 1));                                                 \
    const auto vlow = V::splat(static_cast<int16_t>(low));                                                     \
    for (int r = r0; r < r1; r++) {                                                                            \
      int16_t* sp = state + rowState[r] + colState0;                                                           \
      const int8_t* wp = weights + rowWeight[r] + colWeight0;                                                  \
      for (int i = 0; i < length; i += V::Lanes) {                                                             \
        const auto v = V::adds(V::load(sp + i), V::load8(wp + i));                                             \
        uint64_t bits = V::reached(v, vthr);                                                                   \
        V::store(sp + i, V::max(v, vlow));                                                                     \
        if (__builtin_expect(bits == 0, 1)) continue;                                                          \
        alignas(64) int16_t lanes[V::Lanes];                                                                   \
        V::store(lanes, v);                                                                                    \
        const int base = static_cast<int>(sp - state) + i;                                                     \
        const int f0 = i % Fs;                                                                                 \
        while (bits != 0) {                                                                                    \
          const int l = __builtin_ctzll(bits) / V::BitsPerLane;                                                \
          bits &= ~(V::LaneBits << (l * V::BitsPerLane));                                                      \
          if (f0 + l >= F) continue;                                                                           \
          spikes[n++] = base + l;                                                                              \
          int x = rtz ? 0 : lanes[l] - thr;                                                                    \
          if (x < low) x = low;                                                                                \
          sp[i + l] = static_cast<int16_t>(x);                                                                 \
        }                                                                                                      \
      }                                                                                                        \
    }                                                                                                          \
    return n;                                                                                                  \
  }

struct Sse2 {
  static constexpr int Lanes = 8;
  static __m128i splat(int16_t v) { return _mm_set1_epi16(v); }
  static __m128i load(const int16_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static __m128i load8(const int8_t* p) {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8);
  }
  static void store(int16_t* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
  static __m128i adds(__m128i a, __m128i b) { return _mm_adds_epi16(a, b); }
  static __m128i max(__m128i a, __m128i b) { return _mm_max_epi16(a, b); }
  static constexpr int BitsPerLane = 2;
  static constexpr uint64_t LaneBits = 3;
  static uint64_t reached(__m128i v, __m128i thrMinus1) { return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpgt_epi16(v, thrMinus1))); }
};
DCNN_VECTOR_KERNEL(sse2Kernel, Sse2, , int16_t, load)
DCNN_VECTOR_KERNEL(sse2Kernel8, Sse2, , int8_t, load8)
DCNN_FLAT_KERNEL(sse2Flat, Sse2, )

#if defined(__GNUC__)
#define DCNN_AVX2 __attribute__((target("avx2")))
#define DCNN_AVX512 __attribute__((target("avx512f,avx512bw")))

struct Avx2 {
  static constexpr int Lanes = 16;
  DCNN_AVX2 static __m256i splat(int16_t v) { return _mm256_set1_epi16(v); }
  DCNN_AVX2 static __m256i load(const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  DCNN_AVX2 static __m256i load8(const int8_t* p) { return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
  DCNN_AVX2 static void store(int16_t* p, __m256i v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  DCNN_AVX2 static __m256i adds(__m256i a, __m256i b) { return _mm256_adds_epi16(a, b); }
  DCNN_AVX2 static __m256i max(__m256i a, __m256i b) { return _mm256_max_epi16(a, b); }
  static constexpr int BitsPerLane = 2;
  static constexpr uint64_t LaneBits = 3;
  DCNN_AVX2 static uint64_t reached(__m256i v, __m256i thrMinus1) { return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpgt_epi16(v, thrMinus1))); }
};
DCNN_VECTOR_KERNEL(avx2Kernel, Avx2, DCNN_AVX2, int16_t, load)
DCNN_VECTOR_KERNEL(avx2Kernel8, Avx2, DCNN_AVX2, int8_t, load8)
DCNN_FLAT_KERNEL(avx2Flat, Avx2, DCNN_AVX2)

struct Avx512 {
  static constexpr int Lanes = 32;
  DCNN_AVX512 static __m512i splat(int16_t v) { return _mm512_set1_epi16(v); }
  DCNN_AVX512 static __m512i load(const int16_t* p) { return _mm512_loadu_si512(p); }
  DCNN_AVX512 static __m512i load8(const int8_t* p) { return _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
  DCNN_AVX512 static void store(int16_t* p, __m512i v) { _mm512_storeu_si512(p, v); }
  DCNN_AVX512 static __m512i adds(__m512i a, __m512i b) { return _mm512_adds_epi16(a, b); }
  DCNN_AVX512 static __m512i max(__m512i a, __m512i b) { return _mm512_max_epi16(a, b); }
  static constexpr int BitsPerLane = 1;
  static constexpr uint64_t LaneBits = 1;
  DCNN_AVX512 static uint64_t reached(__m512i v, __m512i thrMinus1) { return _mm512_cmpgt_epi16_mask(v, thrMinus1); }
};
DCNN_VECTOR_KERNEL(avx512Kernel, Avx512, DCNN_AVX512, int16_t, load)
DCNN_VECTOR_KERNEL(avx512Kernel8, Avx512, DCNN_AVX512, int8_t, load8)
DCNN_FLAT_KERNEL(avx512Flat, Avx512, DCNN_AVX512)

bool hasAvx2() { return __builtin_cpu_supports("avx2"); }
bool hasAvx512() { return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"); }
#else
bool hasAvx2() { return false; }
bool hasAvx512() { return false; }
#endif

#endif  // DCNN_X86

}  // namespace

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
  (void)int8Weights;
  return scalarKernel;
}

}  // namespace dcnn
