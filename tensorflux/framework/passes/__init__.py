"""Graph passes, applied once to each traced graph before it is compiled.

Each pass is a function ``run(graph) -> int`` in its own module that changes the graph in place
and returns how many changes it made:

- ``expand``: a conv layer's inference kernel (``conv_bias_act``) becomes the separate conv, bias
  and ReLU nodes that the passes below know (it runs first);
- ``algebraic``: ``x*1``, ``x+0``, ``x-0``, ``x/1``, transpose of transpose, reshape of reshape,
  casts to the same dtype, ``identity`` and ``stop_gradient`` (the backward is already traced);
- ``constant_folding``: nodes whose inputs are all constants are evaluated once;
- ``cse``: identical pure nodes (and equal small constants) are merged;
- ``dce``: nodes whose results nobody uses are removed (effects are kept);
- ``conv_bias``: a convolution and its bias (and their gradients) become one kernel where the
  backend folds the bias into the product;
- ``pool_relu``: a ReLU's gradient of a max pool's gradient becomes one kernel (on the pooled grid);
- ``conv_pool``: a first one-channel convolution, its bias and a 2x2 max pool become one kernel, and
  their gradients another;
- ``fusion``: chains of elementwise nodes become one node that runs them in one buffer;
- ``buffer_reuse``: elementwise nodes write into an input buffer that no one reads afterwards.

>>> import tensorflux as tf
>>> f = tf.function(lambda x: (x * 1.0 + 0.0) * 2.0)
>>> len(f.get_concrete_function(tf.constant([1.0])).graph.nodes)
1
"""

from __future__ import annotations

from tensorflux.framework.graph import Graph
from tensorflux.framework.passes import (
    algebraic,
    buffer_reuse,
    constant_folding,
    conv_bias,
    conv_pool,
    cse,
    dce,
    expand,
    fusion,
    pool_relu,
)

PASSES = {
    "expand": expand.run,
    "algebraic": algebraic.run,
    "constant_folding": constant_folding.run,
    "cse": cse.run,
    "dce": dce.run,
    "conv_bias": conv_bias.run,
    "pool_relu": pool_relu.run,
    "conv_pool": conv_pool.run,
    "fusion": fusion.run,
    "buffer_reuse": buffer_reuse.run,
}


def optimize(graph: Graph, passes: tuple[str, ...] | None = None) -> Graph:
    """An optimised copy of ``graph`` (sub-graphs of control flow included); ``graph`` is unchanged.

    ``passes`` limits the pipeline to the named passes (all of them by default).
    """
    use = set(PASSES) if passes is None else set(passes)
    g = graph.copy()
    for n in g.nodes:
        for k, sub in list(n.params.items()):
            if isinstance(sub, Graph):
                n.params[k] = optimize(sub, passes)
    if "expand" in use:
        expand.run(g)
    for _ in range(4):
        changed = 0
        for name in ("algebraic", "constant_folding", "cse", "dce"):
            if name in use:
                changed += PASSES[name](g)
        if not changed:
            break
    if "conv_bias" in use:
        conv_bias.run(g)
    if "pool_relu" in use:
        pool_relu.run(g)
    if "conv_pool" in use:
        conv_pool.run(g)
    if "fusion" in use and fusion.run(g) and "dce" in use:
        dce.run(g)
    if "buffer_reuse" in use:
        buffer_reuse.run(g)
    return g


__all__ = ["PASSES", "optimize"]
