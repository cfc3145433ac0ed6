"""Tensor, Variable, dtypes, the primitive registry, gradient rules and the tape."""
