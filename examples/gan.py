"""A DCGAN that learns to draw Fashion-MNIST garments, with a custom ``train_step``.

``GAN`` is a subclassed ``keras.Model`` that overrides ``train_step``: for every batch of real
images it trains the discriminator on real and generated images (each under its own
``GradientTape`` and optimizer), then trains the generator to fool the discriminator.
``model.fit`` runs it with the usual progress bar and callbacks; a callback writes a PNG grid
of generated samples after every epoch. ``gan_mixture.py`` reuses ``GAN`` on 1-D data.

Environment: EPOCHS (default 3), SAMPLES (the first N training images), PNG_PATH (default
gan_samples.png).

    python3 examples/gan.py
"""

import os

from _png import image_grid, write_png

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers


class GAN(keras.Model):
    """A generator and a discriminator (which outputs logits) trained against each other."""

    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        # listed here so that fit resets them at the start of each epoch
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = real_images.shape[0]

        # 1. the discriminator learns to tell real (label 1) from generated (label 0) images
        fake_images = self.generator(tf.random.normal((batch_size, self.latent_dim)))
        images = tf.concat([real_images, fake_images], axis=0)
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * tf.random.uniform(tf.shape(labels))  # noisy labels keep D from winning too fast
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(images, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        # 2. the generator learns to make the discriminator answer "real"
        noise = tf.random.normal((batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.loss_fn(tf.ones((batch_size, 1)), predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


class GANMonitor(keras.callbacks.Callback):
    """After each epoch, write a grid of images generated from the same fixed noise to a PNG."""

    def __init__(self, path, num_img=64, latent_dim=64):
        super().__init__()
        self.path = path
        self.noise = tf.random.normal((num_img, latent_dim), seed=7)

    def on_epoch_end(self, epoch, logs=None):
        images = self.model.generator(self.noise, training=False).numpy()
        write_png(self.path, image_grid(images, columns=8))


def make_dcgan(latent_dim=64):
    """The discriminator and generator of a small DCGAN for 28x28x1 images in [0, 1]."""
    discriminator = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(64, 4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(1),
        ],
        name="discriminator",
    )
    generator = keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(7 * 7 * 128),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(64, 4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
        ],
        name="generator",
    )
    return discriminator, generator


if __name__ == "__main__":
    latent_dim = 64
    (x_train, _), _ = keras.datasets.fashion_mnist.load_data()
    x_train = x_train[: int(os.environ.get("SAMPLES", "60000"))]
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    dataset = tf.data.Dataset.from_tensor_slices(x_train).shuffle(1024, seed=0).batch(64, drop_remainder=True)

    keras.utils.set_random_seed(0)  # repeatable weights, noise and shuffling
    gan = GAN(*make_dcgan(latent_dim), latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    png_path = os.environ.get("PNG_PATH", "gan_samples.png")
    monitor = GANMonitor(png_path, latent_dim=latent_dim)
    history = gan.fit(dataset, epochs=int(os.environ.get("EPOCHS", "3")), callbacks=[monitor])
    print("wrote", png_path, "- last epoch:", {k: round(v[-1], 4) for k, v in history.history.items()})
