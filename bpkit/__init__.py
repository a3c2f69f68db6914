"""bpkit: a small NumPy library for learning backpropagation and gradient descent."""

__version__ = "0.1.0"
