"""Core layers: Dense, Activation, Identity, Lambda, Embedding, Masking, InputLayer."""
