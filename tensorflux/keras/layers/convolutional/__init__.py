"""Convolution layers: an N-D base per kind (conv, transposed, depthwise, separable) and thin rank classes."""
