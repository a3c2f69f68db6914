"""One-line checks for the exercises of book/01_background.ipynb."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bpkit.activations import Tanh
from bpkit.exercises.core import Mistake, Verdict, check_count, check_function, diagnose, numbers, verdict
from bpkit.layers import Dense
from bpkit.model import MLP

#: the network of exercise 1
EX1_SIZES = (10, 32, 32, 5)
#: the ReLU neuron of exercise 2: weights and bias
NEURON_W, NEURON_B = (1.0, -2.0, 0.5), -0.5


def parameter_count_mistakes(sizes: Sequence[int]) -> list[Mistake]:
    """Typical miscounts of the parameters of MLP(sizes), each recounted from the model's weight shapes."""
    params = MLP(list(sizes)).parameters()
    shapes = [W.shape for name, W in params.items() if name.startswith("W")]
    weights = sum(n_out * n_in for n_out, n_in in shapes)
    total = sum(p.size for p in params.values())
    first = shapes[0][0] * shapes[0][1] + shapes[0][0]
    last = shapes[-1][0] * shapes[-1][1] + shapes[-1][0]
    return [
        Mistake("it counts the weights only: each unit also has a bias", weights),
        Mistake("it gives each layer one bias per input; a layer has one bias per output unit",
                weights + sum(n_in for _, n_in in shapes)),
        Mistake("it counts one bias per layer; a layer has one bias per output unit", weights + len(shapes)),
        Mistake(f"it also gives the {sizes[0]} inputs a bias; the input layer has no parameters", total + sizes[0]),
        Mistake(f"it leaves out the last layer ({last} parameters)", total - last),
        Mistake(f"it leaves out the first layer ({first} parameters)", total - first),
    ]


def check_param_count(answer: int) -> Verdict:
    """Parameters of MLP([10, 32, 32, 5]): sum over layers of n_out * n_in + n_out, exactly."""
    expected = MLP(list(EX1_SIZES)).num_parameters
    return check_count("the parameter count", answer, expected, parameter_count_mistakes(EX1_SIZES))


def neuron_inputs() -> np.ndarray:
    """Three inputs of three features each, one per row."""
    return np.array([[1.0, 0.0, 2.0], [0.5, 1.0, -1.0], [2.0, 0.25, 1.0]])


def _neuron(X: np.ndarray, activation: str = "relu", b: float = NEURON_B) -> np.ndarray:
    """The exercise's neuron as a bpkit Dense layer, applied to the rows of X."""
    return Dense(3, 1, activation=activation, W=[list(NEURON_W)], b=[b]).forward(X)[:, 0]


def check_relu_neuron(answer: object) -> Verdict:
    """relu(w . x + b) for w = (1, -2, 0.5), b = -0.5 on the rows of neuron_inputs(), computed with a Dense layer.

    Three numbers in any layout (a list, shape (3,), (1, 3) or (3, 1)) are accepted.
    """
    X = neuron_inputs()
    mistakes = [
        Mistake("these are the pre-activations w·x + b: apply max(0, ·) to them", _neuron(X, "identity")),
        Mistake(f"the bias b = {NEURON_B:g} is missing", _neuron(X, b=0.0)),
        Mistake(f"the bias enters with the wrong sign: b = {NEURON_B:g}", _neuron(X, b=-NEURON_B)),
        Mistake("it uses the columns of neuron_inputs() as the inputs; each row is one input", _neuron(X.T)),
    ]
    got = numbers(answer)
    if got is not None and got.size == 3:
        answer = got.ravel()
    return verdict("the output array", diagnose(answer, _neuron(X), mistakes))


def check_tanh_prime(tanh_prime: object) -> Verdict:
    """tanh'(z) = 1 - tanh(z)^2 against bpkit.activations.Tanh().derivative on several arrays."""
    inputs = [(np.array([0.0, 0.5, -1.0]),), (np.linspace(-3, 3, 7),)]
    mistakes = [
        Mistake("it computes 1 - z²: the derivative is 1 - tanh(z)², with tanh(z) in place of z",
                lambda z: 1 - z**2),
        Mistake("it computes 1 - tanh(z): the square is missing", lambda z: 1 - np.tanh(z)),
        Mistake("it computes tanh(z)² - 1, the negative of the derivative", lambda z: np.tanh(z) ** 2 - 1),
        Mistake("it computes tanh(z)²; the derivative is 1 - tanh(z)²", lambda z: np.tanh(z) ** 2),
    ]
    return check_function("tanh_prime", tanh_prime, Tanh().derivative, inputs, mistakes)
