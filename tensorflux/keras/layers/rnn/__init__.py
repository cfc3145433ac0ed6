"""Recurrent layers: RNN over any cell, SimpleRNN/LSTM/GRU on fused whole-sequence kernels, and wrappers."""
