"""Tests of bpkit.charlm: the shipped text, the vocabulary, TBPTT batches, the model's gradients, baselines."""

from __future__ import annotations

import hashlib
import itertools
from importlib import resources

import numpy as np
import pytest

from bpkit.charlm import CharLM, Vocabulary, load_pride_and_prejudice, ngram_cross_entropy, stream_batches
from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.gradcheck import numerical_gradient
from bpkit.losses import CrossEntropy


def test_shipped_text_is_the_documented_file() -> None:
    raw = resources.files("bpkit.datasets").joinpath("pride_and_prejudice.txt.gz").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == "2bf0ba14a4d38063543c515e8d30502af59a8822106c8a3274587fccbf60af92"
    text = load_pride_and_prejudice()
    assert hashlib.sha256(text.encode("ascii")).hexdigest() == (
        "dfc684d4f857fa938268f9ab9c5567b64bd0691251eca959644adeabe6287a4d")
    assert len(text) == 684768 and text.count("\n") == 13030 and len(set(text)) == 75
    assert text.startswith("PRIDE AND PREJUDICE") and text.rstrip().endswith("the means of uniting them.")
    assert resources.files("bpkit.datasets").joinpath("pride_and_prejudice.md").is_file()


def test_vocabulary_round_trip_and_errors() -> None:
    vocab = Vocabulary("the cat sat")
    ids = vocab.encode("cat sat")
    assert vocab.decode(ids) == "cat sat" and vocab.size == len(set("the cat sat"))
    with pytest.raises(ArgumentValueError, match=r"characters \['z'\] are not in the vocabulary"):
        vocab.encode("zat")
    with pytest.raises(ArgumentValueError, match="ids must lie in"):
        vocab.decode([99])
    with pytest.raises(ArgumentValueError, match="non-empty str"):
        Vocabulary("")


def test_stream_batches_continue_each_track() -> None:
    ids = np.arange(23)
    windows = list(stream_batches(ids, batch_size=3, steps=2))
    assert len(windows) == 3  # tracks of 7: windows start at 0, 2, 4
    for (X0, Y0), (X1, _) in itertools.pairwise(windows):
        assert np.array_equal(X1[:, 0], X0[:, -1] + 1) and np.array_equal(Y0, X0 + 1)
    with pytest.raises(ArgumentValueError, match="cannot make 3 tracks"):
        list(stream_batches(np.arange(5), 3, 2))


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_charlm_gradients_match_finite_differences(cell) -> None:
    rng = np.random.default_rng(0)
    lm = CharLM(4, 3, cell=cell, rng=rng)
    ids, targets = rng.integers(0, 4, size=(2, 5)), rng.integers(0, 4, size=(2, 5))
    loss = CrossEntropy()

    def objective() -> float:
        return float(loss(lm.forward(ids).reshape(-1, 4), targets.ravel()))

    lm.zero_grad()
    logits = lm.forward(ids)
    lm.backward(loss.grad(logits.reshape(-1, 4), targets.ravel()).reshape(logits.shape))
    grads = {k: v.copy() for k, v in lm.gradients().items()}
    for name, p in lm.parameters().items():
        assert np.allclose(grads[name], numerical_gradient(objective, p, order=4), rtol=1e-6, atol=1e-9), name


def test_carry_continues_the_state_like_one_long_sequence() -> None:
    rng = np.random.default_rng(1)
    lm = CharLM(5, 4, cell="lstm", rng=rng)
    ids = rng.integers(0, 5, size=(2, 8))
    whole = lm.forward(ids)
    lm.reset()
    parts = np.concatenate([lm.forward(ids[:, :3], carry=True), lm.forward(ids[:, 3:], carry=True)], axis=1)
    assert np.allclose(whole, parts, rtol=1e-13, atol=1e-14)
    fresh = lm.forward(ids[:, 3:])
    assert not np.allclose(fresh, parts[:, 3:])


def test_sample_is_reproducible_and_uses_the_vocabulary() -> None:
    vocab = Vocabulary("abc ")
    lm = CharLM(vocab.size, 4, cell="rnn", rng=np.random.default_rng(0))
    a = lm.sample(vocab, "ab", 20, np.random.default_rng(5))
    b = lm.sample(vocab, "ab", 20, np.random.default_rng(5))
    assert a == b and a.startswith("ab") and len(a) == 22 and set(a) <= set("abc ")
    with pytest.raises(ArgumentValueError, match="temperature must be a finite number > 0"):
        lm.sample(vocab, "a", 3, np.random.default_rng(0), temperature=0.0)


def test_bad_ids_are_refused() -> None:
    lm = CharLM(3, 2, cell="rnn", rng=np.random.default_rng(0))
    with pytest.raises(ShapeError, match=r"ids must be a 2-D integer array \(N, T\), got shape \(3,\)"):
        lm.forward(np.array([0, 1, 2]))
    with pytest.raises(ArgumentValueError, match=r"ids must lie in 0..2"):
        lm.forward(np.array([[0, 3]]))
    with pytest.raises(ShapeError, match=r"dlogits must have shape \(N, T, 3\)"):
        lm.backward(np.zeros((2, 3)))


def test_ngram_cross_entropy_against_direct_counts() -> None:
    train, test = np.array([0, 1, 1, 2, 0, 1]), np.array([1, 0, 1])
    # bigram, alpha = 1, V = 3: p(0|1) = (0 + 1) / (2 + 3), p(1|0) = (2 + 1) / (2 + 3)
    expected = -(np.log(1 / 5) + np.log(3 / 5)) / 2
    assert np.isclose(ngram_cross_entropy(train, test, order=2, vocab_size=3), expected, rtol=1e-14)
    uniform = ngram_cross_entropy(np.arange(4), np.arange(4), order=1, vocab_size=4, alpha=1e9)
    assert np.isclose(uniform, np.log(4), rtol=1e-8)
