"""bpkit: backpropagation and gradient descent, small enough to read.

The library behind the book "Backpropagation and Gradient Descent, Executed". Each module holds one
concept; the book's chapters introduce them in order:

- ``bpkit.activations``, ``bpkit.losses``, ``bpkit.init``: the pieces of a network;
- ``bpkit.layer`` (the Layer contract), ``bpkit.layers``, ``bpkit.model``: dense layers and models
  with a forward and a backward pass (``bpkit.serialize`` saves and loads models);
- ``bpkit.optimizer``, ``bpkit.optim``, ``bpkit.schedules``: optimizers and learning-rate schedules;
- ``bpkit.train``, ``bpkit.metrics``: the training loop, accuracy and evaluation;
- ``bpkit.finite_differences``, ``bpkit.gradcheck``, ``bpkit.routes``: finite differences, gradient
  checks, four routes compared;
- ``bpkit.data``, ``bpkit.prepare``, ``bpkit.functions``, ``bpkit.plot``: data sets, data
  preparation, test functions and figures;
- ``bpkit.conv``, ``bpkit.pool``, ``bpkit.norm``, ``bpkit.residual``, ``bpkit.recurrent``: the layers
  of Part III;
- ``bpkit.autodiff``, ``bpkit.symbolic``: the automatic and symbolic routes to the same gradients;
- ``bpkit.errors``: every refusal of bad input is a ``BpkitError``.

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
from bpkit.conv import Conv2D
from bpkit.data import (
    circles,
    iterate_minibatches,
    load_digits,
    moons,
    one_hot,
    spirals,
    standardize,
    train_test_split,
    xor,
)
from bpkit.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    BpkitError,
    CallOrderError,
    DivergenceError,
    ShapeError,
)
from bpkit.gradcheck import check_model, numerical_gradient, relative_error
from bpkit.layers import ActivationLayer, Dense, Dropout, Layer
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, Loss, SquaredError, get_loss
from bpkit.model import MLP, Sequential
from bpkit.norm import BatchNorm, LayerNorm
from bpkit.optim import SGD, AdaGrad, Adam, AdamW, RMSProp, clip_grad_norm
from bpkit.optimizer import Optimizer
from bpkit.pool import AvgPool2D, Flatten, MaxPool2D, Unflatten
from bpkit.recurrent import LSTM, RNN
from bpkit.residual import Residual
from bpkit.routes import compare_routes
from bpkit.schedules import constant, cosine_decay, exponential_decay, per_epoch, step_decay, warmup
from bpkit.train import History, accuracy, evaluate, fit

__version__ = "0.1.0"

__all__ = [
    "LSTM",
    "MLP",
    "MSE",
    "RNN",
    "SGD",
    "Activation",
    "ActivationLayer",
    "AdaGrad",
    "Adam",
    "AdamW",
    "ArgumentTypeError",
    "ArgumentValueError",
    "AvgPool2D",
    "BatchNorm",
    "BinaryCrossEntropy",
    "BpkitError",
    "CallOrderError",
    "Conv2D",
    "CrossEntropy",
    "Dense",
    "DivergenceError",
    "Dropout",
    "Flatten",
    "History",
    "Identity",
    "Layer",
    "LayerNorm",
    "LeakyReLU",
    "Loss",
    "MaxPool2D",
    "Optimizer",
    "RMSProp",
    "ReLU",
    "Residual",
    "Sequential",
    "ShapeError",
    "Sigmoid",
    "Softmax",
    "SquaredError",
    "Tanh",
    "Unflatten",
    "Value",
    "accuracy",
    "check_model",
    "circles",
    "clip_grad_norm",
    "compare_routes",
    "constant",
    "cosine_decay",
    "evaluate",
    "exponential_decay",
    "fit",
    "get_activation",
    "get_loss",
    "iterate_minibatches",
    "load_digits",
    "log_softmax",
    "moons",
    "numerical_gradient",
    "one_hot",
    "per_epoch",
    "relative_error",
    "sigmoid",
    "softmax",
    "spirals",
    "standardize",
    "step_decay",
    "train_test_split",
    "warmup",
    "xor",
]
