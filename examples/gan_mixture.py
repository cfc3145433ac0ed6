"""A small GAN that learns a 1-D Gaussian mixture: the ``GAN`` of ``gan.py`` on numbers.

The target draws from N(1, 0.5) with probability 0.3 and from N(4, 0.6) otherwise. Two small
MLPs play the game for a few seconds; the generator's samples then have the target's mean and
standard deviation, and their histogram shows mass at both modes (with some left between them:
a generator this small, fed 4-D Gaussian noise, draws a smoothed version of the target).

Environment: EPOCHS (default 20).

    python3 examples/gan_mixture.py
"""

import os

import numpy as np
from gan import GAN

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers

weights, means, stds = np.array([0.3, 0.7]), np.array([1.0, 4.0]), np.array([0.5, 0.6])
target_mean = float(weights @ means)
target_std = float(np.sqrt(weights @ (stds**2 + means**2) - target_mean**2))

rng = np.random.default_rng(0)
component = rng.choice(2, size=20000, p=weights)
data = rng.normal(means[component], stds[component]).astype("float32").reshape(-1, 1)

latent_dim = 4
epochs, batch_size = int(os.environ.get("EPOCHS", "20")), 256
keras.utils.set_random_seed(0)  # repeatable weights, noise and shuffling


def mlp(input_dim):
    return keras.Sequential(
        [
            keras.Input((input_dim,)),
            layers.Dense(64, activation="leaky_relu"),
            layers.Dense(64, activation="leaky_relu"),
            layers.Dense(1),
        ]
    )


def adam():
    # a learning rate that decays 50-fold over the run lets the game settle instead of oscillating
    steps = epochs * (len(data) // batch_size)
    return keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(2e-3, steps, 0.02), beta_1=0.5)


generator, discriminator = mlp(latent_dim), mlp(1)
gan = GAN(discriminator, generator, latent_dim=latent_dim)
gan.compile(d_optimizer=adam(), g_optimizer=adam(), loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
gan.fit(data, batch_size=batch_size, epochs=epochs, verbose=2)

samples = generator.predict(tf.random.normal((20000, latent_dim), seed=1), verbose=0).ravel()
sample_mean, sample_std = float(samples.mean()), float(samples.std())
print(f"target    mean {target_mean:.3f}  std {target_std:.3f}")
print(f"generated mean {sample_mean:.3f}  std {sample_std:.3f}")
counts, edges = np.histogram(samples, bins=12, range=(-1.0, 6.5))
for count, left in zip(counts, edges):
    print(f"{left:5.2f} {'#' * int(60 * count / counts.max())}")
