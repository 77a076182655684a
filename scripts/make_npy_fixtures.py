#!/usr/bin/env python3
"""Writes the .npy/.npz fixtures of Tests/TensorTests/Fixtures/npy with numpy itself.

Run with the bench venv's python (it has numpy):
    /work/main/bench/.venv/bin/python scripts/make_npy_fixtures.py
Each array's values are listed in expected.txt (name, dtype, shape, C-order values), so the
Swift tests compare what they read against what numpy wrote, not against themselves.
"""
import io
import os
import numpy as np
from numpy.lib import format as npformat

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorTests", "Fixtures", "npy")
os.makedirs(out, exist_ok=True)
expected = []

def record(name, a):
    flat = np.ascontiguousarray(a).ravel()
    if a.dtype.kind == "f":
        vals = " ".join(repr(float(np.float32(v))) for v in flat)
    else:
        vals = " ".join(str(int(v)) for v in flat)
    expected.append(f"{name}\t{a.dtype.str}\t{'x'.join(map(str, a.shape)) or 'scalar'}\t{vals}")

base = np.array([[0, 1, 2], [3, 4, 5]])
for t in ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
    for order in "<>":
        dt = np.dtype(order + t)
        if dt.itemsize == 1 and order == ">":
            continue
        a = (base * (3 if t[0] == "f" else 1)).astype(dt)
        if t[0] == "f":
            a = (a / 4 - 0.5).astype(dt)
        if t[0] == "i":
            a = (a - 2).astype(dt)
        if t == "i8":
            a[0, 0] = np.iinfo(np.int64).min
        if t == "u8":
            a[1, 2] = np.iinfo(np.int64).max
        name = f"{t}-{'le' if order == '<' else 'be'}.npy"
        np.save(os.path.join(out, name), a)
        record(name, a)

b = np.array([[True, False, True], [False, False, True]])
np.save(os.path.join(out, "bool.npy"), b)
record("bool.npy", b)

# Fortran order: numpy writes a transposed array this way.
f = np.arange(24, dtype="<i8").reshape(2, 3, 4).T
assert f.flags.f_contiguous and not f.flags.c_contiguous
np.save(os.path.join(out, "fortran-i8.npy"), f)
record("fortran-i8.npy", f)

s = np.array(2.5, dtype="<f4")
np.save(os.path.join(out, "scalar-f4.npy"), s)
record("scalar-f4.npy", s)

# Versions 2.0 and 3.0, written explicitly.
for version in [(2, 0), (3, 0)]:
    a = np.array([1.5, -2.0, 3.25], dtype="<f4")
    name = f"version{version[0]}-f4.npy"
    with open(os.path.join(out, name), "wb") as fh:
        npformat.write_array(fh, a, version=version)
    record(name, a)

# Values outside Float's range: reading must refuse, not give infinity.
np.save(os.path.join(out, "f8-out-of-range.npy"), np.array([1.0, 1e300]))
# uint64 above Int.max.
np.save(os.path.join(out, "u8-too-big.npy"), np.array([2**64 - 1], dtype="<u8"))

# .npz archives, stored and deflated.
x = np.arange(6, dtype="<f4").reshape(2, 3) / 2
y = np.array([7, -8, 9], dtype="<i8")
np.savez(os.path.join(out, "stored.npz"), x=x, y=y)
np.savez_compressed(os.path.join(out, "deflated.npz"), x=x, y=y)
record("npz:x", x)
record("npz:y", y)

with open(os.path.join(out, "expected.txt"), "w") as fh:
    fh.write("\n".join(expected) + "\n")
print(f"wrote {len(expected)} arrays to {out}")
