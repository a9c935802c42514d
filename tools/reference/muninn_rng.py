"""Muninn's counter-based random numbers: the contract the Java engine and this reference share.

Every random draw of a request is a pure function of (request seed, stream, position, index), never of a shared
generator, so a sequence's output does not depend on its batch-mates, on arrival order or on a restart.

    h0 = mix64(seed XOR (stream * GOLDEN))          all arithmetic modulo 2**64, seed as unsigned 64-bit
    h1 = mix64(h0 + position)
    h2 = mix64(h1 + index)
    uniform = ((h2 >> 11) + 0.5) * 2**-53           in (0, 1), never 0 or 1

mix64 is SplitMix64's finaliser. Streams: 1 = initial recurrent state, 2 = token sampling.

Initial state ('like-init'): element h of the row at absolute position p is
    z = ndtri(PHI_LO + uniform(seed, STATE, p, h) * (PHI_HI - PHI_LO))     # standard normal truncated to [-3, 3]
    s0 = float32((z * (init_std * init_scale)) * embed_scale)              # evaluated in float64, left to right
and exactly 0 when init_scale == 0. ndtri is Wichura's AS241 (PPND16), double precision.

Sampling draw of generated token i (0-based): uniform(seed, SAMPLE, i, 0).
"""
import math

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
STREAM_STATE = 1
STREAM_SAMPLE = 2
PHI_LO = 0.0013498980316300946  # Phi(-3)
PHI_HI = 1.0 - PHI_LO           # Phi(3)


def mix64(z):
    z &= MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def uniform(seed, stream, position, index):
    h = mix64((seed & MASK) ^ ((stream * GOLDEN) & MASK))
    h = mix64(h + position)
    h = mix64(h + index)
    return ((h >> 11) + 0.5) * (2.0 ** -53)


def _central(q):
    """AS241 for |p - 0.5| <= 0.425: q * num(r) / den(r), r = 0.180625 - q^2 (floats or numpy arrays alike)."""
    r = 0.180625 - q * q
    num = (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
               + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
             + 133.14166789178437745) * r + 3.387132872796366608)
    den = (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
               + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
             + 42.313330701600911252) * r + 1.0)
    return q * num / den


def _near_tail(r):
    """AS241's tail for r = sqrt(-log(min(p, 1 - p))) <= 5, the magnitude of the result."""
    r = r - 1.6
    num = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
               + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
             + 4.6303378461565452959) * r + 1.42343711074968357734)
    den = (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
               + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
             + 2.05319162663775882187) * r + 1.0)
    return num / den


def _far_tail(r):
    """AS241's tail for r > 5, the magnitude of the result."""
    r = r - 5.0
    num = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
               + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
             + 5.4637849111641143699) * r + 6.6579046435011037772)
    den = (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
               + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
             + 0.59983220655588793769) * r + 1.0)
    return num / den


def ndtri(p):
    """Inverse of the standard normal CDF (Wichura 1988, algorithm AS241 PPND16)."""
    q = p - 0.5
    if abs(q) <= 0.425:
        return _central(q)
    r = math.sqrt(-math.log(p if q < 0 else 1.0 - p))
    val = _near_tail(r) if r <= 5.0 else _far_tail(r)
    return -val if q < 0 else val


def truncated_normal(seed, position, index):
    """A standard normal truncated to [-3, 3], drawn from the state stream."""
    u = uniform(seed, STREAM_STATE, position, index)
    return ndtri(PHI_LO + u * (PHI_HI - PHI_LO))


def initial_state_row(seed, position, hidden, init_std, init_scale, embed_scale):
    """Row of the initial state at one absolute position, as float64 values already rounded to float32."""
    import struct
    if init_scale == 0.0:
        return [0.0] * hidden
    sigma = init_std * init_scale
    out = []
    for h in range(hidden):
        v = (truncated_normal(seed, position, h) * sigma) * embed_scale
        out.append(struct.unpack('f', struct.pack('f', v))[0])
    return out


# ---------------------------------------------------------------------------------------------------------------
# Vectorised (numpy): the same operations in the same order, so every element equals the scalar functions' value
# bit for bit. tools/reference/bench_reference.py and tools/tiny-model/infer.py draw their s0 rows here.
# ---------------------------------------------------------------------------------------------------------------

def mix64_array(z):
    """mix64 of a numpy uint64 array (wrap-around multiplication: call under np.errstate(over="ignore"))."""
    import numpy as np
    u = np.uint64
    z = (z ^ (z >> u(30))) * u(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> u(27))) * u(0x94D049BB133111EB)
    return z ^ (z >> u(31))


def ndtri_array(p):
    """ndtri element-wise over a float64 numpy array."""
    import numpy as np
    q = p - 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sqrt(-np.log(np.where(q < 0, p, 1.0 - p)))
        val = np.where(r <= 5.0, _near_tail(r), _far_tail(r))
    return np.where(np.abs(q) <= 0.425, _central(q), np.where(q < 0, -val, val))


def initial_states(seeds, positions, hidden, init_std, init_scale, embed_scale):
    """initial_state_row for every (seed, position), as a (len(seeds), len(positions), hidden) float32 array."""
    import numpy as np
    if init_scale == 0.0:
        return np.zeros((len(seeds), len(positions), hidden), dtype=np.float32)
    h0 = np.array([mix64((s & MASK) ^ ((STREAM_STATE * GOLDEN) & MASK)) for s in seeds], dtype=np.uint64)
    with np.errstate(over="ignore"):
        h1 = mix64_array(h0[:, None] + np.asarray(positions, dtype=np.uint64)[None, :])
        h2 = mix64_array(h1[:, :, None] + np.arange(hidden, dtype=np.uint64)[None, None, :])
    u = ((h2 >> np.uint64(11)).astype(np.float64) + 0.5) * (2.0 ** -53)
    z = ndtri_array(PHI_LO + u * (PHI_HI - PHI_LO))
    return ((z * (init_std * init_scale)) * embed_scale).astype(np.float32)
