"""plot_model / model_to_dot: the ImportError without pydot, and the graph built with a stand-in pydot."""

import sys
import types

import pytest

import tensorflux as tf
from tensorflux.keras.utils.model_visualization import model_to_dot, plot_model

k = tf.keras


class _Graph:
    def __init__(self, graph_name="G", **attrs):
        self.graph_name, self.attrs = graph_name, dict(attrs)
        self.nodes, self.edges, self.subgraphs, self.node_defaults = [], [], [], {}

    def set(self, key, value):
        self.attrs[key] = value

    def set_node_defaults(self, **kw):
        self.node_defaults.update(kw)

    def add_node(self, node):
        self.nodes.append(node)

    def get_nodes(self):
        return list(self.nodes)

    def add_edge(self, edge):
        self.edges.append(edge)

    def get_edge(self, src, dst):
        return [e for e in self.edges if (e.src, e.dst) == (src, dst)]

    def add_subgraph(self, sub):
        self.subgraphs.append(sub)

    def get_subgraphs(self):
        return list(self.subgraphs)


def _fake_pydot(graphviz=True):
    mod = types.ModuleType("pydot")

    class Dot(_Graph):
        def create(self, prog=None, format="ps"):
            if not graphviz:
                raise FileNotFoundError('"dot" not found in path.')
            return b""

        def write(self, path, format="raw"):
            with open(path, "w") as f:
                f.write(f"format={format} nodes={len(self.nodes)} edges={len(self.edges)}")

    class Cluster(_Graph):
        pass

    class Node:
        def __init__(self, name, **attrs):
            self.name, self.attrs = name, attrs

        def get_name(self):
            return self.name

    class Edge:
        def __init__(self, src, dst, **attrs):
            self.src, self.dst = src, dst

    mod.Dot, mod.Cluster, mod.Node, mod.Edge = Dot, Cluster, Node, Edge
    return mod


def _functional():
    i = k.Input((4,), name="x")
    a = k.layers.Dense(3, activation="relu", name="d1")(i)
    b = k.layers.Dense(3, name="d2")(i)
    o = k.layers.Add(name="add")([a, b])
    return k.Model(i, o, name="net")


def _labels(dot):
    return {n.name: n.attrs["label"] for n in dot.nodes}


def _by_layer(model, dot):
    names = {str(id(layer)): layer.name for layer in model._operations}
    return {(names[e.src], names[e.dst]) for e in dot.edges}


def test_without_pydot_raises_import_error_with_advice(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)  # as if pydot were not installed
    m = _functional()
    with pytest.raises(ImportError, match=r"pip install pydot"):
        plot_model(m)
    with pytest.raises(ImportError, match=r"pip install pydot"):
        model_to_dot(m)


def test_without_graphviz_raises_import_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pydot", _fake_pydot(graphviz=False))
    with pytest.raises(ImportError, match="graphviz"):
        plot_model(_functional(), to_file=str(tmp_path / "m.png"))


def test_unbuilt_model_is_a_value_error():
    with pytest.raises(ValueError, match="not yet been built"):
        model_to_dot(k.Sequential([k.layers.Dense(2)]))


def test_functional_graph_nodes_edges_and_labels(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", _fake_pydot())
    m = _functional()
    dot = model_to_dot(m, show_shapes=True, show_layer_activations=True, show_trainable=True, rankdir="LR")
    assert dot.attrs["rankdir"] == "LR" and dot.attrs["dpi"] == 200
    labels = _labels(dot)
    assert len(labels) == 4
    assert set(_by_layer(m, dot)) == {("x", "d1"), ("x", "d2"), ("d1", "add"), ("d2", "add")}
    d1 = labels[str(id(m.get_layer("d1")))]
    assert d1.startswith("d1 (Dense)")
    assert "Activation: relu" in d1 and "Input shape: (None, 4)" in d1 and "Output shape: (None, 3)" in d1
    assert "Trainable: T" in d1
    assert "Input shape: [(None, 3), (None, 3)]" in labels[str(id(m.get_layer("add")))]
    plain = _labels(model_to_dot(m, show_layer_names=False))
    assert plain[str(id(m.get_layer("d2")))] == "Dense"


def test_sequential_chain_and_nested_expansion(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", _fake_pydot())
    inner = k.Sequential(
        [k.Input((4,)), k.layers.Dense(3, name="i1"), k.layers.Dense(2, name="i2")], name="inner"
    )
    outer = k.Sequential([k.Input((4,)), inner, k.layers.Dense(1, name="head")], name="outer")
    dot = model_to_dot(outer)
    assert [n.attrs["label"] for n in dot.nodes] == ["inner (Sequential)", "head (Dense)"]
    assert [(e.src, e.dst) for e in dot.edges] == [(str(id(inner)), str(id(outer.layers[1])))]
    dot = model_to_dot(outer, expand_nested=True)
    (cluster,) = dot.subgraphs
    assert cluster.graph_name == "inner" and [n.attrs["label"] for n in cluster.nodes] == [
        "i1 (Dense)",
        "i2 (Dense)",
    ]
    i2 = str(id(inner.layers[1]))
    assert [(e.src, e.dst) for e in cluster.edges] == [(str(id(inner.layers[0])), i2)]
    assert [(e.src, e.dst) for e in dot.edges] == [(i2, str(id(outer.layers[1])))]


def test_plot_model_writes_with_the_file_extension(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pydot", _fake_pydot())
    out = tmp_path / "graph.svg"
    assert plot_model(_functional(), to_file=str(out)) is None
    assert out.read_text() == "format=svg nodes=4 edges=4"
    assert k.utils.plot_model is plot_model
