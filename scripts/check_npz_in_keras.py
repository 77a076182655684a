"""Loads a .npz exported by cnnlearn into the same model built in Keras 3 and checks that
Keras predicts what cnnlearn predicted, within 1e-5.

The model is the tutorial's CNN, layer for layer as bench/tf_bench.py builds it, with the
names cnnlearn's `tutorial` model gives its layers (conv_1, maxpool_1, ..., dense_1, dense_2,
output). The weights are set twice, by name (the README's snippet) and by order, and both
must give the same predictions.

    CNNLEARN_KERAS_CHECK_DIR=/tmp/keras-check swift test --filter KerasExportTests
    bench/.venv/bin/python scripts/check_npz_in_keras.py /tmp/keras-check

The first command (the Swift test kerasPredictsWhatCnnlearnPredictsFromTheExportedWeights)
writes model.npz, input.npy (4 seeded 32x32x3 images), cnnlearn.npy (its predictions) and
activations.npz (every layer's output, compared layer by layer).
Prints Keras' predictions as the Swift literal that test compares against, so the Swift
suite keeps checking the same numbers without Python.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402


def tutorial_model(h, w, c):
    m = keras.Sequential([keras.Input((h, w, c))], name="tutorial")
    for i, f in enumerate((32, 64, 128, 128), start=1):
        m.add(layers.Conv2D(f, (3, 3), activation="relu", padding="same", name=f"conv_{i}"))
        m.add(layers.MaxPooling2D((2, 2), name=f"maxpool_{i}"))
    m.add(layers.Flatten())
    m.add(layers.Dropout(0.5))
    m.add(layers.Dense(512, activation="relu", name="dense_1"))
    m.add(layers.Dense(256, activation="relu", name="dense_2"))
    m.add(layers.Dense(1, activation="sigmoid", name="output"))
    return m


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/keras-check"
    x = np.load(os.path.join(folder, "input.npy"))
    ours = np.load(os.path.join(folder, "cnnlearn.npy"))
    model = tutorial_model(*x.shape[1:])

    # The README's snippet: by layer name and variable name.
    w = np.load(os.path.join(folder, "model.npz"))
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([w[f"{layer.name}/{v.name}"] for v in layer.weights])
    by_name = model.predict(x, verbose=0)

    # Names aside: the archive's order is Keras' weight order.
    model.set_weights([np.zeros(v.shape, v.dtype) for v in model.weights])
    model.set_weights([w[k] for k in w.files])
    by_order = model.predict(x, verbose=0)

    # Every layer's output against cnnlearn's, to show where any difference starts.
    acts = np.load(os.path.join(folder, "activations.npz"))
    probe = keras.Model(model.inputs, [layer.output for layer in model.layers])
    worst = 0.0
    for layer, out in zip(model.layers, probe.predict(x, verbose=0)):
        theirs = acts[layer.name]
        d = float(np.max(np.abs(out - theirs)))
        scale = float(np.max(np.abs(theirs)))
        worst = max(worst, d / max(scale, 1.0))
        print(f"  {layer.name:10s} {'x'.join(map(str, out.shape[1:])):>9s}  max |value| {scale:8.4f}  max |diff| {d:.3g}")
    model.set_weights([w[k] for k in w.files])

    print(f"keras {keras.__version__}, backend {keras.backend.backend()}")
    print(f"entries: {len(w.files)} ({', '.join(w.files[:4])}, ...)")
    print("cnnlearn:", " ".join(f"{v:.9g}" for v in ours.ravel()))
    print("keras:   ", " ".join(f"{v:.9g}" for v in by_name.ravel()))
    diff = float(np.max(np.abs(by_name - ours)))
    print(f"max |keras - cnnlearn| = {diff:.3g}")
    print("Swift: private let kerasPredictions: [Float] = [" + ", ".join(f"{v:.9g}" for v in by_name.ravel()) + "]")
    assert np.array_equal(by_name, by_order), "setting weights by order differs from by name"
    assert by_name.shape == ours.shape, f"shapes differ: {by_name.shape} vs {ours.shape}"
    assert diff <= 1e-5, f"Keras and cnnlearn differ by {diff}"
    assert worst <= 1e-5, f"a layer's output differs by {worst} (relative to its largest value, at least 1)"
    print("OK")


if __name__ == "__main__":
    main()
