"""Pooling layers: windowed max/average pooling and global pooling over 1, 2 or 3 spatial dimensions."""
