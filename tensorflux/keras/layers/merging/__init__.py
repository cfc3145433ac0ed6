"""Merging layers: combine a list of tensors elementwise (Add, ...), by concatenation, or by dot products."""
