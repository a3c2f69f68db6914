"""Character-level language modelling on a real text (book/14_recurrent.ipynb).

A language model predicts the next character from the ones before it. :class:`CharLM` reads
one-hot characters with a recurrent layer and maps every state to logits over the alphabet with a
dense read-out; training minimizes the cross-entropy of the next character, in nats per
character. Long texts are trained with truncated BPTT: :func:`stream_batches` cuts the text into
parallel tracks read window after window, and ``CharLM.forward(..., carry=True)`` starts each
window from the states the previous one ended in, without backpropagating into it.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.activations import softmax
from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.layers import Dense
from bpkit.recurrent import LSTM, RNN
from bpkit.validate import Array, generator, integer, one_of, real_number

__all__ = ["CharLM", "Vocabulary", "load_pride_and_prejudice", "ngram_cross_entropy", "stream_batches"]

Ids = NDArray[np.int64]


def load_pride_and_prejudice() -> str:
    """Jane Austen's *Pride and Prejudice* (public domain), 684,768 ASCII characters, shipped with bpkit.

    Provenance: ``bpkit/datasets/pride_and_prejudice.md`` (extracted from the Debian package
    r-cran-janeaustenr 1.0.0-1, whose text is Project Gutenberg's EBook #1342).

    Examples
    --------
    >>> text = load_pride_and_prejudice()
    >>> len(text), text[51:104]
    (684768, 'It is a truth universally acknowledged, that a single')
    """
    raw = resources.files("bpkit.datasets").joinpath("pride_and_prejudice.txt.gz").read_bytes()
    return gzip.decompress(raw).decode("ascii")


class Vocabulary:
    """The sorted set of characters of a text, with encode (str -> ids) and decode (ids -> str).

    Parameters
    ----------
    text : str
        The characters to index; ids follow sorted character order.

    Examples
    --------
    >>> vocab = Vocabulary("hello")
    >>> vocab.chars, vocab.encode("hole").tolist(), vocab.decode([3, 1])
    ('ehlo', [1, 3, 2, 0], 'oh')
    """

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text:
            raise ArgumentValueError(f"Vocabulary: text must be a non-empty str, got {text!r:.40}")
        self.chars = "".join(sorted(set(text)))
        self._index = {c: i for i, c in enumerate(self.chars)}

    @property
    def size(self) -> int:
        """The number of distinct characters V."""
        return len(self.chars)

    def encode(self, text: str) -> Ids:
        """The ids of text's characters, shape (len(text),); an unknown character is an error."""
        unknown = sorted(set(text) - set(self._index))
        if unknown:
            raise ArgumentValueError(f"Vocabulary.encode: characters {unknown[:5]} are not in the vocabulary")
        return np.fromiter((self._index[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids: ArrayLike) -> str:
        """The characters of ids (any iterable of ints in 0..V-1)."""
        ids = np.asarray(ids, dtype=np.int64).ravel()
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ArgumentValueError(f"Vocabulary.decode: ids must lie in 0..{self.size - 1}")
        return "".join(self.chars[i] for i in ids)


def stream_batches(ids: ArrayLike, batch_size: int, steps: int) -> Iterator[tuple[Ids, Ids]]:
    """Windows (X, Y) of shape (batch_size, steps) for truncated BPTT over one long sequence of ids.

    The sequence is cut into batch_size equal tracks (row b holds the b-th part of the text);
    window w holds steps w*steps .. (w+1)*steps - 1 of every track and Y is X shifted one character
    ahead, so row b of window w+1 continues row b of window w: pass ``carry=True`` to CharLM.

    Examples
    --------
    >>> [(X.tolist(), Y.tolist()) for X, Y in stream_batches(np.arange(10), 2, 2)]
    [([[0, 1], [5, 6]], [[1, 2], [6, 7]]), ([[2, 3], [7, 8]], [[3, 4], [8, 9]])]
    """
    ids = np.asarray(ids, dtype=np.int64).ravel()
    B = integer(batch_size, "batch_size", "stream_batches")
    T = integer(steps, "steps", "stream_batches")
    track = len(ids) // B
    if track < T + 1:
        raise ArgumentValueError(f"stream_batches: {len(ids)} ids cannot make {B} tracks of at least {T + 1}")
    tracks = ids[:B * track].reshape(B, track)
    for s in range(0, track - T, T):
        yield tracks[:, s:s + T], tracks[:, s + 1:s + T + 1]


class CharLM:
    r"""One-hot characters -> RNN or LSTM -> dense read-out: logits over the next character at every step.

    .. math::
        h_t = \mathrm{cell}(e_{x_t}, h_{t-1}),\qquad z_t = W_{\text{out}} h_t + b_{\text{out}},\qquad
        J = -\frac{1}{NT}\sum_{n,t} \log \operatorname{softmax}(z_{n,t})_{y_{n,t}} .

    Parameters
    ----------
    vocab_size : int
        V, the number of characters.
    hidden_size : int
        H, the recurrent layer's width.
    cell : {'rnn', 'lstm'}
        bpkit.recurrent.RNN (tanh) or LSTM.
    rng : numpy.random.Generator
        Draws the initial weights.

    Examples
    --------
    >>> lm = CharLM(5, 8, cell="rnn", rng=np.random.default_rng(0))
    >>> lm.forward(np.array([[0, 1, 2]])).shape
    (1, 3, 5)
    >>> sorted(lm.parameters())
    ['W_hh', 'W_ih', 'W_out', 'b_hh', 'b_ih', 'b_out']
    """

    def __init__(self, vocab_size: int, hidden_size: int, cell: str = "lstm",
                 rng: np.random.Generator | None = None) -> None:
        self.vocab_size = integer(vocab_size, "vocab_size", "CharLM")
        H = integer(hidden_size, "hidden_size", "CharLM")
        self.cell = one_of(cell, "cell", ["rnn", "lstm"], "CharLM")
        rng = generator(rng, "CharLM")
        self.rec: RNN | LSTM = (RNN if self.cell == "rnn" else LSTM)(self.vocab_size, H, rng=rng)
        self.out = Dense(H, self.vocab_size, rng=rng)
        self._state: tuple[Array, ...] | None = None

    def parameters(self) -> dict[str, Array]:
        """Live parameters: the recurrent layer's W_ih, W_hh, b_ih, b_hh and the read-out's W_out, b_out."""
        return {**self.rec.params(), "W_out": self.out.W, "b_out": self.out.b}  # type: ignore[dict-item]

    def gradients(self) -> dict[str, Array]:
        """Live gradients with the keys of parameters()."""
        g = self.out.grads()
        return {**self.rec.grads(), "W_out": g["W"], "b_out": g["b"]}

    def zero_grad(self) -> None:
        """Set every gradient to 0 (backward adds into them)."""
        for g in self.gradients().values():
            g[...] = 0.0

    def reset(self) -> None:
        """Forget the carried state: the next forward(carry=True) starts from zeros."""
        self._state = None

    def _one_hot(self, ids: ArrayLike) -> Array:
        ids = np.asarray(ids)
        if ids.ndim != 2 or ids.dtype.kind not in "iu":
            raise ShapeError(f"CharLM: ids must be a 2-D integer array (N, T), got shape {ids.shape} ({ids.dtype})")
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size):
            raise ArgumentValueError(f"CharLM: ids must lie in 0..{self.vocab_size - 1}")
        one_hot: Array = np.eye(self.vocab_size)[ids]
        return one_hot

    def forward(self, ids: ArrayLike, carry: bool = False) -> Array:
        """Logits (N, T, V) for character ids (N, T); carry=True starts from the last window's final state."""
        X = self._one_hot(ids)
        state = self._state if carry and self._state is not None and self._state[0].shape[0] == len(X) else ()
        Hs = self.rec.forward(X, *state)
        self._state = (self.rec.h_n,) if isinstance(self.rec, RNN) else (self.rec.h_n, self.rec.c_n)  # type: ignore[assignment]
        N, T, H = Hs.shape
        logits: Array = self.out.forward(Hs.reshape(N * T, H))
        return logits.reshape(N, T, self.vocab_size)

    def backward(self, dlogits: ArrayLike) -> None:
        """Add dLoss/dtheta for every parameter from dLoss/dlogits (N, T, V), through the read-out and BPTT."""
        dlogits = np.asarray(dlogits, dtype=np.float64)
        if dlogits.ndim != 3 or dlogits.shape[2] != self.vocab_size:
            raise ShapeError(f"CharLM: dlogits must have shape (N, T, {self.vocab_size}), got {dlogits.shape}")
        N, T, V = dlogits.shape
        dH = self.out.backward(dlogits.reshape(N * T, V))
        self.rec.backward(dH.reshape(N, T, -1))

    def sample(self, vocab: Vocabulary, start: str, length: int, rng: np.random.Generator,
               temperature: float = 1.0) -> str:
        """start followed by `length` characters drawn one at a time from softmax(logits / temperature)."""
        length = integer(length, "length", "CharLM.sample", low=0)
        temperature = real_number(temperature, "temperature", "CharLM.sample", low=0, low_open=True)
        rng = generator(rng, "CharLM.sample")
        self.reset()
        logits = self.forward(vocab.encode(start)[None, :])[0, -1]
        out = []
        for _ in range(length):
            p = softmax(logits / temperature)
            nxt = int(rng.choice(self.vocab_size, p=p))
            out.append(nxt)
            logits = self.forward(np.array([[nxt]]), carry=True)[0, -1]
        self.reset()
        return start + vocab.decode(out)


def ngram_cross_entropy(train: ArrayLike, test: ArrayLike, order: int, vocab_size: int,
                        alpha: float = 1.0) -> float:
    r"""Cross-entropy in nats per character of an add-alpha n-gram model fitted by counting on train.

    .. math::
        p(c \mid \text{context}) = \frac{\#(\text{context}, c) + \alpha}{\#(\text{context}) + \alpha V},

    with context the order-1 previous characters (order=1: the character frequencies alone).

    Examples
    --------
    >>> round(ngram_cross_entropy([0, 1, 0, 1], [0, 1], order=1, vocab_size=2), 6)  # ln 2
    0.693147
    """
    order = integer(order, "order", "ngram_cross_entropy")
    V = integer(vocab_size, "vocab_size", "ngram_cross_entropy")
    a = real_number(alpha, "alpha", "ngram_cross_entropy", low=0, low_open=True)
    train, test = np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64)
    k = order - 1

    def codes(ids: Ids) -> Ids:
        c = np.zeros(len(ids) - k, dtype=np.int64)
        for j in range(order):
            c = c * V + ids[j:len(ids) - k + j]
        return c

    counts = np.bincount(codes(train), minlength=V**order).reshape(-1, V).astype(float)
    probs = (counts + a) / (counts.sum(axis=1, keepdims=True) + a * V)
    test_codes = codes(test)
    return float(-np.mean(np.log(probs.reshape(-1)[test_codes])))
