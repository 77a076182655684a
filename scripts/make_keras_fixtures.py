#!/usr/bin/env python3
"""Writes the Keras weight-file fixtures of Tests/Fixtures/keras (issue 13).

Two seeded random models, each saved by Keras itself in the three formats cnnlearn reads:
  tutorial-28   the tutorial's CNN at 28x28x1 with 10 classes (Sequential, the notebook's
                layer names conv_1 .. maxpool_4, flatten, dropout, dense_1, dense_2, output)
  tiny-vgg      a VGG16-shaped functional model at 32x32x3 (block1_conv1 .. block3_pool,
                flatten, fc1, fc2, predictions softmax; model file tiny-vgg.txt)
  NAME.h5          Keras 2's model.save_weights layout (root attrs layer_names, weight_names)
  NAME.weights.h5  Keras 3's model.save_weights (layers/<name>/vars/0, 1)
  NAME.keras       Keras 3's model.save (a zip holding config.json and model.weights.h5)
and the activations TensorFlow computes for a fixed input:
  NAME-input.npy (1,H,W,C) and NAME-<layer>.npy for a few layers.
And tiny-vgg-fixed-names.h5: tiny-vgg.h5's weights in the layout of the VGG16 files Keras
downloads (fchollet/deep-learning-models v0.1): fixed-length byte-string attributes and
Keras 1 weight names (block1_conv1_W_1:0, block1_conv1_b_1:0) directly in each layer group.
Run with TensorFlow/Keras 3 (the bench venv): bench/.venv/bin/python scripts/make_keras_fixtures.py
"""
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
import h5py  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "keras")
os.makedirs(out, exist_ok=True)
keras.utils.set_random_seed(13)


def tutorial():
    layers = [keras.Input((28, 28, 1))]
    for i, f in enumerate([32, 64, 128, 128]):
        layers.append(keras.layers.Conv2D(f, 3, padding="same", activation="relu", name=f"conv_{i + 1}"))
        layers.append(keras.layers.MaxPooling2D(2, name=f"maxpool_{i + 1}"))
    layers += [keras.layers.Flatten(name="flatten"), keras.layers.Dropout(0.5, name="dropout"),
               keras.layers.Dense(512, activation="relu", name="dense_1"),
               keras.layers.Dense(256, activation="relu", name="dense_2"),
               keras.layers.Dense(10, name="output")]
    return keras.Sequential(layers, name="tutorial")


def tiny_vgg():
    x = inp = keras.Input((32, 32, 3), name="input_layer")
    for b, (f, n) in enumerate([(4, 2), (8, 2), (8, 1)]):
        for c in range(n):
            x = keras.layers.Conv2D(f, 3, padding="same", activation="relu", name=f"block{b + 1}_conv{c + 1}")(x)
        x = keras.layers.MaxPooling2D(2, strides=2, name=f"block{b + 1}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(16, activation="relu", name="fc1")(x)
    x = keras.layers.Dense(16, activation="relu", name="fc2")(x)
    x = keras.layers.Dense(5, activation="softmax", name="predictions")(x)
    return keras.Model(inp, x, name="vgg16")


def biases_nonzero(model, rng):
    # Keras starts biases at zero; random ones make a swapped kernel/bias or a lost bias visible.
    for layer in model.layers:
        ws = layer.get_weights()
        if len(ws) == 2:
            layer.set_weights([ws[0], rng.uniform(-0.1, 0.1, ws[1].shape).astype("float32")])


def save(model, name, probe, rng):
    biases_nonzero(model, rng)
    with h5py.File(os.path.join(out, name + ".h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    model.save_weights(os.path.join(out, name + ".weights.h5"))
    model.save(os.path.join(out, name + ".keras"))
    x = rng.uniform(0, 1, (1,) + tuple(model.input_shape[1:])).astype("float32")
    np.save(os.path.join(out, name + "-input.npy"), x)
    for lname in probe:
        sub = keras.Model(model.inputs, model.get_layer(lname).output)
        np.save(os.path.join(out, f"{name}-{lname}.npy"), sub(x, training=False).numpy().astype("float32"))


rng = np.random.default_rng(13)
save(tutorial(), "tutorial-28", ["conv_1", "maxpool_2", "conv_4", "dense_2", "output"], rng)
save(tiny_vgg(), "tiny-vgg", ["block1_conv1", "block2_conv2", "block3_pool", "predictions"], rng)

def fixed_names_copy(name):
    with h5py.File(os.path.join(out, name + ".h5")) as src, h5py.File(os.path.join(out, name + "-fixed-names.h5"), "w") as dst:
        names = [n.decode() if isinstance(n, bytes) else n for n in src.attrs["layer_names"]]
        dst.attrs["layer_names"] = np.array([n.encode() for n in names], dtype="S")
        for n in names:
            g = dst.create_group(n)
            weights = [w.decode() if isinstance(w, bytes) else w for w in src[n].attrs["weight_names"]]
            new = [f"{n}_{'W' if w.endswith('kernel') else 'b'}_1:0" for w in weights]
            g.attrs["weight_names"] = np.array([w.encode() for w in new], dtype="S")
            for w, v in zip(weights, new):
                g.create_dataset(v, data=src[n][w][()])


fixed_names_copy("tiny-vgg")
print("wrote", sorted(os.listdir(out)))
