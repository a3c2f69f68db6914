"""Tests of bpkit.plot: each function draws what it claims on a given or new Axes, with no global changes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from bpkit.losses import CrossEntropy
from bpkit.model import MLP
from bpkit.notebook import FIGURE_BOX_PX, MIN_TEXT_PX, book_png, book_style, figure_report
from bpkit.optim import Adam
from bpkit.plot import plot_decision_boundary, plot_grad_norms, plot_history, plot_optimizer_paths
from bpkit.train import History, fit


@pytest.fixture
def trained():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = MLP([2, 8, 2], activation="tanh", seed=0)
    h = fit(model, CrossEntropy(), Adam(0.05), X, y, epochs=8, batch_size=20, rng=rng, validation=(X[:20], y[:20]))
    yield model, X, y, h
    plt.close("all")


def test_no_global_rcparams_change(trained) -> None:
    model, X, y, h = trained
    before = dict(matplotlib.rcParams)
    plot_history(h)
    plot_grad_norms(h)
    plot_decision_boundary(model, X, y, resolution=30)
    assert dict(matplotlib.rcParams) == before


def test_plot_history_draws_both_curves_on_a_given_axes(trained) -> None:
    _, _, _, h = trained
    _, ax = plt.subplots(figsize=(4, 3))
    out = plot_history(h, ax=ax)
    assert out is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.allclose(lines["training loss"].get_ydata(), h.loss)
    assert np.allclose(lines["validation loss"].get_ydata(), h.val_loss)
    assert ax.get_xlabel() == "epoch"
    acc_ax = plot_history(h, metric="accuracy")
    assert acc_ax.figure.get_size_inches().tolist() == [5.0, 3.2]
    with pytest.raises(ValueError, match="metric must be one of"):
        plot_history(h, metric="f1")


def test_plot_grad_norms_is_per_layer_and_log_scaled(trained) -> None:
    _, _, _, h = trained
    ax = plot_grad_norms(h)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["W1", "W2"]
    with pytest.raises(ValueError, match="no gradient norms"):
        plot_grad_norms(History())


def test_plot_decision_boundary(trained) -> None:
    model, X, y, _ = trained
    ax = plot_decision_boundary(model, X, y, resolution=40)
    assert len(ax.collections) >= 2  # filled regions and the scatter of points
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plot_decision_boundary(model, np.zeros((3, 3)), y[:3])


class _Bowl:
    name = "a bowl"
    xlim, ylim = (-2.0, 2.0), (-2.0, 2.0)
    levels = None
    start = np.array([1.5, 1.5])
    minimum = np.array([0.0, 0.0])

    @staticmethod
    def value_grid(X, Y):
        return X**2 + 3 * Y**2


def test_plot_optimizer_paths() -> None:
    path = np.array([[1.5, 1.5], [1.0, 0.5], [0.2, 0.1]])
    ax = plot_optimizer_paths(_Bowl(), {"gd": path})
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["gd", "start", "minimum"]
    assert np.allclose(ax.get_lines()[0].get_xydata(), path)
    assert "a bowl" in ax.get_title()
    with pytest.raises(ValueError, match=r"paths\['bad'\] must have 2 dimensions"):
        plot_optimizer_paths(_Bowl(), {"bad": np.zeros(3)})
    with pytest.raises(ValueError, match=r"paths\['bad'\] must have shape \(T, 2\)"):
        plot_optimizer_paths(_Bowl(), {"bad": np.zeros((3, 3))})
    plt.close("all")


def _meets_the_rule(ax) -> dict:
    """The figure of ``ax``, saved as the book saves it, meets R1 (text size) and R4 (no colour-only lines)."""
    _, meta = book_png(ax.figure)
    report = figure_report(ax.figure)
    for window, box in FIGURE_BOX_PX.items():
        shown = report["min_font_pt"] * 100 / 72 * min(1.0, box / meta["width"])
        assert shown >= MIN_TEXT_PX[window], (window, shown, meta, report)
    assert report["same_style"] == [], report
    return report


def test_every_plot_meets_the_legibility_rule_in_the_book_style(trained) -> None:
    model, X, y, h = trained
    with matplotlib.rc_context(book_style()):
        for ax in (plot_history(h), plot_history(h, metric="accuracy"), plot_grad_norms(h),
                   plot_decision_boundary(model, X, y, resolution=30),
                   plot_optimizer_paths(_Bowl(), {f"opt{k}": np.random.default_rng(k).normal(size=(20, 2))
                                                  for k in range(9)})):
            _meets_the_rule(ax)


def test_lines_and_classes_differ_without_colour(trained) -> None:
    model, X, y, h = trained
    ax = plot_history(h)
    styles = [line.get_linestyle() for line in ax.get_lines()]
    assert len(set(styles)) == len(styles) == 3  # training, validation, best epoch
    ax = plot_decision_boundary(model, X, y, resolution=20)
    markers = {c.get_label(): c.get_paths()[0].vertices.tobytes() for c in ax.collections if c.get_label().startswith("class")}
    assert sorted(markers) == ["class 0", "class 1"] and len(set(markers.values())) == 2
    paths = {f"opt{k}": np.zeros((5, 2)) for k in range(9)}
    ax = plot_optimizer_paths(_Bowl(), paths)
    looks = [(str(line._unscaled_dash_pattern), line.get_marker()) for line in ax.get_lines()[:9]]
    assert len(set(looks)) == 9
    plt.close("all")
