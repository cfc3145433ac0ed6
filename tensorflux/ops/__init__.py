"""The public op namespace: composites of primitives with TensorFlow's names and signatures."""
