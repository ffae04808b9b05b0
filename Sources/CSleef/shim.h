// SLEEF's vectorised elementary functions (Debian libsleef-dev). Its x86 declarations take
// the SIMD register types of <immintrin.h>, so only C code compiled for those instruction
// sets calls them (CVectorMath, which chooses among them at run time).
#include <sleef.h>
