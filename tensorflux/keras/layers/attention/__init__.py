"""Attention layers: dot-product Attention (Luong) and MultiHeadAttention."""
