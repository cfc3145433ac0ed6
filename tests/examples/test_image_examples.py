"""The seed CNN, the recurrent row classifiers and the autoencoder on the full Fashion-MNIST."""

import numpy as np
import pytest


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
def test_seed_cnn_reaches_087_on_fashion_mnist_in_two_epochs(run_example, tmp_path, capsys):
    # the README's main job, once, on the full training set (real Keras: 0.852, 0.878, 0.889)
    model_path = tmp_path / "cnn.keras"
    g = run_example("mnist_cnn.py", "--fashion", EPOCHS=2, MODEL_PATH=model_path)
    with capsys.disabled():
        print(
            f"\nseed CNN on Fashion-MNIST: test accuracy {g['test_acc']:.4f} after 2 epochs, "
            f"{g['samples_per_s']:,.0f} samples/s"
        )
    assert len(g["train_images"]) == 60000 and g["model"].history.epoch == [0, 1]
    assert g["test_acc"] >= 0.87
    if hasattr(g["model"], "save"):
        assert model_path.stat().st_size > 100_000  # 93,322 float32 parameters


def test_lstm_reads_image_rows_to_080_in_one_epoch(run_example, capsys):
    g = run_example("rnn.py", MODELS="lstm", EPOCHS=1)
    with capsys.disabled():
        print(f"\nLSTM(128) on Fashion-MNIST rows: test accuracy {g['accuracy']['lstm']:.4f} after 1 epoch")
    assert len(g["x_train"]) == 60000 and g["x_train"].shape[1:] == (28, 28)
    assert g["accuracy"]["lstm"] >= 0.80


def test_seed_autoencoder_halves_the_mean_image_error(run_example):
    g = run_example("autoencoder.py", "--fashion", EPOCHS=1)
    assert g["mse"] <= 0.5 * g["baseline"]
    # the decoder built from the intermediate tensor is the autoencoder's second half, same weights
    x = g["x_test"][:200]
    np.testing.assert_allclose(
        g["decoder"].predict(g["encoder"].predict(x, verbose=0), verbose=0),
        g["autoencoder"].predict(x, verbose=0),
        atol=1e-6,
    )
    assert g["decoder"].layers[-1] is g["autoencoder"].layers[-1]
    assert g["decoder"].input_shape == (None, 32)
