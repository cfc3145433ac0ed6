"""A finished trace is freed by reference counting alone (no reference cycle through a tracer)."""

import gc
import weakref

import numpy as np

import tensorflux as tf
from tensorflux.framework import tracing


def test_tracers_die_without_the_cyclic_collector(monkeypatch):
    refs = []
    init = tracing.Tracer.__init__

    def watched(self, *args, **kwargs):
        init(self, *args, **kwargs)
        refs.append(weakref.ref(self))

    monkeypatch.setattr(tracing.Tracer, "__init__", watched)

    def indexed(x):  # a dynamic index moves an array out of a primitive's params (_slot_arrays)
        return x[tf.constant(0)] * 2.0 + tf.reduce_sum(x)

    def branchy(x):  # a cond traces its branches with child tracers
        return tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)

    gc.collect()
    gc.disable()
    try:
        a = tf.function(indexed)(tf.constant(np.ones((3, 3), "float32")))
        b = tf.function(branchy)(tf.constant(np.ones(3, "float32")))
        assert len(refs) >= 3
        assert [r() for r in refs if r() is not None] == []
    finally:
        gc.enable()
    np.testing.assert_array_equal(a.numpy(), np.full(3, 11.0, "float32"))
    np.testing.assert_array_equal(b.numpy(), np.full(3, 2.0, "float32"))
