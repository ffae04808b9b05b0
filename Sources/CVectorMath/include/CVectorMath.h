#ifndef CVECTORMATH_H
#define CVECTORMATH_H

#include <stddef.h>

// Elementwise exp, log, tanh and the logistic function over arrays of doubles, by SLEEF's
// 1-ulp (u10) vector functions for the instruction set given, or by libm for
// CVECTORMATH_SCALAR. `y` may be `x`. The instruction set must be one that
// cvectormath_supported reports.

enum {
  CVECTORMATH_SCALAR = 0,
  /// AVX2 with FMA: four doubles at a time.
  CVECTORMATH_AVX2 = 1,
  /// AVX-512F: eight doubles at a time.
  CVECTORMATH_AVX512 = 2,
};

/// Whether this processor (and the operating system, which must save its registers) runs
/// the instruction set.
int cvectormath_supported(int isa);

void cvectormath_exp(int isa, const double *x, double *y, size_t n);
void cvectormath_log(int isa, const double *x, double *y, size_t n);
void cvectormath_tanh(int isa, const double *x, double *y, size_t n);
/// 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) otherwise, so that exp never overflows.
void cvectormath_sigmoid(int isa, const double *x, double *y, size_t n);

#endif
