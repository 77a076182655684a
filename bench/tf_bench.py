"""Trains the tutorial's CNN in TensorFlow/Keras 3 on CPU and prints its throughput.

Same model, batch size, optimizer and loss as `cnnlearn bench`: 4 x [Conv2D 3x3 'same' ReLU +
MaxPooling2D 2x2] (32, 64, 128, 128 filters), Flatten, Dropout 0.5, Dense 512 ReLU,
Dense 256 ReLU, Dense 1 sigmoid; Adam (Keras defaults), binary cross-entropy, batch 32,
seeded random images. Prints `key: value` lines; the last is `images/s: N`.
Usage: python tf_bench.py --input 150x150x3 --steps 20
"""
import argparse
import os
import resource
import time

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402


def tutorial_model(h, w, c):
    m = keras.Sequential([keras.Input((h, w, c))])
    for f in (32, 64, 128, 128):
        m.add(layers.Conv2D(f, (3, 3), activation="relu", padding="same"))
        m.add(layers.MaxPooling2D((2, 2)))
    m.add(layers.Flatten())
    m.add(layers.Dropout(0.5))
    m.add(layers.Dense(512, activation="relu"))
    m.add(layers.Dense(256, activation="relu"))
    m.add(layers.Dense(1, activation="sigmoid"))
    m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default="150x150x3")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batch", type=int, default=32)
    a = ap.parse_args()
    h, w, c = (int(v) for v in a.input.split("x"))
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((a.steps * a.batch, h, w, c), dtype=np.float32)
    y = rng.integers(0, 2, size=(a.steps * a.batch, 1)).astype(np.float32)
    m = tutorial_model(h, w, c)
    print(f"tensorflow: {tf.__version__}")
    print(f"keras: {keras.__version__}")
    print(f"onednn: {os.environ.get('TF_ENABLE_ONEDNN_OPTS')}")
    print(f"params: {m.count_params()}")
    # Warm-up: traces the training function and touches every buffer once.
    m.fit(x[: 3 * a.batch], y[: 3 * a.batch], batch_size=a.batch, epochs=1, verbose=0, shuffle=False)
    t0 = time.perf_counter()
    hist = m.fit(x, y, batch_size=a.batch, epochs=1, verbose=0, shuffle=False)
    dt = time.perf_counter() - t0
    print(f"loss: {hist.history['loss'][-1]:.4f}")
    print(f"seconds: {dt:.3f}")
    print(f"peak memory MB: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
    print(f"images/s: {a.steps * a.batch / dt:.1f}")


if __name__ == "__main__":
    main()
