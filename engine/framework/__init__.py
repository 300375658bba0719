"""The core: tensors, graphs, sessions, tapes, variables and the op registry."""
