"""Primitives of fused optimizer updates (not differentiable: an update is never on a tape's path).

Each returns the new variable and slot values as fresh arrays; the optimizer stores them into its
variables (``Variable._assign_fresh``), and a traced training step records the node and its
assignments like any other.
"""

from __future__ import annotations

from tensorflux.backend import ops as B
from tensorflux.framework.primitives import primitive

adam_update = primitive("adam_update", B.adam_update, multiple_results=True)
