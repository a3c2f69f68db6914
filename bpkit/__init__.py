"""bpkit: backpropagation and gradient descent, small enough to read.

The library behind the book "Backpropagation and Gradient Descent, Executed". Each module holds one
concept; the book's chapters introduce them in order:

- ``bpkit.activations``, ``bpkit.losses``, ``bpkit.init``: the pieces of a network;
- ``bpkit.layers``, ``bpkit.model``: dense layers and models with a forward and a backward pass;
- ``bpkit.optim``, ``bpkit.train``: gradient-descent optimizers and the training loop;
- ``bpkit.gradcheck``: finite-difference gradient checks;
- ``bpkit.data``, ``bpkit.functions``, ``bpkit.plot``: data sets, test functions and figures;
- ``bpkit.autodiff``, ``bpkit.symbolic``: the automatic and symbolic routes to the same gradients.

Install it from the book's repository (``pip install -e .``), never from PyPI: an unrelated
package there is also called ``bpkit``.
"""

from bpkit.activations import (
    Activation,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    get_activation,
    log_softmax,
    sigmoid,
    softmax,
)
from bpkit.autodiff import Value
from bpkit.data import load_digits
from bpkit.gradcheck import check_model, compare_routes, numerical_gradient, relative_error
from bpkit.layers import ActivationLayer, Dense, Dropout, Layer
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, Loss, SquaredError, get_loss
from bpkit.model import MLP, Sequential
from bpkit.optim import SGD, AdaGrad, Adam, AdamW, RMSProp, clip_grad_norm
from bpkit.train import DivergenceError, History, accuracy, evaluate, fit

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "MSE",
    "SGD",
    "Activation",
    "ActivationLayer",
    "AdaGrad",
    "Adam",
    "AdamW",
    "BinaryCrossEntropy",
    "CrossEntropy",
    "Dense",
    "DivergenceError",
    "Dropout",
    "History",
    "Identity",
    "Layer",
    "LeakyReLU",
    "Loss",
    "RMSProp",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "SquaredError",
    "Tanh",
    "Value",
    "accuracy",
    "check_model",
    "clip_grad_norm",
    "compare_routes",
    "evaluate",
    "fit",
    "get_activation",
    "get_loss",
    "load_digits",
    "log_softmax",
    "numerical_gradient",
    "relative_error",
    "sigmoid",
    "softmax",
]
