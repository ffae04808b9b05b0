"""Correctly rounded exp, log, tanh and the logistic function for VectorMathTests.

Each value is worked out with mpmath at 200 bits and rounded once to the nearest double, so
the tests can measure how far SLEEF's functions (and libm's) are from the true result, in
ulps. Run from the repository: python3 Tests/Fixtures/vectormath/make_reference.py
Writes reference.json beside this script: one row per input, [x, exp, log, tanh, sigmoid],
each a Python repr (inf, -inf, nan included) that Swift's Double(_:) reads exactly.
"""
import json
import math
import os
import random

import mpmath

mpmath.mp.prec = 200


def rounded(v):
    """The double nearest the mpmath value v (±inf past the largest double)."""
    if mpmath.isnan(v):
        return math.nan
    if mpmath.isinf(v):
        return math.inf if v > 0 else -math.inf
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def row(x):
    if math.isnan(x):
        return [x] * 5
    if math.isinf(x):
        return [x, math.inf if x > 0 else 0.0, math.inf if x > 0 else math.nan,
                1.0 if x > 0 else -1.0, 1.0 if x > 0 else 0.0]
    X = mpmath.mpf(x)
    log = -math.inf if x == 0 else (math.nan if x < 0 else rounded(mpmath.log(X)))
    # tanh keeps the sign of zero; the rest are positive or exact.
    tanh = x if x == 0 else rounded(mpmath.tanh(X))
    return [x, rounded(mpmath.exp(X)), log, tanh, rounded(1 / (1 + mpmath.exp(-X)))]


def inputs():
    rng = random.Random(18)
    xs = []
    # Every fourth binade, subnormals to the largest doubles, with alternating signs.
    for e in range(-1074, 1024, 4):
        m = rng.uniform(1, 2)
        x = math.ldexp(m, e) if e >= -1022 else math.ldexp(1, e) * rng.randint(1, 2**20)
        if math.isfinite(x):
            xs.append(x if e % 8 == 2 else -x)
    # Where tanh and the logistic function bend and saturate.
    xs += [i / 16 for i in range(-16 * 24, 16 * 24 + 1)]
    xs += [i / 256 for i in range(-256, 257)]
    # exp near overflow (709.782712893384 is the last double with a finite e^x) and where
    # its results become subnormal (below −708.396) and then 0 (below −745.133).
    xs += [709.0, 709.5, 709.78, 709.7827111495576, 709.78271, 709.782712893384,
           709.7827128933841, 710.0]
    xs += [-708.3964185322641, -708.4, -709.0, -720.0, -730.0, -740.0, -744.0, -745.0,
           -745.1332191019411, -745.1332191019412, -746.0]
    xs += [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, -5e-324,
           2.2250738585072014e-308, -2.2250738585072014e-308, 1.7976931348623157e308,
           -1.7976931348623157e308, 20.0, -20.0, 22.0, -22.0, 36.0, 40.0, -40.0]
    return xs


here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "reference.json"), "w") as f:
    f.write("[\n")
    rows = [row(x) for x in inputs()]
    f.write(",\n".join(json.dumps([repr(v) for v in r]) for r in rows))
    f.write("\n]\n")
