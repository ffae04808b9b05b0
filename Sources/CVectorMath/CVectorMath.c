#include "CVectorMath.h"

#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>
#include <sleef.h>
#define CVECTORMATH_X86 1

// sleef.h declares its AVX2 and AVX-512 functions only to code compiled for those sets
// throughout (__AVX__, __AVX512F__); this file is not, so it declares the ones it calls, as
// libsleef exports them, each with the instruction set that its vector arguments need.
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#define AVX512_TARGET __attribute__((target("avx512f")))
AVX2_TARGET __m256d Sleef_expd4_u10avx2(__m256d);
AVX2_TARGET __m256d Sleef_logd4_u10avx2(__m256d);
AVX2_TARGET __m256d Sleef_tanhd4_u10avx2(__m256d);
AVX512_TARGET __m512d Sleef_expd8_u10avx512f(__m512d);
AVX512_TARGET __m512d Sleef_logd8_u10avx512f(__m512d);
AVX512_TARGET __m512d Sleef_tanhd8_u10avx512f(__m512d);
#endif

// Each vector loop is compiled for its own instruction set with a target attribute, so the
// rest of the program keeps the x86-64 baseline and runs on any such processor; which loop
// runs is chosen at run time (cvectormath_supported, cached by the caller). The last
// partial vector is read and written under a mask, never past the arrays' ends.

#if CVECTORMATH_X86
int cvectormath_supported(int isa) {
  __builtin_cpu_init();
  switch (isa) {
  case CVECTORMATH_SCALAR:
    return 1;
  case CVECTORMATH_AVX2:
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case CVECTORMATH_AVX512:
    return __builtin_cpu_supports("avx512f");
  default:
    return 0;
  }
}

// The lanes of a partial AVX2 vector of `rest` (1 to 3) doubles.
AVX2_TARGET static inline __m256i avx2_mask(size_t rest) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)rest), _mm256_setr_epi64x(0, 1, 2, 3));
}

#define AVX2_LOOP(name, function)                                                              \
  AVX2_TARGET static void name(const double *x, double *y, size_t n) {                        \
    size_t i = 0;                                                                              \
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, function(_mm256_loadu_pd(x + i)));      \
    if (i < n) {                                                                               \
      __m256i mask = avx2_mask(n - i);                                                         \
      _mm256_maskstore_pd(y + i, mask, function(_mm256_maskload_pd(x + i, mask)));             \
    }                                                                                          \
  }

#define AVX512_LOOP(name, function)                                                            \
  AVX512_TARGET static void name(const double *x, double *y, size_t n) {                      \
    size_t i = 0;                                                                              \
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, function(_mm512_loadu_pd(x + i)));      \
    if (i < n) {                                                                               \
      __mmask8 mask = (__mmask8)((1u << (n - i)) - 1);                                         \
      _mm512_mask_storeu_pd(y + i, mask, function(_mm512_maskz_loadu_pd(mask, x + i)));        \
    }                                                                                          \
  }

// The logistic function from SLEEF's exp, in the two forms of the scalar one: with
// e = e^−|x|, 1 / (1 + e) where x ≥ 0 and e / (1 + e) elsewhere (also where x is nan).
AVX2_TARGET static inline __m256d sigmoid4(__m256d x) {
  __m256d e = Sleef_expd4_u10avx2(_mm256_or_pd(x, _mm256_set1_pd(-0.0)));
  __m256d d = _mm256_add_pd(_mm256_set1_pd(1.0), e);
  __m256d positive = _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GE_OQ);
  return _mm256_blendv_pd(_mm256_div_pd(e, d), _mm256_div_pd(_mm256_set1_pd(1.0), d), positive);
}

AVX512_TARGET static inline __m512d sigmoid8(__m512d x) {
  __m512d e = Sleef_expd8_u10avx512f(
      _mm512_castsi512_pd(_mm512_or_epi64(_mm512_castpd_si512(x), _mm512_set1_epi64((long long)0x8000000000000000ULL))));
  __m512d d = _mm512_add_pd(_mm512_set1_pd(1.0), e);
  __mmask8 positive = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GE_OQ);
  return _mm512_mask_blend_pd(positive, _mm512_div_pd(e, d), _mm512_div_pd(_mm512_set1_pd(1.0), d));
}

