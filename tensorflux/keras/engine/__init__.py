"""The Keras engine: symbolic tensors, graph nodes, naming, call context and masks."""
