"""The training loop, kept apart from the model: ``Model(Trainer, Layer)`` as in Keras 3."""
