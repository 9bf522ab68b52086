// Where the compiler may pick an instruction set per CPU at load time: on x86-64 Linux
// (GCC's target_clones with ifunc) the hot loops get an AVX2 copy next to the baseline
// SSE2 one, so one build runs everywhere and uses the wide registers where they exist.
// Elsewhere the attribute is empty and the baseline build is used.
#pragma once

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define DCNN_HOT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DCNN_HOT_CLONES
#endif
