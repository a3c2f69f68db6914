"""Tests of bpkit.exercises.ch08."""

from __future__ import annotations

import numpy as np

from bpkit.exercises.ch08 import chain_factor, check_chain_factor, check_init_scales, check_log_sum_exp


def test_chain_factor(capsys) -> None:
    assert np.isclose(chain_factor(), 0.25**10, rtol=1e-12)
    assert check_chain_factor(0.25**10)
    assert not check_chain_factor(0.5**10)
    assert "1/4" in capsys.readouterr().out.splitlines()[-1]


def test_init_scales(capsys) -> None:
    assert check_init_scales(np.sqrt(2 / 256), np.sqrt(6 / 384))
    assert not check_init_scales(np.sqrt(2 / 128), np.sqrt(6 / 384))


def test_log_sum_exp(capsys) -> None:
    assert check_log_sum_exp(lambda z: np.max(z) + np.log(np.sum(np.exp(z - np.max(z)))))
    assert capsys.readouterr().out == "✔ log_sum_exp is correct.\n"
    assert not check_log_sum_exp(lambda z: np.log(np.sum(np.exp(z))))
    assert "overflows" in capsys.readouterr().out
    assert not check_log_sum_exp(lambda z: np.max(z))
