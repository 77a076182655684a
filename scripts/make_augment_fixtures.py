#!/usr/bin/env python3
"""Writes the Keras fixtures for cnnlearn's augmentation tests (Tests/ImagingTests/Fixtures/augment).

Run once, by hand, with Keras 3 (any backend) and SciPy installed; the tests read the files it
writes and need no Python:

    KERAS_BACKEND=jax python3 scripts/make_augment_fixtures.py /path/to/chelsea.png

Each case applies fixed parameters (no randomness) with Keras' own legacy
ImageDataGenerator.apply_transform, which calls scipy.ndimage.affine_transform per channel, to
a small real photo (a 32x32 centre crop of the CC0 photo Chelsea, resized with PIL) and a
synthetic 32x32 gray pattern, plus shift and flip cases on a 20x28 pattern (non-square, where the
axes cannot be confused; rotation, shear and zoom are left out there because Keras centres them
with the height on the column axis, see AffineMap in Sources/Imaging/Augmentation/AugmentTransform.swift).

Files: inputs as uint8 .npy, each output as float32 .npy (Keras' own output, unrounded), and
cases.txt, one case per line:
    name image theta tx ty shear zx zy flip_h flip_v brightness channel_shift fill cval order
with '-' for a parameter Keras does not get.
"""
import os
import sys

import numpy as np
import scipy
from PIL import Image

import keras
from keras.src.legacy.preprocessing.image import ImageDataGenerator

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ImagingTests", "Fixtures", "augment")


def photo(path):
    img = Image.open(path).convert("RGB")
    w, h = img.size
    side = min(w, h)
    box = ((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side)
    return np.asarray(img.crop(box).resize((32, 32), Image.BILINEAR), dtype=np.uint8)


def pattern(h, w):
    # A diagonal ramp, a bright square, a thin cross and a checkered corner: sharp edges in
    # both directions and values across 0...255.
    y, x = np.mgrid[0:h, 0:w]
    p = (x * 5 + y * 3) % 256
    p = np.where((y >= h // 4) & (y < h // 2) & (x >= w // 4) & (x < w // 2), 250, p)
    p = np.where((y == 3 * h // 4) | (x == 3 * w // 4), 10, p)
    p = np.where((y < 6) & (x < 6) & ((x + y) % 2 == 0), 200, p)
    return p.astype(np.uint8)[:, :, None]


AFFINE = [
    ("rot30", dict(theta=30.0)),
    ("rot-90", dict(theta=-90.0)),
    ("shift", dict(tx=5.3, ty=-3.7)),
    ("shear20", dict(shear=20.0)),
    ("zoom", dict(zx=0.8, zy=1.25)),
    ("mixed", dict(theta=-25.0, tx=2.5, ty=1.5, shear=10.0, zx=1.1, zy=0.9, flip_horizontal=True)),
]
FILLS = [("nearest", 0.0), ("constant", 128.0), ("reflect", 0.0), ("wrap", 0.0)]


def cases():
    out = []
    for name, params in AFFINE:
        for fill, cval in FILLS:
            for order in (0, 1):
                out.append((f"{name}-{fill}-o{order}", params, fill, cval, order))
    # Flips, brightness and channel shift (nearest fill, bilinear: Keras' defaults).
    out.append(("flip-h", dict(flip_horizontal=True), "nearest", 0.0, 1))
    out.append(("flip-v", dict(flip_vertical=True), "nearest", 0.0, 1))
    out.append(("flip-hv", dict(flip_horizontal=True, flip_vertical=True), "nearest", 0.0, 1))
    out.append(("bright1.3", dict(brightness=1.3), "nearest", 0.0, 1))
    out.append(("bright0.7", dict(brightness=0.7), "nearest", 0.0, 1))
    out.append(("chshift40", dict(channel_shift_intensity=40.0), "nearest", 0.0, 1))
    out.append(("chshift-30", dict(channel_shift_intensity=-30.0), "nearest", 0.0, 1))
    out.append(("all", dict(theta=12.0, tx=-2.0, ty=3.0, shear=-8.0, zx=0.95, zy=1.05, flip_horizontal=True,
                            channel_shift_intensity=20.0, brightness=0.9), "reflect", 0.0, 1))
    return out


NONSQUARE = [
    ("shift", dict(tx=4.6, ty=-2.2)),
    ("flip-h", dict(flip_horizontal=True)),
    ("flip-v", dict(flip_vertical=True)),
]


def field(params, key, default="-"):
    v = params.get(key)
    if v is None:
        return default
    if isinstance(v, bool):
        return "1" if v else "0"
    return repr(float(v))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_augment_fixtures.py PHOTO (e.g. ../shared/data/images/chelsea.png)")
    os.makedirs(OUT, exist_ok=True)
    images = {"chelsea32": photo(sys.argv[1]), "pattern32": pattern(32, 32), "pattern20x28": pattern(20, 28)}
    for name, img in images.items():
        np.save(os.path.join(OUT, f"{name}.npy"), img)
    lines = []
    todo = [(img, c) for img in ("chelsea32", "pattern32") for c in cases()]
    todo += [("pattern20x28", (f"{n}-{fill}-o{order}", p, fill, cval, order))
             for n, p in NONSQUARE for fill, cval in FILLS for order in (0, 1)]
    for img, (name, params, fill, cval, order) in todo:
        gen = ImageDataGenerator(fill_mode=fill, cval=cval, interpolation_order=order)
        x = images[img].astype(np.float32)  # img_to_array: float32, 0...255
        y = gen.apply_transform(x, params).astype(np.float32)
        case = f"{img}-{name}"
        np.save(os.path.join(OUT, f"{case}.npy"), y)
        lines.append(" ".join([case, img, field(params, "theta", "0.0"), field(params, "tx", "0.0"),
                               field(params, "ty", "0.0"), field(params, "shear", "0.0"),
                               field(params, "zx", "1.0"), field(params, "zy", "1.0"),
                               field(params, "flip_horizontal", "0"), field(params, "flip_vertical", "0"),
                               field(params, "brightness"), field(params, "channel_shift_intensity"),
                               fill, repr(cval), str(order)]))
    with open(os.path.join(OUT, "cases.txt"), "w") as f:
        f.write(f"# keras {keras.__version__}, scipy {scipy.__version__}, numpy {np.__version__}; "
                "written by scripts/make_augment_fixtures.py\n")
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
