"""Layers added this session by helper c; the lead folds these exports into __init__.py."""

__all__: list[str] = []