// SLEEF 3.5.1's exp overflows early: it gives inf for the doubles from 709.7827111495576 to
// 709.782712893384 (15 million of them), whose e^x is finite, just below the largest double.
// Lanes above this edge take libm's exp, which is exact there.
#define EXP_EDGE 709.78

AVX2_TARGET static inline __m256d exp4_edge(__m256d x) {
  __m256d y = Sleef_expd4_u10avx2(x);
  if (_mm256_movemask_pd(_mm256_cmp_pd(x, _mm256_set1_pd(EXP_EDGE), _CMP_GT_OQ))) {
    double xs[4], ys[4];
    _mm256_storeu_pd(xs, x);
    _mm256_storeu_pd(ys, y);
    for (int i = 0; i < 4; i++) if (xs[i] > EXP_EDGE) ys[i] = exp(xs[i]);
    y = _mm256_loadu_pd(ys);
  }
  return y;
}

AVX512_TARGET static inline __m512d exp8_edge(__m512d x) {
  __m512d y = Sleef_expd8_u10avx512f(x);
  if (_mm512_cmp_pd_mask(x, _mm512_set1_pd(EXP_EDGE), _CMP_GT_OQ)) {
    double xs[8], ys[8];
    _mm512_storeu_pd(xs, x);
    _mm512_storeu_pd(ys, y);
    for (int i = 0; i < 8; i++) if (xs[i] > EXP_EDGE) ys[i] = exp(xs[i]);
    y = _mm512_loadu_pd(ys);
  }
  return y;
}

AVX2_LOOP(exp4, exp4_edge)
AVX2_LOOP(log4, Sleef_logd4_u10avx2)
AVX2_LOOP(tanh4, Sleef_tanhd4_u10avx2)
AVX2_LOOP(sigmoid4_loop, sigmoid4)
AVX512_LOOP(exp8, exp8_edge)
AVX512_LOOP(log8, Sleef_logd8_u10avx512f)
AVX512_LOOP(tanh8, Sleef_tanhd8_u10avx512f)
AVX512_LOOP(sigmoid8_loop, sigmoid8)

#else
// Elsewhere only libm's functions; the vector loops are never called.
int cvectormath_supported(int isa) { return isa == CVECTORMATH_SCALAR; }
static void exp4(const double *x, double *y, size_t n) {}
#define exp8 exp4
#define log4 exp4
#define log8 exp4
#define tanh4 exp4
#define tanh8 exp4
#define sigmoid4_loop exp4
#define sigmoid8_loop exp4
#endif

static inline double sigmoid1(double v) {
  if (v >= 0) return 1 / (1 + exp(-v));
  double e = exp(v);
  return e / (1 + e);
}

void cvectormath_exp(int isa, const double *x, double *y, size_t n) {
  if (isa == CVECTORMATH_AVX512) exp8(x, y, n);
  else if (isa == CVECTORMATH_AVX2) exp4(x, y, n);
  else for (size_t i = 0; i < n; i++) y[i] = exp(x[i]);
}

void cvectormath_log(int isa, const double *x, double *y, size_t n) {
  if (isa == CVECTORMATH_AVX512) log8(x, y, n);
  else if (isa == CVECTORMATH_AVX2) log4(x, y, n);
  else for (size_t i = 0; i < n; i++) y[i] = log(x[i]);
}

void cvectormath_tanh(int isa, const double *x, double *y, size_t n) {
  if (isa == CVECTORMATH_AVX512) tanh8(x, y, n);
  else if (isa == CVECTORMATH_AVX2) tanh4(x, y, n);
  else for (size_t i = 0; i < n; i++) y[i] = tanh(x[i]);
}

void cvectormath_sigmoid(int isa, const double *x, double *y, size_t n) {
  if (isa == CVECTORMATH_AVX512) sigmoid8_loop(x, y, n);
  else if (isa == CVECTORMATH_AVX2) sigmoid4_loop(x, y, n);
  else for (size_t i = 0; i < n; i++) y[i] = sigmoid1(x[i]);
}
