"""Preprocessing layers: Rescaling and Normalization (with ``adapt``)."""
