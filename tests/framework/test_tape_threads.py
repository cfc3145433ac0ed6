import threading

import numpy as np

import tensorflux as tf


def test_ops_in_another_thread_are_not_recorded():
    x = tf.constant(np.ones(3, np.float32))
    seen = {}
    with tf.GradientTape() as tape:
        tape.watch(x)

        def worker():
            seen["y"] = x * 5.0  # runs while the tape is active, but in another thread

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        z = x * 2.0
    assert len(tape._entries) == 1
    np.testing.assert_allclose(tape.gradient(z, x), [2.0, 2.0, 2.0])
    assert np.asarray(seen["y"]).sum() == 15.0
